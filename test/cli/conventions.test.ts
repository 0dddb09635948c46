/**
 * The `globus-sdk` command against the conventions of gh, gcloud and kubectl, run as a
 * person's scripts run it: no terminal, stdin from /dev/null (one PTY test covers the
 * offer to log in on an auth requirement error).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import {
  ALICE_IDENTITY_ID,
  BOB_IDENTITY_ID,
  DEMO_COLLECTION_ID,
  DEMO_FLOW_ID,
  DEMO_HIGH_ASSURANCE_COLLECTION_ID,
  type RunningEmulator,
  startEmulator,
} from "../../src/testing/index.ts";
import { runScript } from "../helpers/run-example.ts";

const BIN = fileURLToPath(new URL("../../src/cli/bin.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PACKAGE = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
const FLOW_SCOPE = `https://auth.globus.org/scopes/${DEMO_FLOW_ID}/flow_${DEMO_FLOW_ID.replaceAll("-", "_")}_user`;

let emulator: RunningEmulator;
let home: string;
before(async () => {
  emulator = await startEmulator();
  home = mkdtempSync(join(tmpdir(), "globus-cli-conventions-"));
});
after(async () => {
  await emulator.stop();
  rmSync(home, { recursive: true, force: true });
});

/** The CLI with no terminal and stdin from /dev/null. */
const cli = (
  args: string[],
  extra: {
    env?: Record<string, string>;
    pty?: boolean;
    answers?: { when: RegExp; send: string }[];
    identityId?: string;
  } = {},
) =>
  runScript(emulator, [BIN, ...args], {
    env: { HOME: home, ...extra.env },
    identityId: extra.identityId ?? ALICE_IDENTITY_ID,
    ...(extra.pty ? { pty: true } : { noStdin: true }),
    ...(extra.answers ? { answers: extra.answers } : {}),
  });

const noTrace = (text: string) => !/\n\s+at .+:\d+:\d+/.test(text) && !/node:internal/.test(text);

const COMMANDS = [
  [],
  ["login"],
  ["logout"],
  ["whoami"],
  ["session"],
  ["token"],
  ["flows"],
  ["flows", "list"],
  ["flows", "show"],
  ["flows", "run"],
  ["transfer"],
  ["transfer", "ls"],
  ["transfer", "mkdir"],
  ["transfer", "submit"],
  ["transfer", "task"],
  ["transfer", "task", "show"],
  ["transfer", "task", "wait"],
  ["emulator"],
  ["demo"],
];

describe("help and version", () => {
  test("--version", async () => {
    for (const flag of ["--version", "-V"]) {
      const result = await cli([flag]);
      assert.equal(result.code, 0);
      assert.equal(result.stdout.trim(), `globus-sdk ${PACKAGE.version}`);
    }
  });

  test("--help and -h on every command and subcommand: usage, options and an example", async () => {
    for (const path of COMMANDS) {
      for (const flag of ["--help", "-h"]) {
        const result = await cli([...path, flag]);
        const what = `globus-sdk ${[...path, flag].join(" ")}`;
        assert.equal(result.code, 0, what);
        assert.ok(
          result.stdout.startsWith(`Usage: globus-sdk${path.length ? ` ${path.join(" ")}` : ""}`),
          what,
        );
        assert.match(result.stdout, /\nOptions:\n/, what);
        assert.match(result.stdout, /\nExamples?:\n {2}\S/, what);
        assert.doesNotMatch(result.stdout + result.stderr, /after '--'|ERR_PARSE_ARGS/, what);
      }
    }
  });
});

