import { BaseTokenStorage, type TokenStorageOptions } from "./base.ts";
import { copyTokenData } from "./token-data.ts";
import type { GlobusAppStorageContext, TokenData } from "./types.ts";

/**
 * Keeps tokens in this process's memory; they are gone when the process exits. Useful for
 * tests, short-lived jobs and client-credential apps that can always fetch new tokens.
 */
export class MemoryTokenStorage extends BaseTokenStorage {
  readonly #entries = new Map<string, TokenData>();

  constructor(options: TokenStorageOptions = {}) {
    super(options);
  }

  /** A memory storage for a GlobusApp (only the namespace is used). */
  static forGlobusApp(context: GlobusAppStorageContext): MemoryTokenStorage {
    return new MemoryTokenStorage({ namespace: context.namespace ?? "DEFAULT" });
  }

  protected async storeImpl(data: Record<string, TokenData>): Promise<void> {
    for (const [resourceServer, entry] of Object.entries(data)) {
      this.#entries.set(resourceServer, copyTokenData(entry));
    }
  }

  protected async getAllImpl(): Promise<Record<string, TokenData>> {
    const out: Record<string, TokenData> = {};
    for (const [resourceServer, entry] of this.#entries) out[resourceServer] = copyTokenData(entry);
    return out;
  }

  protected override async getOneImpl(resourceServer: string): Promise<TokenData | undefined> {
    const entry = this.#entries.get(resourceServer);
    return entry === undefined ? undefined : copyTokenData(entry);
  }

  protected async removeImpl(resourceServer: string): Promise<boolean> {
    return this.#entries.delete(resourceServer);
  }

  protected async closeImpl(): Promise<void> {
    this.#entries.clear();
  }
}
