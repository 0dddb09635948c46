/**
 * What the Transfer tests share: a seed with Globus Connect Personal collections (the kind
 * Transfer's own API administers and shares from), and small steps the scenarios repeat.
 */
import { TransferAPIError, TransferClient, TransferData } from "../../src/index.ts";
import { TransferScopes } from "../../src/scopes/index.ts";
import {
  ALICE_IDENTITY_ID,
  BOB_IDENTITY_ID,
  DEFAULT_SEED,
  type EmulatorSeed,
  type RequestLogEntry,
  type RunningEmulator,
  type SeedEndpoint,
  type SeedTreeNode,
  startEmulator,
  TRANSFER_TASK_SECONDS,
} from "../../src/testing/index.ts";
import { authorizerFor, userAuthorizers } from "./helpers.ts";

/** Alice's Globus Connect Personal collection (her laptop). */
export const ALICE_GCP_ID = "77777777-aaaa-4777-8777-777777777777";
/** Bob's Globus Connect Personal collection. */
export const BOB_GCP_ID = "77777777-bbbb-4777-8777-777777777777";
/** How many files `/home/alice/many/` holds: enough for three pages of per-file results. */
export const MANY_FILES = 250;

function file(name: string, size: number): SeedTreeNode {
  return { name, type: "file", size };
}

function gcpTree(user: string): SeedTreeNode {
  return {
    name: "/",
    type: "dir",
    children: [
      {
        name: "home",
        type: "dir",
        children: [
          {
            name: user,
            type: "dir",
            children: [
              {
                name: "project",
                type: "dir",
                children: [
                  file("a.txt", 100),
                  file("b.log", 200),
                  { name: "sub", type: "dir", children: [file("c.txt", 300)] },
                ],
              },
              {
                name: "many",
                type: "dir",
                children: Array.from({ length: MANY_FILES }, (_, i) =>
                  file(`f${String(i).padStart(3, "0")}.dat`, 10),
                ),
              },
              file("notes.txt", 64),
            ],
          },
        ],
      },
    ],
  };
}

export const TRANSFER_TEST_ENDPOINTS: readonly SeedEndpoint[] = [
  {
    id: ALICE_GCP_ID,
    display_name: "Alice's Laptop",
    owner_string: "alice@globusid.org",
    entity_type: "GCP_mapped_collection",
    tree: gcpTree("alice"),
  },
  {
    id: BOB_GCP_ID,
    display_name: "Bob's Laptop",
    owner_string: "bob@globusid.org",
    entity_type: "GCP_mapped_collection",
    tree: gcpTree("bob"),
  },
];

/** The default seed's collections plus the two Globus Connect Personal ones. */
export function transferTestSeed(): Partial<EmulatorSeed> {
  return {
    endpoints: [
      ...structuredClone(DEFAULT_SEED.endpoints),
      ...structuredClone(TRANSFER_TEST_ENDPOINTS as SeedEndpoint[]),
    ],
  };
}

/** Creates a guest collection on Alice's laptop at `/home/alice/project/`; its id. */
export async function aliceGuestCollection(alice: TransferClient, name = "Alice's share") {
  const created = await alice.createSharedEndpoint({
    DATA_TYPE: "shared_endpoint",
    host_endpoint_id: ALICE_GCP_ID,
    host_path: "/home/alice/project/",
    display_name: name,
  });
  return created.id;
}

/** Submits a copy of `/home/alice/project/` on Alice's laptop to another directory there. */
export async function submitProjectCopy(
  alice: TransferClient,
  destination: string,
  options: Partial<ConstructorParameters<typeof TransferData>[0]> = {},
) {
  return alice.submitTransfer(
    new TransferData({
      sourceEndpoint: ALICE_GCP_ID,
      destinationEndpoint: ALICE_GCP_ID,
      label: `copy to ${destination}`,
      ...options,
    }).addItem("/home/alice/project/", destination, { recursive: true }),
  );
}

/** Moves the emulator clock far enough for a task that is not paused to finish. */
export function runTasks(emulator: RunningEmulator, times = 1): void {
  emulator.controls.advanceClock((TRANSFER_TASK_SECONDS + 1) * times);
}

/** An emulator with the test seed, and Transfer clients for Alice and Bob. */
export async function transferWorld(): Promise<{
  emulator: RunningEmulator;
  alice: TransferClient;
  bob: TransferClient;
  stop(): Promise<void>;
}> {
  const emulator = await startEmulator({ seed: transferTestSeed() });
  const client = async (identityId: string) => {
    const authorizers = await userAuthorizers(emulator, [String(TransferScopes.all)], {
      identityId,
    });
    return new TransferClient({
      authorizer: authorizerFor(authorizers, TransferScopes.resourceServer),
      baseUrl: emulator.urls.transfer,
    });
  };
  return {
    emulator,
    alice: await client(ALICE_IDENTITY_ID),
    bob: await client(BOB_IDENTITY_ID),
    stop: () => emulator.stop(),
  };
}

/** The last request the emulator logged for Transfer at exactly `path` (below the mount). */
export function sent(emulator: RunningEmulator, method: string, path: string): RequestLogEntry {
  const entry = emulator.controls
    .requestLog({ service: "transfer", method })
    .filter((candidate) => candidate.path === path)
    .at(-1);
  if (!entry) throw new Error(`no ${method} ${path} was logged`);
  return entry;
}

/** A predicate for `assert.rejects`: a Transfer error with this code and HTTP status. */
export const refused = (code: string, status: number) => (e: unknown) =>
  e instanceof TransferAPIError && e.code === code && e.httpStatus === status;
