/**
 * One classifier for model-API failures, shared by every runtime: an HTTP status and/or the error
 * text a runtime passed on become one {@link ErrorKind} of the shared contract. The account kinds
 * (`quota`, `auth`) are what odw's circuit breaker stops on, so their rules come first.
 *
 * The texts are the providers' and CLIs' real ones: OpenAI's `insufficient_quota`, Anthropic's
 * `credit balance is too low`, DeepSeek's `Insufficient Balance` (HTTP 402), Moonshot's
 * `exceeded_current_quota_error`, OpenRouter's 402 `requires more credits`, 401/403 for keys.
 *
 * @example
 * ```ts
 * classifyApiFailure(429, "You exceeded your current quota (insufficient_quota)"); // "quota"
 * classifyApiFailure(429, "Too Many Requests"); // "rate_limit"
 * ```
 * @module
 */
import type { ErrorKind } from "../src/common/contract.ts";

interface Rule {
  kind: ErrorKind;
  test: RegExp;
}

/** Text rules, first match wins (so a 429 that says "quota" is a quota error, not a rate limit). */
const TEXT_RULES: Rule[] = [
  { kind: "context_window", test: /context_length_exceeded|context window|prompt is too long/i },
  {
    kind: "quota",
    test:
      /insufficient_quota|exceeded_current_quota|quota exceeded|exceeded your current quota|usage_not_included|credit balance is too low|insufficient balance|insufficient credits|requires more credits|payment required|billing/i,
  },
  {
    kind: "auth",
    test:
      /unauthori[sz]ed|invalid[_ ]api[_ ]key|incorrect api key|authentication|permission_error|forbidden|missing environment variable/i,
  },
  { kind: "rate_limit", test: /rate[_ ]limit|too many requests/i },
  {
    kind: "server_error",
    test:
      /high demand|overloaded|server_error|internal server error|stream disconnected|service unavailable/i,
  },
  {
    kind: "network",
    test: /error sending request|connection (refused|reset|closed|error)|idle timeout|timed out/i,
  },
  { kind: "invalid_request", test: /invalid_request|bad request|not_found_error|model not found/i },
];

/** The kind an HTTP status alone means (when no text rule decided). */
function kindOfStatus(status: number): ErrorKind | null {
  if (status === 402) return "quota";
  if (status === 401 || status === 403) return "auth";
  if (status === 429) return "rate_limit";
  if (status === 408 || status === 409 || status >= 500) return "server_error";
  if (status >= 400) return "invalid_request";
  return null;
}

/**
 * Classifies one model-API failure from its HTTP status (when known) and text. Account problems win
 * over the status (a 429 with `insufficient_quota` is `quota`); otherwise the status decides, then the
 * text; `fallback` when nothing matches.
 */
export function classifyApiFailure(
  status: number | null | undefined,
  text: string,
  fallback: ErrorKind = "runtime_error",
): ErrorKind {
  const byText = TEXT_RULES.find((rule) => rule.test.test(text))?.kind;
  if (byText === "quota" || byText === "auth" || byText === "context_window") return byText;
  const byStatus = status == null ? null : kindOfStatus(status);
  if (byStatus) return byStatus;
  if (byText) return byText;
  const code = /\b([45]\d\d)\b/.exec(text);
  return (code && kindOfStatus(Number(code[1]))) ?? fallback;
}
