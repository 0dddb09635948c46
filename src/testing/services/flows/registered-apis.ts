/**
 * Registered APIs: HTTP APIs described by an OpenAPI operation, which flows may call as
 * actions. The Python SDK 4.9 only reads them (get and list), so the emulator serves three
 * fixed ones: two owned by Alice, one owned by Bob that Alice administers.
 */
import { ALICE_IDENTITY_ID, BOB_IDENTITY_ID } from "../../seed.ts";
import { identityUrn, isoTime } from "../common.ts";
import { listed } from "./principals.ts";

/** The emulator's registered APIs (well-known ids). */
export const DEMO_REGISTERED_API_ID = "44444444-aaaa-4444-8444-000000000001";
export const DEMO_REGISTERED_API_IDS = [
  DEMO_REGISTERED_API_ID,
  "44444444-aaaa-4444-8444-000000000002",
  "44444444-aaaa-4444-8444-000000000003",
] as const;

export type RegisteredApiRole = "owner" | "administrator" | "viewer";
export const REGISTERED_API_ROLES: readonly RegisteredApiRole[] = [
  "owner",
  "administrator",
  "viewer",
];

export interface RegisteredApiRecord {
  id: string;
  name: string;
  description: string;
  owners: string[];
  administrators: string[];
  viewers: string[];
  url: string;
  method: string;
  created: number;
  updated: number;
}

/** The fixed registered APIs, created a day apart in the days before the emulator started. */
export function demoRegisteredApis(startedAt: number): RegisteredApiRecord[] {
  const alice = identityUrn(ALICE_IDENTITY_ID);
  const bob = identityUrn(BOB_IDENTITY_ID);
  const day = 86_400;
  const make = (
    index: number,
    name: string,
    roles: Pick<RegisteredApiRecord, "owners" | "administrators" | "viewers">,
  ): RegisteredApiRecord => ({
    id: DEMO_REGISTERED_API_IDS[index] as string,
    name,
    description: `Emulated registered API ${index + 1}`,
    ...roles,
    url: `https://api.example.org/v1/${name}/{item_id}`,
    method: "get",
    created: startedAt - (3 - index) * day,
    updated: startedAt - (3 - index) * day + 3600,
  });
  return [
    make(0, "inventory-lookup", { owners: [alice], administrators: [], viewers: [bob] }),
    make(1, "sample-registry", { owners: [alice], administrators: [], viewers: [] }),
    make(2, "instrument-status", { owners: [bob], administrators: [alice], viewers: [] }),
  ];
}

export function registeredApiRoles(
  record: RegisteredApiRecord,
  principals: ReadonlySet<string>,
): RegisteredApiRole[] {
  const roles: RegisteredApiRole[] = [];
  if (listed(record.owners, principals)) roles.push("owner");
  if (listed(record.administrators, principals)) roles.push("administrator");
  if (listed(record.viewers, principals)) roles.push("viewer");
  return roles;
}

/** The listing form. */
export function registeredApiSummary(record: RegisteredApiRecord): Record<string, unknown> {
  return {
    id: record.id,
    name: record.name,
    description: record.description,
    created_timestamp: isoTime(record.created),
    updated_timestamp: isoTime(record.updated),
  };
}

/** The whole document: roles, the OpenAPI target, data templates and input schema. */
export function registeredApiDoc(record: RegisteredApiRecord): Record<string, unknown> {
  return {
    ...registeredApiSummary(record),
    roles: {
      owners: record.owners,
      administrators: record.administrators,
      viewers: record.viewers,
    },
    target: {
      type: "openapi",
      openapi_version: "3.1",
      destination: { method: record.method, url: record.url },
      specification: {
        summary: `Read one ${record.name} item`,
        parameters: [{ name: "item_id", in: "path", required: true, schema: { type: "string" } }],
        responses: { "200": { description: "The item" } },
      },
      transforms: null,
      components: {},
    },
    data_templates: {
      request: { template: { path: { $T_ref: "$" } } },
      response: {
        "2XX": { template: { $T_ref: "$.body" }, type: "success" },
        default: {
          template: { cause: { $T_ref: "$.body" }, exception: "ActionUnableToRun" },
          type: "failure",
        },
      },
    },
    state_input_schema: {
      type: "object",
      properties: { item_id: { type: "string" } },
      required: ["item_id"],
    },
    status: "ACTIVE",
    subscription_id: "44444444-bbbb-4444-8444-000000000001",
    edited_timestamp: null,
    scheduled_deletion_timestamp: null,
  };
}
