import assert from "node:assert/strict";
import { generateKeyPair } from "node:crypto";
import { after, before, beforeEach, describe, it } from "node:test";
import { promisify } from "node:util";
import { exportJWK, type JWTPayload, SignJWT } from "jose";
import {
  IdTokenAudienceError,
  IdTokenDecoder,
  IdTokenExpiredError,
  IdTokenIssuerError,
  IdTokenMalformedError,
  IdTokenNotYetValidError,
  IdTokenSignatureError,
  IdTokenValidationError,
} from "../../src/auth/index.ts";
import {
  ALICE_IDENTITY_ID,
  DEMO_CONFIDENTIAL_CLIENT_ID,
  DEMO_NATIVE_CLIENT_ID,
  type RunningEmulator,
  startEmulator,
} from "../../src/testing/index.ts";
import { loginAs, nativeClient } from "./helpers.ts";

const generateKeyPairAsync = promisify(generateKeyPair);
let emulator: RunningEmulator;

before(async () => {
  emulator = await startEmulator();
});
after(async () => {
  await emulator.stop();
});
beforeEach(() => {
  emulator.controls.reset();
});

function decoderFor(clientId = DEMO_NATIVE_CLIENT_ID, leewaySeconds?: number) {
  return new IdTokenDecoder({
    clientId,
    baseUrl: emulator.urls["auth"]!,
    now: () => emulator.controls.now(),
    ...(leewaySeconds === undefined ? {} : { leewaySeconds }),
  });
}

async function aliceIdToken(): Promise<string> {
  const response = await loginAs(
    emulator,
    nativeClient(emulator),
    ALICE_IDENTITY_ID,
    ["openid", "email"],
    {
      refreshTokens: false,
    },
  );
  assert.ok(response.idToken);
  return response.idToken;
}

function claimsOf(jwt: string): JWTPayload {
  return JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString("utf8")) as JWTPayload;
}

function headerOf(jwt: string): { kid?: string } {
  return JSON.parse(Buffer.from(jwt.split(".")[0]!, "base64url").toString("utf8")) as {
    kid?: string;
  };
}

function jwksFetches(): number {
  return emulator.controls.requestLog({ service: "auth", path: "/jwk.json" }).length;
}

async function forge(claims: JWTPayload, kid: string | undefined) {
  const { privateKey } = await generateKeyPairAsync("rsa", { modulusLength: 2048 });
  const header = kid === undefined ? { alg: "RS256" } : { alg: "RS256", kid };
  return new SignJWT(claims).setProtectedHeader(header).sign(privateKey);
}

