/** Response decoding: JSON success bodies, and OVH error bodies (JSON or not) turned into OvhApiError. */
import { STATUS_CODES } from "node:http";
import { OvhApiError, type OvhErrorBody } from "./errors";
import type { HttpMethod } from "./request";

const MAX_MESSAGE_LENGTH = 300;

/**
 * Replaces every occurrence of each secret, and anything shaped like a v1 signature (`$1$` + 40 hex digits),
 * by "[redacted]". Secrets shorter than 4 characters are ignored.
 */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text.replace(/\$1\$[0-9a-fA-F]{40}/g, "[redacted]");
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    out = out.split(secret).join("[redacted]");
  }
  return out;
}

/** A short readable text from an HTML or plain body: scripts/styles and tags removed, whitespace collapsed. */
export function summarizeText(body: string, maxLength = MAX_MESSAGE_LENGTH): string {
  const text = body
    .replace(/<(script|style)[\s\S]*?<\/\1\s*>/gi, " ")
    .replace(/<!--[\s\S]*?-->/g, " ")
    .replace(/<[^>]*>/g, " ")
    .replace(/&nbsp;/gi, " ")
    .replace(/&lt;/gi, "<")
    .replace(/&gt;/gi, ">")
    .replace(/&quot;/gi, '"')
    .replace(/&#39;/gi, "'")
    .replace(/&amp;/gi, "&")
    .replace(/\s+/g, " ")
    .trim();
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

/** Parses a JSON body; an empty body is `null`. Returns `{ ok: false }` when the text is not JSON. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.trim() === "") return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function asString(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

/**
 * Reads OVH's `{class, message, errorCode, details}` (or OAuth2's `{error, error_description}`);
 * anything else becomes a short readable message.
 */
export function errorBodyFrom(status: number, text: string, secrets: readonly string[]): OvhErrorBody {
  const parsed = parseJson(text);
  const fallback = `${STATUS_CODES[status] ?? "Unexpected status"}`;
  if (
    parsed.ok &&
    parsed.value !== null &&
    typeof parsed.value === "object" &&
    !Array.isArray(parsed.value)
  ) {
    const obj = parsed.value as Record<string, unknown>;
    const message = asString(obj.message) ?? asString(obj.error_description) ?? asString(obj.error);
    const errorClass = asString(obj.class) ?? asString(obj.error);
    const errorCode = asString(obj.errorCode);
    let details: Record<string, unknown> | undefined;
    if (obj.details !== null && typeof obj.details === "object" && !Array.isArray(obj.details)) {
      details = {};
      for (const [key, value] of Object.entries(obj.details as Record<string, unknown>)) {
        details[key] = typeof value === "string" ? redactText(value, secrets) : value;
      }
    }
    if (message !== undefined || errorClass !== undefined) {
      return {
        message: redactText(summarizeText(message ?? fallback, 1000), secrets),
        ...(errorClass === undefined ? {} : { errorClass: redactText(errorClass, secrets) }),
        ...(errorCode === undefined ? {} : { errorCode }),
        ...(details === undefined ? {} : { details }),
      };
    }
  }
  const summary = redactText(summarizeText(text), secrets);
  return { message: summary === "" ? fallback : summary, unreadable: true };
}

/** Builds the OvhApiError for a non-2xx answer. */
export function apiErrorFrom(init: {
  status: number;
  method: HttpMethod;
  path: string;
  headers: Readonly<Record<string, string | undefined>>;
  body: string;
  secrets: readonly string[];
}): OvhApiError {
  const queryId = queryIdOf(init.headers);
  return new OvhApiError({
    status: init.status,
    method: init.method,
    path: init.path,
    body: errorBodyFrom(init.status, init.body, init.secrets),
    ...(queryId === undefined ? {} : { queryId }),
  });
}

/** The `X-Ovh-QueryID` header, whatever its case. */
export function queryIdOf(headers: Readonly<Record<string, string | undefined>>): string | undefined {
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === "x-ovh-queryid" && value) return value;
  }
  return undefined;
}
