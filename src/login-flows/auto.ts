import type { Readable, Writable } from "node:stream";
import type { OAuthTokenResponse } from "../auth/index.ts";
import type {
  LoginAuthParams,
  LoginFlowManager,
  LoginFlowManagerOptions,
  RunLoginFlowOptions,
} from "./base.ts";
import type { BrowserOpener } from "./browser.ts";
import { CommandLineLoginFlowManager } from "./command-line.ts";
import { BrowserOpenError, LoginRequiredError } from "./errors.ts";
import { LocalServerLoginFlowManager } from "./local-server.ts";

/** What the automatic choice looks at. Every field defaults to the real process's. */
export interface LoginEnvironment {
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  /** Whether standard input is an interactive terminal. */
  stdinIsTTY?: boolean;
  /**
   * Deno's Jupyter kernel, when running in one (`Deno.jupyter`), and its `prompt()`: a
   * notebook cell can answer a prompt there. Defaults to the real globals.
   */
  denoJupyter?: unknown;
  prompt?: ((message: string) => string | null | Promise<string | null>) | undefined;
}

/**
 * Which flow the automatic choice picked: `"notebook-prompt"` is Deno's Jupyter kernel,
 * where the URL is printed into the cell and `prompt()` reads the code; `"notebook"` is
 * a Node kernel, where nothing can be typed in: use {@link UserApp.startLogin}.
 */
export type LoginFlowChoice =
  | "local-server"
  | "command-line"
  | "notebook-prompt"
  | "notebook"
  | "none";

/** Jupyter's own variables, which every kernel it starts inherits. */
const JUPYTER_KERNEL_VARIABLES = ["JPY_PARENT_PID", "JPY_SESSION_NAME"];

function realDenoJupyter(): unknown {
  return (globalThis as { Deno?: { jupyter?: unknown } }).Deno?.jupyter;
}

/** Whether this process is a Jupyter kernel (Deno's, or a Node one such as tslab). */
export function inNotebookKernel(environment: LoginEnvironment = {}): boolean {
  const env = environment.env ?? process.env;
  const deno = "denoJupyter" in environment ? environment.denoJupyter : realDenoJupyter();
  return deno !== undefined || JUPYTER_KERNEL_VARIABLES.some((name) => Boolean(env[name]));
}

/**
 * Whether a browser can be opened on this machine's screen: a desktop session (macOS,
 * Windows, or DISPLAY / WAYLAND_DISPLAY on Linux and BSD), or an explicit `$BROWSER`, and
 * not an SSH session (the browser would open on the remote machine, or nowhere).
 */
export function canOpenBrowser(environment: LoginEnvironment = {}): boolean {
  const env = environment.env ?? process.env;
  const platform = environment.platform ?? process.platform;
  if (env["SSH_CONNECTION"] || env["SSH_TTY"] || env["SSH_CLIENT"]) return false;
  if (env["BROWSER"]) return true;
  if (platform === "darwin" || platform === "win32") return true;
  return Boolean(env["DISPLAY"] || env["WAYLAND_DISPLAY"]);
}

/** The automatic choice: a browser if possible, else the terminal, else none. */
export function chooseLoginFlow(environment: LoginEnvironment = {}): LoginFlowChoice {
  if (inNotebookKernel(environment)) {
    const deno = "denoJupyter" in environment ? environment.denoJupyter : realDenoJupyter();
    const prompt = "prompt" in environment ? environment.prompt : globalPrompt();
    return deno !== undefined && prompt ? "notebook-prompt" : "notebook";
  }
  if (canOpenBrowser(environment)) return "local-server";
  const stdinIsTTY = environment.stdinIsTTY ?? Boolean(process.stdin.isTTY);
  return stdinIsTTY ? "command-line" : "none";
}

/** Options for {@link createDefaultLoginFlowManager}. */
export interface DefaultLoginFlowManagerOptions extends LoginFlowManagerOptions {
  /** Redirect URI for the command-line flow (confidential clients). */
  redirectUri?: string;
  /** Detection inputs; the real process's by default. */
  environment?: LoginEnvironment;
  input?: Readable;
  output?: Writable;
  port?: number;
  timeoutMs?: number;
  openBrowser?: BrowserOpener;
  appName?: string;
}

function globalPrompt(): ((message: string) => string | null) | undefined {
  const prompt = (globalThis as { prompt?: unknown }).prompt;
  return typeof prompt === "function" ? (prompt as (message: string) => string | null) : undefined;
}

const NOTEBOOK_HELP =
  "A Globus login is needed, but this notebook kernel cannot answer a prompt. Log in in two " +
  "steps instead: `const login = await app.startLogin()` shows `login.authorizeUrl` to open " +
  "in a browser; then `await login.complete(code)` with the code Globus shows.";

