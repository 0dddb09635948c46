import type { ServiceModule } from "../types.ts";
import { computeService } from "./compute.ts";
import { flowsService } from "./flows.ts";
import { gcsService } from "./gcs.ts";
import { groupsService } from "./groups.ts";
import { searchService } from "./search.ts";
import { timersService } from "./timers.ts";
import { transferService } from "./transfer.ts";

export { COMPUTE_TASK_SECONDS, DEMO_COMPUTE_ENDPOINT_ID } from "./compute.ts";
export { FLOW_RUN_SECONDS } from "./flows.ts";
export { DEMO_SEARCH_INDEX_ID } from "./search.ts";
export {
  DEMO_INITIATOR_STREAM_ACCESS_POINT_ID,
  DEMO_LISTENER_STREAM_ACCESS_POINT_ID,
  FILE_RESULTS_PAGE_SIZE,
  TRANSFER_TASK_SECONDS,
  TUNNEL_TRANSITION_SECONDS,
} from "./transfer.ts";

/** Every service module the emulator mounts. */
export const SERVICE_MODULES: readonly ServiceModule[] = [
  transferService,
  flowsService,
  groupsService,
  searchService,
  timersService,
  computeService,
  gcsService,
];
