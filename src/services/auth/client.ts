import {
  AuthClient,
  type GetIdentitiesOptions,
  type IdentityRecord,
  type UserInfo,
} from "../../auth/auth-client.ts";
import type { ConfidentialAppAuthClient } from "../../auth/login-client.ts";
import { AuthScopes, type Scope } from "../../scopes/index.ts";
import type { ConsentRecord } from "../../token-storage/index.ts";
import { AuthAPIError } from "../../transport/errors.ts";
import type { CallOptions } from "../../transport/types.ts";
import { BaseServiceClient, type ServiceClientOptions } from "../base/client.ts";

/**
 * Globus Auth as a service, bound like any client: `new AuthServiceClient({ app })`
 * requires `openid profile email` and exposes identities, userinfo and consents. The calls
 * are the ones of {@link AuthClient}, authorized through the app.
 */
export class AuthServiceClient extends BaseServiceClient {
  static override readonly serviceName = "auth";
  static override readonly errorClass = AuthAPIError;
  /** Auth's scopes and resource server. */
  static readonly scopes = AuthScopes;
  readonly #auth: AuthClient;

  constructor(
    options: ServiceClientOptions & { confidentialClient?: ConfidentialAppAuthClient } = {},
  ) {
    super(options);
    this.#auth = new AuthClient({
      confidentialClient: options.confidentialClient,
      environment: this.environment,
      baseUrl: this.transport.baseUrl,
      authorizer: options.authorizer ?? options.app?.authorizerFor(AuthScopes.resourceServer),
      appName: options.app?.appName,
      timeout: options.timeout,
      retry: options.retry,
    });
  }

  override get resourceServer(): string {
    return AuthScopes.resourceServer;
  }

  override get defaultScopeRequirements(): Scope[] {
    return [AuthScopes.openid, AuthScopes.profile, AuthScopes.email];
  }

  /** The logged-in identity's claims (and its identity set, when granted). */
  userinfo(options: CallOptions = {}): Promise<UserInfo> {
    return this.#auth.userinfo(options);
  }

  /** Identities by ids or by usernames, looked up in batches. */
  getIdentities(options: GetIdentitiesOptions): Promise<IdentityRecord[]> {
    return this.#auth.getIdentities(options);
  }

  /**
   * The session behind a token: its identity set and each identity's authentications (time,
   * MFA), by introspection with `include=session_info,identity_set`. Globus allows this only
   * to a confidential client (pass `confidentialClient`), such as the service a token was
   * issued for.
   */
  sessionInfo(token: string, options: CallOptions = {}): Promise<Record<string, unknown>> {
    return this.#auth.oauth2TokenIntrospect(token, {
      ...options,
      include: ["session_info", "identity_set"],
    });
  }

  /** An identity's consents (those rooted at this client, or all with `all: true`). */
  getConsents(
    identityId: string,
    options: CallOptions & { all?: boolean } = {},
  ): Promise<ConsentRecord[]> {
    return this.#auth.getConsents(identityId, options);
  }
}
