// biome-ignore-all lint/suspicious/noExplicitAny: response bodies are checked field by field by the assertions
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  DEFAULT_SEED,
  DEMO_CONFIDENTIAL_CLIENT_ID,
  DEMO_CONFIDENTIAL_CLIENT_SECRET,
  DEMO_HIGH_ASSURANCE_COLLECTION_ID,
  DEMO_NATIVE_CLIENT_ID,
  EmulatorSeedError,
  loadSeedFile,
  resolveSeed,
  startEmulator,
} from "../../src/testing/index.ts";
import { basicAuth, postForm, TRANSFER_ALL } from "./helpers.ts";

const CUSTOM_CLIENT = {
  id: "99999999-0000-4999-8999-999999999999",
  name: "Seeded Service",
  type: "confidential",
  secret: "seeded-secret",
};

describe("seed loading", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "emulator-seed-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("has the documented defaults", () => {
    assert.deepEqual(
      DEFAULT_SEED.clients.map((client) => client.type),
      ["native", "confidential"],
    );
    assert.equal(new Set(DEFAULT_SEED.identities.map((identity) => identity.account)).size, 2);
    assert.equal(DEFAULT_SEED.identities.length, 4);
    assert.ok(DEFAULT_SEED.flows.length >= 3);
    const highAssurance = DEFAULT_SEED.endpoints.find(
      (e) => e.id === DEMO_HIGH_ASSURANCE_COLLECTION_ID,
    );
    assert.equal(highAssurance?.high_assurance, true);
    assert.equal(highAssurance?.requires_data_access_consent, true);
    assert.equal(DEFAULT_SEED.endpoints.length, 2);
  });

  it("loads a seed file, replacing only the lists it gives", async () => {
    const path = join(dir, "seed.json");
    writeFileSync(path, JSON.stringify({ clients: [CUSTOM_CLIENT] }));
    const emulator = await startEmulator({ seed: path });
    try {
      assert.deepEqual(
        emulator.seed.clients.map((client) => client.id),
        [CUSTOM_CLIENT.id],
      );
      assert.equal(emulator.seed.identities.length, DEFAULT_SEED.identities.length);
      const ok = await postForm(
        `${emulator.urls.auth}v2/oauth2/token`,
        { grant_type: "client_credentials", scope: TRANSFER_ALL },
        { authorization: basicAuth(CUSTOM_CLIENT.id, CUSTOM_CLIENT.secret) },
      );
      assert.equal(ok.status, 200);
      const gone = await postForm(
        `${emulator.urls.auth}v2/oauth2/token`,
        { grant_type: "client_credentials", scope: TRANSFER_ALL },
        { authorization: basicAuth() },
      );
      assert.equal(gone.status, 401);
    } finally {
      await emulator.stop();
    }
  });

  it("names the offending field, and the file", () => {
    const cases: [unknown, RegExp][] = [
      [[], /the seed must be a JSON object/],
      [{ clients: {} }, /clients must be an array/],
      [
        { clients: [{ ...CUSTOM_CLIENT, type: "public" }] },
        /clients\[0\]\.type must be "native" or "confidential"/,
      ],
      [
        { clients: [{ ...CUSTOM_CLIENT, secret: undefined }] },
        /clients\[0\]\.secret must be a non-empty string/,
      ],
      [{ clients: [CUSTOM_CLIENT, CUSTOM_CLIENT] }, /clients\[1\]\.id duplicates/],
      [
        { identities: [{ id: "x", username: "u", name: "n", email: "e" }] },
        /identities\[0\]\.account/,
      ],
      [
        { flows: [{ id: "f", title: "t", owner: "o", definition: "nope" }] },
        /flows\[0\]\.definition must be an object/,
      ],
      [
        {
          endpoints: [
            {
              id: "e",
              display_name: "d",
              tree: { name: "/", type: "dir", children: [{ name: "a", type: "link" }] },
            },
          ],
        },
        /endpoints\[0\]\.tree\.children\[0\]\.type must be "dir" or "file"/,
      ],
      [{ colections: [] }, /colections is not a seed field/],
    ];
    for (const [seed, pattern] of cases) {
      assert.throws(
        () => resolveSeed(seed),
        (error: Error) => {
          assert.ok(error instanceof EmulatorSeedError);
          assert.match(error.message, pattern);
          return true;
        },
      );
    }
    const path = join(dir, "bad.json");
    writeFileSync(path, JSON.stringify({ clients: [{ ...CUSTOM_CLIENT, type: 1 }] }));
    assert.throws(
      () => loadSeedFile(path),
      new RegExp(`${path.replaceAll("/", "\\/")}: clients\\[0\\]\\.type`),
    );
    const broken = join(dir, "broken.json");
    writeFileSync(broken, "{not json");
    assert.throws(() => loadSeedFile(broken), /is not valid JSON/);
    assert.throws(
      () => loadSeedFile(join(dir, "missing.json")),
      /Cannot read emulator seed file .*ENOENT/,
    );
  });
});

function readFirstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = "";
    let errors = "";
    child.stderr!.on("data", (chunk) => {
      errors += chunk;
    });
    child.stdout!.on("data", (chunk) => {
      buffer += chunk;
      const newline = buffer.indexOf("\n");
      if (newline >= 0) resolve(buffer.slice(0, newline));
    });
    child.on("exit", (code) => reject(new Error(`exited ${code}: ${errors}`)));
  });
}

describe("globus-sdk emulator (CLI)", () => {
  const node = "./node_modules/.bin/node";

  it("prints one JSON object and serves until SIGTERM", async () => {
    const child = spawn(node, ["src/cli/bin.ts", "emulator", "--json", "--port", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const info = JSON.parse(await readFirstLine(child));
      assert.match(info.urls.auth, /^http:\/\/127\.0\.0\.1:\d+\/auth\/$/);
      assert.equal(info.environmentVariables.GLOBUS_SDK_SERVICE_URL_AUTH, info.urls.auth);
      const confidential = info.clients.find(
        (client: any) => client.id === DEMO_CONFIDENTIAL_CLIENT_ID,
      );
      assert.equal(confidential.secret, DEMO_CONFIDENTIAL_CLIENT_SECRET);
      const native = info.clients.find((client: any) => client.id === DEMO_NATIVE_CLIENT_ID);
      assert.equal(native.secret, undefined);
      assert.equal(info.identities.length, 4);
      const config = await fetch(`${info.urls.auth}.well-known/openid-configuration`);
      assert.equal(config.status, 200);
      const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
      child.kill("SIGTERM");
      assert.equal(await exited, 0);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("prints text by default, and fails clearly on a bad seed or port", async () => {
    const child = spawn(node, ["src/cli/bin.ts", "emulator", "--port", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const first = await readFirstLine(child);
      assert.match(first, /^Globus emulator listening on http:\/\/127\.0\.0\.1:\d+\/$/);
    } finally {
      child.kill("SIGKILL");
    }
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const proc = spawn(node, ["src/cli/bin.ts", ...args], {
          stdio: ["ignore", "pipe", "pipe"],
        });
        let stderr = "";
        proc.stderr.on("data", (chunk) => {
          stderr += chunk;
        });
        proc.on("exit", (code) => resolve({ code, stderr }));
      });
    const badSeed = await run(["emulator", "--seed", "/nonexistent/seed.json"]);
    assert.equal(badSeed.code, 2);
    assert.match(badSeed.stderr, /Cannot read emulator seed file \/nonexistent\/seed\.json/);
    const badPort = await run(["emulator", "--port", "http"]);
    assert.equal(badPort.code, 2);
    assert.match(badPort.stderr, /--port/);
    const unknown = await run(["frobnicate"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "frobnicate"/);
  });
});
