import { GCSCollectionScopes, type Scope, TransferScopes } from "../../scopes/index.ts";
import { apiPath } from "../../transport/encoding.ts";
import { TransferAPIError } from "../../transport/errors.ts";
import type { CallOptions } from "../../transport/types.ts";
import { BaseServiceClient } from "../base/client.ts";

/** One entry of a directory listing. */
export interface TransferFileEntry {
  DATA_TYPE: "file";
  name: string;
  type: "file" | "dir" | "invalid_symlink" | "chardev" | "blockdev" | "pipe" | "other";
  size: number;
  last_modified: string | null;
  permissions?: string;
  [field: string]: unknown;
}

/** The body of an `ls` response. */
export interface TransferLsResponse {
  DATA_TYPE: "file_list";
  path: string;
  endpoint: string;
  DATA: TransferFileEntry[];
  [field: string]: unknown;
}

/** Options of {@link TransferClient.operationLs}. */
export interface LsOptions extends CallOptions {
  path?: string;
  showHidden?: boolean;
  limit?: number;
  offset?: number;
}

/**
 * A client for Globus Transfer (`/v0.10/`). Bound to an app it requires
 * `TransferScopes.all` by default.
 */
export class TransferClient extends BaseServiceClient {
  static override readonly serviceName = "transfer";
  static override readonly errorClass = TransferAPIError;
  /** Transfer's scopes and resource server. */
  static readonly scopes = TransferScopes;

  override get resourceServer(): string {
    return TransferScopes.resourceServer;
  }

  override get defaultScopeRequirements(): Scope[] {
    return [TransferScopes.all];
  }

  /**
   * Requires `data_access` consents for GCS collections (optional dependent scopes of
   * `transfer:all`), which mapped and high-assurance collections demand before access.
   */
  addAppDataAccessScope(collectionIds: string | Iterable<string>): this {
    const ids = typeof collectionIds === "string" ? [collectionIds] : [...collectionIds];
    let scope = TransferScopes.all;
    for (const id of ids)
      scope = scope.withDependency(GCSCollectionScopes(id).data_access.withOptional(true));
    return this.addAppScope(scope);
  }

  /** Lists a directory on a collection. */
  async operationLs(endpointId: string, options: LsOptions = {}): Promise<TransferLsResponse> {
    const response = await this.request<TransferLsResponse>({
      path: apiPath`/v0.10/operation/endpoint/${endpointId}/ls`,
      query: {
        path: options.path,
        show_hidden: options.showHidden,
        limit: options.limit,
        offset: options.offset,
      },
      signal: options.signal,
      timeout: options.timeout,
    });
    return response.data;
  }
}
