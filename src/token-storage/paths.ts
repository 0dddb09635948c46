import { homedir } from "node:os";
import path from "node:path";
import { GlobusSDKUsageError } from "../errors.ts";

const RESERVED_FS_CHARS = /[<>:"/\\|?*]/g;
// Python's `\d` matches every Unicode decimal digit, hence \p{Nd}.
const RESERVED_FS_NAMES = /^(?:con|prn|aux|nul|com\p{Nd}|lpt\p{Nd})$/u;
// Python's str.isprintable(): "Other" and "Separator" categories are not printable
// (the ASCII space is, but spaces are already replaced by then).
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/**
 * Turns an app name into the folder name the Python SDK uses for it: reserved file-system
 * characters become `+`, `.` and space become `-`, non-printable characters are dropped,
 * and the result is lowercased.
 *
 * @throws GlobusSDKUsageError when the result is empty or a reserved Windows name.
 */
export function slugifyAppName(appName: string): string {
  let slug = appName.replace(RESERVED_FS_CHARS, "+").replaceAll(".", "-").replaceAll(" ", "-");
  slug = Array.from(slug)
    .filter((c) => !NON_PRINTABLE.test(c))
    .join("")
    .toLowerCase();
  if (RESERVED_FS_NAMES.test(slug)) {
    throw new GlobusSDKUsageError(
      `App name results in a reserved filename ("${slug}"). Please choose a different name.`,
    );
  }
  if (slug === "") {
    throw new GlobusSDKUsageError(
      "App name results in the empty string. Please choose a different name.",
    );
  }
  return slug;
}

/** Where to look for the user's folders; tests and tools may override any of it. */
export interface PathEnvironment {
  /** Defaults to `process.platform`. */
  platform?: NodeJS.Platform;
  /** Defaults to `process.env`. `HOME` overrides the home folder on every platform. */
  env?: Readonly<Record<string, string | undefined>>;
}

function homeFolder(env: Readonly<Record<string, string | undefined>>): string {
  return env["HOME"] || homedir();
}

/**
 * The Python SDK's default token file for a GlobusApp, without the file suffix:
 * `~/.globus/app/<client_id>/<slug>/<prefix>tokens`, or on Windows
 * `<LOCALAPPDATA or APPDATA or ~/AppData/Local>/globus/app/<client_id>/<slug>/<prefix>tokens`.
 * `<prefix>` is empty in production and `<environment>-` elsewhere.
 */
export function defaultGlobusAppTokenPath(
  clientId: string,
  appName: string,
  environment: string,
  where: PathEnvironment = {},
): string {
  const platform = where.platform ?? process.platform;
  const env = where.env ?? process.env;
  const filename = `${environment === "production" ? "" : `${environment}-`}tokens`;
  const slug = slugifyAppName(appName);
  if (platform === "win32") {
    // As Python's os.getenv("LOCALAPPDATA", os.getenv("APPDATA")): an empty LOCALAPPDATA
    // hides APPDATA and falls through to the home folder.
    const fromEnv = env["LOCALAPPDATA"] !== undefined ? env["LOCALAPPDATA"] : env["APPDATA"];
    const dataDir = fromEnv || path.win32.join(homeFolder(env), "AppData", "Local");
    return path.win32.join(dataDir, "globus", "app", String(clientId), slug, filename);
  }
  return path.posix.join(homeFolder(env), ".globus", "app", String(clientId), slug, filename);
}
