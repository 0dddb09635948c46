/** The pages the local login server shows in the browser after Globus Auth redirects back. */

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** What a landing page shows. Every string is escaped before it reaches the page. */
export interface LandingPageModel {
  outcome: "success" | "failure";
  /** The application's name, shown in the heading. */
  appName?: string;
  /** For failures: what went wrong, in plain words. */
  detail?: string;
}

const STYLE = `
:root { color-scheme: light dark; --fg: #1d2433; --muted: #5b6475; --bg: #f4f6fa; --card: #fff;
  --ok: #1a7f4b; --ok-bg: #e3f5ea; --bad: #b42318; --bad-bg: #fdecea; --border: #dde2ea; }
@media (prefers-color-scheme: dark) { :root { --fg: #e8ebf2; --muted: #a3abbb; --bg: #121620;
  --card: #1b2130; --ok: #5fd49a; --ok-bg: #143325; --bad: #ff8a80; --bad-bg: #3a1a1a; --border: #2c3446; } }
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; padding: 1.5rem;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
main { width: min(32rem, 100%); background: var(--card); border: 1px solid var(--border);
  border-radius: 14px; padding: 2rem 2rem 1.6rem; box-shadow: 0 8px 30px rgba(20, 30, 60, 0.08); }
.badge { width: 3rem; height: 3rem; border-radius: 50%; display: grid; place-items: center;
  font-size: 1.6rem; font-weight: 700; margin-bottom: 1rem; }
.success .badge { color: var(--ok); background: var(--ok-bg); }
.failure .badge { color: var(--bad); background: var(--bad-bg); }
h1 { font-size: 1.35rem; margin: 0 0 0.5rem; }
p { margin: 0.4rem 0; color: var(--muted); }
.detail { margin-top: 1rem; padding: 0.75rem 0.9rem; border-radius: 8px; color: var(--fg);
  background: var(--bad-bg); overflow-wrap: anywhere; }
footer { margin-top: 1.4rem; font-size: 0.8rem; color: var(--muted); }
`;

/** Renders the complete HTML document for a landing page. */
export function renderLandingPage(model: LandingPageModel): string {
  const app = escapeHtml(model.appName?.trim() || "the application");
  const success = model.outcome === "success";
  const title = success ? "Login complete" : "Login failed";
  const body = success
    ? `<p>You are logged in with Globus. You can close this tab and return to ${app}.</p>`
    : `<p>${app} could not complete the Globus login. Return to it to see what to do next, then try again.</p>
    <p class="detail" role="alert">${escapeHtml(model.detail ?? "An unknown error occurred.")}</p>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} · Globus</title>
<style>${STYLE}</style>
</head>
<body>
<main class="${success ? "success" : "failure"}">
  <div class="badge" aria-hidden="true">${success ? "&#10003;" : "!"}</div>
  <h1>${escapeHtml(title)}</h1>
  ${body}
  <footer>Globus SDK local login server · this page is served from your own computer.</footer>
</main>
</body>
</html>
`;
}
