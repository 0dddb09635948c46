import type { Writable } from "node:stream";
import type { OAuthTokenResponse } from "../auth/index.ts";
import { BaseLoginFlowManager, throwIfAborted } from "../login-flows/base.ts";
import {
  type LoginAuthParams,
  LoginCallbackError,
  type LoginFlowManagerOptions,
  type RunLoginFlowOptions,
  StateMismatchError,
  UserDeniedError,
} from "../login-flows/index.ts";
import type { EmulatorControls } from "./server.ts";

/** Options of {@link EmulatorLoginFlowManager}. */
export interface EmulatorLoginFlowManagerOptions extends LoginFlowManagerOptions {
  /** The emulator's controls and the seeded identity that approves each login. */
  approveAs?: { controls: EmulatorControls; identityId: string; mfa?: boolean };
  /** Where the authorize URL is printed, as a person would see it. Default: nowhere. */
  output?: Writable;
  /** The redirect URI (a confidential client's registered one); default: the auth-code page. */
  redirectUri?: string;
}

/**
 * A login flow for tests and demos against the emulator: it prints the authorize URL,
 * then plays the browser. It requests the URL as a browser would, follows the emulator's
 * redirect (an approval set with `controls.autoApprove`, or `approveAs` here), checks
 * `state`, and exchanges the code. Logins that demand MFA are approved with MFA.
 */
export class EmulatorLoginFlowManager extends BaseLoginFlowManager {
  readonly #approveAs: EmulatorLoginFlowManagerOptions["approveAs"];
  readonly #output: Writable | undefined;
  readonly #redirectUri: string | undefined;

  constructor(options: EmulatorLoginFlowManagerOptions) {
    super(options);
    this.#approveAs = options.approveAs;
    this.#output = options.output;
    this.#redirectUri = options.redirectUri;
  }

  async runLoginFlow(
    authParams: LoginAuthParams,
    options: RunLoginFlowOptions = {},
  ): Promise<OAuthTokenResponse> {
    throwIfAborted(options.signal);
    const { flow, authorizeUrl, params } = this.startLogin(authParams, this.#redirectUri);
    this.#output?.write(`Please authenticate with Globus here:\n${authorizeUrl}\n`);
    if (this.#approveAs) {
      const { controls, identityId, mfa } = this.#approveAs;
      controls.autoApprove(identityId, {
        mfa: mfa || params.session_required_mfa === true,
        count: 1,
      });
    }
    const response = await fetch(authorizeUrl, {
      redirect: "manual",
      signal: options.signal ?? null,
    });
    const location = response.headers.get("location");
    await response.body?.cancel();
    if (!location) {
      throw new LoginCallbackError(
        "no_redirect",
        undefined,
        `The emulator showed its login page instead of redirecting (HTTP ${response.status}): approve with controls.autoApprove() or pass approveAs.`,
      );
    }
    const redirect = new URL(location);
    const error = redirect.searchParams.get("error");
    const description = redirect.searchParams.get("error_description") ?? undefined;
    if (error === "access_denied") throw new UserDeniedError(description);
    if (error) throw new LoginCallbackError(error, description);
    if (redirect.searchParams.get("state") !== flow.state) {
      throw new StateMismatchError(
        "The login redirect carried a state that does not match this login.",
      );
    }
    const code = redirect.searchParams.get("code");
    if (!code) {
      throw new LoginCallbackError(
        "no_code",
        undefined,
        "The login redirect carried no authorization code.",
      );
    }
    return flow.exchangeCode(code, { signal: options.signal });
  }
}
