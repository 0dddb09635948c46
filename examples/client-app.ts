// A ClientApp (a service account) bound to a Transfer client and a Flows client.
import { ClientApp, FlowsClient, TransferClient } from "globus-sdk";
import { requireEnv } from "./_env.ts";

const CLIENT_ID = requireEnv("GLOBUS_CLIENT_ID");
const CLIENT_SECRET = requireEnv("GLOBUS_CLIENT_SECRET");
await using myApp = new ClientApp("my-client-app", {
  clientId: CLIENT_ID,
  clientSecret: CLIENT_SECRET,
});

const transferClient = new TransferClient({ app: myApp });
const flowsClient = new FlowsClient({ app: myApp });

let count = 0;
for await (const _flow of flowsClient.listFlows()) count++;
console.log(`flows visible to the client: ${count}`);
console.log("transfer client bound to:", transferClient.resourceServer);
