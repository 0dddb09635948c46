import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { SDK_VERSION } from "../src/version.ts";

test("SDK_VERSION matches package.json", () => {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  assert.equal(SDK_VERSION, pkg.version);
});

test("npm scripts run on Node 24 from the pinned devDependency", () => {
  assert.equal(process.versions.node.split(".")[0], "24");
});
