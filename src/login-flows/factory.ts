import type { BaseLoginClient } from "../auth/index.ts";
import { GlobusSDKUsageError } from "../errors.ts";
import { createDefaultLoginFlowManager } from "./auto.ts";
import { defaultNamedGrant, type LoginFlowManager } from "./base.ts";
import { CommandLineLoginFlowManager } from "./command-line.ts";
import { LocalServerLoginFlowManager } from "./local-server.ts";

/** The login flow shorthands a GlobusApp config accepts. */
export type LoginFlowManagerShorthand = "auto" | "command-line" | "local-server";

/** What a GlobusApp hands over when it needs its login flow manager. */
export interface LoginFlowContext {
  appName: string;
  loginClient: BaseLoginClient;
  config: {
    loginRedirectUri?: string | undefined;
    requestRefreshTokens?: boolean | undefined;
    /** The grant label (native clients); undefined means the default, null none. */
    prefillNamedGrant?: string | null | undefined;
  };
}

/**
 * Resolves an app's `loginFlowManager` setting: a shorthand name, a ready manager, or a
 * provider with `forGlobusApp(context)`.
 */
export function createLoginFlowManager<C extends LoginFlowContext>(
  spec:
    | LoginFlowManagerShorthand
    | LoginFlowManager
    | { forGlobusApp(context: C): LoginFlowManager }
    | undefined,
  context: C,
): LoginFlowManager {
  const named = context.config.prefillNamedGrant;
  const common = {
    loginClient: context.loginClient,
    requestRefreshTokens: context.config.requestRefreshTokens ?? false,
    ...(named === null ? {} : { prefillNamedGrant: named ?? defaultNamedGrant(context.appName) }),
  };
  const redirect = context.config.loginRedirectUri
    ? { redirectUri: context.config.loginRedirectUri }
    : {};
  if (spec === undefined || spec === "auto") {
    return createDefaultLoginFlowManager({ ...common, ...redirect, appName: context.appName });
  }
  if (spec === "command-line") return new CommandLineLoginFlowManager({ ...common, ...redirect });
  if (spec === "local-server") {
    return new LocalServerLoginFlowManager({ ...common, appName: context.appName });
  }
  if (typeof spec === "object" && spec !== null) {
    if ("runLoginFlow" in spec && typeof spec.runLoginFlow === "function") return spec;
    if ("forGlobusApp" in spec && typeof spec.forGlobusApp === "function") {
      return spec.forGlobusApp(context);
    }
  }
  throw new GlobusSDKUsageError(
    `loginFlowManager must be "auto", "command-line", "local-server", a LoginFlowManager or a provider with forGlobusApp(), got ${typeof spec === "string" ? JSON.stringify(spec) : typeof spec}.`,
  );
}
