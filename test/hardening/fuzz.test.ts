// Fuzzing with a seeded PRNG: the token-response parser and the JSON and SQLite token-file
// loaders get mutated versions of valid inputs. They may succeed or throw a typed
// GlobusSDKError; anything else (a TypeError from deep inside, a hang) is a failure.
// The scope and GARE parsers have their own fuzz tests (test/scopes, test/gare).
// Set HARDENING_FUZZ_SEED to replay a run; the seed in use is printed as a diagnostic.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, before, describe, test } from "node:test";
import {
  GlobusSDKError,
  JSONTokenStorage,
  MemoryTokenStorage,
  OAuthDependentTokenResponse,
  OAuthTokenResponse,
  SQLiteTokenStorage,
} from "../../src/index.ts";
import { prng } from "../helpers/prng.ts";

const SEED = Number(process.env["HARDENING_FUZZ_SEED"] || 0x5eed_2026);
const CASES = 50_000;

class Mutator {
  readonly random: () => number;
  constructor(seed: number) {
    this.random = prng(seed);
  }
  int(n: number): number {
    return Math.floor(this.random() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** A JSON value of any shape, biased toward the edge cases parsers forget. */
  value(depth = 0): unknown {
    const kinds = depth > 2 ? 9 : 12;
    switch (this.int(kinds)) {
      case 0:
        return null;
      case 1:
        return this.random() < 0.5;
      case 2:
        return this.pick([0, -1, 1, 1.5, -0, 2 ** 53, -(2 ** 53), 1e308, -1e308, 172800]);
      case 3:
        return "";
      case 4:
        return this.pick([
          "x",
          "null",
          "2.0",
          "1.0",
          "Bearer",
          "openid",
          "__proto__",
          "constructor",
        ]);
      case 5:
        return "\u0000\ud800é\n".repeat(1 + this.int(3));
      case 6:
        return "a".repeat(this.pick([1, 64, 4096]));
      case 7:
        return String(this.int(1e9));
      case 8:
        return this.pick(["auth.globus.org", "transfer.api.globus.org", "flows.globus.org"]);
      case 9:
        return [];
      case 10:
        return Array.from({ length: 1 + this.int(3) }, () => this.value(depth + 1));
      default: {
        const out: Record<string, unknown> = {};
        for (let i = this.int(4); i > 0; i--) out[String(this.value(3))] = this.value(depth + 1);
        return out;
      }
    }
  }

  /** Every container (object or array) in a tree, with the root first. */
  containers(root: unknown): (Record<string, unknown> | unknown[])[] {
    const out: (Record<string, unknown> | unknown[])[] = [];
    const walk = (node: unknown) => {
      if (node === null || typeof node !== "object") return;
      out.push(node as Record<string, unknown> | unknown[]);
      for (const child of Object.values(node)) walk(child);
    };
    walk(root);
    return out;
  }

  /** Applies 1 to 3 structural mutations to a deep copy of `base`. */
  mutate(base: unknown): unknown {
    let root = structuredClone(base);
    for (let n = 1 + this.int(3); n > 0; n--) {
      if (this.random() < 0.03) {
        root = this.value();
        continue;
      }
      const containers = this.containers(root);
      if (containers.length === 0) {
        root = this.value();
        continue;
      }
      const node = this.pick(containers);
      const keys = Object.keys(node);
      const key = keys.length > 0 ? this.pick(keys) : "0";
      const target = node as Record<string, unknown>;
      switch (this.int(6)) {
        case 0:
          if (Array.isArray(node)) node.splice(Number(key), 1);
          else delete target[key];
          break;
        case 1:
        case 2:
          target[key] = this.value();
          break;
        case 3:
          // the same token shape under another name, or a duplicate entry
          if (Array.isArray(node)) node.push(structuredClone(node[Number(key)]));
          else target[String(this.value(3))] = structuredClone(target[key]);
          break;
        case 4:
          // a value of the right kind in the wrong place
          target[key] = structuredClone(this.pick(containers));
          break;
        default:
          if (!Array.isArray(node)) {
            const value = target[key];
            delete target[key];
            target[`${key}${this.pick(["_", " ", "X", ""])}`.toUpperCase()] = value;
          }
      }
    }
    return root;
  }

  /** Text-level damage: cut, flip a byte, or splice in a fragment. */
  mutateText(text: string): string {
    const at = this.int(text.length + 1);
    switch (this.int(4)) {
      case 0:
        return text.slice(0, at);
      case 1:
        return `${text.slice(0, at)}${String.fromCharCode(this.int(128))}${text.slice(at + 1)}`;
      case 2:
        return `${text.slice(0, at)}${this.pick(['"', "{", "]", ",", "\\", "\u0000", "\ufeff"])}${text.slice(at)}`;
      default:
        return text.replace('"resource_server"', '"__proto__"');
    }
  }
}

/** Runs one input; passes when it succeeds, rethrows anything that is not typed. */
function expectTypedOrOk(run: () => void, describeInput: () => string): boolean {
  try {
    run();
    return true;
  } catch (error) {
    if (error instanceof GlobusSDKError) return false;
    assert.fail(
      `untyped ${String((error as Error)?.name)}: ${String(error)}\ninput: ${describeInput()}`,
    );
  }
}

async function expectTypedOrOkAsync(
  run: () => Promise<void>,
  describeInput: () => string,
): Promise<boolean> {
  try {
    await run();
    return true;
  } catch (error) {
    if (error instanceof GlobusSDKError) return false;
    assert.fail(
      `untyped ${String((error as Error)?.name)}: ${String(error)}\ninput: ${describeInput()}`,
    );
  }
}

const IDENTITY = "8ca28797-3541-4a5d-a264-05b00f91e608";
const SECRETS = ["AT-auth-SECRET", "RT-auth-SECRET", "AT-transfer-SECRET", "RT-transfer-SECRET"];

/** A token response as Globus Auth sends it to a login client (code exchange). */
const TOKEN_RESPONSE = {
  access_token: "AT-auth-SECRET",
  expires_in: 172800,
  resource_server: "auth.globus.org",
  token_type: "Bearer",
  state: "_default",
  scope: "openid profile email",
  refresh_token: "RT-auth-SECRET",
  id_token: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln",
  other_tokens: [
    {
      access_token: "AT-transfer-SECRET",
      expires_in: 172800,
      resource_server: "transfer.api.globus.org",
      token_type: "Bearer",
      state: "_default",
      scope: "urn:globus:auth:scope:transfer.api.globus.org:all",
      refresh_token: "RT-transfer-SECRET",
    },
  ],
};
const DEPENDENT_RESPONSE = [
  {
    access_token: "AT-transfer-SECRET",
    expires_in: 172800,
    resource_server: "transfer.api.globus.org",
    token_type: "Bearer",
    scope: "urn:globus:auth:scope:transfer.api.globus.org:all",
  },
];

describe(`fuzzing (seed ${SEED})`, () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(process.platform === "linux" ? "/dev/shm" : tmpdir(), "globus-fuzz-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test(`the token-response parser: ${CASES} mutated Globus token responses`, async (t) => {
    const m = new Mutator(SEED);
    const store = new MemoryTokenStorage();
    const textBase = JSON.stringify(TOKEN_RESPONSE);
    let accepted = 0;
    for (let i = 0; i < CASES; i++) {
      let input: unknown;
      if (i % 10 === 9) {
        // damaged text that still parses as JSON, as a broken proxy might deliver
        try {
          input = JSON.parse(m.mutateText(textBase));
        } catch {
          input = m.value();
        }
      } else {
        input = m.mutate(i % 7 === 6 ? DEPENDENT_RESPONSE : TOKEN_RESPONSE);
      }
      let response: OAuthTokenResponse | undefined;
      const ok = expectTypedOrOk(
        () => {
          response =
            i % 2
              ? new OAuthTokenResponse(input, { now: () => 1_700_000_000 })
              : new OAuthDependentTokenResponse(input, { now: () => 1_700_000_000 });
          void response.idToken;
          for (const data of Object.values(response.byResourceServer)) {
            assert.equal(typeof data.access_token, "string");
            assert.ok(data.access_token.length > 0);
            assert.ok(Number.isFinite(data.expires_at_seconds), "a finite expiry");
          }
          for (const secret of SECRETS) {
            assert.ok(!String(response).includes(secret), `toString leaked ${secret}`);
          }
        },
        () => JSON.stringify(input)?.slice(0, 2000) ?? String(input),
      );
      if (!ok || !response) continue;
      accepted++;
      // what the app does next with a response: store it (identity known from the id_token)
      const byServer: Record<string, (typeof response.byResourceServer)[string]> = {};
      for (const [rs, data] of Object.entries(response.byResourceServer)) {
        byServer[rs] = { ...data, identity_id: IDENTITY };
      }
      await expectTypedOrOkAsync(
        () => store.storeTokenDataByResourceServer(byServer),
        () => JSON.stringify(input)?.slice(0, 2000) ?? String(input),
      );
    }
    t.diagnostic(`${accepted} of ${CASES} mutated responses parsed; the rest threw typed errors`);
    assert.ok(accepted > CASES / 20, "the mutations keep enough inputs valid to go deep");
    assert.ok(accepted < CASES, "the mutations reach the error paths");
  });

  test(`the JSON token-file loader: ${CASES} mutated Python-format files`, async (t) => {
    const fixtures = ["python-v2.json", "python-v1.json", "python-v2-unknown-keys.json"].map(
      (name) =>
        JSON.parse(
          readFileSync(new URL(`../fixtures/token-storage/${name}`, import.meta.url), "utf8"),
        ) as unknown,
    );
    const m = new Mutator(SEED + 1);
    const file = join(dir, "tokens.json");
    let loaded = 0;
    let invalidText = 0;
    let fed = 0;
    for (let i = 0; fed < CASES; i++) {
      let text = JSON.stringify(m.mutate(m.pick(fixtures)));
      if (i % 50 === 49) text = m.mutateText(text);
      let parses = true;
      try {
        JSON.parse(text);
      } catch {
        parses = false;
      }
      // Unparseable text makes the loader re-read twice 20 ms apart (a writer may be mid-
      // write), so only a sample of those is run, to keep the suite fast.
      if (!parses && invalidText++ >= 60) continue;
      fed++;
      writeFileSync(file, text);
      // one storage per namespace the fixtures use; a new one each time skips its cache
      const storage = new JSONTokenStorage(file, {
        namespace: i % 3 === 2 ? "other-app" : "DEFAULT",
      });
      const ok = await expectTypedOrOkAsync(
        async () => {
          await storage.listNamespaces();
          const all = await storage.getTokenDataByResourceServer();
          for (const data of Object.values(all)) {
            assert.equal(typeof data.access_token, "string");
            assert.ok(Number.isSafeInteger(data.expires_at_seconds));
          }
          await storage.getTokenData("transfer.api.globus.org");
        },
        () => text.slice(0, 2000),
      );
      if (ok) loaded++;
      // now and then, a write on top of what was read must leave a parseable file
      if (ok && i % 1000 === 0) {
        await storage.storeTokenDataByResourceServer({
          "flows.globus.org": {
            resource_server: "flows.globus.org",
            identity_id: IDENTITY,
            scope: "urn:globus:auth:scope:flows.globus.org:view_flows",
            access_token: "AT-flows",
            refresh_token: null,
            expires_at_seconds: 1_893_456_000,
            token_type: "Bearer",
          },
        });
        const written = JSON.parse(readFileSync(file, "utf8")) as { format_version: string };
        assert.equal(written.format_version, "2.0");
      }
      await storage.close();
    }
    t.diagnostic(
      `${fed} files fed, ${loaded} loaded; ${Math.min(invalidText, 61)} of them unparseable`,
    );
    assert.ok(loaded > CASES / 20 && loaded < CASES);
  });

  test("the SQLite token-file loader: mutated rows, schema and bytes", async (t) => {
    // Row and schema mutations go through SQL on one database (fast); byte-level damage
    // needs a fresh file and connection per case, so it gets a smaller count.
    const ROW_CASES = CASES;
    const BYTE_CASES = 1_000;
    const m = new Mutator(SEED + 2);
    const file = join(dir, "tokens.db");
    const fixture = readFileSync(
      new URL("../fixtures/token-storage/python-v2.db", import.meta.url),
    );
    writeFileSync(file, fixture);
    const db = new DatabaseSync(file);
    const rows = db
      .prepare("SELECT namespace, resource_server, token_data_json FROM token_storage")
      .all() as { namespace: string; resource_server: string; token_data_json: string }[];
    assert.ok(rows.length > 0, "the fixture has rows");
    const update = db.prepare(
      "UPDATE token_storage SET token_data_json = ? WHERE namespace = ? AND resource_server = ?",
    );
    const storage = new SQLiteTokenStorage(file);
    let loaded = 0;
    for (let i = 0; i < ROW_CASES; i++) {
      const row = m.pick(rows);
      let text = JSON.stringify(m.mutate(JSON.parse(row.token_data_json)));
      if (i % 10 === 9) text = m.mutateText(text);
      update.run(text ?? "null", row.namespace, row.resource_server);
      const ok = await expectTypedOrOkAsync(
        async () => {
          await storage.getTokenDataByResourceServer();
          await storage.getTokenData(row.resource_server);
        },
        () => text.slice(0, 2000),
      );
      if (ok) loaded++;
      // put the row back so the next mutation starts from a valid one
      update.run(row.token_data_json, row.namespace, row.resource_server);
    }
    await storage.close();
    db.close();

    let opened = 0;
    for (let i = 0; i < BYTE_CASES; i++) {
      const bytes = Buffer.from(fixture);
      for (let n = 1 + m.int(8); n > 0; n--) {
        // the first pages hold the header and the schema: damage them most
        const at = m.random() < 0.7 ? m.int(Math.min(bytes.length, 8192)) : m.int(bytes.length);
        bytes[at] = m.int(256);
      }
      const damaged = i % 20 === 0 ? bytes.subarray(0, m.int(bytes.length)) : bytes;
      const path = join(dir, `damaged-${i % 2}.db`);
      rmSync(`${path}-wal`, { force: true });
      rmSync(`${path}-shm`, { force: true });
      writeFileSync(path, damaged);
      const damagedStorage = new SQLiteTokenStorage(path);
      const ok = await expectTypedOrOkAsync(
        async () => {
          await damagedStorage.getTokenDataByResourceServer();
          await damagedStorage.listNamespaces();
        },
        () => `byte-damaged fixture, case ${i}`,
      );
      if (ok) opened++;
      await expectTypedOrOkAsync(
        () => damagedStorage.close(),
        () => `closing byte-damaged fixture, case ${i}`,
      );
    }
    t.diagnostic(
      `${loaded} of ${ROW_CASES} mutated rows loaded; ${opened} of ${BYTE_CASES} byte-damaged files opened`,
    );
    assert.ok(loaded > 0 && loaded < ROW_CASES);
  });
});
