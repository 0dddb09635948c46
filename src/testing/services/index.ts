import type { ServiceModule } from "../types.ts";

/** Every service module the emulator mounts. */
export const SERVICE_MODULES: readonly ServiceModule[] = [];
