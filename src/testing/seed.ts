/**
 * The emulator's built-in seed (well-known ids, so tests and docs can name them) and the
 * loader that validates a user's seed file.
 */
import { readFileSync } from "node:fs";
import { GlobusSDKUsageError } from "../errors.ts";
import type {
  EmulatorSeed,
  SeedClient,
  SeedEndpoint,
  SeedFlow,
  SeedIdentity,
  SeedTreeNode,
} from "./types.ts";

/** A seed that cannot be used; the message names the file (if any) and the field. */
export class EmulatorSeedError extends GlobusSDKUsageError {
  override name = "EmulatorSeedError";
}

/** The seeded native client (public; PKCE; any loopback redirect). */
export const DEMO_NATIVE_CLIENT_ID = "5f8b1e2a-7c3d-4e6f-9a0b-1c2d3e4f5a6b";
/** The seeded confidential client and its secret (for client credentials and dependent tokens). */
export const DEMO_CONFIDENTIAL_CLIENT_ID = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d";
export const DEMO_CONFIDENTIAL_CLIENT_SECRET = "emulator-demo-secret-do-not-use-in-production";
/** A confidential client's pre-registered redirect URI. */
export const DEMO_CONFIDENTIAL_REDIRECT_URI = "http://localhost:8765/callback";

/** Alice: a user with two linked identities (Globus ID and a university login). */
export const ALICE_IDENTITY_ID = "11111111-1111-4111-8111-111111111111";
export const ALICE_UNIVERSITY_IDENTITY_ID = "11111111-2222-4111-8111-111111111111";
/** Bob: a second user with two linked identities. */
export const BOB_IDENTITY_ID = "22222222-1111-4222-8222-222222222222";
export const BOB_UNIVERSITY_IDENTITY_ID = "22222222-2222-4222-8222-222222222222";

/** The seeded GCS endpoint hosting both collections. */
export const DEMO_GCS_ENDPOINT_ID = "33333333-0000-4333-8333-333333333333";
/** A plain mapped collection. */
export const DEMO_COLLECTION_ID = "33333333-1111-4333-8333-333333333333";
/** A high-assurance collection: listing needs an MFA session and a data_access consent. */
export const DEMO_HIGH_ASSURANCE_COLLECTION_ID = "33333333-2222-4333-8333-333333333333";

/** Seeded flows. */
export const DEMO_FLOW_ID = "44444444-1111-4444-8444-444444444444";
export const DEMO_TRANSFER_FLOW_ID = "44444444-2222-4444-8444-444444444444";
export const DEMO_SHARED_FLOW_ID = "44444444-3333-4444-8444-444444444444";

const GLOBUS_ID_IDP = "41143743-f3c8-4d60-bbdb-eeecaba85bd9";
const UNIVERSITY_IDP = "927d7238-f917-4eb2-9ace-c523fa9ba34e";

function demoTree(): SeedTreeNode {
  return {
    name: "/",
    type: "dir",
    children: [
      {
        name: "home",
        type: "dir",
        children: [
          {
            name: "alice",
            type: "dir",
            children: [
              { name: "notes.txt", type: "file", size: 1024 },
              {
                name: "results",
                type: "dir",
                children: [{ name: "run1.csv", type: "file", size: 20480 }],
              },
            ],
          },
          { name: "bob", type: "dir", children: [] },
        ],
      },
      {
        name: "shared",
        type: "dir",
        children: [{ name: "README.md", type: "file", size: 512 }],
      },
    ],
  };
}

