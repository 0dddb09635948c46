/**
 * Run by command-line.test.ts as a separate process: a command-line login that reads the
 * real process.stdin. Exits 0 on success, 3 with the error's name on a LoginFlowError.
 */
import { NativeAppAuthClient } from "../../src/auth/index.ts";
import { CommandLineLoginFlowManager, LoginFlowError } from "../../src/login-flows/index.ts";
import { DEMO_NATIVE_CLIENT_ID } from "../../src/testing/index.ts";

const manager = new CommandLineLoginFlowManager({
  loginClient: new NativeAppAuthClient(DEMO_NATIVE_CLIENT_ID),
});
try {
  await manager.runLoginFlow({ required_scopes: ["openid"] });
  process.exitCode = 0;
} catch (err) {
  process.stderr.write(`${(err as Error).name}: ${(err as Error).message}\n`);
  process.exitCode = err instanceof LoginFlowError ? 3 : 4;
}
