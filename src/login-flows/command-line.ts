import type { Readable, Writable } from "node:stream";
import type { OAuthTokenResponse } from "../auth/index.ts";
import {
  BaseLoginFlowManager,
  type LoginAuthParams,
  type LoginFlowManagerOptions,
  type RunLoginFlowOptions,
  throwIfAborted,
} from "./base.ts";
import {
  EmptyAuthorizationCodeError,
  LoginAbortedError,
  LoginFlowError,
  LoginInputClosedError,
} from "./errors.ts";

/** Options for {@link CommandLineLoginFlowManager}. */
export interface CommandLineLoginFlowManagerOptions extends LoginFlowManagerOptions {
  /**
   * Where Globus Auth sends the user after login. Default: Globus's own page that shows the
   * code to copy (native clients). Confidential clients must give their registered URI.
   */
  redirectUri?: string;
  /** Where the code is read from. Default: `process.stdin`; any readable stream works (pipes too). */
  input?: Readable;
  /** Where the instructions are written. Default: `process.stdout`. */
  output?: Writable;
  /** Treat SIGINT (Ctrl-C) during the prompt as an abort. Default: true. */
  handleSigint?: boolean;
  /**
   * Shows the authorize URL (Python's overridable `print_authorize_url`): to a GUI dialog,
   * a notebook cell, a log. Default: writes instructions and the URL to `output`.
   */
  printAuthorizeUrl?: (authorizeUrl: string) => void | Promise<void>;
  /**
   * Gets the authorization code from the person (Python's `prompt_for_code`): a dialog, a
   * notebook's `prompt()`. Default: reads one line from `input`.
   */
  promptForCode?: (options: { signal?: AbortSignal | undefined }) => string | Promise<string>;
}

const RULE = "-".repeat(72);

/**
 * A login for terminals: prints the authorize URL, and reads back the authorization code the
 * user pastes after logging in with any browser, on any machine. Works over SSH and with
 * piped input. Empty input, end of input, Ctrl-C or an abort reject with a typed
 * {@link LoginFlowError}; it never waits on input that cannot come.
 */
export class CommandLineLoginFlowManager extends BaseLoginFlowManager {
  readonly redirectUri: string | undefined;
  readonly #input: Readable | undefined;
  readonly #output: Writable | undefined;
  readonly #handleSigint: boolean;
  readonly #printHook: CommandLineLoginFlowManagerOptions["printAuthorizeUrl"];
  readonly #promptHook: CommandLineLoginFlowManagerOptions["promptForCode"];

  constructor(options: CommandLineLoginFlowManagerOptions) {
    super(options);
    this.redirectUri = options.redirectUri;
    this.#input = options.input;
    this.#output = options.output;
    this.#handleSigint = options.handleSigint ?? true;
    this.#printHook = options.printAuthorizeUrl;
    this.#promptHook = options.promptForCode;
  }

  /** Shows the person where to log in. Override it, or pass `printAuthorizeUrl`. */
  async printAuthorizeUrl(authorizeUrl: string): Promise<void> {
    if (this.#printHook) {
      await this.#printHook(authorizeUrl);
      return;
    }
    (this.#output ?? process.stdout).write(
      [
        RULE,
        "Log in with Globus: open this link in a web browser (on any machine).",
        RULE,
        authorizeUrl,
        RULE,
        "After logging in, Globus shows an authorization code. Copy it and paste it below.",
        "",
        "",
      ].join("\n"),
    );
  }

  /** Asks the person for the authorization code. Override it, or pass `promptForCode`. */
  async promptForCode(options: { signal?: AbortSignal | undefined } = {}): Promise<string> {
    if (this.#promptHook) return this.#promptHook(options);
    const output = this.#output ?? process.stdout;
    output.write("Authorization code: ");
    const line = await readLine(this.#input ?? process.stdin, {
      signal: options.signal,
      handleSigint: this.#handleSigint,
    });
    output.write("\n");
    return line;
  }

  async runLoginFlow(
    authParams: LoginAuthParams,
    options: RunLoginFlowOptions = {},
  ): Promise<OAuthTokenResponse> {
    const { signal } = options;
    throwIfAborted(signal);
    const { flow, authorizeUrl } = this.startLogin(authParams, this.redirectUri);
    await this.printAuthorizeUrl(authorizeUrl);
    const line = await this.promptForCode({ signal });
    throwIfAborted(signal);
    if (typeof line !== "string") {
      throw new EmptyAuthorizationCodeError(
        "No authorization code was entered (the prompt returned nothing). Run the login again and paste the code Globus shows after you log in.",
      );
    }
    const code = line.trim();
    if (code === "") {
      throw new EmptyAuthorizationCodeError(
        "No authorization code was entered. Run the login again and paste the code Globus shows after you log in.",
      );
    }
    return flow.exchangeCode(code, signal ? { signal } : {});
  }
}

/**
 * Reads one line. A final line without a newline counts when the stream ends. Whatever
 * follows the line is pushed back onto the stream for the next reader.
 */
export function readLine(
  input: Readable,
  options: { signal?: AbortSignal | undefined; handleSigint?: boolean } = {},
): Promise<string> {
  const { signal } = options;
  return new Promise<string>((resolve, reject) => {
    (input as Readable & { ref?: () => void }).ref?.();
    let buffered = "";
    let settled = false;

    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      input.off("data", onData);
      input.off("end", onEnd);
      input.off("close", onEnd);
      input.off("error", onError);
      signal?.removeEventListener("abort", onAbort);
      if (options.handleSigint) process.off("SIGINT", onSigint);
      // Removing the listener does not stop a flowing stream: pause so no later data is lost.
      // A piped stdin stays referenced even when paused, so also unref it, or the process
      // could never exit once the login is done.
      input.pause();
      (input as Readable & { unref?: () => void }).unref?.();
      outcome();
    };
    const onData = (chunk: Buffer | string) => {
      buffered += typeof chunk === "string" ? chunk : chunk.toString("utf8");
      const newline = buffered.search(/\r?\n/);
      if (newline === -1) return;
      const line = buffered.slice(0, newline);
      const rest = buffered.slice(buffered.indexOf("\n", newline) + 1);
      finish(() => {
        if (rest !== "" && !input.readableEnded) input.unshift(Buffer.from(rest, "utf8"));
        resolve(line);
      });
    };
    const onEnd = () => {
      if (buffered.trim() !== "") {
        const line = buffered;
        finish(() => resolve(line));
        return;
      }
      finish(() =>
        reject(
          new LoginInputClosedError(
            "The input ended before an authorization code was entered. Run the login in an interactive terminal, or pipe the code into standard input.",
          ),
        ),
      );
    };
    const onError = (err: unknown) => {
      finish(() =>
        reject(new LoginFlowError("Reading the authorization code failed.", { cause: err })),
      );
    };
    const onAbort = () => {
      finish(() =>
        reject(new LoginAbortedError("The login was aborted.", { cause: signal?.reason })),
      );
    };
    const onSigint = () => {
      finish(() => reject(new LoginAbortedError("The login was interrupted (Ctrl-C).")));
    };

    if (signal?.aborted) {
      onAbort();
      return;
    }
    if (input.readableEnded || input.destroyed) {
      onEnd();
      return;
    }
    input.on("data", onData);
    input.once("end", onEnd);
    input.once("close", onEnd);
    input.once("error", onError);
    signal?.addEventListener("abort", onAbort, { once: true });
    if (options.handleSigint) process.once("SIGINT", onSigint);
    input.resume();
  });
}
