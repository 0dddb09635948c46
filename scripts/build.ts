// `npm run build` (also `prepare` and `prepack`): the published package in dist/.
// - tsc writes the type declarations (and their maps), one per module, as before;
// - esbuild bundles each published entry point into ESM (`.`, `./testing`, `./redis`, the
//   CLI), split so that what loads lazily (jose, node:sqlite, login flows, the emulator)
//   stays out of a cold start, with source maps that carry the sources (src/ is not shipped).
// The cold start of a bundle is about a third of loading ~100 modules one by one.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { build, type Plugin } from "esbuild";

const root = join(import.meta.dirname, "..");
const dist = join(root, "dist");
rmSync(dist, { recursive: true, force: true });

const tsc = spawnSync(
  process.execPath,
  [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "tsconfig.build.json")],
  { stdio: "inherit" },
);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

const entryPoints: Record<string, string> = {
  index: "src/index.ts",
  "testing/index": "src/testing/index.ts",
  "cli/bin": "src/cli/bin.ts",
};
if (existsSync(join(root, "src/redis/index.ts"))) entryPoints["redis/index"] = "src/redis/index.ts";

const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
};
/**
 * Node's builtins through `process.getBuiltinModule` instead of an ESM `import`. The ESM
 * facade of a builtin reads every export, lazy ones included: `node:fs`'s pulls in
 * `fs/promises`, streams and readline (about 4 ms of a cold start here), `node:http`'s all
 * of undici (about 25 ms). The shim reads only the exports the bundle imports.
 */
const builtinsWithoutFacade: Plugin = {
  name: "builtins-without-facade",
  setup(esbuild) {
    esbuild.onResolve({ filter: /^node:/ }, (args) =>
      // node:sqlite and node:test exist only with the node: prefix, and load on demand
      /^node:(sqlite|test)$/.test(args.path)
        ? { path: args.path, external: true }
        : { path: args.path, namespace: "builtin" },
    );
    esbuild.onLoad({ filter: /.*/, namespace: "builtin" }, (args) => {
      const module = process.getBuiltinModule(args.path) as Record<string, unknown>;
      const names = Object.getOwnPropertyNames(module).filter(
        (name) => /^[A-Za-z_$][\w$]*$/.test(name) && name !== "default",
      );
      // each export read through a pure call, so the bundle keeps (and reads) only the
      // ones imported: a lazy getter runs only when its export is used
      const lines = [
        `const builtin$ = process.getBuiltinModule(${JSON.stringify(args.path)});`,
        "function readExport$(name) { return builtin$[name]; }",
        "export default builtin$;",
        ...names.map(
          (name) => `export const ${name} = /* @__PURE__ */ readExport$(${JSON.stringify(name)});`,
        ),
      ];
      return { contents: lines.join("\n"), loader: "js" };
    });
  },
};

await build({
  absWorkingDir: root,
  plugins: [builtinsWithoutFacade],
  entryPoints,
  outdir: dist,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node22.13",
  // runtime dependencies and optional peers stay imports, resolved where the package is installed
  external: [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})],
  chunkNames: "chunks/[name]-[hash]",
  sourcemap: true,
  sourcesContent: true,
  legalComments: "none",
  logLevel: "warning",
});
console.log(`built dist/: ${Object.keys(entryPoints).join(", ")} (bundled ESM, types per module)`);
