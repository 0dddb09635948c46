// Cold start, ours: a fresh process imports the SDK, builds a UserApp on tokens already in a
// JSON file, makes one bound call and exits, printing its peak resident memory. Service URLs
// come from the environment. The SDK entry is an argument: the published bundle (dist/) or
// the .ts sources. Plain JavaScript, so that only the SDK's own loading is measured.

const [entry, tokenPath, clientId] = process.argv.slice(2);
const { FlowsClient, JSONTokenStorage, UserApp } = await import(entry);
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
console.log(JSON.stringify({ maxRSS: process.resourceUsage().maxRSS }));
