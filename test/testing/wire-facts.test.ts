/**
 * Walks every route the emulator serves with the wire facts of `test/wire/facts/`, which
 * are read from the Python SDK 4.9 (its source and the responses Globus recorded):
 * - every route has a fact (or a reason it has none), and every fact a route;
 * - each fact's driver calls our client, and the request it sends has the Python SDK's
 *   method, path, query parameters and body keys;
 * - the emulator's answer has exactly the keys of the recorded response, with the same
 *   value types.
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import {
  type EmulatorOptions,
  type RunningEmulator,
  startEmulator,
} from "../../src/testing/index.ts";
import {
  normalisePath,
  pathFits,
  type RouteWithoutFact,
  type WireFact,
  wireContext,
} from "../wire/facts.ts";
import { checkShape } from "../wire/shape.ts";

interface FactsModule {
  service: string;
  facts: WireFact[];
  routesWithoutFacts?: RouteWithoutFact[];
  emulatorOptions?: EmulatorOptions;
}

/** GCS routes sit below the endpoint id on the shared port; Python's paths start at `/api/`. */
const MOUNT_PREFIX: Record<string, string> = { gcs: "/{endpoint_id}" };

const factsDir = new URL("../wire/facts/", import.meta.url);
const modules: FactsModule[] = [];
for (const file of readdirSync(factsDir)
  .filter((name) => name.endsWith(".ts"))
  .sort()) {
  modules.push((await import(new URL(file, factsDir).href)) as FactsModule);
}

function routeKey(service: string, method: string, path: string): string {
  return `${service} ${method} ${normalisePath(path)}`;
}

function factKey(fact: { service: string; method: string; path: string }): string {
  return routeKey(fact.service, fact.method, (MOUNT_PREFIX[fact.service] ?? "") + fact.path);
}

describe("wire facts cover every emulated route", () => {
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(() => emulator.stop());

  const services = ["auth", "transfer", "flows", "groups", "search", "timer", "compute", "gcs"];
  for (const service of services) {
    it(`every ${service} route has a fact or a reason, and every fact names a route`, () => {
      const routes = new Set(
        emulator.controls
          .routes()
          .filter((route) => route.service === service)
          .map((route) => routeKey(route.service, route.method, route.path)),
      );
      const covered = new Set<string>();
      for (const module of modules) {
        for (const fact of module.facts) {
          if (fact.service === service) covered.add(factKey(fact));
        }
        for (const route of module.routesWithoutFacts ?? []) {
          if (route.service === service)
            covered.add(routeKey(route.service, route.method, route.path));
        }
      }
      const uncovered = [...routes].filter((key) => !covered.has(key)).sort();
      const unrouted = [...covered].filter((key) => !routes.has(key)).sort();
      assert.deepEqual(uncovered, [], "emulated routes without a wire fact");
      assert.deepEqual(unrouted, [], "wire facts (or exemptions) for routes the emulator lacks");
    });
  }

  it("every mount is one of those checked above", () => {
    const mounts = new Set(emulator.controls.routes().map((route) => route.service));
    assert.deepEqual(
      [...mounts].filter((mount) => !services.includes(mount)),
      [],
    );
  });
});

for (const module of modules) {
  describe(`wire facts: ${module.service}`, () => {
    let emulator: RunningEmulator;
    let context: ReturnType<typeof wireContext>;
    before(async () => {
      emulator = await startEmulator({ ...module.emulatorOptions, logResponseBodies: true });
      Object.assign(process.env, emulator.environmentVariables);
      delete process.env.GLOBUS_SDK_ENVIRONMENT;
      context = wireContext(emulator);
    });
    after(async () => {
      await context.close();
      await emulator.stop();
    });

    for (const fact of module.facts) {
      it(`${fact.python}: ${fact.method} ${fact.path}`, async () => {
        const before = emulator.controls.requestLog().length;
        await fact.drive(context);
        const prefix = MOUNT_PREFIX[fact.service] ?? "";
        const sent = emulator.controls
          .requestLog()
          .slice(before)
          .filter(
            (entry) =>
              entry.service === fact.service &&
              entry.method === fact.method &&
              pathFits(prefix + fact.path, entry.path),
          );
        const entry = sent.at(-1);
        assert.ok(entry, `the driver sent no ${fact.method} ${fact.path} to ${fact.service}`);
        if (fact.status !== undefined) assert.equal(entry.status, fact.status);
        else assert.ok(entry.status >= 200 && entry.status < 300, `status ${entry.status}`);

        const allowedQuery = new Set(fact.query ?? []);
        const extraQuery = Object.keys(entry.query).filter((key) => !allowedQuery.has(key));
        assert.deepEqual(extraQuery, [], "query parameters the Python SDK never sends");
        if (fact.body === undefined) {
          assert.equal(entry.body, undefined, "a body where the Python SDK sends none");
        } else if (
          typeof entry.body === "object" &&
          entry.body !== null &&
          !Array.isArray(entry.body)
        ) {
          const allowedBody = new Set(fact.body);
          const extraBody = Object.keys(entry.body).filter((key) => !allowedBody.has(key));
          assert.deepEqual(extraBody, [], "body keys the Python SDK never sends");
        }
        const problems = checkShape(entry.response, fact.response);
        assert.deepEqual(
          problems.map((problem) => `${problem.path}: ${problem.message}`),
          [],
          "the emulator's answer differs from the recorded response",
        );
      });
    }
  });
}
