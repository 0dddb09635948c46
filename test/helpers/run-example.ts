import { spawn } from "node:child_process";
import type { RunningEmulator } from "../../src/testing/index.ts";

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
 * an authorize URL, the emulator approves the login as `identityId` (as a browser would,
 * following the redirect) and the code is typed into the script's stdin.
 */
export function runScript(
  emulator: RunningEmulator,
  args: string[],
  options: { env: Record<string, string>; identityId: string; mfa?: boolean; timeoutMs?: number },
): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--conditions=source", ...args], {
      env: { ...process.env, ...emulator.environmentVariables, ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let logins = 0;
    const seen = new Set<string>();
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.stdout.setEncoding("utf8").on("data", async (chunk: string) => {
      stdout += chunk;
      for (const match of stdout.matchAll(AUTHORIZE_URL)) {
        const url = match[1]!;
        if (seen.has(url)) continue;
        seen.add(url);
        logins++;
        try {
          const mfa =
            options.mfa || new URL(url).searchParams.get("session_required_mfa") === "true";
          emulator.controls.autoApprove(options.identityId, { mfa, count: 1 });
          const response = await fetch(url, { redirect: "manual" });
          const location = new URL(response.headers.get("location") ?? "");
          child.stdin.write(`${location.searchParams.get("code")}\n`);
        } catch (error) {
          reject(error);
        }
      }
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, logins });
    });
  });
}