describe("usage errors exit 2 and name the problem", () => {
  test("unknown options and extra arguments", async () => {
    const unknown = await cli(["flows", "list", "--frobnicate"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown option --frobnicate/);
    assert.match(unknown.stderr, /Run 'globus-sdk flows list --help'/);
    const extra = await cli(["whoami", "surplus"]);
    assert.equal(extra.code, 2);
    assert.match(extra.stderr, /unexpected argument "surplus"/);
    const missingValue = await cli(["flows", "list", "--limit"]);
    assert.equal(missingValue.code, 2);
    assert.match(missingValue.stderr, /option --limit needs a value/);
    for (const result of [unknown, extra, missingValue]) assert.ok(noTrace(result.stderr));
  });

  test("a malformed UUID is refused before any request", async () => {
    const before = emulator.controls.requestLog().length;
    for (const args of [
      ["transfer", "ls", "not-a-uuid:/~/"],
      ["transfer", "task", "show", "1234"],
      ["flows", "show", "xyz"],
      ["flows", "run", "44444444-1111-4444-8444-44444444444"],
    ]) {
      const result = await cli(args);
      assert.equal(result.code, 2, args.join(" "));
      assert.match(result.stderr, /must be a UUID/);
    }
    assert.equal(emulator.controls.requestLog().length, before, "nothing reached a service");
  });

  test("a half-set client id and secret name the variables", async () => {
    const result = await cli(["session"], {
      env: { GLOBUS_CLIENT_SECRET: "a-secret-without-its-id" },
    });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /GLOBUS_CLIENT_SECRET is set but GLOBUS_CLIENT_ID is not/);
    assert.doesNotMatch(result.stderr, /a-secret-without-its-id/);
  });
});

describe("logged out", () => {
  test("whoami never starts a login: exit 3, not logged in", async () => {
    const before = emulator.controls.requestLog({
      service: "auth",
      path: "/v2/oauth2/authorize",
    }).length;
    const result = await cli(["whoami"]);
    assert.equal(result.code, 3);
    assert.equal(result.stderr.trim(), "globus-sdk: not logged in; run `globus-sdk login`");
    assert.doesNotMatch(result.stdout, /authorize/);
    assert.equal(result.logins, 0);
    assert.equal(
      emulator.controls.requestLog({ service: "auth", path: "/v2/oauth2/authorize" }).length,
      before,
    );
  });

  test("session exits 1, like gh auth status", async () => {
    const result = await cli(["session"]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /Not logged in: run `globus-sdk login`/);
    const json = await cli(["session", "--json"]);
    assert.equal(json.code, 1);
    assert.equal(JSON.parse(json.stdout).loggedIn, false);
  });
});

