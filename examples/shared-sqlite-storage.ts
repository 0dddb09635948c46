// A SQLite storage created by the user and shared by two apps. The apps do not close it.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SQLiteTokenStorage, UserApp } from "globus-sdk";
import { requireEnv } from "./_env.ts";

const sqlStorage = new SQLiteTokenStorage(
  join(mkdtempSync(join(tmpdir(), "globus-example-")), "tokens.sqlite"),
);
const config = { tokenStorage: sqlStorage, loginFlowManager: "command-line" as const };
const clientId = requireEnv("GLOBUS_CLIENT_ID");

{
  await using app = new UserApp("sample-app", { clientId, config });
  await app.login();
}
{
  await using app = new UserApp("a-different-app", { clientId, config });
  console.log("second app needs a login:", await app.loginRequired());
}
// both apps are closed, and the storage is still open
console.log(
  "storage still open:",
  Object.keys(await sqlStorage.getTokenDataByResourceServer()).length > 0,
);
await sqlStorage.close();
