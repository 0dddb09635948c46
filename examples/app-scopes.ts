// Two ways to require flows:manage_flows: replace the defaults with appScopes, or add to them.
import { FlowsClient, UserApp } from "globus-sdk";
import { requireEnv } from "./_env.ts";

const clientId = requireEnv("GLOBUS_CLIENT_ID");
const options = { clientId, config: { tokenStorage: "memory" as const } };

// 1. appScopes: the app requires only manage_flows for Flows
await using replaced = new UserApp("app-scopes-replace", options);
new FlowsClient({ app: replaced, appScopes: [FlowsClient.scopes.manage_flows] });
console.log("appScopes:", replaced.scopeRequirements[FlowsClient.scopes.resourceServer]?.join(" "));

// 2. addAppScope: the defaults (view_flows, run_status) plus manage_flows
await using added = new UserApp("app-scopes-add", options);
const flowsClient = new FlowsClient({ app: added });
flowsClient.addAppScope(FlowsClient.scopes.manage_flows);
console.log("addAppScope:", added.scopeRequirements[FlowsClient.scopes.resourceServer]?.join(" "));