describe("pipes, signals and runtime errors", () => {
  test("a closed pipe ends quietly", async () => {
    const child = spawn(process.execPath, ["--conditions=source", BIN, "--help"], {
      env: { ...process.env, ...emulator.environmentVariables, HOME: home },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.destroy(); // the reader went away (`| head -1`)
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const code = await new Promise((resolve) => child.on("close", resolve));
    assert.equal(code, 0);
    assert.equal(stderr, "", "no EPIPE trace");
  });

  test("Ctrl-C ends quietly with 130", async () => {
    // a login waiting for its code, on a stdin that stays open
    const child = spawn(process.execPath, ["--conditions=source", BIN, "login", "--no-browser"], {
      env: { ...process.env, ...emulator.environmentVariables, HOME: join(home, "ctrl-c") },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      if (/Authorization code:/.test(out)) child.kill("SIGINT");
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const code = await new Promise((resolve) =>
      child.on("close", (c, signal) => resolve(c ?? signal)),
    );
    assert.equal(code, 130);
    assert.ok(noTrace(stderr), stderr);
  });

  test("a refused connection names the service URL and the variable behind it", async () => {
    const port = await freePort();
    await cli(["login", "--no-browser"], { pty: true });
    const result = await cli(["transfer", "ls", `${DEMO_COLLECTION_ID}:/~/`], {
      env: { GLOBUS_SDK_SERVICE_URL_TRANSFER: `http://127.0.0.1:${port}/` },
    });
    assert.equal(result.code, 1);
    const lines = result.stderr.trim().split("\n");
    assert.ok(lines.length <= 2, result.stderr);
    assert.match(
      lines[0]!,
      new RegExp(`cannot reach http://127\\.0\\.0\\.1:${port} \\(connection refused\\)`),
    );
    assert.match(lines[1]!, /GLOBUS_SDK_SERVICE_URL_TRANSFER/);
  });
});

describe("auth requirement errors", () => {
  test("without a terminal, a GARE prints the exact login command", async () => {
    const result = await cli(["transfer", "ls", `${DEMO_HIGH_ASSURANCE_COLLECTION_ID}:/`]);
    assert.equal(result.code, 3, result.stderr);
    const command = /Run: (globus-sdk login .+)/.exec(result.stderr)?.[1];
    assert.ok(command, result.stderr);
    assert.match(command, /data_access/);
    assert.match(command, /--mfa/);
    assert.equal(result.logins, 0);
  });

  test("in a terminal, it offers the login, then retries", async () => {
    const result = await cli(["transfer", "ls", `${DEMO_HIGH_ASSURANCE_COLLECTION_ID}:/`], {
      pty: true,
      answers: [{ when: /Log in now with what it asks for\? \[Y\/n\]/, send: "y\n" }],
    });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.equal(result.logins, 1);
    assert.match(
      result.stdout,
      /Missing required data_access consent|requires a recent multi-factor/,
    );
  });

  test("flows run without the flow's scope prints the login that adds it", async () => {
    const result = await cli(["flows", "run", DEMO_FLOW_ID, "--body", "{}"]);
    assert.equal(result.code, 3, result.stderr);
    assert.match(
      result.stderr,
      new RegExp(`Run: globus-sdk login --scope '${FLOW_SCOPE.replaceAll(".", "\\.")}'`),
    );
  });
});

describe("tokens, scopes and profiles", () => {
  test("login --scope adds a scope, and --remove-scope takes it away", async () => {
    const added = await cli(["login", "--no-browser", "--scope", FLOW_SCOPE], { pty: true });
    assert.equal(added.code, 0, added.stdout);
    const withIt = JSON.parse((await cli(["session", "--json"])).stdout);
    assert.ok(
      withIt.tokens.some((t: { resourceServer: string }) => t.resourceServer === DEMO_FLOW_ID),
    );
    const again = await cli(["login", "--no-browser", "--force"], { pty: true });
    assert.equal(again.code, 0);
    const kept = JSON.parse((await cli(["session", "--json"])).stdout);
    assert.ok(
      kept.tokens.some((t: { resourceServer: string }) => t.resourceServer === DEMO_FLOW_ID),
      "a later login keeps it",
    );
    const run = await cli(["flows", "run", DEMO_FLOW_ID, "--body", "{}", "--json"]);
    assert.equal(run.code, 0, run.stderr);
    const removed = await cli(["login", "--no-browser", "--remove-scope", FLOW_SCOPE], {
      pty: true,
    });
    assert.equal(removed.code, 0, removed.stdout + removed.stderr);
    const authorize = emulator.controls
      .requestLog({ service: "auth", path: "/v2/oauth2/authorize" })
      .at(-1);
    assert.doesNotMatch(String(authorize?.query.scope), new RegExp(DEMO_FLOW_ID));
  });

  test("token prints a valid access token for scripts", async () => {
    // read here, never through the output capture: the value must not reach the logs
    const child = spawn(process.execPath, ["--conditions=source", BIN, "token"], {
      env: { ...process.env, ...emulator.environmentVariables, HOME: home },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    child.stderr.on("data", (chunk) => {
      err += chunk;
    });
    assert.equal(await new Promise((resolve) => child.on("close", resolve)), 0, err);
    const token = out.trim();
    assert.equal(err, "", "no warning when stdout is not a terminal");
    const response = await fetch(
      `${emulator.urls.transfer}v0.10/endpoint_search?filter_scope=my-endpoints`,
      {
        headers: { Authorization: `Bearer ${token}` },
      },
    );
    assert.equal(response.status, 200);
    const missing = await cli(["token", "nothing.example.org"]);
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /not logged in/);
  });

  test("--profile keeps another identity's login side by side", async () => {
    const bob = await cli(["login", "--no-browser", "--profile", "bob"], {
      pty: true,
      identityId: BOB_IDENTITY_ID,
    });
    assert.equal(bob.code, 0, bob.stdout);
    const asBob = JSON.parse((await cli(["whoami", "--json", "--profile", "bob"])).stdout);
    const asDefault = JSON.parse((await cli(["whoami", "--json"])).stdout);
    assert.equal(asBob.sub, BOB_IDENTITY_ID);
    assert.equal(asDefault.sub, ALICE_IDENTITY_ID);
    const viaEnv = JSON.parse(
      (await cli(["whoami", "--json"], { env: { GLOBUS_PROFILE: "bob" } })).stdout,
    );
    assert.equal(viaEnv.sub, BOB_IDENTITY_ID);
    assert.equal((await cli(["whoami", "--profile", "no/slashes"])).code, 2);
  });

  test("transfer task show on a failed task prints why", async () => {
    const submitted = await cli([
      "transfer",
      "submit",
      `${DEMO_COLLECTION_ID}:/home/alice/no-such-file.txt`,
      `${DEMO_COLLECTION_ID}:/home/alice/copy.txt`,
      "--json",
    ]);
    assert.equal(submitted.code, 0, submitted.stderr);
    const taskId = JSON.parse(submitted.stdout).task_id as string;
    emulator.controls.advanceClock(60);
    const show = await cli(["transfer", "task", "show", taskId]);
    assert.equal(show.code, 1);
    assert.match(show.stdout, /FAILED/);
    assert.match(show.stdout, /failed: FILE_NOT_FOUND: No such file or directory/);
    const waited = await cli(["transfer", "task", "show", taskId, "--wait", "--json"]);
    assert.equal(
      JSON.parse(waited.stdout).failure_reason,
      "FILE_NOT_FOUND: No such file or directory: /home/alice/no-such-file.txt",
    );
  });

  test("logout removes local tokens even when Auth cannot be reached, and says which revocations failed", async () => {
    emulator.controls.addFault({
      kind: "status",
      status: 503,
      service: "auth",
      path: "/v2/oauth2/token/revoke",
    });
    try {
      const result = await cli(["logout", "--profile", "bob"]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(
        result.stdout,
        /could not be reached to revoke: .*auth\.globus\.org \(access token\)/,
      );
      const session = await cli(["session", "--profile", "bob"]);
      assert.equal(session.code, 1, "nothing is left");
    } finally {
      emulator.controls.clearFaults();
    }
  });
});

describe("the emulator for a newcomer", () => {
  test("its banner lists the seeded collections and flows with commands to try, and the docs", async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      ["--conditions=source", BIN, "emulator", "--port", String(port)],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    try {
      let banner = "";
      await new Promise<void>((resolve) => {
        child.stdout.on("data", (chunk) => {
          banner += chunk;
          if (banner.includes("Press Ctrl-C to stop.")) resolve();
        });
      });
      assert.match(banner, new RegExp(`Seeded collections:\\n {2}${DEMO_COLLECTION_ID}`));
      assert.match(banner, new RegExp(`Seeded flows:\\n {2}${DEMO_FLOW_ID}`));
      assert.match(banner, new RegExp(`globus-sdk transfer ls ${DEMO_COLLECTION_ID}:/~/`));
      assert.match(banner, new RegExp(`eval "\\$\\(globus-sdk emulator --env --port ${port}\\)"`));
      const controls = /Controls: (\S+)/.exec(banner)?.[1];
      const index = (await (await fetch(controls!)).json()) as { controls: string[] };
      assert.ok(index.controls.includes("POST /_emulator/clock/advance"));
      const docs = /see (\S+emulator\.md)\)/.exec(banner)?.[1];
      assert.ok(docs && existsSync(docs), `the docs pointer resolves: ${docs}`);
      // --env names the running emulator's URLs, for eval in another shell
      const env = await cli(["emulator", "--env", "--port", String(port)]);
      assert.equal(env.code, 0);
      const exports = Object.fromEntries(
        env.stdout
          .trim()
          .split("\n")
          .map((line) => line.replace(/^export /, "").split("=") as [string, string]),
      );
      const config = await fetch(
        `${exports.GLOBUS_SDK_SERVICE_URL_AUTH}.well-known/openid-configuration`,
      );
      assert.equal(config.status, 200);
      assert.equal((await cli(["emulator", "--env", "--port", "0"])).code, 2);
    } finally {
      child.kill("SIGINT");
      await new Promise((resolve) => child.on("close", resolve));
    }
  });

  test("--port has a fixed default", async () => {
    const help = await cli(["emulator", "--help"]);
    assert.match(help.stdout, /default 8700/);
    const env = await cli(["emulator", "--env"]);
    assert.match(env.stdout, /GLOBUS_SDK_SERVICE_URL_AUTH=http:\/\/127\.0\.0\.1:8700\/auth\//);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
