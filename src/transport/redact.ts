/**
 * Credential scrubbing for log lines and error messages. The transport knows every secret
 * it sent on a request (Authorization header, token grant fields), so it removes those exact
 * values from anything it prints, plus well-known secret query parameters from URLs.
 */

const SECRET_PARAMS = new Set([
  "access_token",
  "refresh_token",
  "id_token",
  "token",
  "code",
  "code_verifier",
  "client_secret",
  "password",
]);

/** Form or query fields whose values are credentials. */
export function isSecretField(name: string): boolean {
  return SECRET_PARAMS.has(name.toLowerCase());
}

const REDACTED = "***";

/** Replaces secret query parameter values in a URL string. */
export function redactUrl(url: string): string {
  const queryStart = url.indexOf("?");
  if (queryStart === -1) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.slice(0, queryStart) + "?" + REDACTED;
  }
  let changed = false;
  for (const key of [...parsed.searchParams.keys()]) {
    if (isSecretField(key)) {
      parsed.searchParams.set(key, REDACTED);
      changed = true;
    }
  }
  return changed ? parsed.toString() : url;
}

/**
 * Removes each known secret (and the credential part of `Bearer x` / `Basic x` values)
 * from `text`. Short values are skipped: they could not be credentials and replacing them
 * would mangle ordinary text.
 */
export function scrubSecrets(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of secrets) {
    for (const value of credentialParts(secret)) {
      if (value.length >= 8 && out.includes(value)) out = out.split(value).join(REDACTED);
    }
  }
  return out;
}

function credentialParts(secret: string): string[] {
  const space = secret.indexOf(" ");
  if (space === -1) return [secret];
  const credential = secret.slice(space + 1);
  const parts = [secret, credential];
  if (secret.slice(0, space).toLowerCase() === "basic") {
    // a Basic credential also contains the secret in clear once decoded
    const decoded = Buffer.from(credential, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon !== -1) parts.push(decoded.slice(colon + 1));
  }
  return parts;
}
