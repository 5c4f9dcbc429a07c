import { z } from "zod";
import { buildPath, buildRequest, callOperation, callVoidOperation } from "../../../provider/api/operation";
import { formatIssuePath, OvhResponseShapeError, parseResponse } from "../../../provider/api/parse";
import { OvhApiError } from "../../../provider/ovh/errors";
import { FakeOvh } from "./fakeOvh";

describe("buildPath", () => {
  it("URL-encodes every path parameter", () => {
    expect(buildPath("/a/{x}/b/{id}", { x: "é/ ?#&%", id: 0 })).toBe("/a/%C3%A9%2F%20%3F%23%26%25/b/0");
  });

  it("refuses values that would address another route", () => {
    expect(() => buildPath("/saas/csp2/{serviceName}/task", { serviceName: "" })).toThrow(/must not be ""/);
    expect(() => buildPath("/saas/csp2/{serviceName}", { serviceName: ".." })).toThrow(TypeError);
    expect(() => buildPath("/saas/csp2/{serviceName}", { serviceName: "." })).toThrow(TypeError);
    expect(() => buildPath("/x/{id}", { id: 1.5 })).toThrow(/non-negative integer/);
    expect(() => buildPath("/x/{id}", { id: Number.NaN })).toThrow(TypeError);
    expect(() => buildPath("/x/{id}", { id: -1 })).toThrow(TypeError);
  });

  it("refuses missing and unexpected parameters", () => {
    expect(() => buildPath("/x/{id}", {})).toThrow(/missing path parameter "id"/);
    expect(() => buildPath("/x", { id: 1 })).toThrow(/unexpected path parameter "id"/);
  });
});

describe("buildRequest", () => {
  it("drops undefined query values, empty queries and undefined bodies", () => {
    expect(buildRequest("GET /x", { query: { a: undefined } })).toEqual({ method: "GET", path: "/x" });
    expect(buildRequest("GET /x", { query: { a: undefined, b: false, c: 0, d: "" } })).toEqual({
      method: "GET",
      path: "/x",
      query: { b: false, c: 0, d: "" },
    });
    expect(buildRequest("POST /x", { body: undefined })).toEqual({ method: "POST", path: "/x" });
  });

  it("marks only explicitly unauthenticated requests", () => {
    expect(buildRequest("GET /x", { authenticated: false })).toEqual({
      method: "GET",
      path: "/x",
      authenticated: false,
    });
    expect(buildRequest("GET /x", { authenticated: true })).toEqual({ method: "GET", path: "/x" });
  });
});

describe("formatIssuePath", () => {
  it("renders nested paths", () => {
    expect(formatIssuePath([])).toBe("(root)");
    expect(formatIssuePath(["lines", 0, "peakCount"])).toBe("lines[0].peakCount");
    expect(formatIssuePath([2, "date.from"])).toBe('[2]["date.from"]');
  });
});

describe("parseResponse / OvhResponseShapeError", () => {
  const origin = { operation: "GET /x/{id}", method: "GET" as const, path: "/x/1" };

  it("lists the first three issues and counts the rest", () => {
    const schema = z.object({ a: z.string(), b: z.string(), c: z.string(), d: z.string(), e: z.string() });
    const error = (() => {
      try {
        parseResponse(schema, {}, origin);
      } catch (e) {
        return e as OvhResponseShapeError;
      }
      throw new Error("expected a failure");
    })();
    expect(error.name).toBe("OvhResponseShapeError");
    expect(error.issues).toHaveLength(5);
    expect(error.message).toMatch(
      /^OVH API GET \/x\/1 \(GET \/x\/\{id\}\) returned an unexpected response: at a: .*; and 2 more$/,
    );
  });

  it("does not echo response values in the message", () => {
    try {
      parseResponse(z.object({ password: z.number() }), { password: "hunter2" }, origin);
    } catch (e) {
      expect((e as Error).message).not.toContain("hunter2");
      return;
    }
    throw new Error("expected a failure");
  });
});

describe("callOperation", () => {
  it("passes requester errors through untouched", async () => {
    const apiError = new OvhApiError({
      status: 404,
      method: "GET",
      path: "/x/1",
      body: { message: "not found", errorClass: "Client::NotFound" },
    });
    const ovh = { request: jest.fn().mockRejectedValue(apiError) };
    await expect(callOperation(ovh, "GET /x/{id}", z.number(), { params: { id: 1 } })).rejects.toBe(apiError);
    await expect(callVoidOperation(ovh, "DELETE /x/{id}", { params: { id: 1 } })).rejects.toBe(apiError);
  });

  it("ignores whatever a void operation answers", async () => {
    const ovh = new FakeOvh().reply({ unexpected: true });
    await expect(callVoidOperation(ovh, "POST /x")).resolves.toBeUndefined();
  });
});
