/** Routes declared with OVH's `{param}` templates, matched segment by segment (literal segments win). */
import { Method, RouteHandler, RouteOptions, Routes } from "./contract";

interface RouteEntry {
  readonly method: Method;
  readonly template: string;
  readonly segments: readonly string[];
  readonly literals: number;
  readonly handler: RouteHandler;
  readonly options: RouteOptions;
}

export type RouteMatch =
  | { kind: "found"; route: RouteEntry; params: Record<string, string> }
  | { kind: "methodNotAllowed"; allowed: Method[] }
  | { kind: "notFound" };

function split(path: string): string[] | null {
  if (!path.startsWith("/")) return null;
  const parts = path.slice(1).split("/");
  return parts.length === 1 && parts[0] === "" ? [] : parts;
}

export class Router implements Routes {
  private readonly entries: RouteEntry[] = [];

  /** @param legacy whether `legacyOnly` routes are served. */
  constructor(private readonly legacy: boolean) {}

  add(method: Method, template: string, handler: RouteHandler, options: RouteOptions = {}): void {
    if (options.legacyOnly && !this.legacy) return;
    const segments = split(template);
    if (segments === null) throw new Error(`Route template must start with "/": ${template}`);
    if (this.entries.some((e) => e.method === method && e.template === template)) {
      throw new Error(`Route declared twice: ${method} ${template}`);
    }
    const literals = segments.filter((s) => !/^\{\w+\}$/.test(s)).length;
    this.entries.push({ method, template, segments, literals, handler, options });
  }

  /** Every declared route, e.g. for documentation or conformance checks. */
  list(): { method: Method; template: string; options: RouteOptions }[] {
    return this.entries.map((e) => ({ method: e.method, template: e.template, options: e.options }));
  }

  match(method: string, path: string): RouteMatch {
    const parts = split(path);
    if (parts === null) return { kind: "notFound" };
    let decoded: string[];
    try {
      decoded = parts.map((p) => decodeURIComponent(p));
    } catch {
      return { kind: "notFound" };
    }
    const candidates: { route: RouteEntry; params: Record<string, string> }[] = [];
    for (const route of this.entries) {
      if (route.segments.length !== decoded.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      route.segments.forEach((segment, i) => {
        const value = decoded[i] ?? "";
        const param = /^\{(\w+)\}$/.exec(segment);
        if (param?.[1]) {
          if (value === "") ok = false;
          params[param[1]] = value;
        } else if (segment !== value) {
          ok = false;
        }
      });
      if (ok) candidates.push({ route, params });
    }
    if (candidates.length === 0) return { kind: "notFound" };
    // The most literal template wins (e.g. `/order/cart/{cartId}/checkout` over a catch-all parameter).
    const best = Math.max(...candidates.map((c) => c.route.literals));
    const shapes = candidates.filter((c) => c.route.literals === best);
    const hit = shapes.find((c) => c.route.method === method);
    if (hit) return { kind: "found", route: hit.route, params: hit.params };
    const other = candidates.find((c) => c.route.method === method);
    if (other) return { kind: "found", route: other.route, params: other.params };
    return { kind: "methodNotAllowed", allowed: [...new Set(shapes.map((c) => c.route.method))] };
  }
}