/** The emulator's default seed. Every id in it is exported above as a constant. */
export const DEFAULT_SEED: EmulatorSeed = {
  clients: [
    {
      id: DEMO_NATIVE_CLIENT_ID,
      name: "Emulator Demo Native App",
      type: "native",
      allowLoopbackRedirects: true,
    },
    {
      id: DEMO_CONFIDENTIAL_CLIENT_ID,
      name: "Emulator Demo Service",
      type: "confidential",
      secret: DEMO_CONFIDENTIAL_CLIENT_SECRET,
      redirectUris: [DEMO_CONFIDENTIAL_REDIRECT_URI],
      allowLoopbackRedirects: true,
    },
  ],
  identities: [
    {
      id: ALICE_IDENTITY_ID,
      username: "alice@globusid.org",
      name: "Alice Example",
      email: "alice@example.org",
      organization: "Globus Emulator",
      identity_provider: GLOBUS_ID_IDP,
      account: "alice",
    },
    {
      id: ALICE_UNIVERSITY_IDENTITY_ID,
      username: "alice@university.example.edu",
      name: "Alice Example",
      email: "alice@university.example.edu",
      organization: "Example University",
      identity_provider: UNIVERSITY_IDP,
      account: "alice",
    },
    {
      id: BOB_IDENTITY_ID,
      username: "bob@globusid.org",
      name: "Bob Example",
      email: "bob@example.org",
      organization: "Globus Emulator",
      identity_provider: GLOBUS_ID_IDP,
      account: "bob",
    },
    {
      id: BOB_UNIVERSITY_IDENTITY_ID,
      username: "bob@university.example.edu",
      name: "Bob Example",
      email: "bob@university.example.edu",
      organization: "Example University",
      identity_provider: UNIVERSITY_IDP,
      account: "bob",
    },
  ],
  flows: [
    {
      id: DEMO_FLOW_ID,
      title: "Hello World",
      subtitle: "A flow that says hello",
      description: "Echoes its input through a single Pass state.",
      keywords: ["demo", "hello"],
      definition: {
        StartAt: "SayHello",
        States: { SayHello: { Type: "Pass", End: true } },
      },
      input_schema: {
        type: "object",
        properties: { message: { type: "string" } },
      },
      owner: ALICE_IDENTITY_ID,
      flow_starters: ["all_authenticated_users"],
    },
    {
      id: DEMO_TRANSFER_FLOW_ID,
      title: "Move Results",
      subtitle: "Transfer a directory between collections",
      keywords: ["demo", "transfer"],
      definition: {
        StartAt: "Transfer",
        States: {
          Transfer: {
            Type: "Action",
            ActionUrl: "https://actions.globus.org/transfer/transfer",
            Parameters: {
              "source_endpoint_id.$": "$.source",
              "destination_endpoint_id.$": "$.dest",
            },
            ResultPath: "$.TransferResult",
            End: true,
          },
        },
      },
      input_schema: {
        type: "object",
        required: ["source", "dest"],
        properties: { source: { type: "string" }, dest: { type: "string" } },
      },
      owner: ALICE_IDENTITY_ID,
    },
    {
      id: DEMO_SHARED_FLOW_ID,
      title: "Bob's Shared Flow",
      keywords: ["shared"],
      definition: { StartAt: "Done", States: { Done: { Type: "Succeed" } } },
      owner: BOB_IDENTITY_ID,
      flow_viewers: [ALICE_IDENTITY_ID],
      flow_starters: [ALICE_IDENTITY_ID],
    },
  ],
  endpoints: [
    {
      id: DEMO_COLLECTION_ID,
      display_name: "Emulator Demo Collection",
      owner_string: "alice@globusid.org",
      entity_type: "GCSv5_mapped_collection",
      gcs_endpoint_id: DEMO_GCS_ENDPOINT_ID,
      tree: demoTree(),
    },
    {
      id: DEMO_HIGH_ASSURANCE_COLLECTION_ID,
      display_name: "Emulator High Assurance Collection",
      owner_string: "alice@globusid.org",
      entity_type: "GCSv5_mapped_collection",
      high_assurance: true,
      requires_data_access_consent: true,
      gcs_endpoint_id: DEMO_GCS_ENDPOINT_ID,
      tree: demoTree(),
    },
  ],
};

type Source = { label: string };

function fail(source: Source, field: string, problem: string): never {
  throw new EmulatorSeedError(`Invalid emulator seed${source.label}: ${field} ${problem}.`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function requireString(source: Source, obj: Record<string, unknown>, key: string, field: string) {
  const value = obj[key];
  if (typeof value !== "string" || value === "") {
    fail(source, `${field}.${key}`, "must be a non-empty string");
  }
  return value;
}

function optionalString(source: Source, obj: Record<string, unknown>, key: string, field: string) {
  const value = obj[key];
  if (value !== undefined && typeof value !== "string") {
    fail(source, `${field}.${key}`, "must be a string when present");
  }
}

function optionalStringArray(
  source: Source,
  obj: Record<string, unknown>,
  key: string,
  field: string,
) {
  const value = obj[key];
  if (value === undefined) return;
  if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) {
    fail(source, `${field}.${key}`, "must be an array of strings when present");
  }
}

function requireArray(source: Source, value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) fail(source, field, "must be an array");
  return value;
}

function checkUnique(source: Source, items: { id: string }[], field: string) {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    if (seen.has(item.id)) fail(source, `${field}[${index}].id`, `duplicates id "${item.id}"`);
    seen.add(item.id);
  });
}

function validateClients(source: Source, value: unknown): SeedClient[] {
  const list = requireArray(source, value, "clients");
  list.forEach((item, index) => {
    const field = `clients[${index}]`;
    if (!isObject(item)) fail(source, field, "must be an object");
    requireString(source, item, "id", field);
    requireString(source, item, "name", field);
    if (item.type !== "native" && item.type !== "confidential") {
      fail(source, `${field}.type`, 'must be "native" or "confidential"');
    }
    if (item.type === "confidential") requireString(source, item, "secret", field);
    optionalStringArray(source, item, "redirectUris", field);
    if (
      item.allowLoopbackRedirects !== undefined &&
      typeof item.allowLoopbackRedirects !== "boolean"
    ) {
      fail(source, `${field}.allowLoopbackRedirects`, "must be a boolean when present");
    }
  });
  return list as SeedClient[];
}

function validateIdentities(source: Source, value: unknown): SeedIdentity[] {
  const list = requireArray(source, value, "identities");
  list.forEach((item, index) => {
    const field = `identities[${index}]`;
    if (!isObject(item)) fail(source, field, "must be an object");
    for (const key of ["id", "username", "name", "email", "account"]) {
      requireString(source, item, key, field);
    }
    optionalString(source, item, "organization", field);
    optionalString(source, item, "identity_provider", field);
  });
  return list as SeedIdentity[];
}

