import { ComputeScopes, type Scope } from "../../scopes/index.ts";
import { ComputeAPIError } from "../../transport/errors.ts";
import { BaseServiceClient } from "../base/client.ts";
import { uuidList } from "../ids.ts";

/**
 * What the Compute clients of both API versions share: the service, its error class, and
 * its one scope (`ComputeScopes.all`), which a client bound to an app requires.
 */
export abstract class ComputeServiceClient extends BaseServiceClient {
  static override readonly serviceName = "compute";
  static override readonly errorClass = ComputeAPIError;
  /** Compute's scopes and resource server. */
  static readonly scopes = ComputeScopes;

  override get resourceServer(): string {
    return ComputeScopes.resourceServer;
  }

  override get defaultScopeRequirements(): Scope[] {
    return [ComputeScopes.all];
  }
}

/** A checked UUID argument: Compute's ids are all UUIDs, so a typo fails before the call. */
export function computeId(name: string, id: string): string {
  // String(): a JavaScript caller may pass anything; the message then shows what it was
  return uuidList(name, String(id))[0] as string;
}
