// A UserApp bound to a Transfer client and a Flows client.
import { FlowsClient, TransferClient, UserApp } from "globus-sdk";
import { requireEnv } from "./_env.ts";

const CLIENT_ID = requireEnv("GLOBUS_CLIENT_ID");
await using myApp = new UserApp("my-user-app", {
  clientId: CLIENT_ID,
  config: { loginFlowManager: "command-line" },
});

const transferClient = new TransferClient({ app: myApp });
const flowsClient = new FlowsClient({ app: myApp });

console.log("resource servers:", Object.keys(myApp.scopeRequirements).sort().join(", "));
const firstFlow = (await flowsClient.listFlows().firstPage()).items[0];
console.log("first flow:", firstFlow?.title);
console.log("transfer client bound to:", transferClient.resourceServer);
