import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { GlobusSDKError } from "../../src/errors.ts";
import { Scope } from "../../src/scopes/index.ts";
import {
  type ConsentRecord,
  type ConsentSource,
  ExpiredTokenError,
  IdentityMismatchError,
  JSONTokenStorage,
  MemoryTokenStorage,
  MissingIdentityError,
  MissingTokenError,
  TokenStorageClosedError,
  TokenValidationError,
  UnmetScopeRequirementsError,
  ValidatingTokenStorage,
} from "../../src/token-storage/index.ts";
import { TRANSFER_ALL, tempDir, tokenData, tokenResponse } from "./helpers.ts";

const ALICE = "8ca28797-3541-4a5d-a264-05b00f91e608";
const BOB = "b0b00000-0000-4000-8000-000000000000";
const TRANSFER = "transfer.api.globus.org";
const DATA_ACCESS =
  "https://auth.globus.org/scopes/542a86fc-1766-450d-841f-065488a2ec01/data_access";

/** Consents in the shape Globus Auth returns (see the Python SDK's get_consents test data). */
function consent(id: number, scopeName: string, dependencyPath: number[]): ConsentRecord {
  return {
    created: "2022-09-21T17:10:14.270581+00:00",
    id,
    status: "approved",
    updated: "2022-09-21T17:10:14.270581+00:00",
    allows_refresh: true,
    dependency_path: dependencyPath,
    scope_name: scopeName,
    atomically_revocable: false,
    effective_identity: ALICE,
    auto_approved: false,
    last_used: "2024-03-18T17:34:04.719126+00:00",
    scope: "89ecabba-4acf-4e2e-a98d-ce592ccc2818",
    client: "065db752-2f43-4fe1-a633-2ee68c9da889",
  };
}

/** A consents API on a local HTTP server, and a ConsentSource that calls it. */
class ConsentServer implements ConsentSource {
  consents = new Map<string, ConsentRecord[]>();
  requests: string[] = [];
  #server: Server;
  #url = "";
  constructor() {
    this.#server = createServer((req, res) => {
      const match = /^\/v2\/api\/identities\/([^/]+)\/consents$/.exec(req.url ?? "");
      this.requests.push(req.url ?? "");
      if (!match) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ consents: this.consents.get(match[1]!) ?? [] }));
    });
  }
  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    this.#url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }
  stop(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
  async getConsents(identityId: string): Promise<ConsentRecord[]> {
    const res = await fetch(`${this.#url}/v2/api/identities/${identityId}/consents`);
    return ((await res.json()) as { consents: ConsentRecord[] }).consents;
  }
}

