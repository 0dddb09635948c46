import type { Scope } from "../scopes/index.ts";

/**
 * One consent as Globus Auth's consents API returns it
 * (`GET /v2/api/identities/<id>/consents`, the `consents` list). Only `id`, `scope_name`
 * and `dependency_path` are needed to check dependent scopes; the rest is carried along.
 */
export interface ConsentRecord {
  id: number;
  /** The scope string consented to, e.g. a collection's `data_access` scope. */
  scope_name: string;
  /** Consent ids from the root consent down to this one (this one last). */
  dependency_path: readonly number[];
  client?: string;
  scope?: string;
  effective_identity?: string;
  status?: string;
  created?: string;
  updated?: string;
  last_used?: string | null;
  allows_refresh?: boolean;
  auto_approved?: boolean;
  atomically_revocable?: boolean;
  [field: string]: unknown;
}

/**
 * Where a {@link ValidatingTokenStorage} gets an identity's consents to check dependent
 * scopes. The Auth client implements it; any object with this method will do.
 */
export interface ConsentSource {
  getConsents(identityId: string): Promise<readonly ConsentRecord[]>;
}

/**
 * An identity's consents arranged as trees (a consent's parent is the next-to-last id of
 * its `dependency_path`), answering "is this scope, with all its dependencies, consented?"
 */
export class ConsentForest {
  readonly #roots: ConsentRecord[] = [];
  readonly #children = new Map<number, ConsentRecord[]>();

  constructor(consents: Iterable<ConsentRecord>) {
    for (const consent of consents) {
      const path = consent.dependency_path;
      if (!Array.isArray(path) || path.length === 0) continue;
      if (path.length === 1) {
        this.#roots.push(consent);
        continue;
      }
      const parent = path[path.length - 2]!;
      const siblings = this.#children.get(parent);
      if (siblings) siblings.push(consent);
      else this.#children.set(parent, [consent]);
    }
  }

  #meets(node: ConsentRecord, scope: Scope): boolean {
    if (node.scope_name !== scope.scopeString) return false;
    const children = this.#children.get(node.id) ?? [];
    return scope.dependencies.every((dependency: Scope) =>
      children.some((child) => this.#meets(child, dependency)),
    );
  }

  /** True when some root consent matches `scope` and, below it, every dependency (recursively). */
  meetsScopeRequirement(scope: Scope): boolean {
    return this.#roots.some((root) => this.#meets(root, scope));
  }

  /** The scopes of `scopes` that this forest does not meet. */
  unmetScopes(scopes: Iterable<Scope>): Scope[] {
    return [...scopes].filter((scope) => !this.meetsScopeRequirement(scope));
  }
}
