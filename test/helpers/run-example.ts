import { spawn } from "node:child_process";
import type { RunningEmulator } from "../../src/testing/index.ts";
import { captureOutput } from "./output-capture.ts";

/** What a finished script printed. */
export interface ScriptResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** How many authorize URLs it printed (logins it asked the person for). */
  logins: number;
}

const AUTHORIZE_URL = /(http:\/\/127\.0\.0\.1:\d+\/auth\/v2\/oauth2\/authorize\?\S+)/g;

/**
 * Runs a script as a subprocess and plays the person at the terminal: whenever it prints
 * an authorize URL, the emulator that serves it approves the login as `identityId` (as a
 * browser would, following the redirect) and the code is typed into the script's stdin.
 */
export function runScript(
  emulator: Pick<RunningEmulator, "environmentVariables">,
  args: string[],
  options: {
    /** What runs `args`: default this Node with the `source` export condition. */
    runner?: string[];
    /** The working folder (default: this process's). */
    cwd?: string;
    /** Typed into stdin once, when the output first matches (a y/n question, say). */
    answers?: { when: RegExp; send: string }[];
    /** Stdin is /dev/null: nobody can type (the code is then never sent). */
    noStdin?: boolean;
    env: Record<string, string>;
    identityId: string;
    mfa?: boolean;
    timeoutMs?: number;
    /** Run under a pseudo-terminal (util-linux `script`), as a person's terminal would. */
    pty?: boolean;
    /** Leave printed URLs alone (the script approves its own logins). Default true. */
    approve?: boolean;
  },
): Promise<ScriptResult> {
  const node = [...(options.runner ?? [process.execPath, "--conditions=source"]), ...args];
  const [command, ...commandArgs] = options.pty
    ? ["script", "-qfec", node.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" "), "/dev/null"]
    : node;
  return new Promise((resolve, reject) => {
    const child = spawn(command!, commandArgs, {
      env: { ...process.env, ...emulator.environmentVariables, ...options.env },
      stdio: [options.noStdin ? "ignore" : "pipe", "pipe", "pipe"],
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    let stdout = "";
    let stderr = "";
    let logins = 0;
    const seen = new Set<string>();
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    const pending = [...(options.answers ?? [])];
    const answer = () => {
      for (const [i, entry] of pending.entries()) {
        if (entry.when.test(stdout + stderr)) {
          pending.splice(i, 1);
          child.stdin?.write(entry.send);
          return;
        }
      }
    };
    child.stdout!.setEncoding("utf8").on("data", async (chunk: string) => {
      stdout += chunk;
      answer();
      for (const match of stdout.matchAll(AUTHORIZE_URL)) {
        const url = match[1]!;
        if (seen.has(url) || options.approve === false) continue;
        seen.add(url);
        logins++;
        try {
          const mfa =
            options.mfa || new URL(url).searchParams.get("session_required_mfa") === "true";
          // approve through the HTTP controls of whichever emulator printed the URL (a script
          // may run its own embedded one)
          const approval = await fetch(new URL("/_emulator/auto-approve", url), {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ identity_id: options.identityId, mfa, count: 1 }),
          });
          if (!approval.ok) throw new Error(`auto-approve failed: HTTP ${approval.status}`);
          const response = await fetch(url, { redirect: "manual" });
          const location = new URL(response.headers.get("location") ?? "");
          child.stdin?.write(`${location.searchParams.get("code")}\n`);
        } catch (error) {
          reject(error);
        }
      }
    });
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      answer();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      captureOutput(args.join(" "), stdout, stderr);
      resolve({ code, stdout, stderr, logins });
    });
  });
}
