/** Test helpers: an emulator-backed login client, and a tiny form-posting "browser". */
import { NativeAppAuthClient } from "../../src/auth/index.ts";
import {
  DEMO_NATIVE_CLIENT_ID,
  type RunningEmulator,
  startEmulator,
} from "../../src/testing/index.ts";

export const AUTH_RS = "auth.globus.org";
export const TRANSFER_ALL = "urn:globus:auth:scope:transfer.api.globus.org:all";

/** Starts the emulator and points the SDK at it through the environment. */
export async function startTestEmulator(): Promise<{
  emulator: RunningEmulator;
  loginClient: NativeAppAuthClient;
  restoreEnv: () => void;
}> {
  const emulator = await startEmulator();
  const saved = new Map<string, string | undefined>();
  for (const [key, value] of Object.entries(emulator.environmentVariables)) {
    saved.set(key, process.env[key]);
    process.env[key] = value;
  }
  const loginClient = new NativeAppAuthClient(DEMO_NATIVE_CLIENT_ID);
  return {
    emulator,
    loginClient,
    restoreEnv: () => {
      for (const [key, value] of saved) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    },
  };
}

function decodeEntities(text: string): string {
  return text
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");
}

/** What a browser ends up showing after following redirects and submitting the consent form. */
export interface BrowseResult {
  url: string;
  status: number;
  html: string;
  /** The consent page seen on the way, if any. */
  consentHtml?: string;
}

/**
 * Visits `url` as a browser would: follows redirects, and when Globus Auth shows its login
 * and consent form, submits it (first identity, the given decision, MFA when asked).
 */
export async function browse(
  url: string,
  options: { decision?: "allow" | "deny"; identityId?: string; mfa?: boolean } = {},
): Promise<BrowseResult> {
  let response = await fetch(url);
  let html = await response.text();
  let consentHtml: string | undefined;
  const form = /<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/.exec(html);
  if (form) {
    consentHtml = html;
    const body = new URLSearchParams();
    for (const input of form[2]!.matchAll(
      /<input type="hidden" name="([^"]+)" value="([^"]*)">/g,
    )) {
      body.set(decodeEntities(input[1]!), decodeEntities(input[2]!));
    }
    const checked = /<input type="radio" name="identity_id" value="([^"]+)" checked>/.exec(
      form[2]!,
    );
    body.set("identity_id", options.identityId ?? decodeEntities(checked?.[1] ?? ""));
    if (options.mfa ?? /name="mfa" value="on" checked/.test(form[2]!)) body.set("mfa", "on");
    body.set("decision", options.decision ?? "allow");
    const action = new URL(decodeEntities(form[1]!), response.url).href;
    response = await fetch(action, { method: "POST", body });
    html = await response.text();
  }
  return {
    url: response.url,
    status: response.status,
    html,
    ...(consentHtml ? { consentHtml } : {}),
  };
}

/** The code on the emulator's "Native App Authorization Code" page. */
export function extractAuthCode(html: string): string {
  const match = /id="auth-code">([^<]+)</.exec(html);
  if (!match) throw new Error(`no authorization code on the page: ${html.slice(0, 300)}`);
  return decodeEntities(match[1]!);
}

/** Collects everything written to a stream, from now on. */
export function collect(stream: NodeJS.ReadableStream): () => string {
  let text = "";
  stream.on("data", (chunk: Buffer | string) => {
    text += chunk.toString();
  });
  return () => text;
}

/** Resolves with the first http(s) URL on a line of its own in the collected text. */
export async function waitForUrl(
  text: () => string,
  options: { after?: string; timeoutMs?: number } = {},
): Promise<string> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const all = text();
    const from = options.after ? all.indexOf(options.after) : 0;
    const match = from === -1 ? null : /^(https?:\/\/\S+)$/m.exec(all.slice(from));
    if (match) return match[1]!;
    if (Date.now() > deadline) throw new Error(`no URL in the output: ${text()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
