import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import {
  ALICE_IDENTITY_ID,
  DEMO_CONFIDENTIAL_CLIENT_ID,
  DEMO_CONFIDENTIAL_CLIENT_SECRET,
  DEMO_NATIVE_CLIENT_ID,
  type RunningEmulator,
  startEmulator,
} from "../../src/testing/index.ts";
import { runScript } from "../helpers/run-example.ts";

const example = (name: string) => fileURLToPath(new URL(`../../examples/${name}`, import.meta.url));

describe("the seed documents' examples run against the emulator", () => {
  let emulator: RunningEmulator;
  let home: string;
  before(async () => {
    emulator = await startEmulator();
    home = mkdtempSync(join(tmpdir(), "globus-examples-"));
  });
  after(async () => {
    await emulator.stop();
    rmSync(home, { recursive: true, force: true });
  });
  const userEnv = () => ({ HOME: home, GLOBUS_CLIENT_ID: DEMO_NATIVE_CLIENT_ID });
  const run = (name: string, env: Record<string, string> = userEnv()) =>
    runScript(emulator, [example(name)], { env, identityId: ALICE_IDENTITY_ID });

  test("user-app.ts: a UserApp bound to Transfer and Flows logs in once", async () => {
    const result = await run("user-app.ts");
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.logins, 1);
    assert.match(
      result.stdout,
      /resource servers: auth\.globus\.org, flows\.globus\.org, transfer\.api\.globus\.org/,
    );
    assert.match(result.stdout, /first flow: \S+/);
  });

  test("list-flows.ts: a second process reuses the stored tokens with no login", async () => {
    const result = await run("list-flows.ts");
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.logins, 0, "tokens from the first run were reused");
    assert.ok((result.stdout.match(/^flow: /gm) ?? []).length >= 2);
  });

  test("client-app.ts: a ClientApp uses client credentials", async () => {
    const before = emulator.controls.countGrants("client_credentials");
    const result = await run("client-app.ts", {
      HOME: home,
      GLOBUS_CLIENT_ID: DEMO_CONFIDENTIAL_CLIENT_ID,
      GLOBUS_CLIENT_SECRET: DEMO_CONFIDENTIAL_CLIENT_SECRET,
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.logins, 0);
    assert.match(result.stdout, /flows visible to the client: \d+/);
    assert.ok(emulator.controls.countGrants("client_credentials") > before);
  });

  test("login-mfa.ts: a manual login asks for MFA", async () => {
    const result = await run("login-mfa.ts");
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.logins, 1);
    const authorize = emulator.controls
      .requestLog({ service: "auth", path: "/v2/oauth2/authorize" })
      .at(-1);
    assert.equal(authorize?.query["session_required_mfa"], "true");
    assert.equal(authorize?.query["session_message"], "Please authenticate with MFA");
    assert.match(result.stdout, /login still required: false/);
  });

  test("app-scopes.ts: appScopes replaces the defaults, addAppScope adds to them", async () => {
    const result = await run("app-scopes.ts");
    assert.equal(result.code, 0, result.stderr);
    const manage =
      "https://auth.globus.org/scopes/eec9b274-0c81-4334-bdc2-54e90e689b9a/manage_flows";
    const view = "https://auth.globus.org/scopes/eec9b274-0c81-4334-bdc2-54e90e689b9a/view_flows";
    const lines = result.stdout.split("\n");
    const replaced = lines.find((l) => l.startsWith("appScopes:")) ?? "";
    const added = lines.find((l) => l.startsWith("addAppScope:")) ?? "";
    assert.equal(replaced, `appScopes: ${manage}`);
    assert.ok(
      added.includes(manage) && added.includes(view) && added.includes("run_status"),
      added,
    );
  });

  test("sqlite-await-using.ts: the app's own SQLite storage is used and closed", async () => {
    const result = await run("sqlite-await-using.ts");
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /stored a transfer token: true/);
    assert.match(result.stdout, /app closed/);
  });

  test("shared-sqlite-storage.ts: two apps share a user-created storage that stays open", async () => {
    const result = await run("shared-sqlite-storage.ts");
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.logins, 1, "the second app reused the first one's login");
    assert.match(result.stdout, /second app needs a login: false/);
    assert.match(result.stdout, /storage still open: true/);
  });
});
