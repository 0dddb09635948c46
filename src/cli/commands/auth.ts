/** `login`, `logout`, `whoami`, `session` and `token`. */
import { AuthClient } from "../../auth/index.ts";
import { ClientApp, type GlobusApp } from "../../globus-app/index.ts";
import { AuthScopes, KNOWN_SCOPES } from "../../scopes/index.ts";
import { FlowsClient } from "../../services/flows/client.ts";
import { TransferClient } from "../../services/transfer/client.ts";
import { createCliApp, EXIT, emit, NotLoggedInError, profileOf } from "../context.ts";
import type { CommandSpec, ParsedArguments } from "../framework.ts";

/** The services the CLI talks to, so one login covers every command. */
export function bindDefaults(app: GlobusApp): void {
  new TransferClient({ app });
  new FlowsClient({ app });
  if (!(app instanceof ClientApp)) {
    app.addScopeRequirements({
      [AuthScopes.resourceServer]: [AuthScopes.openid, AuthScopes.profile, AuthScopes.email],
    });
  }
}

/** The resource server a scope string belongs to (URN form names it; URL form uses the id). */
export function resourceServerOf(scope: string): string {
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

const list = (value: unknown): string[] => (Array.isArray(value) ? (value as string[]) : []);

async function runLogin({ options }: ParsedArguments): Promise<number> {
  const profile = profileOf(options);
  await using app = createCliApp({
    profile,
    loginFlowManager: options["no-browser"] ? "command-line" : "auto",
  });
  bindDefaults(app);
  for (const scope of list(options["scope"])) {
    app.addScopeRequirements({ [resourceServerOf(scope)]: scope });
  }
  const authParams = {
    ...(options["mfa"] ? { session_required_mfa: true } : {}),
    ...(list(options["identity"]).length
      ? { session_required_identities: list(options["identity"]) }
      : {}),
    ...(list(options["domain"]).length
      ? { session_required_single_domain: list(options["domain"]) }
      : {}),
    ...(list(options["policy"]).length
      ? { session_required_policies: list(options["policy"]) }
      : {}),
    ...(options["message"] ? { session_message: options["message"] as string } : {}),
    ...(options["mfa"] && !options["message"]
      ? { session_message: "This login requires MFA." }
      : {}),
  };
  const removed = list(options["remove-scope"]);
  const hasParams = Object.keys(authParams).length > 0;
  const force = Boolean(options["force"]) || removed.length > 0;
  const needed = force || hasParams || (await app.loginRequired());
  await app.login({
    force,
    ...(hasParams ? { authParams } : {}),
    ...(removed.length ? { withoutScopes: removed } : {}),
  });
  const resourceServers = Object.keys(app.scopeRequirements).sort();
  emit(
    Boolean(options["json"]),
    { loggedIn: true, newLogin: needed, profile, resourceServers },
    () =>
      needed
        ? `Logged in. Tokens stored for: ${resourceServers.join(", ")}`
        : "Already logged in; nothing to do (use --force to log in again).",
  );
  return EXIT.ok;
}

async function runLogout({ options }: ParsedArguments): Promise<number> {
  await using app = createCliApp({ profile: profileOf(options), noLogin: true });
  // the CLI's tokens are all its own: sweep them, whichever services they were for
  const report = await app.logout({ sweep: true });
  const failed = report.revocationFailures.map((f) => `${f.resourceServer} (${f.token})`);
  emit(
    Boolean(options["json"]),
    { loggedOut: true, removed: report.removed, revocationFailures: failed },
    () =>
      (report.removed.length
        ? `Logged out; removed tokens for ${report.removed.join(", ")}.`
        : "No stored tokens; nothing to remove.") +
      (failed.length
        ? `\nGlobus Auth could not be reached to revoke: ${failed.join(", ")}. They are removed here; revoke them at https://app.globus.org/account/consents.`
        : ""),
  );
  return EXIT.ok;
}

async function runWhoami({ options }: ParsedArguments): Promise<number> {
  const json = Boolean(options["json"]);
  await using app = createCliApp({ profile: profileOf(options), noLogin: true });
  if (app instanceof ClientApp) {
    emit(
      json,
      { clientId: app.clientId, kind: "client" },
      () => `Service account: client ${app.clientId}`,
    );
    return EXIT.ok;
  }
  app.addScopeRequirements({
    [AuthScopes.resourceServer]: [AuthScopes.openid, AuthScopes.profile, AuthScopes.email],
  });
  // never a login: whoami only reports what is stored
  if (await app.loginRequired()) throw new NotLoggedInError("not logged in");
  const auth = new AuthClient({
    environment: app.config.environment,
    authorizer: app.authorizerFor(AuthScopes.resourceServer),
  });
  const info = await auth.userinfo();
  const linked = (info["identity_set"] as Array<Record<string, unknown>> | undefined) ?? [];
  emit(json, info, () =>
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

async function runSession({ options }: ParsedArguments): Promise<number> {
  const json = Boolean(options["json"]);
  const profile = profileOf(options);
  await using app = createCliApp({ profile, noLogin: true });
  const storage = await app.tokenStorage();
  const now = Math.floor(app.loginClient.now());
  const rows = Object.values(await storage.getTokenDataByResourceServer()).map((t) => ({
    resourceServer: t.resource_server,
    scopes: t.scope.split(" ").filter(Boolean),
    expiresAt: new Date(t.expires_at_seconds * 1000).toISOString(),
    expired: t.expires_at_seconds <= now,
    refreshable: Boolean(t.refresh_token),
    identityId: t.identity_id,
  }));
  if (rows.length === 0) {
    // like `gh auth status`: logged out is a failure, told on stderr
    if (json) emit(true, { loggedIn: false, profile, tokens: [] }, () => "");
    else process.stderr.write("Not logged in: run `globus-sdk login`.\n");
    return EXIT.error;
  }
  emit(json, { loggedIn: true, profile, tokens: rows }, () =>
    rows
      .map(
        (r) =>
          `${r.resourceServer}\n  scopes:  ${r.scopes.join(" ")}\n  expires: ${r.expiresAt}${r.expired ? " (expired)" : ""}\n  refresh: ${r.refreshable ? "yes" : "no"}`,
      )
      .join("\n"),
  );
  return EXIT.ok;
}

async function runToken({ options, args }: ParsedArguments): Promise<number> {
  const resourceServer = args["RESOURCE_SERVER"] ?? "transfer.api.globus.org";
  await using app = createCliApp({ profile: profileOf(options), noLogin: true });
  const storage = await app.tokenStorage();
  const stored = await storage.getTokenData(resourceServer);
  if (!stored) {
    const have = Object.keys(await storage.getTokenDataByResourceServer());
    throw new NotLoggedInError(
      `no tokens stored for ${resourceServer}${have.length ? ` (stored: ${have.join(", ")})` : ""}`,
    );
  }
  app.addScopeRequirements({ [resourceServer]: stored.scope.split(" ").filter(Boolean) });
  // a valid token: refreshed first when it is about to expire
  const header = await (await app.getAuthorizer(resourceServer)).getAuthorizationHeader();
  const token = header?.replace(/^Bearer\s+/i, "") ?? "";
  if (process.stdout.isTTY) {
    process.stderr.write(
      `This is a secret: anyone who has it can act as you on ${resourceServer} until it expires. Do not paste it anywhere public.\n`,
    );
  }
  emit(Boolean(options["json"]), { resourceServer, accessToken: token }, () => token);
  return EXIT.ok;
}

const MULTI = { type: "string", multiple: true } as const;

export const authCommands: CommandSpec[] = [
  {
    name: "login",
    summary: "Log in (tokens are stored as the Python SDK stores them)",
    description:
      "Logs in for the services the CLI uses (Auth, Transfer, Flows), plus any --scope. A login\n" +
      "keeps the scopes already stored; --remove-scope leaves one out.",
    options: [
      {
        name: "no-browser",
        type: "boolean",
        description: "print the URL and read the code (SSH, containers)",
      },
      {
        name: "force",
        type: "boolean",
        description: "log in even when the stored tokens are good",
      },
      { name: "mfa", type: "boolean", description: "require a multi-factor authentication" },
      { name: "scope", ...MULTI, value: "SCOPE", description: "add a scope (repeatable)" },
      {
        name: "remove-scope",
        ...MULTI,
        value: "SCOPE",
        description: "stop asking for a stored scope (repeatable)",
      },
      {
        name: "identity",
        ...MULTI,
        value: "ID",
        description: "require this identity in the session",
      },
      {
        name: "domain",
        ...MULTI,
        value: "DOMAIN",
        description: "require an identity from this domain",
      },
      { name: "policy", ...MULTI, value: "ID", description: "require this authentication policy" },
      {
        name: "message",
        type: "string",
        value: "TEXT",
        description: "a message for the login page",
      },
    ],
    examples: [
      "globus-sdk login --no-browser",
      "globus-sdk login --scope 'https://auth.globus.org/scopes/COLLECTION_ID/data_access'",
    ],
    run: runLogin,
  },
  {
    name: "logout",
    summary: "Revoke and remove the stored tokens (removed even when Auth is unreachable)",
    examples: ["globus-sdk logout", "globus-sdk logout --profile work"],
    run: runLogout,
  },
  {
    name: "whoami",
    summary: "Show the logged-in identity and its linked identities (never logs in)",
    examples: ["globus-sdk whoami", "globus-sdk whoami --json"],
    run: runWhoami,
  },
  {
    name: "session",
    summary: "Show stored tokens: scopes, expiry, refreshability (never their values)",
    description: "Exits 1 when nothing is stored, like `gh auth status`.",
    examples: ["globus-sdk session"],
    run: runSession,
  },
  {
    name: "token",
    summary: "Print a valid access token, for scripts (curl)",
    arguments: [
      {
        name: "RESOURCE_SERVER",
        description: "whose token (default: transfer.api.globus.org)",
        optional: true,
      },
    ],
    examples: [
      'curl -H "Authorization: Bearer $(globus-sdk token)" https://transfer.api.globus.org/v0.10/task_list',
      "globus-sdk token flows.globus.org",
    ],
    run: runToken,
  },
];
