/**
 * Globus Transfer: endpoints and collections (documents, search, Globus Connect Personal
 * administration, guest collections), roles and access rules, bookmarks, file operations
 * on each collection's tree, transfer and delete tasks that run with the emulator clock,
 * the endpoint manager API with pause rules, and the v2 tunnels API.
 *
 * `state.ts` is the model (who may do what); each other module is one part of the API.
 */
import type { EmulatorContext, ServiceModule, ServiceRouter } from "../../types.ts";
import { registerAccessRoutes } from "./access.ts";
import { registerBookmarkRoutes } from "./bookmarks.ts";
import { registerEndpointManagerRoutes } from "./endpoint-manager.ts";
import { EndpointDocuments, registerEndpointRoutes } from "./endpoints.ts";
import { transferErrorBody } from "./errors.ts";
import { registerFileRoutes } from "./files.ts";
import { registerPauseRuleRoutes } from "./pause-rules.ts";
import { TransferState } from "./state.ts";
import { registerTaskRoutes, TaskEngine } from "./tasks.ts";
import { registerTunnelRoutes } from "./tunnels.ts";

export { DEMO_SUBSCRIPTION_ID } from "./state.ts";
export { FILE_RESULTS_PAGE_SIZE, TRANSFER_TASK_SECONDS } from "./tasks.ts";
export {
  DEMO_INITIATOR_STREAM_ACCESS_POINT_ID,
  DEMO_LISTENER_STREAM_ACCESS_POINT_ID,
  TUNNEL_TRANSITION_SECONDS,
} from "./tunnels.ts";

function register(router: ServiceRouter, context: EmulatorContext): void {
  const state = new TransferState(context);
  const engine = new TaskEngine(state);
  state.onRequest = () => engine.sync();
  const documents = new EndpointDocuments(state, engine);
  registerEndpointRoutes(router, state, documents);
  registerAccessRoutes(router, state);
  registerBookmarkRoutes(router, state);
  registerFileRoutes(router, state);
  registerTaskRoutes(router, engine);
  registerPauseRuleRoutes(router, state, engine);
  registerEndpointManagerRoutes(router, state, engine, documents);
  registerTunnelRoutes(router, state);
}

/** Globus Transfer, mounted at `/transfer/`. */
export const transferService: ServiceModule = {
  name: "transfer",
  errorFormat: (_status, code, message) => transferErrorBody("", code, message),
  register,
};