const NON_INTERACTIVE_HELP =
  "A Globus login is needed, but this process cannot run one: no browser can be opened here " +
  "(no desktop session, or an SSH session) and standard input is not a terminal (CI, cron, a " +
  "pipe). Either log in once from an interactive terminal (the tokens are stored and reused " +
  "by later runs), or, for unattended use, use a ClientApp with a client id and secret.";

/**
 * The default login flow manager for a UserApp: the local-server flow when a browser can be
 * opened, the command-line flow when standard input is a terminal, and otherwise one that
 * fails with {@link LoginRequiredError} when a login is actually needed (so an app whose
 * stored tokens are still good runs fine in CI). If the browser cannot be opened after all,
 * it falls back to the command line when a terminal is available.
 */
export function createDefaultLoginFlowManager(
  options: DefaultLoginFlowManagerOptions,
): AutomaticLoginFlowManager {
  return new AutomaticLoginFlowManager(options);
}

/** The manager {@link createDefaultLoginFlowManager} returns; `choice` says what it picked. */
export class AutomaticLoginFlowManager implements LoginFlowManager {
  readonly choice: LoginFlowChoice;
  readonly #options: DefaultLoginFlowManagerOptions;
  readonly #stdinIsTTY: boolean;

  constructor(options: DefaultLoginFlowManagerOptions) {
    this.#options = options;
    this.#stdinIsTTY = options.environment?.stdinIsTTY ?? Boolean(process.stdin.isTTY);
    this.choice = chooseLoginFlow({ ...options.environment, stdinIsTTY: this.#stdinIsTTY });
  }

  async runLoginFlow(
    authParams: LoginAuthParams,
    runOptions: RunLoginFlowOptions = {},
  ): Promise<OAuthTokenResponse> {
    if (this.choice === "none") throw new LoginRequiredError(NON_INTERACTIVE_HELP);
    if (this.choice === "notebook") throw new LoginRequiredError(NOTEBOOK_HELP);
    if (this.choice === "notebook-prompt")
      return this.#notebookPrompt().runLoginFlow(authParams, runOptions);
    if (this.choice === "local-server") {
      try {
        return await this.#localServer().runLoginFlow(authParams, runOptions);
      } catch (err) {
        if (!(err instanceof BrowserOpenError)) throw err;
        if (!this.#stdinIsTTY) {
          throw new LoginRequiredError(`${err.message} ${NON_INTERACTIVE_HELP}`, { cause: err });
        }
      }
    }
    return this.#commandLine().runLoginFlow(authParams, runOptions);
  }

  #localServer(): LocalServerLoginFlowManager {
    const o = this.#options;
    return new LocalServerLoginFlowManager({
      ...this.#common(),
      ...(o.port !== undefined ? { port: o.port } : {}),
      ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
      ...(o.openBrowser !== undefined ? { openBrowser: o.openBrowser } : {}),
      ...(o.appName !== undefined ? { appName: o.appName } : {}),
      ...(o.output !== undefined ? { output: o.output } : {}),
    });
  }

  /** Deno's Jupyter kernel: the URL goes into the cell's output, `prompt()` reads the code. */
  #notebookPrompt(): CommandLineLoginFlowManager {
    const o = this.#options;
    const env = o.environment ?? {};
    const prompt = ("prompt" in env ? env.prompt : globalPrompt())!;
    const output = o.output ?? process.stdout;
    return new CommandLineLoginFlowManager({
      ...this.#common(),
      ...(o.redirectUri !== undefined ? { redirectUri: o.redirectUri } : {}),
      printAuthorizeUrl: (url) => {
        output.write(
          `Log in with Globus: open this link in a browser, then paste the code below.\n${url}\n`,
        );
      },
      promptForCode: async () => (await prompt("Globus authorization code:")) ?? "",
    });
  }

  #commandLine(): CommandLineLoginFlowManager {
    const o = this.#options;
    return new CommandLineLoginFlowManager({
      ...this.#common(),
      ...(o.redirectUri !== undefined ? { redirectUri: o.redirectUri } : {}),
      ...(o.input !== undefined ? { input: o.input } : {}),
      ...(o.output !== undefined ? { output: o.output } : {}),
    });
  }

  #common(): LoginFlowManagerOptions {
    const o = this.#options;
    return {
      loginClient: o.loginClient,
      ...(o.requestRefreshTokens !== undefined
        ? { requestRefreshTokens: o.requestRefreshTokens }
        : {}),
      ...(o.prefillNamedGrant !== undefined ? { prefillNamedGrant: o.prefillNamedGrant } : {}),
    };
  }
}
