// Listing flows: the app logs in if needed, then the bound client pages through them.
import { FlowsClient, UserApp } from "globus-sdk";
import { requireEnv } from "./_env.ts";

await using myApp = new UserApp("my-user-app", {
  clientId: requireEnv("GLOBUS_CLIENT_ID"),
  config: { loginFlowManager: "command-line" },
});
const flowsClient = new FlowsClient({ app: myApp });

for await (const flow of flowsClient.listFlows()) {
  console.log(`flow: ${flow.title}`);
}