function validateFlows(source: Source, value: unknown): SeedFlow[] {
  const list = requireArray(source, value, "flows");
  list.forEach((item, index) => {
    const field = `flows[${index}]`;
    if (!isObject(item)) fail(source, field, "must be an object");
    requireString(source, item, "id", field);
    requireString(source, item, "title", field);
    requireString(source, item, "owner", field);
    if (!isObject(item.definition)) fail(source, `${field}.definition`, "must be an object");
    if (item.input_schema !== undefined && !isObject(item.input_schema)) {
      fail(source, `${field}.input_schema`, "must be an object when present");
    }
    optionalString(source, item, "subtitle", field);
    optionalString(source, item, "description", field);
    for (const key of [
      "keywords",
      "flow_viewers",
      "flow_starters",
      "flow_administrators",
      "run_managers",
      "run_monitors",
    ]) {
      optionalStringArray(source, item, key, field);
    }
  });
  return list as SeedFlow[];
}

function validateTree(source: Source, node: unknown, field: string): void {
  if (!isObject(node)) fail(source, field, "must be an object");
  requireString(source, node, "name", field);
  if (node.type !== "dir" && node.type !== "file") {
    fail(source, `${field}.type`, 'must be "dir" or "file"');
  }
  if (node.size !== undefined && (typeof node.size !== "number" || node.size < 0)) {
    fail(source, `${field}.size`, "must be a non-negative number when present");
  }
  if (node.children !== undefined) {
    if (node.type !== "dir") fail(source, `${field}.children`, "is only allowed on a dir");
    requireArray(source, node.children, `${field}.children`).forEach((child, index) => {
      validateTree(source, child, `${field}.children[${index}]`);
    });
  }
}

function validateEndpoints(source: Source, value: unknown): SeedEndpoint[] {
  const list = requireArray(source, value, "endpoints");
  list.forEach((item, index) => {
    const field = `endpoints[${index}]`;
    if (!isObject(item)) fail(source, field, "must be an object");
    requireString(source, item, "id", field);
    requireString(source, item, "display_name", field);
    for (const key of ["owner_string", "entity_type", "gcs_endpoint_id"]) {
      optionalString(source, item, key, field);
    }
    for (const key of ["high_assurance", "requires_data_access_consent"]) {
      if (item[key] !== undefined && typeof item[key] !== "boolean") {
        fail(source, `${field}.${key}`, "must be a boolean when present");
      }
    }
    if (item.tree !== undefined) validateTree(source, item.tree, `${field}.tree`);
  });
  return list as SeedEndpoint[];
}

const SEED_KEYS = new Set(["clients", "identities", "flows", "endpoints"]);

/**
 * Validates a (partial) seed and fills every missing list from `DEFAULT_SEED`.
 * Throws `EmulatorSeedError` naming the offending field.
 */
export function resolveSeed(seed: unknown, label = ""): EmulatorSeed {
  const source = { label };
  if (seed === undefined) return structuredClone(DEFAULT_SEED);
  if (!isObject(seed)) fail(source, "the seed", "must be a JSON object");
  for (const key of Object.keys(seed)) {
    if (!SEED_KEYS.has(key)) {
      fail(source, key, `is not a seed field (expected ${[...SEED_KEYS].join(", ")})`);
    }
  }
  const copy = structuredClone(seed);
  const resolved: EmulatorSeed = {
    clients:
      copy.clients === undefined
        ? structuredClone(DEFAULT_SEED.clients)
        : validateClients(source, copy.clients),
    identities:
      copy.identities === undefined
        ? structuredClone(DEFAULT_SEED.identities)
        : validateIdentities(source, copy.identities),
    flows:
      copy.flows === undefined
        ? structuredClone(DEFAULT_SEED.flows)
        : validateFlows(source, copy.flows),
    endpoints:
      copy.endpoints === undefined
        ? structuredClone(DEFAULT_SEED.endpoints)
        : validateEndpoints(source, copy.endpoints),
  };
  checkUnique(source, resolved.clients, "clients");
  checkUnique(source, resolved.identities, "identities");
  checkUnique(source, resolved.flows, "flows");
  checkUnique(source, resolved.endpoints, "endpoints");
  const usernames = new Set<string>();
  resolved.identities.forEach((identity, index) => {
    if (usernames.has(identity.username)) {
      fail(source, `identities[${index}].username`, `duplicates "${identity.username}"`);
    }
    usernames.add(identity.username);
  });
  return resolved;
}

/** Reads and validates a seed JSON file. Errors name the file and the field. */
export function loadSeedFile(path: string): EmulatorSeed {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw new EmulatorSeedError(`Cannot read emulator seed file ${path} (${code}).`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new EmulatorSeedError(
      `Emulator seed file ${path} is not valid JSON: ${(error as Error).message}`,
    );
  }
  return resolveSeed(parsed, ` in ${path}`);
}
