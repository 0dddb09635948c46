import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import {
  ALICE_IDENTITY_ID,
  DEMO_COLLECTION_ID,
  DEMO_FLOW_ID,
  type RunningEmulator,
  startEmulator,
} from "../../src/testing/index.ts";
import { runScript } from "../helpers/run-example.ts";

const BIN = fileURLToPath(new URL("../../src/cli/bin.ts", import.meta.url));

describe("the globus-sdk CLI, as a subprocess against the emulator", () => {
  let emulator: RunningEmulator;
  let home: string;
  before(async () => {
    emulator = await startEmulator();
    home = mkdtempSync(join(tmpdir(), "globus-cli-"));
  });
  after(async () => {
    await emulator.stop();
    rmSync(home, { recursive: true, force: true });
  });
  const cli = (args: string[], extra: { pty?: boolean; env?: Record<string, string> } = {}) =>
    runScript(emulator, [BIN, ...args], {
      env: { HOME: home, ...extra.env },
      identityId: ALICE_IDENTITY_ID,
      ...(extra.pty ? { pty: true } : {}),
    });

  test("without a login, commands exit 3 and say how to log in", async () => {
    const result = await cli(["flows", "list"]);
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /globus-sdk login/);
    assert.equal(result.logins, 0, "no prompt where nobody can answer");
  });

  test("outside the emulator, a missing client id is a clear usage error", async () => {
    const result = await cli(["session"], {
      env: { GLOBUS_SDK_SERVICE_URL_AUTH: "", GLOBUS_CLIENT_ID: "" },
    });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /GLOBUS_CLIENT_ID/);
  });

  test("usage errors exit 2", async () => {
    assert.equal((await cli(["frobnicate"])).code, 2);
    assert.equal((await cli(["flows", "list", "--no-such-flag"])).code, 2);
    assert.equal((await cli([])).code, 2);
    const help = await cli(["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Exit codes: 0 ok, 1 error, 2 usage, 3 login required/);
  });

  test("login --no-browser under a pseudo-terminal: read the URL, approve, paste the code", async () => {
    const result = await cli(["login", "--no-browser"], { pty: true });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.equal(result.logins, 1);
    assert.match(
      result.stdout,
      /Logged in\. Tokens stored for: auth\.globus\.org, flows\.globus\.org, transfer\.api\.globus\.org/,
    );
  });

  test("login again is a no-op; --json reports it", async () => {
    const result = await cli(["login", "--json"]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout).newLogin, false);
  });

  test("session lists stored tokens without their values", async () => {
    const human = await cli(["session"]);
    assert.equal(human.code, 0, human.stderr);
    assert.match(
      human.stdout,
      /transfer\.api\.globus\.org\n {2}scopes: {2}urn:globus:auth:scope:transfer\.api\.globus\.org:all/,
    );
    assert.match(human.stdout, /refresh: yes/);
    const json = JSON.parse((await cli(["session", "--json"])).stdout);
    assert.equal(json.tokens.length, 3);
    for (const issued of emulator.controls.tokens()) {
      assert.ok(!human.stdout.includes(issued.token), "a token value leaked into the output");
    }
  });

  test("whoami shows the identity and its linked identities", async () => {
    const result = await cli(["whoami"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /alice@globusid\.org \(Alice Example\)/);
    assert.match(result.stdout, new RegExp(`identity id: ${ALICE_IDENTITY_ID}`));
    assert.match(
      result.stdout,
      /linked identities:\n {4}alice@globusid\.org .*\n {4}alice@university\.example\.edu/,
    );
    const json = JSON.parse((await cli(["whoami", "--json"])).stdout);
    assert.equal(json.sub, ALICE_IDENTITY_ID);
  });

  test("flows list and show", async () => {
    const list = await cli(["flows", "list"]);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, new RegExp(`${DEMO_FLOW_ID} {2}Hello World`));
    const json = JSON.parse((await cli(["flows", "list", "--json", "--limit", "1"])).stdout);
    assert.equal(json.flows.length, 1);
    const show = await cli(["flows", "show", DEMO_FLOW_ID]);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /Hello World — A flow that says hello/);
    const missing = await cli(["flows", "show", "00000000-0000-4000-8000-000000000000"]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /404/);
  });

  test("transfer ls", async () => {
    const result = await cli(["transfer", "ls", `${DEMO_COLLECTION_ID}:/home/alice/`]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /notes\.txt/);
    assert.match(result.stdout, /^d .* results\/$/m);
    const json = JSON.parse(
      (await cli(["transfer", "ls", `${DEMO_COLLECTION_ID}:/home/alice/`, "--json"])).stdout,
    );
    assert.equal(json.DATA_TYPE, "file_list");
  });

  test("flows run needs the flow's own scope: exit 3, then login --scope, then it runs", async () => {
    const first = await cli(["flows", "run", DEMO_FLOW_ID, "--body", '{"message":"hi"}']);
    assert.equal(first.code, 3, first.stderr);
    const flowScope = `https://auth.globus.org/scopes/${DEMO_FLOW_ID}/flow_${DEMO_FLOW_ID.replaceAll("-", "_")}_user`;
    const login = await cli(["login", "--no-browser", "--scope", flowScope], { pty: true });
    assert.equal(login.code, 0, login.stdout);
    assert.match(login.stdout, new RegExp(DEMO_FLOW_ID));
    const result = await cli([
      "flows",
      "run",
      DEMO_FLOW_ID,
      "--body",
      '{"message":"hi"}',
      "--label",
      "cli run",
      "--json",
    ]);
    assert.equal(result.code, 0, result.stderr);
    const run = JSON.parse(result.stdout);
    assert.equal(run.flow_id, DEMO_FLOW_ID);
    assert.equal(run.label, "cli run");
    assert.equal((await cli(["flows", "run", DEMO_FLOW_ID, "--body", "{not json"])).code, 2);
  });

  test("transfer mkdir, submit, task show and task wait", async () => {
    const mkdir = await cli(["transfer", "mkdir", `${DEMO_COLLECTION_ID}:/home/alice/cli-made`]);
    assert.equal(mkdir.code, 0, mkdir.stderr);
    const submit = await cli([
      "transfer",
      "submit",
      `${DEMO_COLLECTION_ID}:/home/alice/results/`,
      `${DEMO_COLLECTION_ID}:/home/alice/cli-made/`,
      "--recursive",
      "--label",
      "cli copy",
      "--json",
    ]);
    assert.equal(submit.code, 0, submit.stderr);
    const taskId = JSON.parse(submit.stdout).task_id as string;
    const show = await cli(["transfer", "task", "show", taskId]);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, new RegExp(`Task ${taskId}: (ACTIVE|SUCCEEDED)`));
    const wait = await cli(["transfer", "task", "wait", taskId, "--json"]);
    assert.equal(wait.code, 0, wait.stderr);
    assert.equal(JSON.parse(wait.stdout).status, "SUCCEEDED");
    assert.match(wait.stderr, /SUCCEEDED: 1\/1 files, 20480 bytes/);
    const listing = await cli(["transfer", "ls", `${DEMO_COLLECTION_ID}:/home/alice/cli-made/`]);
    assert.match(listing.stdout, /run1\.csv/);
    assert.equal((await cli(["transfer", "submit", "only-one-arg"])).code, 2);
  });

  test("logout revokes everything; then login is required again", async () => {
    const result = await cli(["logout"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Logged out; removed tokens for/);
    assert.equal((await cli(["flows", "list"])).code, 3);
  });
});

