// An app that creates its own SQLite storage and closes it when the block ends.
import { TransferClient, UserApp } from "globus-sdk";
import { requireEnv } from "./_env.ts";

{
  await using app = new UserApp("sample-app", {
    clientId: requireEnv("GLOBUS_CLIENT_ID"),
    config: { tokenStorage: "sqlite", loginFlowManager: "command-line" },
  });
  const transfer = new TransferClient({ app });
  await app.login();
  const storage = await app.tokenStorage();
  const stored = await storage.getTokenData(transfer.resourceServer);
  console.log("stored a transfer token:", stored !== undefined);
}
// leaving the block closed the app and the storage it created
console.log("app closed");
