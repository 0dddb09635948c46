import {
  gcsCollectionScopeSet,
  gcsEndpointScopeSet,
  KNOWN_SCOPES,
  type KnownScopeSet,
  specificFlowScopeSet,
} from "./known.ts";
import { Scope } from "./scope.ts";

/** A service's scopes as Scope objects, plus the resource server GlobusApp keys them on. */
export type ScopeCollection<Names extends string> = { readonly resourceServer: string } & {
  readonly [N in Names]: Scope;
};

function collection<S extends KnownScopeSet>(
  set: S,
): ScopeCollection<Extract<keyof S["scopes"], string>> {
  const out: Record<string, unknown> = { resourceServer: set.resourceServer };
  for (const [name, value] of Object.entries(set.scopes)) out[name] = new Scope(value);
  return Object.freeze(out) as ScopeCollection<Extract<keyof S["scopes"], string>>;
}

/** Globus Auth: openid, email, profile, view_identity_set, ... */
export const AuthScopes = collection(KNOWN_SCOPES.auth);
/** Globus Transfer: all, gcp_install. */
export const TransferScopes = collection(KNOWN_SCOPES.transfer);
/** Globus Flows: all, manage_flows, view_flows, run, run_status, run_manage. */
export const FlowsScopes = collection(KNOWN_SCOPES.flows);
/** Globus Groups: all, view_my_groups_and_memberships. */
export const GroupsScopes = collection(KNOWN_SCOPES.groups);
/** The legacy Nexus groups scope. */
export const NexusScopes = collection(KNOWN_SCOPES.nexus);
/** Globus Search: all, globus_connect_server, ingest, search. */
export const SearchScopes = collection(KNOWN_SCOPES.search);
/** Globus Timers: timer. */
export const TimersScopes = collection(KNOWN_SCOPES.timers);
/** Globus Compute: all. */
export const ComputeScopes = collection(KNOWN_SCOPES.compute);

/** One flow's scopes: the flow id is its own resource server, with the `user` scope. */
export function SpecificFlowScopes(flowId: string): ScopeCollection<"user"> {
  return collection(specificFlowScopeSet(flowId));
}

/** A GCS collection's scopes (`data_access`, `https`); the collection id is the resource server. */
export function GCSCollectionScopes(
  collectionId: string,
): ScopeCollection<"data_access" | "https"> {
  return collection(gcsCollectionScopeSet(collectionId));
}

/** A GCS endpoint's scopes (`manage_collections`); the endpoint id is the resource server. */
export function GCSEndpointScopes(endpointId: string): ScopeCollection<"manage_collections"> {
  return collection(gcsEndpointScopeSet(endpointId));
}
