import type { ServiceModule } from "../types.ts";
import { computeService } from "./compute.ts";
import { flowsService } from "./flows/index.ts";
import { gcsService } from "./gcs.ts";
import { groupsService } from "./groups/index.ts";
import { searchService } from "./search.ts";
import { timersService } from "./timers/index.ts";
import { transferService } from "./transfer.ts";

export {
  COMPUTE_LOCK_SECONDS,
  COMPUTE_TASK_SECONDS,
  DEMO_COMPUTE_ENDPOINT_ID,
  DEMO_COMPUTE_PUBLIC_ENDPOINT_ID,
  emulatedComputeFunction,
} from "./compute.ts";
export {
  DEMO_REGISTERED_API_ID,
  DEMO_REGISTERED_API_IDS,
  FLOW_RUN_SECONDS,
  WEB_INPUT_ACTION_URL,
} from "./flows/index.ts";
export {
  DEMO_GROUP_ID,
  DEMO_SUBSCRIPTION_GROUP_ID,
  DEMO_SUBSCRIPTION_ID,
} from "./groups/index.ts";
export {
  DEMO_SEARCH_INDEX_ID,
  SEARCH_TASK_SECONDS,
  TRIAL_INDEX_RETENTION_SECONDS,
} from "./search.ts";
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
