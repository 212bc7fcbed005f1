/**
 * Parser for the event stream of `claude -p --output-format stream-json --verbose`: one JSON object
 * per stdout line. What pandacode reads from it:
 *
 * - `{"type":"system","subtype":"init"}`: session id and the model that runs;
 * - `{"type":"system","subtype":"api_retry"}`: the CLI is retrying a failed API call (logged);
 * - `{"type":"assistant"}`: the model's messages (text blocks kept as a fallback answer; a synthetic
 *   message with `is_api_error_message` carries an API error's status and type);
 * - `{"type":"result"}`: the final answer (`result`), `is_error` / `subtype`, `api_error_status`,
 *   cumulative `usage` (incl. cache tokens), `total_cost_usd`, and `structured_output` for
 *   `--json-schema`.
 *
 * Usage follows pandacode's convention (as OpenAI reports it): `inputTokens` counts every prompt token,
 * cached ones included, and `cachedInputTokens` is the cache-read part. Anthropic reports the three
 * input parts separately, so `inputTokens = input_tokens + cache_read_input_tokens +
 * cache_creation_input_tokens`.
 *
 * @example
 * ```ts
 * const stream = new ClaudeStream();
 * for (const line of stdoutLines) stream.push(line);
 * const usage = stream.result ? usageFromResult(stream.result) : emptyUsage();
 * ```
 * @module
 */
import { z } from "zod";
import { type NodeError, nodeError, oneLine, type Usage } from "../../src/common/contract.ts";
import { classifyApiFailure } from "../errors.ts";

const CountSchema = z.number().int().nonnegative().catch(0);

/** The `usage` block of a result event (Anthropic field names). */
export const ResultUsageSchema = z.looseObject({
  input_tokens: CountSchema.default(0),
  output_tokens: CountSchema.default(0),
  cache_read_input_tokens: CountSchema.default(0),
  cache_creation_input_tokens: CountSchema.default(0),
  output_tokens_details: z.looseObject({ thinking_tokens: CountSchema.default(0) }).nullish().catch(null),
});

/** The fields of a `result` event that pandacode uses. */
export const ResultEventSchema = z.looseObject({
  type: z.literal("result"),
  subtype: z.string().default("success"),
  is_error: z.boolean().default(false),
  result: z.string().nullish(),
  session_id: z.string().nullish(),
  total_cost_usd: z.number().nonnegative().nullish().catch(null),
  usage: ResultUsageSchema.nullish().catch(null),
  structured_output: z.unknown().optional(),
  api_error_status: z.number().int().nullish().catch(null),
  api_error_type: z.string().nullish().catch(null),
  terminal_reason: z.string().nullish().catch(null),
  errors: z.array(z.unknown()).nullish().catch(null),
  num_turns: z.number().nullish().catch(null),
});

/** A parsed `result` event. */
export type ResultEvent = z.infer<typeof ResultEventSchema>;

const InitEventSchema = z.looseObject({
  type: z.literal("system"),
  subtype: z.literal("init"),
  session_id: z.string().nullish(),
  model: z.string().nullish(),
});

const RetryEventSchema = z.looseObject({
  type: z.literal("system"),
  subtype: z.literal("api_retry"),
  attempt: z.number().nullish(),
  max_retries: z.number().nullish(),
  error_status: z.number().nullish(),
  error: z.string().nullish(),
});

const ContentBlockSchema = z.looseObject({
  type: z.string(),
  text: z.string().optional(),
  name: z.string().optional(),
});

const AssistantEventSchema = z.looseObject({
  type: z.literal("assistant"),
  parent_tool_use_id: z.string().nullish(),
  session_id: z.string().nullish(),
  message: z.looseObject({ content: z.array(ContentBlockSchema).catch([]), model: z.string().nullish() }),
  is_api_error_message: z.boolean().optional(),
  api_error_status: z.number().int().nullish(),
  api_error_type: z.string().nullish(),
});

/** An API error the CLI surfaced as a synthetic assistant message. */
export interface StreamApiError {
  status: number | null;
  type: string | null;
  message: string;
}

/** Accumulates one claude process's stream. */
export class ClaudeStream {
  /** Session id from the init (or result) event. */
  sessionId: string | null = null;
  /** Model named by the init event. */
  model: string | null = null;
  /** Text of the top-level assistant messages, in order. */
  readonly texts: string[] = [];
  /** The result event, once seen. */
  result: ResultEvent | null = null;
  /** The last API error message the CLI emitted. */
  apiError: StreamApiError | null = null;
  /** Number of `api_retry` events. */
  retries = 0;
  /** Lines that were not JSON objects (e.g. stray output). */
  readonly unparsed: string[] = [];

