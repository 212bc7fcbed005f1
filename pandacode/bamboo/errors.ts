/**
 * Turns what went wrong in a bamboo run into the report's error block: an HTTP error from the model
 * endpoint (`http_<status>`), a network failure (`network`), a malformed answer
 * (`invalid_response`), or anything else (`internal`). `retryable` says whether another run of the
 * same task may succeed: yes for rate limits, server errors, network failures and malformed answers;
 * no for the other 4xx (bad request, bad key, unknown model) and for internal errors.
 *
 * @module
 */
import { APICallError, InvalidResponseDataError, JSONParseError, TypeValidationError } from "ai";
import type { ReportError } from "../report.ts";
import { isRetryableStatus, NetworkError } from "./retry_fetch.ts";

function causes(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = err; current !== undefined && current !== null && chain.length < 10;) {
    chain.push(current);
    current = current instanceof Error ? current.cause : undefined;
  }
  return chain;
}

function oneLine(text: string, max = 500): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? flat.slice(0, max) + "…" : flat;
}

/** The report error for a failure of the model call or the loop around it. */
export function describeFailure(err: unknown): ReportError {
  const chain = causes(err);
  const network = chain.find((e) => e instanceof NetworkError);
  if (network) return { kind: "network", message: oneLine((network as Error).message), retryable: true };
  const api = chain.find((e) => APICallError.isInstance(e)) as APICallError | undefined;
  if (api) {
    if (api.statusCode === undefined) {
      return { kind: "network", message: oneLine(api.message), retryable: true };
    }
    return {
      kind: `http_${api.statusCode}`,
      message: oneLine(`HTTP ${api.statusCode} from ${api.url}: ${api.message}`),
      retryable: isRetryableStatus(api.statusCode) || api.statusCode === 408,
    };
  }
  if (
    chain.some((e) =>
      JSONParseError.isInstance(e) || InvalidResponseDataError.isInstance(e) ||
      TypeValidationError.isInstance(e)
    )
  ) {
    return {
      kind: "invalid_response",
      message: oneLine(`malformed model response: ${errorText(err)}`),
      retryable: true,
    };
  }
  return { kind: "internal", message: oneLine(errorText(err)), retryable: false };
}

/** The message of an error-like value. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