describe("ValidatingTokenStorage", () => {
  let dir: string;
  let cleanup: () => void;
  const server = new ConsentServer();
  before(async () => {
    ({ dir, cleanup } = tempDir());
    await server.start();
  });
  after(async () => {
    await server.stop();
    cleanup();
  });

  const transferWithDataAccess = () => new Scope(TRANSFER_ALL, { dependencies: [DATA_ACCESS] });

  test("valid tokens are stored and read back; consents are fetched once and cached", async () => {
    server.requests = [];
    server.consents.set(ALICE, [consent(1, TRANSFER_ALL, [1]), consent(2, DATA_ACCESS, [1, 2])]);
    const storage = new ValidatingTokenStorage(new MemoryTokenStorage(), {
      scopeRequirements: { [TRANSFER]: [transferWithDataAccess()], "auth.globus.org": "openid" },
      consentSource: server,
    });
    await storage.storeTokenResponse(
      tokenResponse(
        [
          tokenData({ resource_server: TRANSFER, scope: TRANSFER_ALL, identity_id: null }),
          tokenData({
            resource_server: "auth.globus.org",
            scope: "openid email",
            identity_id: null,
          }),
        ],
        ALICE,
      ),
    );
    assert.equal(storage.identityId, ALICE);
    assert.equal((await storage.getValidTokenData(TRANSFER)).identity_id, ALICE);
    await storage.getValidTokenData(TRANSFER);
    await storage.getValidTokenData("auth.globus.org");
    assert.deepEqual(server.requests, [`/v2/api/identities/${ALICE}/consents`]);
  });

  test("MissingTokenError: nothing stored, or no refresh token when one is required", async () => {
    const storage = new ValidatingTokenStorage(new MemoryTokenStorage());
    await assert.rejects(storage.getValidTokenData(TRANSFER), (e: unknown) => {
      assert.ok(e instanceof MissingTokenError);
      assert.equal(e.resourceServer, TRANSFER);
      return true;
    });
    assert.equal(await storage.getTokenData(TRANSFER), undefined, "the plain read does not throw");
    await storage.storeTokenDataByResourceServer({
      [TRANSFER]: tokenData({ resource_server: TRANSFER, identity_id: ALICE, refresh_token: null }),
    });
    await assert.rejects(
      storage.getValidTokenData(TRANSFER, { requireRefreshToken: true }),
      MissingTokenError,
    );
    await storage.getValidTokenData(TRANSFER);
  });

  test("ExpiredTokenError on get, unless the token can be refreshed", async () => {
    const storage = new ValidatingTokenStorage(new MemoryTokenStorage());
    const expiresAt = Math.floor(Date.now() / 1000) - 10;
    await storage.storeTokenDataByResourceServer({
      [TRANSFER]: tokenData({
        resource_server: TRANSFER,
        identity_id: ALICE,
        expires_at_seconds: expiresAt,
      }),
    });
    await assert.rejects(storage.getValidTokenData(TRANSFER), (e: unknown) => {
      assert.ok(e instanceof ExpiredTokenError);
      assert.equal(e.expiresAtSeconds, expiresAt);
      assert.equal(e.expiredAt.getTime(), expiresAt * 1000);
      assert.ok(!e.message.includes("at-transfer"), "no token in the message");
      return true;
    });
    // expired but refreshable: valid for a refresh-token authorizer
    assert.equal(
      (await storage.getValidTokenData(TRANSFER, { requireRefreshToken: true })).expires_at_seconds,
      expiresAt,
    );
    // the plain read returns expired tokens, for refresh logic
    assert.equal((await storage.getTokenData(TRANSFER))?.expires_at_seconds, expiresAt);
    const lenient = new ValidatingTokenStorage(storage.storage, { checkExpiry: false });
    await lenient.getValidTokenData(TRANSFER);
  });

  test("UnmetScopeRequirementsError names the missing top-level scopes, and nothing is stored", async () => {
    const inner = new MemoryTokenStorage();
    const storage = new ValidatingTokenStorage(inner, {
      scopeRequirements: {
        [TRANSFER]: [TRANSFER_ALL, "urn:globus:auth:scope:transfer.api.globus.org:gcp_install"],
      },
    });
    await assert.rejects(
      storage.storeTokenDataByResourceServer({
        [TRANSFER]: tokenData({
          resource_server: TRANSFER,
          identity_id: ALICE,
          scope: TRANSFER_ALL,
        }),
      }),
      (e: unknown) => {
        assert.ok(e instanceof UnmetScopeRequirementsError);
        assert.equal(e.resourceServer, TRANSFER);
        assert.deepEqual(e.missingScopes, [
          "urn:globus:auth:scope:transfer.api.globus.org:gcp_install",
        ]);
        assert.equal(e.dependent, false);
        assert.match(e.message, /gcp_install/);
        return true;
      },
    );
    assert.deepEqual(await inner.getTokenDataByResourceServer(), {});
    // tokens that got into the storage some other way are checked on get as well
    await inner.storeTokenDataByResourceServer({
      [TRANSFER]: tokenData({ resource_server: TRANSFER, identity_id: ALICE, scope: "openid" }),
    });
    await assert.rejects(storage.getValidTokenData(TRANSFER), (e: unknown) => {
      assert.ok(e instanceof UnmetScopeRequirementsError);
      assert.equal(e.missingScopes.length, 2);
      return true;
    });
  });

  test("dependent scopes are checked against consents; an unmet cache is refreshed once", async () => {
    server.requests = [];
    server.consents.set(ALICE, [consent(10, TRANSFER_ALL, [10])]);
    const storage = new ValidatingTokenStorage(new MemoryTokenStorage(), {
      scopeRequirements: { [TRANSFER]: [transferWithDataAccess()] },
      consentSource: server,
    });
    // storing checks only the top-level scope, as in the Python SDK
    await storage.storeTokenDataByResourceServer({
      [TRANSFER]: tokenData({ resource_server: TRANSFER, identity_id: ALICE, scope: TRANSFER_ALL }),
    });
    assert.equal(server.requests.length, 0);
    await assert.rejects(storage.getValidTokenData(TRANSFER), (e: unknown) => {
      assert.ok(e instanceof UnmetScopeRequirementsError);
      assert.equal(e.dependent, true);
      assert.deepEqual(e.missingScopes, [`${TRANSFER_ALL}[${DATA_ACCESS}]`]);
      return true;
    });
    assert.equal(server.requests.length, 1);
    // the user consents (e.g. after a login): the stale cache fails, so consents are re-read
    server.consents.set(ALICE, [
      consent(10, TRANSFER_ALL, [10]),
      consent(11, DATA_ACCESS, [10, 11]),
    ]);
    await storage.getValidTokenData(TRANSFER);
    assert.equal(server.requests.length, 2);
    await storage.getValidTokenData(TRANSFER);
    assert.equal(server.requests.length, 2, "met requirements are answered from the cache");
    // a data_access consent under some other root does not count
    server.consents.set(BOB, [
      consent(20, TRANSFER_ALL, [20]),
      consent(21, "other:root", [21]),
      consent(22, DATA_ACCESS, [21, 22]),
    ]);
    const bobs = new ValidatingTokenStorage(new MemoryTokenStorage(), {
      scopeRequirements: { [TRANSFER]: [transferWithDataAccess()] },
      consentSource: server,
    });
    await bobs.storeTokenDataByResourceServer({
      [TRANSFER]: tokenData({ resource_server: TRANSFER, identity_id: BOB, scope: TRANSFER_ALL }),
    });
    await assert.rejects(bobs.getValidTokenData(TRANSFER), UnmetScopeRequirementsError);
  });

  test("requirements without dependencies never call the consents API", async () => {
    server.requests = [];
    const storage = new ValidatingTokenStorage(new MemoryTokenStorage(), {
      scopeRequirements: new Map([[TRANSFER, [new Scope(TRANSFER_ALL)]]]),
      consentSource: server,
    });
    await storage.storeTokenDataByResourceServer({
      [TRANSFER]: tokenData({ resource_server: TRANSFER, identity_id: ALICE, scope: TRANSFER_ALL }),
    });
    await storage.getValidTokenData(TRANSFER);
    assert.equal(server.requests.length, 0);
  });

  test("requirements given as a function are read at each check", async () => {
    const requirements: Record<string, string[]> = {};
    const storage = new ValidatingTokenStorage(new MemoryTokenStorage(), {
      scopeRequirements: () => requirements,
    });
    await storage.storeTokenDataByResourceServer({
      [TRANSFER]: tokenData({ resource_server: TRANSFER, identity_id: ALICE, scope: TRANSFER_ALL }),
    });
    await storage.getValidTokenData(TRANSFER);
    requirements[TRANSFER] = ["urn:globus:auth:scope:transfer.api.globus.org:gcp_install"];
    await assert.rejects(storage.getValidTokenData(TRANSFER), UnmetScopeRequirementsError);
  });

  test("IdentityMismatchError: a login as another user overwrites nothing", async () => {
    const file = path.join(dir, "identity.json");
    const storage = new ValidatingTokenStorage(new JSONTokenStorage(file));
    await storage.storeTokenResponse(
      tokenResponse(
        [tokenData({ resource_server: TRANSFER, identity_id: null, access_token: "alice-token" })],
        ALICE,
      ),
    );
    const before = readFileSync(file, "utf8");
    // a fresh storage on the same file (another process, a later run) knows Alice from the file
    const later = new ValidatingTokenStorage(new JSONTokenStorage(file));
    await assert.rejects(
      later.storeTokenResponse(
        tokenResponse(
          [
            tokenData({ resource_server: TRANSFER, identity_id: null, access_token: "bob-token" }),
            tokenData({ resource_server: "groups.api.globus.org", identity_id: null }),
          ],
          BOB,
        ),
      ),
      (e: unknown) => {
        assert.ok(e instanceof IdentityMismatchError);
        assert.equal(e.storedIdentityId, ALICE);
        assert.equal(e.newIdentityId, BOB);
        assert.ok(!e.message.includes("bob-token"));
        return true;
      },
    );
    assert.equal(readFileSync(file, "utf8"), before, "the file is unchanged");
    assert.equal((await later.getValidTokenData(TRANSFER)).access_token, "alice-token");
    assert.equal(await later.getTokenData("groups.api.globus.org"), undefined);
    // a refresh response keeps Alice and passes
    await later.storeTokenResponse(
      tokenResponse(
        [tokenData({ resource_server: TRANSFER, identity_id: null, access_token: "alice-2" })],
        undefined,
        {
          isRefreshResponse: true,
        },
      ),
    );
    assert.equal((await later.getTokenData(TRANSFER))?.identity_id, ALICE);
    // after a logout (everything removed) another user may log in
    assert.equal(await later.removeTokenData(TRANSFER), true);
    await later.storeTokenResponse(
      tokenResponse([tokenData({ resource_server: TRANSFER, identity_id: null })], BOB),
    );
    assert.equal((await later.getTokenData(TRANSFER))?.identity_id, BOB);
    await later.close();
    await storage.close();
  });

  test("MissingIdentityError without an id_token; identity checks off for a ClientApp", async () => {
    const userApp = new ValidatingTokenStorage(new MemoryTokenStorage());
    await assert.rejects(
      userApp.storeTokenResponse(
        tokenResponse([tokenData({ resource_server: TRANSFER, identity_id: null })], undefined),
      ),
      MissingIdentityError,
    );
    await assert.rejects(
      userApp.storeTokenDataByResourceServer({
        a: tokenData({ resource_server: "a", identity_id: ALICE }),
        b: tokenData({ resource_server: "b", identity_id: BOB }),
      }),
      IdentityMismatchError,
    );
    const clientApp = new ValidatingTokenStorage(new MemoryTokenStorage(), {
      validateIdentity: false,
    });
    await clientApp.storeTokenResponse(
      tokenResponse([tokenData({ resource_server: TRANSFER, identity_id: null })], undefined),
    );
    assert.equal((await clientApp.getValidTokenData(TRANSFER)).identity_id, null);
  });

  test("every validation error is a TokenValidationError and a GlobusSDKError", () => {
    for (const error of [
      new MissingTokenError("m", "rs"),
      new UnmetScopeRequirementsError("rs", ["s"], false),
      new IdentityMismatchError("m", "a", "b"),
      new MissingIdentityError("m"),
      new ExpiredTokenError("rs", 0),
    ]) {
      assert.ok(error instanceof TokenValidationError);
      assert.ok(error instanceof GlobusSDKError);
    }
  });

  test("close: idempotent, closes the wrapped storage unless told not to", async () => {
    const inner = new MemoryTokenStorage();
    const storage = new ValidatingTokenStorage(inner);
    await storage.close();
    await storage.close();
    assert.equal(inner.closed, true);
    await assert.rejects(storage.getTokenData("x"), TokenStorageClosedError);
    await assert.rejects(storage.getValidTokenData("x"), TokenStorageClosedError);
    const userOwned = new MemoryTokenStorage();
    const wrapper = new ValidatingTokenStorage(userOwned, { closeWrappedStorage: false });
    await wrapper.close();
    assert.equal(userOwned.closed, false);
    await userOwned.getTokenDataByResourceServer();
  });
});
