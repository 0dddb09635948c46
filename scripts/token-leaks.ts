// Finds issued tokens in captured text. Emulator tokens are 43 base64url characters; a token
// can sit inside a longer run of such characters (a URL, a JSON string glued to others), so
// every 43-character window of every long run is checked against the issued set.

const TOKEN_LENGTH = 43;
const RUN = /[A-Za-z0-9_-]{43,}/g;

/** The issued tokens that appear anywhere in `text`. Linear in the length of the text. */
export function findLeakedTokens(text: string, issued: ReadonlySet<string>): Set<string> {
  const leaked = new Set<string>();
  if (issued.size === 0) return leaked;
  for (const match of text.matchAll(RUN)) {
    const run = match[0];
    for (let start = 0; start + TOKEN_LENGTH <= run.length; start++) {
      const window = run.slice(start, start + TOKEN_LENGTH);
      if (issued.has(window)) leaked.add(window);
    }
  }
  return leaked;
}

/** A token shown safely in a report: enough to find it in a ledger, not enough to use it. */
export function tokenHint(token: string): string {
  return `${token.slice(0, 4)}…(${token.length} chars)`;
}
