// `prepack` / `postpack`: the published package.json carries no `source` export condition.
// That condition points at src/, which is not shipped; it serves this repository's own
// examples and type checks before a build. `strip` keeps the original beside it and
// removes the condition; `restore` (always run after packing) puts the original back.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const manifest = join(import.meta.dirname, "..", "package.json");
const kept = `${manifest}.orig`;
const action = process.argv[2];

if (action === "strip") {
  if (!existsSync(kept)) renameSync(manifest, kept);
  const pkg = JSON.parse(readFileSync(kept, "utf8")) as { exports?: Record<string, unknown> };
  for (const target of Object.values(pkg.exports ?? {})) {
    if (target && typeof target === "object") delete (target as Record<string, unknown>).source;
  }
  writeFileSync(manifest, `${JSON.stringify(pkg, null, 2)}\n`);
} else if (action === "restore") {
  if (existsSync(kept)) renameSync(kept, manifest);
} else {
  console.error("usage: node scripts/publish-manifest.ts strip|restore");
  process.exit(2);
}