describe("npm run demo", () => {
  const demo = (args: string[], pty = false) =>
    new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
      void (async () => {
        const emulator = await startEmulator();
        try {
          const result = await runScript(emulator, [BIN, "demo", ...args], {
            env: {},
            identityId: ALICE_IDENTITY_ID,
            ...(pty ? { pty: true } : { approve: false }),
            timeoutMs: 90_000,
          });
          resolve(result);
        } catch (error) {
          reject(error);
        } finally {
          await emulator.stop();
        }
      })();
    });

  test("finishes by itself and shows every step", async () => {
    const { code, stdout } = await demo([]);
    assert.equal(code, 0, stdout);
    assert.match(stdout, /Token files go to \S+globus-sdk-demo-/);
    assert.match(
      stdout,
      /Please authenticate with Globus here:\nhttp:\/\/127\.0\.0\.1:\d+\/auth\/v2\/oauth2\/authorize\?/,
    );
    assert.match(stdout, /Flows: Hello World, /);
    assert.match(stdout, /Started run \S+ of "Hello World"/);
    assert.match(stdout, /Listing of \/home\/alice\/: notes\.txt {2}results\//);
    assert.match(stdout, /SUCCEEDED: 1\/1 files, 20480 bytes/);
    assert.match(stdout, /login required: false; new logins: 0/);
    assert.match(stdout, /== 3\. A ClientApp/);
    assert.match(stdout, /Demo complete\./);
  });

  test("--interactive lets a person log in at a terminal", async () => {
    const { code, stdout } = await demo(["--interactive"], true);
    assert.equal(code, 0, stdout);
    assert.match(stdout, /Authorization code:/);
    assert.match(stdout, /Demo complete\./);
  });
});
