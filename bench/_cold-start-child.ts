// Cold start, ours: a fresh process imports the SDK, builds a UserApp on tokens already in a
// JSON file, makes one bound call and exits. Service URLs come from the environment. The SDK
// entry is an argument so the same script times the .ts sources and a compiled build.
import type * as SDK from "../src/index.ts";

const [entry, tokenPath, clientId] = process.argv.slice(2) as [string, string, string];
const { FlowsClient, JSONTokenStorage, UserApp } = (await import(entry)) as typeof SDK;
const tokenStorage = new JSONTokenStorage(tokenPath);
const app = new UserApp("bench-cold-start", {
  clientId,
  // a login here would spoil the measurement: stored tokens must be enough
  config: { tokenStorage, tokenValidationErrorHandler: null },
});
const page = await new FlowsClient({ app }).listFlows().firstPage();
await app.close();
await tokenStorage.close();
if (page.items.length === 0) throw new Error("no flows listed");
