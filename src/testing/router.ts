/** Route tables for one mounted service: exact paths in a Map, `:param` patterns in a list. */
import type { RouteHandler, ServiceRouter } from "./types.ts";

interface PatternRoute {
  method: string;
  segments: string[];
  handler: RouteHandler;
}

export type RouteMatch =
  | { kind: "found"; handler: RouteHandler; params: Record<string, string> }
  | { kind: "method-not-allowed"; allowed: string[] }
  | { kind: "not-found" };

function normalise(path: string): string {
  return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
}

/** A `ServiceRouter` that can also answer which handler serves a request. */
export class Router implements ServiceRouter {
  readonly #exact = new Map<string, Map<string, RouteHandler>>();
  readonly #patterns: PatternRoute[] = [];

  route(method: string, pattern: string, handler: RouteHandler): void {
    const upper = method.toUpperCase();
    const path = normalise(pattern.startsWith("/") ? pattern : `/${pattern}`);
    if (!path.includes("/:")) {
      let byMethod = this.#exact.get(path);
      if (!byMethod) {
        byMethod = new Map();
        this.#exact.set(path, byMethod);
      }
      byMethod.set(upper, handler);
      return;
    }
    this.#patterns.push({ method: upper, segments: path.split("/"), handler });
  }

  /** Every route, as registered: method and pattern (`:name` segments). */
  routes(): { method: string; pattern: string }[] {
    const out: { method: string; pattern: string }[] = [];
    for (const [path, byMethod] of this.#exact) {
      for (const method of byMethod.keys()) out.push({ method, pattern: path });
    }
    for (const route of this.#patterns) {
      out.push({ method: route.method, pattern: route.segments.join("/") });
    }
    return out;
  }

  match(method: string, rawPath: string): RouteMatch {
    const path = normalise(rawPath);
    const allowed: string[] = [];
    const exact = this.#exact.get(path);
    if (exact) {
      const handler = exact.get(method) ?? (method === "HEAD" ? exact.get("GET") : undefined);
      if (handler) return { kind: "found", handler, params: {} };
      allowed.push(...exact.keys());
    }
    const segments = path.split("/");
    for (const route of this.#patterns) {
      if (route.segments.length !== segments.length) continue;
      const params: Record<string, string> = {};
      let matched = true;
      for (let i = 0; i < segments.length; i++) {
        const expected = route.segments[i]!;
        const actual = segments[i]!;
        if (expected.startsWith(":")) {
          if (actual === "") {
            matched = false;
            break;
          }
          try {
            params[expected.slice(1)] = decodeURIComponent(actual);
          } catch {
            matched = false;
            break;
          }
        } else if (expected !== actual) {
          matched = false;
          break;
        }
      }
      if (!matched) continue;
      if (route.method === method || (method === "HEAD" && route.method === "GET")) {
        return { kind: "found", handler: route.handler, params };
      }
      allowed.push(route.method);
    }
    return allowed.length ? { kind: "method-not-allowed", allowed } : { kind: "not-found" };
  }
}
