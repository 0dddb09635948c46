/**
 * Every scope collection carries exactly the strings and resource server of src/scopes/known.ts,
 * and the emulator grants those same scopes on those same resource servers.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  AuthScopes,
  ComputeScopes,
  FlowsScopes,
  GCSCollectionScopes,
  GCSEndpointScopes,
  GroupsScopes,
  KNOWN_SCOPES,
  NexusScopes,
  Scope,
  SearchScopes,
  SpecificFlowScopes,
  TimersScopes,
  TransferScopes,
} from "../../src/scopes/index.ts";
import {
  gcsCollectionScopeSet,
  gcsEndpointScopeSet,
  type KnownScopeSet,
  specificFlowScopeSet,
} from "../../src/scopes/known.ts";
import {
  DEMO_COLLECTION_ID,
  DEMO_CONFIDENTIAL_CLIENT_ID,
  DEMO_CONFIDENTIAL_CLIENT_SECRET,
  DEMO_FLOW_ID,
  DEMO_GCS_ENDPOINT_ID,
  type RunningEmulator,
  startEmulator,
} from "../../src/testing/index.ts";
import { resourceServerOf } from "../../src/testing/scope-tree.ts";

const FLOW_ID = randomUUID();
const COLLECTION_ID = randomUUID();
const ENDPOINT_ID = randomUUID();

const STATIC: ReadonlyArray<readonly [string, object, KnownScopeSet]> = [
  ["AuthScopes", AuthScopes, KNOWN_SCOPES.auth],
  ["TransferScopes", TransferScopes, KNOWN_SCOPES.transfer],
  ["FlowsScopes", FlowsScopes, KNOWN_SCOPES.flows],
  ["GroupsScopes", GroupsScopes, KNOWN_SCOPES.groups],
  ["NexusScopes", NexusScopes, KNOWN_SCOPES.nexus],
  ["SearchScopes", SearchScopes, KNOWN_SCOPES.search],
  ["TimersScopes", TimersScopes, KNOWN_SCOPES.timers],
  ["ComputeScopes", ComputeScopes, KNOWN_SCOPES.compute],
];
const DYNAMIC: ReadonlyArray<readonly [string, object, KnownScopeSet]> = [
  ["SpecificFlowScopes", SpecificFlowScopes(FLOW_ID), specificFlowScopeSet(FLOW_ID)],
  ["GCSCollectionScopes", GCSCollectionScopes(COLLECTION_ID), gcsCollectionScopeSet(COLLECTION_ID)],
  ["GCSEndpointScopes", GCSEndpointScopes(ENDPOINT_ID), gcsEndpointScopeSet(ENDPOINT_ID)],
];

describe("scope collections match src/scopes/known.ts", () => {
  it("covers every static set of known.ts", () => {
    assert.deepEqual(STATIC.map(([, , set]) => set).sort(), Object.values(KNOWN_SCOPES).sort());
  });

  for (const [name, collection, set] of [...STATIC, ...DYNAMIC]) {
    it(`${name} has exactly the known strings and resource server`, () => {
      const { resourceServer, ...scopes } = collection as Record<string, unknown>;
      assert.equal(resourceServer, set.resourceServer);
      assert.deepEqual(Object.keys(scopes).sort(), Object.keys(set.scopes).sort());
      for (const [key, value] of Object.entries(scopes)) {
        assert.ok(value instanceof Scope, key);
        assert.equal(value.toString(), set.scopes[key]);
        assert.equal(value.optional, false);
        assert.equal(value.dependencies.length, 0);
      }
      assert.ok(Object.isFrozen(collection));
    });
  }

  it("uses Globus's real strings for the scopes GlobusApp relies on", () => {
    assert.equal(
      TransferScopes.all.toString(),
      "urn:globus:auth:scope:transfer.api.globus.org:all",
    );
    assert.equal(AuthScopes.openid.toString(), "openid");
    assert.equal(
      FlowsScopes.run_manage.toString(),
      "https://auth.globus.org/scopes/eec9b274-0c81-4334-bdc2-54e90e689b9a/run_manage",
    );
    assert.equal(TimersScopes.resourceServer, "524230d7-ea86-4a52-8312-86065a9e0417");
    assert.equal(ComputeScopes.resourceServer, "funcx_service");
    const flowId = "00000000-1111-2222-3333-444444444444";
    assert.equal(
      SpecificFlowScopes(flowId).user.toString(),
      `https://auth.globus.org/scopes/${flowId}/flow_00000000_1111_2222_3333_444444444444_user`,
    );
    assert.equal(
      GCSEndpointScopes("ep").manage_collections.toString(),
      "urn:globus:auth:scope:ep:manage_collections",
    );
    assert.equal(
      GCSCollectionScopes("c").data_access.toString(),
      "https://auth.globus.org/scopes/c/data_access",
    );
  });
});

describe("the emulator registers the same scopes", () => {
  it("maps every collection scope to the collection's resource server", () => {
    for (const [name, collection] of [...STATIC, ...DYNAMIC]) {
      const { resourceServer, ...scopes } = collection as Record<string, unknown>;
      for (const [key, scope] of Object.entries(scopes)) {
        assert.equal(resourceServerOf(String(scope)), resourceServer, `${name}.${key}`);
      }
    }
  });

  it("re-types no scope string that differs from known.ts", () => {
    // the emulator should import known.ts; any literal scope string in it must at least match
    const known = new Set(
      [...Object.values(KNOWN_SCOPES)].flatMap((set) => Object.values(set.scopes) as string[]),
    );
    const literal =
      /["'`]((?:urn:globus:auth:scope:|https:\/\/auth\.globus\.org\/scopes\/)[^"'`$]*)["'`]/g;
    const root = join(import.meta.dirname, "../../src/testing");
    const files = readdirSync(root, { recursive: true, encoding: "utf8" }).filter((f) =>
      f.endsWith(".ts"),
    );
    assert.ok(files.length > 5);
    for (const file of files) {
      const source = readFileSync(join(root, file), "utf8");
      for (const match of source.matchAll(literal)) {
        assert.ok(known.has(match[1]!), `${file}: ${match[1]} is not a string of known.ts`);
      }
    }
  });

  describe("over HTTP", () => {
    let emulator: RunningEmulator;
    before(async () => {
      emulator = await startEmulator();
    });
    after(() => emulator.stop());

    const grant = async (scope: string) => {
      const basic = Buffer.from(
        `${DEMO_CONFIDENTIAL_CLIENT_ID}:${DEMO_CONFIDENTIAL_CLIENT_SECRET}`,
      ).toString("base64");
      const response = await fetch(`${emulator.urls.auth}v2/oauth2/token`, {
        method: "POST",
        headers: {
          authorization: `Basic ${basic}`,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ grant_type: "client_credentials", scope }).toString(),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };

    it("grants each collection's scopes as a token for the collection's resource server", async () => {
      const collections = [
        ...STATIC.filter(([name]) => name !== "AuthScopes"),
        ["SpecificFlowScopes", SpecificFlowScopes(DEMO_FLOW_ID)] as const,
        ["GCSCollectionScopes", GCSCollectionScopes(DEMO_COLLECTION_ID)] as const,
        ["GCSEndpointScopes", GCSEndpointScopes(DEMO_GCS_ENDPOINT_ID)] as const,
      ];
      for (const [name, collection] of collections) {
        const { resourceServer, ...scopes } = collection as Record<string, unknown>;
        for (const [key, scope] of Object.entries(scopes)) {
          const { status, body } = await grant(String(scope));
          assert.equal(status, 200, `${name}.${key}: ${JSON.stringify(body)}`);
          assert.equal(body.resource_server, resourceServer, `${name}.${key}`);
          assert.equal(body.scope, String(scope));
        }
      }
    });

    it("refuses a string that is not a Globus scope", async () => {
      const { status, body } = await grant("not-a-globus-scope");
      assert.equal(status, 400);
      assert.equal(body.error, "invalid_scope");
    });
  });
});