  /**
   * `onRetry` is told about each API retry the CLI makes; `onTool` about each tool the agent calls
   * (its name), so a long session shows signs of life on stderr.
   */
  constructor(
    private readonly onRetry?: (description: string) => void,
    private readonly onTool?: (name: string) => void,
  ) {}

  /** Feeds one stdout line. */
  push(line: string): void {
    const trimmed = line.trim();
    if (trimmed === "") return;
    let event: unknown;
    try {
      event = JSON.parse(trimmed);
    } catch {
      this.unparsed.push(trimmed.slice(0, 500));
      return;
    }
    this.accept(event);
  }

  /** Feeds one already-parsed event. */
  accept(event: unknown): void {
    const kind = typeof event === "object" && event !== null ? (event as { type?: unknown }).type : undefined;
    if (kind === "system") {
      const init = InitEventSchema.safeParse(event);
      if (init.success) {
        this.sessionId = init.data.session_id ?? this.sessionId;
        this.model = init.data.model ?? this.model;
        return;
      }
      const retry = RetryEventSchema.safeParse(event);
      if (retry.success) {
        this.retries++;
        const r = retry.data;
        this.onRetry?.(
          `API retry ${r.attempt ?? "?"}/${r.max_retries ?? "?"} after ${
            r.error_status ?? r.error ?? "an error"
          }`,
        );
      }
    } else if (kind === "assistant") {
      const parsed = AssistantEventSchema.safeParse(event);
      if (!parsed.success || parsed.data.parent_tool_use_id) return;
      for (const block of parsed.data.message.content) {
        if (block.type === "tool_use") this.onTool?.(block.name ?? "?");
      }
      const text = parsed.data.message.content.filter((b) => b.type === "text").map((b) => b.text ?? "")
        .join("");
      if (parsed.data.is_api_error_message) {
        this.apiError = {
          status: parsed.data.api_error_status ?? null,
          type: parsed.data.api_error_type ?? null,
          message: text,
        };
      } else if (text !== "") {
        this.texts.push(text);
      }
    } else if (kind === "result") {
      const parsed = ResultEventSchema.safeParse(event);
      if (parsed.success) {
        this.result = parsed.data;
        this.sessionId = parsed.data.session_id ?? this.sessionId;
      }
    }
  }

  /** The final answer: the result event's text, else the last assistant text. */
  finalText(): string {
    return this.result?.result ?? this.texts.at(-1) ?? "";
  }
}

/** Usage of a result event in pandacode's convention (see the module doc). */
export function usageFromResult(result: ResultEvent): Usage {
  const u = result.usage;
  if (!u) return { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, reasoningTokens: 0 };
  return {
    inputTokens: u.input_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens,
    outputTokens: u.output_tokens,
    cachedInputTokens: u.cache_read_input_tokens,
    reasoningTokens: u.output_tokens_details?.thinking_tokens ?? 0,
  };
}

/** The error a result event reports, or null when it succeeded. */
export function errorFromResult(result: ResultEvent, apiError: StreamApiError | null): NodeError | null {
  const status = result.api_error_status ?? apiError?.status ?? null;
  const detail = oneLine(result.result ?? "") || oneLine(apiError?.message ?? "") ||
    (result.errors ?? []).map((e) => typeof e === "string" ? e : JSON.stringify(e)).join("; ");
  if (status !== null) {
    const type = result.api_error_type ?? apiError?.type;
    const message = `claude: model API error ${status}${type ? ` (${type})` : ""}: ${detail || "no detail"}`;
    return nodeError(classifyApiFailure(status, message), message);
  }
  if (result.subtype === "error_max_turns") {
    return nodeError("turn_limit", `claude: stopped at the turn limit${suffix(detail)}`);
  }
  if (result.subtype === "error_max_budget_usd") {
    return nodeError("spending_limit", `claude: stopped at the budget limit${suffix(detail)}`);
  }
  if (result.subtype === "error_max_structured_output_retries") {
    return nodeError("schema", `claude: no valid structured output${suffix(detail)}`);
  }
  if (result.is_error || result.subtype !== "success") {
    const reason = result.terminal_reason ? ` (${result.terminal_reason})` : "";
    return nodeError("runtime_error", `claude: ${result.subtype}${reason}${suffix(detail)}`);
  }
  return null;
}

function suffix(detail: string): string {
  return detail ? `: ${detail}` : "";
}
