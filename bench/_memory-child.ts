// Memory, ours: logs in (the emulator approves at once), makes 1,000 bound calls, then prints
// the resident set size after a GC. Run with --expose-gc; service URLs come from the environment.
import { FlowsClient, JSONTokenStorage, NativeAppAuthClient, UserApp } from "../src/index.ts";
import { EmulatorLoginFlowManager } from "../src/testing/login-flow.ts";

const [tokenPath, clientId, calls] = process.argv.slice(2) as [string, string, string];
const tokenStorage = new JSONTokenStorage(tokenPath);
const loginClient = new NativeAppAuthClient(clientId);
const app = new UserApp("bench-memory", {
  loginClient,
  config: {
    tokenStorage,
    loginFlowManager: new EmulatorLoginFlowManager({ loginClient, requestRefreshTokens: true }),
  },
});
const flows = new FlowsClient({ app });
await app.login();
for (let i = 0; i < Number(calls); i++) await flows.listFlows().firstPage();
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
gc?.();
const { rss, heapUsed } = process.memoryUsage();
console.log(JSON.stringify({ rss, heapUsed, gc: gc !== undefined }));
await app.close();
await tokenStorage.close();
