/**
 * Turns codex's failure messages into the report's error block (`kind`, one-line `message`,
 * `retryable`).
 *
 * codex 0.169.0 only gives text: for an HTTP 4xx it passes the server's JSON body through verbatim
 * (`{"error":{"type":"invalid_request_error","message":"…"}}`), for a 429 it says "exceeded retry
 * limit, last status: 429 Too Many Requests", for a 5xx "We’re currently experiencing high demand…",
 * and for a `response.failed` event "stream disconnected before completion: <message>".
 *
 * @example
 * ```ts
 * classifyCodexError("exceeded retry limit, last status: 429 Too Many Requests");
 * // { kind: "rate_limit", message: "codex: exceeded retry limit, last status: 429 Too Many Requests", retryable: true }
 * ```
 * @module
 */
import { type ErrorKind, type NodeError, nodeError } from "../../src/common/contract.ts";
import { classifyApiFailure } from "../errors.ts";

/** Pulls `{error:{type,code,message}}` out of a message that is (or ends with) an OpenAI error body. */
function openAiError(message: string): { type?: string; code?: string; message?: string } | null {
  const start = message.indexOf("{");
  if (start < 0) return null;
  try {
    const body = JSON.parse(message.slice(start));
    const error = body?.error ?? body;
    if (error && typeof error === "object" && typeof error.message === "string") return error;
  } catch { /* not JSON */ }
  return null;
}

/** Classifies one codex failure message. `fallbackKind` applies when no rule matches. */
export function classifyCodexError(raw: string, fallbackKind: ErrorKind = "runtime_error"): NodeError {
  const firstLine = raw.trim().split("\n")[0] ?? "";
  const api = openAiError(firstLine);
  const detail = api ? [api.type, api.code].filter(Boolean).join(", ") : "";
  const text = api?.message ? (detail ? `${api.message} (${detail})` : api.message) : firstLine;
  const kind = classifyApiFailure(null, `${firstLine} ${detail}`, fallbackKind);
  return nodeError(kind, `codex: ${text || "the run failed without a message"}`);
}

/**
 * The stderr line that best explains a failed start: the first line starting with "Error", else the
 * last line that is not codex's WARNING/progress/log noise; "" when there is none.
 */
export function stderrReason(stderr: string): string {
  const lines = stderr.split("\n").map((l) => l.trim()).filter((l) =>
    l !== "" && !l.startsWith("WARNING:") && !l.startsWith("Reading additional input") &&
    !/^\d{4}-\d\d-\d\dT/.test(l)
  );
  return lines.find((l) => /^error\b/i.test(l)) ?? lines.at(-1) ?? "";
}
