/**
 * The identity providers the emulated Globus Auth knows: one per `identity_provider` of
 * the seeded identities, its domains those of their usernames. Globus ID keeps its real
 * id and names; another provider is named after its identities' organization.
 */
import type { SeedIdentity } from "../types.ts";

export interface IdentityProvider {
  id: string;
  name: string;
  short_name: string;
  domains: string[];
  alternative_names: string[];
}

/** Globus ID, the provider Globus runs itself. */
const GLOBUS_ID = {
  id: "41143743-f3c8-4d60-bbdb-eeecaba85bd9",
  name: "Globus ID",
  short_name: "globusid",
};

/** The provider of a seeded identity that names none: one per username domain. */
export function fallbackProviderId(domain: string): string {
  // a stable UUID-shaped id per domain, so look-ups by id work across restarts
  let hash = 0x811c9dc5;
  for (const char of domain) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  const hex = hash.toString(16).padStart(8, "0");
  return `${hex}-0000-4000-8000-${hex}0000`;
}

function domainOf(username: string): string {
  return username.split("@").at(-1)?.toLowerCase() ?? "";
}

/** The provider id of an identity: its own, or the fallback of its username's domain. */
export function providerOf(identity: SeedIdentity): string {
  return identity.identity_provider ?? fallbackProviderId(domainOf(identity.username));
}

/** Builds the provider table from the seeded identities. */
export function identityProviders(identities: readonly SeedIdentity[]): IdentityProvider[] {
  const byId = new Map<string, { domains: Set<string>; organization: string | undefined }>();
  for (const identity of identities) {
    const id = providerOf(identity);
    const entry = byId.get(id) ?? { domains: new Set(), organization: identity.organization };
    entry.domains.add(domainOf(identity.username));
    byId.set(id, entry);
  }
  return [...byId].map(([id, entry]) => {
    const domains = [...entry.domains].sort();
    if (id === GLOBUS_ID.id) return { ...GLOBUS_ID, domains, alternative_names: [] };
    const first = domains[0] ?? id;
    return {
      id,
      name: entry.organization ?? first,
      short_name: first,
      domains,
      alternative_names: [],
    };
  });
}
