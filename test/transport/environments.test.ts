import assert from "node:assert/strict";
import { test } from "node:test";
import { GlobusSDKUsageError } from "../../src/errors.ts";
import {
  getGCSUrl,
  getServiceUrl,
  resolveEnvironment,
  serviceUrlVariable,
} from "../../src/transport/index.ts";

const none = {};

test("production URLs follow Globus's hosts", () => {
  const expected: Record<string, string> = {
    auth: "https://auth.globus.org/",
    transfer: "https://transfer.api.globus.org/",
    groups: "https://groups.api.globus.org/",
    search: "https://search.api.globus.org/",
    flows: "https://flows.automate.globus.org/",
    timer: "https://timer.automate.globus.org/",
    compute: "https://compute.api.globus.org/",
  };
  for (const [service, url] of Object.entries(expected)) {
    assert.equal(getServiceUrl(service, "production", none), url);
  }
});

test("other environments use their domains", () => {
  assert.equal(getServiceUrl("auth", "preview", none), "https://auth.preview.globus.org/");
  assert.equal(
    getServiceUrl("transfer", "preview", none),
    "https://transfer.api.preview.globus.org/",
  );
  assert.equal(getServiceUrl("auth", "sandbox", none), "https://auth.sandbox.globuscs.info/");
  assert.equal(
    getServiceUrl("flows", "sandbox", none),
    "https://sandbox.flows.automate.globus.org/",
  );
  assert.equal(getServiceUrl("timer", "test", none), "https://test.timer.automate.globus.org/");
  assert.equal(
    getServiceUrl("groups", "staging", none),
    "https://groups.api.staging.globuscs.info/",
  );
  assert.equal(
    getServiceUrl("search", "integration", none),
    "https://search.api.integration.globuscs.info/",
  );
});

test("GLOBUS_SDK_ENVIRONMENT picks the environment and an unknown one is refused", () => {
  assert.equal(resolveEnvironment(undefined, { GLOBUS_SDK_ENVIRONMENT: "sandbox" }), "sandbox");
  assert.equal(resolveEnvironment(undefined, none), "production");
  assert.equal(
    getServiceUrl("auth", undefined, { GLOBUS_SDK_ENVIRONMENT: "preview" }),
    "https://auth.preview.globus.org/",
  );
  assert.throws(() => resolveEnvironment("moon", none), GlobusSDKUsageError);
});

test("GLOBUS_SDK_SERVICE_URL_<SERVICE> overrides one service", () => {
  assert.equal(serviceUrlVariable("timer"), "GLOBUS_SDK_SERVICE_URL_TIMER");
  const env = { GLOBUS_SDK_SERVICE_URL_TRANSFER: "http://127.0.0.1:9999/transfer" };
  assert.equal(getServiceUrl("transfer", "production", env), "http://127.0.0.1:9999/transfer/");
  assert.equal(getServiceUrl("auth", "production", env), "https://auth.globus.org/");
});

test("GCS endpoints are addressed by host, with /api/ appended", () => {
  assert.equal(getGCSUrl("abc.def.data.globus.org"), "https://abc.def.data.globus.org/api/");
  assert.equal(
    getGCSUrl("https://abc.def.data.globus.org"),
    "https://abc.def.data.globus.org/api/",
  );
  assert.equal(
    getGCSUrl("https://abc.def.data.globus.org/api"),
    "https://abc.def.data.globus.org/api/",
  );
  assert.equal(getGCSUrl("http://127.0.0.1:8080/gcs/e1/api/"), "http://127.0.0.1:8080/gcs/e1/api/");
  assert.throws(() => getGCSUrl(" "), GlobusSDKUsageError);
});
