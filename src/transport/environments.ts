import { GlobusSDKUsageError } from "../errors.ts";

/** The Globus environments, as the Python SDK names them. */
export const ENVIRONMENTS = [
  "production",
  "sandbox",
  "preview",
  "test",
  "staging",
  "integration",
] as const;

/** A Globus environment name. */
export type EnvironmentName = (typeof ENVIRONMENTS)[number];

/**
 * Service names as used in `GLOBUS_SDK_SERVICE_URL_<SERVICE>` (upper-cased there).
 * `timer` is singular, as in the Python SDK.
 */
export type ServiceName =
  | "auth"
  | "transfer"
  | "flows"
  | "groups"
  | "search"
  | "timer"
  | "compute"
  | "actions"
  | "app"
  | (string & {});

/** The variable that picks the environment, shared with Globus's other SDKs. */
export const ENVIRONMENT_VARIABLE = "GLOBUS_SDK_ENVIRONMENT";

/** The name of the variable that overrides one service's base URL. */
export function serviceUrlVariable(service: ServiceName): string {
  return `GLOBUS_SDK_SERVICE_URL_${service.toUpperCase()}`;
}

const NO_DOT_API = new Set(["app", "auth"]);
const AUTOMATE_SERVICES = new Set(["actions", "flows", "timer"]);
const PRODUCTION_URLS: Record<string, string> = {
  nexus: "https://nexus.api.globusonline.org/",
  timer: "https://timer.automate.globus.org/",
  flows: "https://flows.automate.globus.org/",
  actions: "https://actions.automate.globus.org/",
};

function domainOf(environment: EnvironmentName): string {
  if (environment === "production") return "globus.org";
  if (environment === "preview") return "preview.globus.org";
  return `${environment}.globuscs.info`;
}

/** Whether a string names a known environment. */
export function isEnvironmentName(value: string): value is EnvironmentName {
  return (ENVIRONMENTS as readonly string[]).includes(value);
}

/**
 * The environment to use: the given one, else `GLOBUS_SDK_ENVIRONMENT`, else production.
 * An unknown name is a usage error rather than a silent fallback to production.
 */
export function resolveEnvironment(
  environment?: string,
  env: NodeJS.ProcessEnv = process.env,
): EnvironmentName {
  const name = environment ?? env[ENVIRONMENT_VARIABLE] ?? "production";
  if (!isEnvironmentName(name)) {
    throw new GlobusSDKUsageError(
      `Unknown Globus environment "${name}". Expected one of: ${ENVIRONMENTS.join(", ")}.`,
    );
  }
  return name;
}

/**
 * The base URL of a service in an environment, ending in `/`. Versioned path parts
 * (`/v0.10/`, `/v2/`) belong to each client's request paths, as in the Python SDK, so an
 * override such as `GLOBUS_SDK_SERVICE_URL_TRANSFER=http://127.0.0.1:8080/transfer/`
 * behaves identically in both SDKs.
 */
export function getServiceUrl(
  service: ServiceName,
  environment?: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const override = env[serviceUrlVariable(service)];
  if (override) return override.endsWith("/") ? override : `${override}/`;
  const envName = resolveEnvironment(environment, env);
  if (envName === "production" && PRODUCTION_URLS[service]) return PRODUCTION_URLS[service];
  if (NO_DOT_API.has(service)) return `https://${service}.${domainOf(envName)}/`;
  if (AUTOMATE_SERVICES.has(service)) return `https://${envName}.${service}.automate.globus.org/`;
  return `https://${service}.api.${domainOf(envName)}/`;
}

/**
 * The API base URL of a Globus Connect Server endpoint, from its address: a bare host
 * (`abc.def.data.globus.org`) becomes `https://<host>/api/`, as in the Python SDK; a URL
 * gets `/api/` appended unless it already ends with it. Plain-http URLs (the emulator) are
 * kept as given; the transport refuses them off loopback.
 */
export function getGCSUrl(address: string): string {
  if (typeof address !== "string" || address.trim() === "") {
    throw new GlobusSDKUsageError("A GCS address must be a non-empty host name or URL.");
  }
  const trimmed = address.trim();
  if (!/^https?:\/\//i.test(trimmed)) return `https://${trimmed.replace(/\/+$/, "")}/api/`;
  if (/\/api\/?$/.test(trimmed)) return trimmed.endsWith("/") ? trimmed : `${trimmed}/`;
  return `${trimmed.replace(/\/+$/, "")}/api/`;
}
