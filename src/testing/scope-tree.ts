/**
 * Parsing of Globus scope strings with dependent scopes in brackets
 * (`transfer:all[https://auth.globus.org/scopes/<collection>/data_access]`) and the
 * mapping from a scope string to its resource server.
 */
import { KNOWN_SCOPES } from "../scopes/known.ts";

/** One requested scope and the dependent scopes beneath it. */
export interface ScopeNode {
  scope: string;
  optional: boolean;
  children: ScopeNode[];
}

/** A malformed scope string (unbalanced brackets and the like). */
export class ScopeParseError extends Error {}

/** Parses `a b[c d[e]] f` into a forest. */
export function parseScopeString(input: string): ScopeNode[] {
  let index = 0;
  const parseList = (closing: boolean): ScopeNode[] => {
    const nodes: ScopeNode[] = [];
    while (index < input.length) {
      const char = input[index]!;
      if (char === " " || char === "\t" || char === "\n" || char === "+") {
        index += 1;
        continue;
      }
      if (char === "]") {
        if (!closing) throw new ScopeParseError(`unexpected "]" at position ${index}`);
        index += 1;
        return nodes;
      }
      if (char === "[") throw new ScopeParseError(`unexpected "[" at position ${index}`);
      const start = index;
      while (index < input.length && !" \t\n+[]".includes(input[index]!)) index += 1;
      let scope = input.slice(start, index);
      const optional = scope.startsWith("*");
      if (optional) scope = scope.slice(1);
      if (scope === "") throw new ScopeParseError(`empty scope at position ${start}`);
      const node: ScopeNode = { scope, optional, children: [] };
      if (input[index] === "[") {
        index += 1;
        node.children = parseList(true);
      }
      nodes.push(node);
    }
    if (closing) throw new ScopeParseError('missing "]"');
    return nodes;
  };
  return parseList(false);
}

const STATIC_RESOURCE_SERVERS = new Map<string, string>();
for (const set of Object.values(KNOWN_SCOPES)) {
  for (const scope of Object.values(set.scopes)) {
    STATIC_RESOURCE_SERVERS.set(scope, set.resourceServer);
  }
}

/** Clients whose URL-form scopes belong to a resource server named differently. */
const URL_ID_RESOURCE_SERVERS = new Map<string, string>([
  ["eec9b274-0c81-4334-bdc2-54e90e689b9a", KNOWN_SCOPES.flows.resourceServer],
  ["facd7ccc-c5f4-42aa-916b-a0e270e2c2a9", KNOWN_SCOPES.compute.resourceServer],
]);

/** A client-owned scope: https://auth.globus.org/scopes/CLIENT_ID/SUFFIX (URL form). */
export const URL_SCOPE = /^https:\/\/auth\.globus\.org\/scopes\/([^/\s]+)\/([^/\s]+)$/;
const URN_SCOPE = /^urn:globus:auth:scope:([^:\s]+):([^\s]+)$/;

/**
 * The resource server a scope string belongs to, or undefined when the string is not a
 * Globus scope the emulator can grant.
 */
export function resourceServerOf(scope: string): string | undefined {
  const known = STATIC_RESOURCE_SERVERS.get(scope);
  if (known) return known;
  const url = URL_SCOPE.exec(scope);
  if (url) return URL_ID_RESOURCE_SERVERS.get(url[1]!) ?? url[1]!;
  const urn = URN_SCOPE.exec(scope);
  if (urn) return urn[1]!;
  return undefined;
}

/** Serialises a forest back into a scope string. */
export function formatScopeNodes(nodes: readonly ScopeNode[]): string {
  return nodes
    .map((node) =>
      node.children.length ? `${node.scope}[${formatScopeNodes(node.children)}]` : node.scope,
    )
    .join(" ");
}
