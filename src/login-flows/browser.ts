import { BrowserOpenError } from "./errors.ts";

/** Opens `url` in a browser. Rejects (ideally with {@link BrowserOpenError}) when it cannot. */
export type BrowserOpener = (url: string) => void | Promise<void>;

/** The command the default opener runs: a program and its arguments. */
export interface OpenCommand {
  command: string;
  args: string[];
  /** Windows' `start` needs its arguments passed through to cmd.exe unquoted. */
  windowsVerbatimArguments?: boolean;
}

/**
 * The command that opens `url`: `$BROWSER` when set (the first of a `:`-separated list; a
 * `%s` is replaced by the URL, else the URL is appended), otherwise the platform's opener.
 */
export function browserCommand(
  url: string,
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): OpenCommand {
  const fromEnv = env["BROWSER"]
    ?.split(platform === "win32" ? ";" : ":")
    .map((entry) => entry.trim())
    .find(Boolean);
  if (fromEnv) {
    const words = fromEnv.split(/\s+/);
    const hasPlaceholder = words.some((word) => word.includes("%s"));
    const args = words.slice(1).map((word) => word.replaceAll("%s", url));
    return { command: words[0]!, args: hasPlaceholder ? args : [...args, url] };
  }
  if (platform === "darwin") return { command: "open", args: [url] };
  if (platform === "win32") {
    // cmd.exe treats & ^ | < > specially; escape them so the whole URL reaches `start`.
    const escaped = url.replace(/[&^|<>]/g, "^$&");
    return {
      command: "cmd.exe",
      args: ["/d", "/s", "/c", `start "" ${escaped}`],
      windowsVerbatimArguments: true,
    };
  }
  return { command: "xdg-open", args: [url] };
}

/**
 * The default opener: spawns the platform's opener (or `$BROWSER`) detached. Rejects with
 * {@link BrowserOpenError} if it cannot start or exits with a failure within `settleMs`;
 * an opener still running after that is assumed to have handed the URL to a browser.
 */
export async function openBrowser(
  url: string,
  options: { platform?: NodeJS.Platform; env?: NodeJS.ProcessEnv; settleMs?: number } = {},
): Promise<void> {
  // loaded here, not at import: most programs never open a browser
  const { spawn } = await import("node:child_process");
  const { command, args, windowsVerbatimArguments } = browserCommand(
    url,
    options.platform,
    options.env,
  );
  return new Promise<void>((resolve, reject) => {
    let done = false;
    const settle = (error?: BrowserOpenError) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    };
    const child = spawn(command, args, {
      detached: true,
      stdio: "ignore",
      windowsHide: true,
      ...(windowsVerbatimArguments ? { windowsVerbatimArguments } : {}),
      ...(options.env ? { env: options.env } : {}),
    });
    child.unref();
    const timer = setTimeout(() => settle(), options.settleMs ?? 3000);
    timer.unref();
    child.once("error", (err) =>
      settle(
        new BrowserOpenError(
          `Could not open a browser: running "${command}" failed (${(err as NodeJS.ErrnoException).code ?? err.message}).`,
          {
            cause: err,
          },
        ),
      ),
    );
    child.once("exit", (code, signal) => {
      if (code === 0) settle();
      else
        settle(
          new BrowserOpenError(
            `Could not open a browser: "${command}" exited with ${code !== null ? `code ${code}` : `signal ${signal}`}.`,
          ),
        );
    });
  });
}
