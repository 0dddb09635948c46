import { GlobusSDKUsageError } from "../errors.ts";
import type { ConsentRecord, ConsentSource } from "../token-storage/consents.ts";
import { apiPath } from "../transport/encoding.ts";
import {
  type EnvironmentName,
  getServiceUrl,
  resolveEnvironment,
} from "../transport/environments.ts";
import { AuthAPIError } from "../transport/errors.ts";
import { type RetryOptions, Transport } from "../transport/transport.ts";
import type { Authorizer, CallOptions } from "../transport/types.ts";
import type { ConfidentialAppAuthClient } from "./login-client.ts";

/** One identity as Globus Auth's identities API returns it. */
export interface IdentityRecord {
  id: string;
  username: string;
  name: string | null;
  email: string | null;
  organization: string | null;
  identity_provider: string | null;
  identity_type?: string;
  status?: string;
  [field: string]: unknown;
}

/** The userinfo document of the token's identity (`sub`, `identity_set`, profile fields). */
export interface UserInfo {
  sub: string;
  [claim: string]: unknown;
}

/** How an {@link AuthClient} is built. */
export interface AuthClientOptions {
  /** Supplies the Auth access token (scopes such as `openid`, `view_identities`, `view_consents`). */
  authorizer?: Authorizer | undefined;
  environment?: string | undefined;
  /** Globus Auth's base URL. Default: `GLOBUS_SDK_SERVICE_URL_AUTH`, else the environment's. */
  baseUrl?: string | undefined;
  appName?: string | undefined;
  timeout?: number | undefined;
  retry?: RetryOptions | undefined;
  /** Lets {@link AuthClient.oauth2TokenIntrospect} authenticate as this confidential client. */
  confidentialClient?: ConfidentialAppAuthClient | undefined;
}

/** Options of {@link AuthClient.getIdentities}: exactly one of `ids` and `usernames`. */
export interface GetIdentitiesOptions extends CallOptions {
  ids?: string | Iterable<string>;
  usernames?: string | Iterable<string>;
  /** Create identities Globus Auth has not seen yet (usernames only). */
  provision?: boolean;
}

function toList(value: string | Iterable<string> | undefined, what: string): string[] {
  if (value === undefined) return [];
  const items = typeof value === "string" ? value.split(",") : [...value];
  return items
    .map((item) => {
      if (typeof item !== "string")
        throw new GlobusSDKUsageError(`Every one of ${what} must be a string.`);
      return item.trim();
    })
    .filter((item) => item !== "");
}

/**
 * Globus Auth for a token holder (a user's app, or a resource server): userinfo, identity
 * look-ups, consents and token introspection. Implements the token storage's
 * `ConsentSource`, so a validating storage can check dependent consents with it.
 */
export class AuthClient implements ConsentSource {
  /** How many ids or usernames go into one identities request (Globus Auth limits URL sizes). */
  static readonly IDENTITY_BATCH_SIZE = 100;
  readonly environment: EnvironmentName;
  readonly baseUrl: string;
  readonly transport: Transport;
  readonly #confidentialClient: ConfidentialAppAuthClient | undefined;

  constructor(options: AuthClientOptions = {}) {
    this.environment = resolveEnvironment(options.environment);
    this.transport = new Transport({
      baseUrl: options.baseUrl ?? getServiceUrl("auth", this.environment),
      authorizer: options.authorizer,
      errorClass: AuthAPIError,
      appName: options.appName,
      timeout: options.timeout,
      retry: options.retry,
    });
    this.baseUrl = this.transport.baseUrl;
    this.#confidentialClient = options.confidentialClient;
  }

  /** The OpenID userinfo of the token's identity (needs the `openid` scope). */
  async userinfo(options: CallOptions = {}): Promise<UserInfo> {
    const response = await this.transport.request<UserInfo>({
      path: "v2/oauth2/userinfo",
      ...options,
    });
    return response.data;
  }

  /**
   * Looks identities up by id or by username. Long lists are split into batches of
   * {@link AuthClient.IDENTITY_BATCH_SIZE}; the results come back in one list, in batch order.
   */
  async getIdentities(options: GetIdentitiesOptions): Promise<IdentityRecord[]> {
    const ids = toList(options?.ids, "ids");
    const usernames = toList(options?.usernames, "usernames");
    if (ids.length > 0 === usernames.length > 0) {
      throw new GlobusSDKUsageError(
        "getIdentities needs exactly one of ids or usernames (non-empty).",
      );
    }
    const key = ids.length > 0 ? "ids" : "usernames";
    const values = [...new Set(ids.length > 0 ? ids : usernames)];
    const size = AuthClient.IDENTITY_BATCH_SIZE;
    const batches: string[][] = [];
    for (let start = 0; start < values.length; start += size)
      batches.push(values.slice(start, start + size));
    const results = await Promise.all(
      batches.map((batch) =>
        this.transport.request<{ identities?: IdentityRecord[] }>({
          path: "v2/api/identities",
          query: {
            [key]: batch,
            provision: options.provision === undefined ? undefined : options.provision,
          },
          signal: options.signal,
          timeout: options.timeout,
        }),
      ),
    );
    return results.flatMap((response) => response.data?.identities ?? []);
  }

  /**
   * The consents of an identity in the caller's identity set (needs the `view_consents`
   * scope). `all` includes consents of every client, not only this one.
   */
  async getConsents(
    identityId: string,
    options: CallOptions & { all?: boolean } = {},
  ): Promise<ConsentRecord[]> {
    if (typeof identityId !== "string" || identityId.trim() === "") {
      throw new GlobusSDKUsageError("getConsents needs an identity id.");
    }
    const response = await this.transport.request<{ consents?: ConsentRecord[] }>({
      path: apiPath`v2/api/identities/${identityId.trim()}/consents`,
      query: { all: options.all === undefined ? undefined : options.all },
      signal: options.signal,
      timeout: options.timeout,
    });
    return response.data?.consents ?? [];
  }

  /**
   * Introspects a token as the confidential client given at construction (Globus Auth only
   * lets the client the token was issued to, or its resource server, do this).
   */
  oauth2TokenIntrospect(
    token: string,
    options: CallOptions & { include?: string | readonly string[] } = {},
  ): Promise<Record<string, unknown>> {
    if (!this.#confidentialClient) {
      throw new GlobusSDKUsageError(
        "Token introspection needs client credentials: build the AuthClient with confidentialClient.",
      );
    }
    return this.#confidentialClient.oauth2TokenIntrospect(token, options);
  }
}
