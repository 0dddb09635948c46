// The suite-wide token leak check: the scanner, the emulator's token ledger, and
// scripts/test.ts end to end on a fixture test that does or does not leak a token.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { findLeakedTokens, tokenHint } from "../../scripts/token-leaks.ts";
import { ConfidentialAppAuthClient } from "../../src/index.ts";
import {
  DEMO_CONFIDENTIAL_CLIENT_ID,
  DEMO_CONFIDENTIAL_CLIENT_SECRET,
  startEmulator,
  TOKEN_LEDGER_ENV,
} from "../../src/testing/index.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const FIXTURE = "test/fixtures/leak-check/prints-tokens.ts";
const TRANSFER_ALL = "urn:globus:auth:scope:transfer.api.globus.org:all";

describe("findLeakedTokens", () => {
  const token = "A".repeat(20) + "b-c_d".repeat(4) + "xyz";
  const issued = new Set([token, "Z".repeat(43)]);

  test("finds a token alone, inside a longer run, or among other text", () => {
    assert.equal(token.length, 43);
    for (const text of [
      token,
      `Authorization: Bearer ${token}\n`,
      `?access_token=${token}&state=x`,
      `prefixQQ${token}QQsuffix`,
      `{"a":"${token}"}`,
    ]) {
      assert.deepEqual([...findLeakedTokens(text, issued)], [token], text);
    }
  });

  test("does not report a token that is cut, or text with none", () => {
    assert.equal(findLeakedTokens(`${token.slice(0, 30)}\n${token.slice(30)}`, issued).size, 0);
    assert.equal(findLeakedTokens(`${token.slice(1)}`, issued).size, 0);
    assert.equal(findLeakedTokens("nothing to see", issued).size, 0);
    assert.equal(findLeakedTokens(token, new Set()).size, 0);
  });

  test("a report hint does not reveal the token", () => {
    assert.ok(!tokenHint(token).includes(token.slice(0, 10)));
  });
});

test("an emulator appends every issued token to the ledger file, mode 0600", async () => {
  const dir = mkdtempSync(join(tmpdir(), "globus-ledger-"));
  const ledger = join(dir, "issued");
  const saved = process.env[TOKEN_LEDGER_ENV];
  process.env[TOKEN_LEDGER_ENV] = ledger;
  try {
    await using emulator = await startEmulator();
    const client = new ConfidentialAppAuthClient(
      DEMO_CONFIDENTIAL_CLIENT_ID,
      DEMO_CONFIDENTIAL_CLIENT_SECRET,
      { baseUrl: emulator.urls.auth },
    );
    await client.clientCredentialsTokens([TRANSFER_ALL]);
    await client.clientCredentialsTokens([TRANSFER_ALL]);
    const recorded = readFileSync(ledger, "utf8").trim().split("\n");
    const issued = emulator.controls.tokens().map((t) => t.token);
    assert.equal(issued.length, 2);
    assert.deepEqual(new Set(recorded), new Set(issued));
    assert.equal(statSync(ledger).mode & 0o777, 0o600);
  } finally {
    if (saved === undefined) delete process.env[TOKEN_LEDGER_ENV];
    else process.env[TOKEN_LEDGER_ENV] = saved;
    rmSync(dir, { recursive: true, force: true });
  }
});

describe("scripts/test.ts", () => {
  function runSuite(mode: string): Promise<{ code: number | null; out: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ["scripts/test.ts", FIXTURE], {
        cwd: ROOT,
        // without the runner's marker, or the inner `node --test` refuses to run as nested
        env: { ...process.env, NODE_TEST_CONTEXT: undefined, LEAK_CHECK_FIXTURE: mode },
      });
      let out = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => {
        out += d;
      });
      child.stderr.setEncoding("utf8").on("data", (d: string) => {
        out += d;
      });
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, out }));
    });
  }

  test("passes a run whose output holds no issued token, and says what it checked", async () => {
    const { code, out } = await runSuite("quiet");
    assert.equal(code, 0, out);
    assert.match(out, /token leak check: none of 1 issued tokens appears/);
  });

  test("fails a run that prints an issued token, naming where without repeating it", async () => {
    const { code, out } = await runSuite("printed");
    assert.equal(code, 1, out);
    assert.match(out, /token leak check: 1 issued token\(s\) appear in the test runner's output/);
    // the report line itself shows only a hint
    const report = out.split("\n").find((line) => line.startsWith("token leak check"));
    assert.ok(report && !/[A-Za-z0-9_-]{43}/.test(report), report);
  });

  test("fails a run whose captured subprocess output holds an issued token", async () => {
    const { code, out } = await runSuite("captured");
    assert.equal(code, 1, out);
    assert.match(out, /appear in subprocess output captured by tests/);
  });
});
