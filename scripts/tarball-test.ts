// The installed package, as a user gets it (run by .ci/run after the build): pack the
// project, install the tarball into a fresh consumer project, type-check the README's
// samples there in strict `nodenext` mode, and run them against the emulator the package
// itself ships, on Node 24 and on Node 22 (the `node@22` package). The consumer also runs
// `npx globus-sdk --version` and `npx globus-sdk emulator --help`.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { type RedisServer, startRedis } from "../test/helpers/redis.ts";
import { runScript } from "../test/helpers/run-example.ts";

const root = join(import.meta.dirname, "..");
const work = mkdtempSync(join(tmpdir(), "globus-sdk-tarball-"));
const consumer = join(work, "consumer");
const ALICE = "11111111-1111-4111-8111-111111111111";
const failures: string[] = [];
let emulator: ChildProcess | undefined;
let redis: RedisServer | undefined;

function check(ok: boolean, what: string): void {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
}

/** The consumer's own tools first: its `node` is Node 22, which runs the `globus-sdk` bin. */
const consumerEnv = () => ({
  ...process.env,
  PATH: `${join(consumer, "node_modules/.bin")}:${process.env.PATH ?? ""}`,
});

function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
) {
  return execFileSync(command, args, {
    cwd: options.cwd ?? consumer,
    env: { ...consumerEnv(), ...options.env },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** The README's ```ts blocks, in order. */
function readmeSamples(): string[] {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Quick start"), readme.indexOf("## Set up"));
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

try {
  // 1. the tarball, built by prepack from a clean dist/
  rmSync(join(root, "dist"), { recursive: true, force: true });
  run("npm", ["pack", "--silent", "--pack-destination", work], { cwd: root });
  const tarball = readdirSync(work).find((name) => name.endsWith(".tgz"))!;
  const listing = run("tar", ["tzf", join(work, tarball)], { cwd: work }).split("\n");
  for (const file of [
    "package/LICENSE",
    "package/dist/index.js",
    "package/dist/index.d.ts",
    "package/dist/testing/index.js",
    "package/dist/redis/index.js",
    "package/dist/redis/index.d.ts",
  ]) {
    check(listing.includes(file), `the tarball holds ${file.slice("package/".length)}`);
  }
  const manifest = JSON.parse(
    run("tar", ["xzOf", join(work, tarball), "package/package.json"], { cwd: work }),
  );
  check(
    !JSON.stringify(manifest.exports).includes('"source"'),
    "no `source` export condition is published",
  );

  // 2. a consumer project
  mkdirSync(consumer);
  const ours = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  writeFileSync(
    join(consumer, "package.json"),
    JSON.stringify({
      name: "consumer",
      private: true,
      type: "module",
      dependencies: {
        "globus-sdk": `file:${join(work, tarball)}`,
        redis: ours.devDependencies.redis,
      },
      devDependencies: {
        typescript: ours.devDependencies.typescript,
        "@types/node": ours.devDependencies["@types/node"],
        node: "^22.13.0",
      },
    }),
  );
  run("npm", ["install", "--no-audit", "--no-fund", "--silent"]);
  const samples = readmeSamples();
  const [quickStart, quickStart22, clientApp, sqlite, fleet] = samples;
  check(samples.length === 5, `the README has the 5 samples (found ${samples.length})`);
  writeFileSync(join(consumer, "quick-start.ts"), quickStart!);
  writeFileSync(join(consumer, "quick-start-node22.ts"), quickStart22!);
  writeFileSync(join(consumer, "client-app.ts"), clientApp!);
  writeFileSync(join(consumer, "sqlite.ts"), sqlite!);
  writeFileSync(join(consumer, "fleet.ts"), fleet!);
  writeFileSync(
    join(consumer, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "es2022",
        lib: ["es2023", "esnext.disposable"],
        module: "nodenext",
        moduleResolution: "nodenext",
        strict: true,
        noEmit: true,
        types: ["node"],
      },
      include: ["*.ts"],
    }),
  );
  try {
    run(join(consumer, "node_modules/.bin/tsc"), ["-p", "tsconfig.json"]);
    check(true, "the samples type-check against the installed package (strict, nodenext)");
  } catch (error) {
    check(false, `the samples type-check: ${(error as { stdout?: string }).stdout ?? error}`);
  }

  // 3. the package's own command
  const node22 = join(consumer, "node_modules/.bin/node");
  const version = run("npx", ["--no-install", "globus-sdk", "--version"]).trim();
  check(version === `globus-sdk ${ours.version}`, `npx globus-sdk --version prints ${version}`);
  const help = run("npx", ["--no-install", "globus-sdk", "emulator", "--help"]);
  check(/Usage: globus-sdk emulator/.test(help), "npx globus-sdk emulator --help");

  // 4. the samples against the emulator the package ships
  emulator = spawn(
    join(consumer, "node_modules/.bin/globus-sdk"),
    ["emulator", "--port", "0", "--json"],
    {
      cwd: consumer,
      env: consumerEnv(),
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const info = JSON.parse(
    await new Promise<string>((resolve) =>
      createInterface({ input: emulator!.stdout! }).once("line", resolve),
    ),
  );
  const environment = { environmentVariables: info.environmentVariables as Record<string, string> };
  const native = info.clients.find((c: { type: string }) => c.type === "native");
  const confidential = info.clients.find((c: { type: string }) => c.type === "confidential");
  const home = join(work, "home");
  mkdirSync(home);
  const userEnv = { HOME: home, GLOBUS_CLIENT_ID: native.id };
  const flowTitle = info.flows[0].title as string;
  for (const [label, runner, script] of [
    ["Node 24", [process.execPath], "quick-start.ts"],
    ["Node 22", [node22], "quick-start-node22.ts"],
  ] as const) {
    rmSync(join(home, ".globus"), { recursive: true, force: true });
    const result = await runScript(environment, [script], {
      runner: [...runner],
      env: userEnv,
      identityId: ALICE,
      cwd: consumer,
      pty: true,
      timeoutMs: 60_000,
    });
    check(
      result.code === 0 && result.stdout.includes(flowTitle) && result.logins === 1,
      `${label}: the README quick start logs in once and lists flows (exit ${result.code})`,
    );
    if (result.code !== 0) console.log(result.stdout, result.stderr);
  }
  for (const [label, runner] of [
    ["Node 24", [process.execPath]],
    ["Node 22", [node22]],
  ] as const) {
    const service = await runScript(environment, ["client-app.ts"], {
      runner: [...runner],
      env: {
        HOME: home,
        GLOBUS_CLIENT_ID: confidential.id,
        GLOBUS_CLIENT_SECRET: confidential.secret,
      },
      identityId: ALICE,
      cwd: consumer,
    });
    // `await using` is Node 24 syntax: on Node 22 the README says to use try/finally
    if (label === "Node 24") {
      check(
        service.code === 0 && /flows visible/.test(service.stdout),
        `${label}: the ClientApp sample runs (exit ${service.code})`,
      );
    } else {
      check(
        service.code !== 0 && /SyntaxError/.test(service.stderr),
        "Node 22: `await using` is a SyntaxError, as the README says",
      );
    }
  }
  rmSync(join(home, ".globus"), { recursive: true, force: true });
  const stored = await runScript(environment, ["sqlite.ts"], {
    runner: [process.execPath],
    env: userEnv,
    identityId: ALICE,
    cwd: consumer,
    pty: true,
  });
  check(
    stored.code === 0 && /Emulator/.test(stored.stdout),
    `the SQLite sample stores its tokens in tokens.db (exit ${stored.code})`,
  );
  const dbs = run("find", [home, "-name", "tokens.db"]).trim();
  check(dbs.length > 0, "tokens.db exists where the Python SDK keeps it");
  // Node 22's ExperimentalWarning for node:sqlite comes out before anything the app prints
  // next (a login prompt), not in the middle of it
  writeFileSync(
    join(consumer, "sqlite-warning.mjs"),
    [
      'import { SQLiteTokenStorage } from "globus-sdk";',
      'const storage = new SQLiteTokenStorage("tokens-warning.db");',
      'await storage.getTokenData("transfer.api.globus.org");',
      'process.stdout.write("Please authenticate with Globus here: PROMPT\\n");',
      "await storage.close();",
    ].join("\n"),
  );
  const warned = await runScript(environment, ["sqlite-warning.mjs"], {
    runner: [node22],
    env: userEnv,
    identityId: ALICE,
    cwd: consumer,
    pty: true,
  });
  const warningAt = warned.stdout.indexOf("ExperimentalWarning");
  check(
    warningAt !== -1 && warningAt < warned.stdout.indexOf("PROMPT"),
    "Node 22: node:sqlite's ExperimentalWarning comes before the next prompt line",
  );
  const compiled = await runScript(
    environment,
    [
      "-e",
      'import("globus-sdk").then((m) => console.log(typeof m.UserApp, typeof m.TransferClient))',
    ],
    {
      runner: [node22, "--input-type=module"],
      env: userEnv,
      identityId: ALICE,
      cwd: consumer,
    },
  );
  check(compiled.stdout.trim() === "function function", "Node 22 imports the compiled package");

  // 5. the fleet sample: 3 workers at once, on Node 24 and 22, on one real Redis
  redis = await startRedis();
  const grants = async () => {
    const response = await fetch(
      `${info.baseUrl}_emulator/grants/count?grant_type=client_credentials`,
    );
    return ((await response.json()) as { count: number }).count;
  };
  const before = await grants();
  const workers = await Promise.all(
    [process.execPath, node22, process.execPath].map((runner) =>
      runScript(environment, ["fleet.ts"], {
        runner: [runner],
        env: {
          HOME: home,
          GLOBUS_CLIENT_ID: confidential.id,
          GLOBUS_CLIENT_SECRET: confidential.secret,
          REDIS_URL: redis!.url,
        },
        identityId: ALICE,
        cwd: consumer,
      }),
    ),
  );
  check(
    workers.every((w) => w.code === 0 && /recent tasks/.test(w.stdout)),
    `the Redis fleet sample runs in 3 processes on Node 24 and 22 (exits ${workers.map((w) => w.code).join(", ")})`,
  );
  for (const w of workers) if (w.code !== 0) console.log(w.stdout, w.stderr);
  const made = (await grants()) - before;
  check(made === 1, `the 3 workers made one client-credentials grant between them (made ${made})`);
} finally {
  emulator?.kill("SIGTERM");
  await redis?.stop();
  rmSync(work, { recursive: true, force: true });
}

if (failures.length) {
  console.error(`\ntarball test: ${failures.length} check(s) failed`);
  process.exit(1);
}
console.log("\ntarball test: every check passed");
