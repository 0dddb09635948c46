/** `login`, `logout`, `whoami` and `session`. */
import { parseArgs } from "node:util";
import { AuthClient } from "../../auth/index.ts";
import { UserApp } from "../../globus-app/index.ts";
import { AuthScopes, KNOWN_SCOPES } from "../../scopes/index.ts";
import { FlowsClient } from "../../services/flows/client.ts";
import { TransferClient } from "../../services/transfer/client.ts";
import { createCliApp, EXIT, emit, JSON_FLAG } from "../context.ts";

/** `login [--no-browser] [--force] [--mfa] [--scope S]...` */
export async function runLogin(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...JSON_FLAG,
      "no-browser": { type: "boolean" },
      force: { type: "boolean" },
      mfa: { type: "boolean" },
      scope: { type: "string", multiple: true },
    },
  });
  await using app = createCliApp({
    loginFlowManager: values["no-browser"] ? "command-line" : "auto",
  });
  bindDefaults(app);
  if (values.scope?.length) {
    for (const scope of values.scope)
      app.addScopeRequirements({ [resourceServerOf(scope)]: scope });
  }
  const authParams = values.mfa
    ? { session_required_mfa: true, session_message: "This login requires MFA." }
    : undefined;
  const needed = values.force || authParams !== undefined || (await app.loginRequired());
  await app.login({ force: values.force ?? false, ...(authParams ? { authParams } : {}) });
  const resourceServers = Object.keys(app.scopeRequirements).sort();
  emit(values.json ?? false, { loggedIn: true, newLogin: needed, resourceServers }, () =>
    needed
      ? `Logged in. Tokens stored for: ${resourceServers.join(", ")}`
      : "Already logged in; nothing to do (use --force to log in again).",
  );
  return EXIT.ok;
}

/** `logout`: revokes and removes every stored token. */
export async function runLogout(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: JSON_FLAG });
  await using app = createCliApp();
  // the CLI's tokens are all its own: sweep them, whichever services they were for
  const report = await app.logout({ sweep: true });
  const failed = report.revocationFailures.map((f) => `${f.resourceServer} (${f.token})`);
  emit(
    values.json ?? false,
    { loggedOut: true, removed: report.removed, revocationFailures: failed },
    () =>
      (report.removed.length
        ? `Logged out; removed tokens for ${report.removed.join(", ")}.`
        : "No stored tokens; nothing to remove.") +
      (failed.length
        ? ` Globus Auth could not be told to revoke: ${failed.join(", ")} (they are removed here; revoke them at https://app.globus.org/account/consents).`
        : ""),
  );
  return EXIT.ok;
}

/** `whoami`: the identity and its linked identities. */
export async function runWhoami(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: JSON_FLAG });
  await using app = createCliApp({ loginFlowManager: "command-line" });
  if (!(app instanceof UserApp)) {
    emit(
      values.json ?? false,
      { clientId: app.clientId, kind: "client" },
      () => `Service account: client ${app.clientId}`,
    );
    return EXIT.ok;
  }
  bindDefaults(app);
  const auth = new AuthClient({
    environment: app.config.environment,
    authorizer: app.authorizerFor(AuthScopes.resourceServer),
  });
  const info = await auth.userinfo();
  const linked = (info["identity_set"] as Array<Record<string, unknown>> | undefined) ?? [];
  emit(values.json ?? false, info, () =>
    [
      `${String(info["preferred_username"] ?? info.sub)} (${String(info["name"] ?? "")})`,
      `  identity id: ${info.sub}`,
      ...(linked.length
        ? [
            "  linked identities:",
            ...linked.map((i) => `    ${String(i["username"])} (${String(i["sub"])})`),
          ]
        : []),
    ].join("\n"),
  );
  return EXIT.ok;
}

/** `session`: stored tokens per resource server, never their values. */
export async function runSession(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: JSON_FLAG });
  await using app = createCliApp();
  const storage = await app.tokenStorage();
  const now = Math.floor(Date.now() / 1000);
  const rows = Object.values(await storage.getTokenDataByResourceServer()).map((t) => ({
    resourceServer: t.resource_server,
    scopes: t.scope.split(" ").filter(Boolean),
    expiresAt: new Date(t.expires_at_seconds * 1000).toISOString(),
    expired: t.expires_at_seconds <= now,
    refreshable: Boolean(t.refresh_token),
    identityId: t.identity_id,
  }));
  emit(values.json ?? false, { tokens: rows }, () =>
    rows.length === 0
      ? "No stored tokens: run `globus-sdk login`."
      : rows
          .map(
            (r) =>
              `${r.resourceServer}\n  scopes:  ${r.scopes.join(" ")}\n  expires: ${r.expiresAt}${r.expired ? " (expired)" : ""}\n  refresh: ${r.refreshable ? "yes" : "no"}`,
          )
          .join("\n"),
  );
  return EXIT.ok;
}

/** The services the CLI talks to, so one login covers every command. */
function bindDefaults(app: ReturnType<typeof createCliApp>): void {
  new TransferClient({ app });
  new FlowsClient({ app });
  app.addScopeRequirements({
    [AuthScopes.resourceServer]: [AuthScopes.openid, AuthScopes.profile, AuthScopes.email],
  });
}

/** The resource server a scope string belongs to (URN form names it; URL form uses the id). */
function resourceServerOf(scope: string): string {
  const base = scope.replace(/^\*/, "").split("[")[0]!;
  for (const set of Object.values(KNOWN_SCOPES)) {
    if (Object.values(set.scopes).includes(base as never)) return set.resourceServer;
  }
  const urn = /^urn:globus:auth:scope:([^:]+):/.exec(scope);
  if (urn) return urn[1]!;
  const url = /^https:\/\/auth\.globus\.org\/scopes\/([^/]+)\//.exec(scope);
  if (url) return url[1]!;
  return AuthScopes.resourceServer;
}
