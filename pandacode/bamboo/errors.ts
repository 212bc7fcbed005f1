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
import { type NodeError, nodeError } from "../../src/common/contract.ts";
import { classifyApiFailure } from "../errors.ts";
import { NetworkError, retryAfterMs } from "./retry_fetch.ts";

function causes(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = err; current !== undefined && current !== null && chain.length < 10;) {
    chain.push(current);
    current = current instanceof Error ? current.cause : undefined;
  }
  return chain;
}

/** The report error for a failure of the model call or the loop around it. */
export function describeFailure(err: unknown): NodeError {
  const chain = causes(err);
  const network = chain.find((e) => e instanceof NetworkError);
  if (network) return nodeError("network", (network as Error).message);
  const api = chain.find((e) => APICallError.isInstance(e)) as APICallError | undefined;
  if (api) {
    if (api.statusCode === undefined) {
      return nodeError("network", api.message);
    }
    const text = `HTTP ${api.statusCode} from ${api.url}: ${api.message} ${api.responseBody ?? ""}`;
    const wait = api.responseHeaders ? retryAfterMs(new Headers(api.responseHeaders)) : undefined;
    return nodeError(classifyApiFailure(api.statusCode, text), text, wait);
  }
  if (
    chain.some((e) =>
      JSONParseError.isInstance(e) || InvalidResponseDataError.isInstance(e) ||
      TypeValidationError.isInstance(e)
    )
  ) {
    return nodeError("invalid_response", `malformed model response: ${errorText(err)}`);
  }
  return nodeError("internal", errorText(err));
}

/** The message of an error-like value. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
