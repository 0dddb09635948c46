/** Globus Transfer's emulator module; its parts live in `./transfer/`. */
export * from "./transfer/index.ts";
