/** The emulator's HTML pages: login-and-consent, the native auth-code display, errors. */
import { escapeHtml } from "../login-flows/landing-page.ts";
import type { SeedIdentity } from "./types.ts";

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; color: #1b1b1b; }
h1 { font-size: 1.4rem; }
fieldset { border: 1px solid #ccc; border-radius: 6px; margin: 1rem 0; }
label { display: block; margin: 0.3rem 0; }
code, .code { font-family: ui-monospace, monospace; word-break: break-all; }
.code { font-size: 1.2rem; padding: 0.6rem; background: #f3f3f3; border-radius: 6px; }
.message { background: #fff7d6; padding: 0.6rem; border-radius: 6px; }
.error { background: #fde2e2; padding: 0.6rem; border-radius: 6px; }
button { font-size: 1rem; padding: 0.4rem 1.2rem; margin-right: 0.6rem; }
.banner { color: #666; font-size: 0.8rem; }
</style>
</head>
<body>
<p class="banner">Globus Auth emulator (local, for testing)</p>
${body}
</body>
</html>
`;
}

/** What the consent page shows. */
export interface ConsentPageModel {
  action: string;
  requestId: string;
  clientName: string;
  scopes: string[];
  identities: SeedIdentity[];
  selectedIdentity?: string;
  mfaRequired: boolean;
  sessionMessage?: string;
  policies?: string;
  prefillNamedGrant?: string;
  error?: string;
}

export function consentPage(model: ConsentPageModel): string {
  const identities = model.identities
    .map((identity, index) => {
      const checked = (
        model.selectedIdentity
          ? identity.id === model.selectedIdentity
          : index === 0
      )
        ? " checked"
        : "";
      return `<label><input type="radio" name="identity_id" value="${escapeHtml(identity.id)}"${checked}> ${escapeHtml(identity.name)} &lt;${escapeHtml(identity.username)}&gt;</label>`;
    })
    .join("\n");
  const scopes = model.scopes.map((scope) => `<li><code>${escapeHtml(scope)}</code></li>`).join("");
  const mfa = `<label><input type="checkbox" name="mfa" value="on"${model.mfaRequired ? " checked" : ""}> I completed multi-factor authentication${model.mfaRequired ? " (required)" : ""}</label>`;
  const parts = [
    `<h1>Log in to use ${escapeHtml(model.clientName)}</h1>`,
    model.error ? `<p class="error">${escapeHtml(model.error)}</p>` : "",
    model.sessionMessage ? `<p class="message">${escapeHtml(model.sessionMessage)}</p>` : "",
    model.policies
      ? `<p class="message">Required policies: <code>${escapeHtml(model.policies)}</code></p>`
      : "",
    `<form method="post" action="${escapeHtml(model.action)}">`,
    `<input type="hidden" name="request_id" value="${escapeHtml(model.requestId)}">`,
    `<fieldset><legend>Identity</legend>\n${identities}\n</fieldset>`,
    `<fieldset><legend>Authentication</legend>${mfa}</fieldset>`,
    `<fieldset><legend>${escapeHtml(model.clientName)} asks for</legend><ul>${scopes}</ul>`,
    `<label>Label this consent: <input type="text" name="named_grant" value="${escapeHtml(model.prefillNamedGrant ?? "")}"></label></fieldset>`,
    `<button type="submit" name="decision" value="allow">Allow</button>`,
    `<button type="submit" name="decision" value="deny">Deny</button>`,
    "</form>",
  ];
  return page("Globus Emulator: Log in", parts.filter(Boolean).join("\n"));
}

export function authCodePage(code: string | undefined, error: string | undefined): string {
  if (error || !code) {
    return page(
      "Globus Emulator: Authorization failed",
      `<h1>Authorization failed</h1><p class="error">${escapeHtml(error ?? "No authorization code was given.")}</p>`,
    );
  }
  return page(
    "Globus Emulator: Native App Authorization Code",
    `<h1>Native App Authorization Code</h1>
<p>Copy this code and paste it into the application that asked you to log in:</p>
<p class="code" id="auth-code">${escapeHtml(code)}</p>`,
  );
}

export function errorPage(title: string, message: string): string {
  return page(
    `Globus Emulator: ${title}`,
    `<h1>${escapeHtml(title)}</h1><p class="error">${escapeHtml(message)}</p>`,
  );
}
