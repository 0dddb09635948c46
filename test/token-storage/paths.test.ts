import assert from "node:assert/strict";
import path from "node:path";
import { describe, test } from "node:test";
import { GlobusSDKUsageError } from "../../src/errors.ts";
import { JSONTokenStorage } from "../../src/token-storage/json.ts";
import { MemoryTokenStorage } from "../../src/token-storage/memory.ts";
import { defaultGlobusAppTokenPath, slugifyAppName } from "../../src/token-storage/paths.ts";
import { SQLiteTokenStorage } from "../../src/token-storage/sqlite.ts";
import { tempDir } from "./helpers.ts";

const CLIENT = "61338d24-54d5-408f-a10d-66c06b59f6d2";

describe("app name slugs, as the Python SDK makes them", () => {
  const cases: [string, string][] = [
    ["My App", "my-app"],
    ["a. b", "a--b"],
    ["a?", "a+"],
    ['<>:"/\\|?*', "+++++++++"],
    ["a\u0000b\u0007c", "abc"],
    ["tab\there", "tabhere"],
    ["zero\u200bwidth", "zerowidth"],
    ["nbsp\u00a0x", "nbspx"],
    ["ÄBC Straße", "äbc-straße"],
    ["console", "console"],
    ["com10", "com10"],
  ];
  for (const [name, slug] of cases) {
    test(`${JSON.stringify(name)} -> ${slug}`, () => assert.equal(slugifyAppName(name), slug));
  }
  for (const reserved of ["CON", "prn", "Aux", "nul", "com1", "LPT9", "com\u0661"]) {
    test(`reserved name ${JSON.stringify(reserved)} is a usage error`, () => {
      assert.throws(
        () => slugifyAppName(reserved),
        (e: unknown) => e instanceof GlobusSDKUsageError && /reserved/.test(e.message),
      );
    });
  }
  for (const empty of ["", "\u0000\u0001"]) {
    test(`${JSON.stringify(empty)} is a usage error`, () => {
      assert.throws(
        () => slugifyAppName(empty),
        (e: unknown) => e instanceof GlobusSDKUsageError && /empty/.test(e.message),
      );
    });
  }
});

describe("default GlobusApp token paths", () => {
  const env = { HOME: "/home/alice" };
  test("production on Linux and macOS", () => {
    for (const platform of ["linux", "darwin"] as const) {
      assert.equal(
        defaultGlobusAppTokenPath(CLIENT, "My App", "production", { platform, env }),
        `/home/alice/.globus/app/${CLIENT}/my-app/tokens`,
      );
    }
  });
  test("other environments prefix the file name", () => {
    assert.equal(
      defaultGlobusAppTokenPath(CLIENT, "x", "sandbox", { platform: "linux", env }),
      `/home/alice/.globus/app/${CLIENT}/x/sandbox-tokens`,
    );
  });
  test("Windows: LOCALAPPDATA, else APPDATA, else ~/AppData/Local", () => {
    const win = (e: Record<string, string>) =>
      defaultGlobusAppTokenPath(CLIENT, "My App", "production", { platform: "win32", env: e });
    assert.equal(
      win({ LOCALAPPDATA: "C:\\L", APPDATA: "C:\\R" }),
      `C:\\L\\globus\\app\\${CLIENT}\\my-app\\tokens`,
    );
    assert.equal(win({ APPDATA: "C:\\R" }), `C:\\R\\globus\\app\\${CLIENT}\\my-app\\tokens`);
    assert.equal(
      win({ HOME: "C:\\Users\\al" }),
      `C:\\Users\\al\\AppData\\Local\\globus\\app\\${CLIENT}\\my-app\\tokens`,
    );
    // as Python's os.getenv("LOCALAPPDATA", os.getenv("APPDATA")): empty LOCALAPPDATA hides APPDATA
    assert.equal(
      win({ LOCALAPPDATA: "", APPDATA: "C:\\R", HOME: "C:\\H" }),
      `C:\\H\\AppData\\Local\\globus\\app\\${CLIENT}\\my-app\\tokens`,
    );
  });
  test("forGlobusApp on each storage class uses the default path and namespace", async () => {
    const { dir, cleanup } = tempDir();
    const saved = process.env["HOME"];
    process.env["HOME"] = dir;
    try {
      const context = {
        appName: "My App",
        clientId: CLIENT,
        environment: "sandbox",
        namespace: "DEFAULT",
      };
      const json = JSONTokenStorage.forGlobusApp(context, { platform: "linux" });
      assert.equal(
        json.filepath,
        path.join(dir, ".globus", "app", CLIENT, "my-app", "sandbox-tokens.json"),
      );
      assert.equal(json.namespace, "DEFAULT");
      const sqlite = SQLiteTokenStorage.forGlobusApp(
        { ...context, environment: "production", namespace: "other" },
        { platform: "linux" },
      );
      assert.equal(
        sqlite.filepath,
        path.join(dir, ".globus", "app", CLIENT, "my-app", "tokens.db"),
      );
      assert.equal(sqlite.namespace, "other");
      await sqlite.close();
      assert.equal(MemoryTokenStorage.forGlobusApp(context).namespace, "DEFAULT");
      assert.throws(
        () => JSONTokenStorage.forGlobusApp({ ...context, appName: "nul" }),
        GlobusSDKUsageError,
      );
    } finally {
      if (saved === undefined) delete process.env["HOME"];
      else process.env["HOME"] = saved;
      cleanup();
    }
  });
});