describe("IdTokenDecoder against the emulator", () => {
  it("accepts a valid id_token, found through OpenID discovery, and caches the keys", async () => {
    const decoder = decoderFor();
    const token = await aliceIdToken();
    const claims = await decoder.decode(token);
    assert.equal(claims.sub, ALICE_IDENTITY_ID);
    assert.equal(
      claims["email"],
      emulator.seed.identities.find((i) => i.id === ALICE_IDENTITY_ID)?.email,
    );
    await decoder.decode(token);
    assert.equal(jwksFetches(), 1, "the JWKS is fetched once");
    assert.equal(
      emulator.controls.requestLog({ path: "/.well-known/openid-configuration" }).length,
      1,
    );
  });

  it("refuses a forged signature (another key, the real kid)", async () => {
    const decoder = decoderFor();
    const real = await aliceIdToken();
    const forged = await forge(claimsOf(real), headerOf(real).kid);
    await assert.rejects(decoder.decode(forged), (e: unknown) => {
      assert.ok(e instanceof IdTokenSignatureError, String(e));
      assert.ok(e instanceof IdTokenValidationError);
      assert.equal(e.message.includes(forged), false, "the token is not in the message");
      return true;
    });
  });

  it("refuses a forged token with an unknown kid after exactly one JWKS refetch", async () => {
    const decoder = decoderFor();
    const real = await aliceIdToken();
    await decoder.decode(real);
    const forged = await forge(claimsOf(real), "not-a-globus-key");
    await assert.rejects(decoder.decode(forged), IdTokenSignatureError);
    assert.equal(jwksFetches(), 2);
    // the same unknown kid does not make it refetch again
    await assert.rejects(decoder.decode(forged), IdTokenSignatureError);
    assert.equal(jwksFetches(), 2);
  });

  it("refuses a token issued for another client (wrong audience)", async () => {
    const token = await aliceIdToken();
    await assert.rejects(
      decoderFor(DEMO_CONFIDENTIAL_CLIENT_ID).decode(token),
      IdTokenAudienceError,
    );
  });

  it("accepts expiry within the leeway, refuses it beyond (emulator clock)", async () => {
    const token = await aliceIdToken();
    const exp = claimsOf(token).exp!;
    emulator.controls.advanceClock(exp - emulator.controls.now() + 200);
    assert.equal(
      (await decoderFor().decode(token)).sub,
      ALICE_IDENTITY_ID,
      "200 s late is within 300 s",
    );
    emulator.controls.advanceClock(101);
    await assert.rejects(decoderFor().decode(token), IdTokenExpiredError);
    // a configurable leeway: one hour accepts it
    assert.equal(
      (await decoderFor(DEMO_NATIVE_CLIENT_ID, 3600).decode(token)).sub,
      ALICE_IDENTITY_ID,
    );
  });

  it("handles a key rotation by refetching the JWKS once", async () => {
    const decoder = decoderFor();
    await decoder.decode(await aliceIdToken());
    assert.equal(jwksFetches(), 1);
    await emulator.controls.rotateSigningKey();
    const afterRotation = await aliceIdToken();
    assert.equal((await decoder.decode(afterRotation)).sub, ALICE_IDENTITY_ID);
    assert.equal(jwksFetches(), 2);
    await decoder.decode(afterRotation);
    assert.equal(jwksFetches(), 2);
  });

  it("decodes through the login client's own decoder (shared with token responses)", async () => {
    const client = nativeClient(emulator);
    const response = await loginAs(emulator, client, ALICE_IDENTITY_ID, ["openid"]);
    assert.equal((await response.decodeIdToken()).sub, ALICE_IDENTITY_ID);
    assert.equal((await client.idTokenDecoder.decode(response.idToken!)).sub, ALICE_IDENTITY_ID);
    assert.equal(jwksFetches(), 1);
  });
});

describe("IdTokenDecoder with a local key set", async () => {
  const { privateKey, publicKey } = await generateKeyPairAsync("rsa", { modulusLength: 2048 });
  const jwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "RS256", use: "sig" };
  const issuer = "https://auth.example.org";
  const now = 1_700_000_000;
  const decoder = new IdTokenDecoder({
    clientId: "client-1",
    baseUrl: "https://auth.example.org/",
    now: () => now,
    openidConfiguration: { issuer, jwks_uri: "https://auth.example.org/jwk.json" },
    jwks: { keys: [jwk] },
  });
  const sign = (claims: JWTPayload) =>
    new SignJWT({
      sub: "user-1",
      iss: issuer,
      aud: "client-1",
      iat: now,
      exp: now + 3600,
      ...claims,
    })
      .setProtectedHeader({ alg: "RS256", kid: "k1" })
      .sign(privateKey);

  it("accepts a good token", async () => {
    assert.equal((await decoder.decode(await sign({}))).sub, "user-1");
  });
  it("refuses the wrong issuer", async () => {
    await assert.rejects(
      decoder.decode(await sign({ iss: "https://evil.example.org" })),
      IdTokenIssuerError,
    );
  });
  it("refuses a token issued in the future beyond the leeway, accepts small skew", async () => {
    await assert.rejects(decoder.decode(await sign({ iat: now + 301 })), IdTokenNotYetValidError);
    assert.equal((await decoder.decode(await sign({ iat: now + 299 }))).sub, "user-1");
  });
  it("refuses malformed tokens and missing claims", async () => {
    await assert.rejects(decoder.decode("not-a-jwt"), IdTokenMalformedError);
    await assert.rejects(decoder.decode("a.b.c"), IdTokenValidationError);
    const noSub = await new SignJWT({ iss: issuer, aud: "client-1", iat: now, exp: now + 60 })
      .setProtectedHeader({ alg: "RS256", kid: "k1" })
      .sign(privateKey);
    await assert.rejects(decoder.decode(noSub), IdTokenMalformedError);
  });
  it("refuses an unsigned (alg none) token", async () => {
    const header = Buffer.from(JSON.stringify({ alg: "none" })).toString("base64url");
    const body = Buffer.from(
      JSON.stringify({ sub: "x", iss: issuer, aud: "client-1", iat: now, exp: now + 60 }),
    ).toString("base64url");
    await assert.rejects(decoder.decode(`${header}.${body}.`), IdTokenValidationError);
  });
});
