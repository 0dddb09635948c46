// Running a login flow by hand, requiring MFA and showing a message on the login page.
import { UserApp } from "globus-sdk";
import { requireEnv } from "./_env.ts";

await using myApp = new UserApp("my-user-app", {
  clientId: requireEnv("GLOBUS_CLIENT_ID"),
  config: { loginFlowManager: "command-line" },
});

await myApp.login({
  authParams: {
    session_message: "Please authenticate with MFA",
    session_required_mfa: true,
  },
});
console.log("logged in; login still required:", await myApp.loginRequired());
