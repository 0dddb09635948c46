// biome-ignore-all lint/suspicious/noExplicitAny: response bodies are checked field by field by the assertions
/**
 * `servicePorts`: each service also at the root of its own loopback origin, as real Globus
 * serves each service on its own host, beside the shared port's `/<service>/` mounts.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { after, before, describe, it } from "node:test";
import { FlowsClient, MemoryTokenStorage, TransferClient } from "../../src/index.ts";
import {
  DEMO_COLLECTION_ID,
  DEMO_GCS_ENDPOINT_ID,
  type RunningEmulator,
  startEmulator,
} from "../../src/testing/index.ts";
import { emulatorUserApp } from "../helpers/emulator-app.ts";
import { userTokens } from "../services/helpers.ts";
import { TRANSFER_ALL } from "./helpers.ts";

const SERVICES = ["auth", "transfer", "flows", "groups", "search", "timer", "compute"];

describe("emulator service ports", () => {
  let emulator: RunningEmulator;
  let transferToken: string;
  before(async () => {
    emulator = await startEmulator({ servicePorts: true });
    transferToken = (await userTokens(emulator, [TRANSFER_ALL])).get("transfer.api.globus.org")!;
  });
  after(() => emulator.stop());

  it("gives every service its own loopback origin, and keeps the shared mounts", () => {
    assert.equal(emulator.servicePorts, true);
    const origins = new Set<string>();
    for (const service of SERVICES) {
      const url = emulator.urls[service]!;
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/, service);
      assert.notEqual(url, emulator.baseUrl);
      origins.add(url);
      assert.equal(emulator.mountUrls[service], `${emulator.baseUrl}${service}/`);
    }
    assert.equal(origins.size, SERVICES.length, "one port per service");
    assert.match(emulator.gcsEndpointUrls[DEMO_GCS_ENDPOINT_ID]!, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it("names the origins in environmentVariables, Timers as TIMER and TIMERS", () => {
    const env = emulator.environmentVariables;
    assert.equal(env.GLOBUS_SDK_SERVICE_URL_AUTH, emulator.urls.auth);
    assert.equal(env.GLOBUS_SDK_SERVICE_URL_TRANSFER, emulator.urls.transfer);
    assert.equal(env.GLOBUS_SDK_SERVICE_URL_FLOWS, emulator.urls.flows);
    assert.equal(env.GLOBUS_SDK_SERVICE_URL_TIMER, emulator.urls.timer);
    assert.equal(env.GLOBUS_SDK_SERVICE_URL_TIMERS, emulator.urls.timer);
  });

  it("serves a service's API at the root of its origin, and the same on the shared port", async () => {
    const path = "v0.10/endpoint_search?filter_scope=my-endpoints";
    const headers = { Authorization: `Bearer ${transferToken}` };
    const own = await fetch(`${emulator.urls.transfer}${path}`, { headers });
    const shared = await fetch(`${emulator.mountUrls.transfer}${path}`, { headers });
    assert.equal(own.status, 200);
    assert.equal(shared.status, 200);
    const [ownBody, sharedBody] = [(await own.json()) as any, (await shared.json()) as any];
    assert.deepEqual(
      ownBody.DATA.map((e: any) => e.id),
      sharedBody.DATA.map((e: any) => e.id),
    );
    const logged = emulator.controls.requestLog({
      service: "transfer",
      path: "/v0.10/endpoint_search",
    });
    assert.equal(logged.length, 2, "both requests are logged alike, below the mount");
  });

  it("answers Auth discovery with the Auth origin's URLs", async () => {
    const config = (await (
      await fetch(`${emulator.urls.auth}.well-known/openid-configuration`)
    ).json()) as any;
    assert.equal(config.token_endpoint, `${emulator.urls.auth}v2/oauth2/token`);
    assert.equal(config.jwks_uri, `${emulator.urls.auth}jwk.json`);
  });

  it("serves each GCS endpoint at its own origin, which Transfer names as gcs_manager_url", async () => {
    const gcsUrl = emulator.gcsEndpointUrls[DEMO_GCS_ENDPOINT_ID]!;
    const token = (
      await userTokens(emulator, [
        `urn:globus:auth:scope:${DEMO_GCS_ENDPOINT_ID}:manage_collections`,
      ])
    ).get(DEMO_GCS_ENDPOINT_ID)!;
    const collections = await fetch(`${gcsUrl}api/collections`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    assert.equal(collections.status, 200);
    const endpoint = (await (
      await fetch(`${emulator.urls.transfer}v0.10/endpoint/${DEMO_COLLECTION_ID}`, {
        headers: { Authorization: `Bearer ${transferToken}` },
      })
    ).json()) as any;
    assert.equal(endpoint.gcs_manager_url, gcsUrl.replace(/\/$/, ""));
  });

  it("keeps the controls on the shared port only", async () => {
    assert.equal((await fetch(`${emulator.baseUrl}_emulator/clock`)).status, 200);
    assert.equal((await fetch(`${emulator.urls.flows}_emulator/clock`)).status, 404);
  });

  it("works with our own clients through the environment variables", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, emulator.environmentVariables);
    try {
      await using app = emulatorUserApp(emulator, new MemoryTokenStorage(), "service-ports");
      const flows = new FlowsClient({ app });
      const transfer = new TransferClient({ app });
      const before = emulator.controls.requestLog().length;
      const page = await flows.listFlows().firstPage();
      assert.ok(page.items.length > 0);
      const ls = await transfer.operationLs(DEMO_COLLECTION_ID, { path: "/" });
      assert.equal(ls.DATA_TYPE, "file_list");
      assert.equal(flows.transport.baseUrl, emulator.urls.flows);
      const services = emulator.controls
        .requestLog()
        .slice(before)
        .map((entry) => entry.service);
      assert.ok(services.includes("flows") && services.includes("transfer"));
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });

  it("closes every port on stop", async () => {
    const other = await startEmulator({ servicePorts: true });
    const url = other.urls.flows!;
    assert.equal((await fetch(`${url}flows`)).status, 401);
    await other.stop();
    await assert.rejects(fetch(`${url}flows`));
  });
});

describe("emulator without service ports", () => {
  it("publishes the shared mounts as the service URLs", async () => {
    await using emulator = await startEmulator();
    assert.equal(emulator.servicePorts, false);
    assert.deepEqual(emulator.urls, emulator.mountUrls);
    assert.equal(
      emulator.gcsEndpointUrls[DEMO_GCS_ENDPOINT_ID],
      `${emulator.baseUrl}gcs/${DEMO_GCS_ENDPOINT_ID}/`,
    );
  });
});

describe("globus-sdk emulator --service-ports", () => {
  it("prints the per-service origins in --json", async () => {
    const child = spawn(
      "./node_modules/.bin/node",
      ["src/cli/bin.ts", "emulator", "--service-ports", "--json"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once("line", resolve);
        child.once("exit", (code) => reject(new Error(`exited ${code}`)));
      });
      const info = JSON.parse(line);
      assert.equal(info.servicePorts, true);
      assert.match(info.urls.flows, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      assert.equal(info.environmentVariables.GLOBUS_SDK_SERVICE_URL_FLOWS, info.urls.flows);
      assert.ok(info.gcsEndpointUrls[DEMO_GCS_ENDPOINT_ID]);
      assert.equal((await fetch(`${info.urls.flows}flows`)).status, 401);
    } finally {
      child.kill("SIGKILL");
    }
  });
});
