export {
  AuthScopes,
  ComputeScopes,
  FlowsScopes,
  GCSCollectionScopes,
  GCSEndpointScopes,
  GroupsScopes,
  NexusScopes,
  type ScopeCollection,
  SearchScopes,
  SpecificFlowScopes,
  TimersScopes,
  TransferScopes,
} from "./collections.ts";
export { ScopeCycleError, ScopeParseError } from "./errors.ts";
export { KNOWN_SCOPES, urlScope, urnScope } from "./known.ts";
export { parseScopeGraph, type ScopeGraph } from "./parser.ts";
export {
  mergeScopes,
  parseScopes,
  Scope,
  type ScopeLike,
  scopesToString,
  toScopes,
} from "./scope.ts";
