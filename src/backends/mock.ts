/**
 * The mock backend: deterministic and token-free. Without a scenario it answers every node with text
 * derived from the prompt (or, for a schema node, an object generated from the schema) and usage
 * derived from lengths. A scenario (see mock_scenario.ts and the README's "Mock scenarios") scripts replies,
 * invalid output, failures, forced timeouts, delays, hangs, usage and file edits (mock_files.ts) per label,
 * prompt pattern, occurrence and attempt. Occurrence and sequence counters live in the instance: one per run.
 *
 * @module
 */
import { sha256Hex } from "../common/hash.ts";
import { type NodeError, nodeError, type NodeStatus, type Usage } from "../common/contract.ts";
import type { Backend, NodeRequest, Price, TryResult } from "./backend.ts";
import type { MockResponse, MockRule, MockSequence, Scenario } from "./mock_scenario.ts";
import { generateFromSchema, loadPatternSupport } from "./mock_schema.ts";
import { abortStatus } from "../common/abort.ts";
import { readMockFile, writeMockFiles } from "./mock_files.ts";

/** How many prompt characters the derived reply quotes. */
const QUOTED_CHARS = 60;

/** A short stable hash (8 hex digits) of a request's label and prompt. */
export function requestHash(label: string, prompt: string): string {
  return sha256Hex(`${label}\n${prompt}`).slice(0, 8);
}

/** The derived reply: `mock reply to "<first 60 chars of the prompt…>" (<hash>)`. */
export function derivedReply(label: string, prompt: string): string {
  const flat = prompt.replace(/\s+/g, " ").trim();
  const quoted = flat.length > QUOTED_CHARS ? `${flat.slice(0, QUOTED_CHARS).trimEnd()}…` : flat;
  return `mock reply to "${quoted}" (${requestHash(label, prompt)})`;
}

/** Token estimate of a text: a quarter of its length, rounded up. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

interface CompiledRule {
  rule: MockRule;
  prompt?: RegExp;
  /** Node keys that matched this rule's label/prompt, with their 1-based occurrence. */
  occurrences: Map<string, number>;
  /** Calls this rule answered so far (the sequence position). */
  uses: number;
}

type Entry = MockResponse | MockSequence;

function isSequence(entry: Entry): entry is MockSequence {
  return Array.isArray((entry as MockSequence).sequence);
}

/** Waits `ms` (or forever when undefined) unless `signal` aborts first; true when it aborted. */
function waitOrAbort(ms: number | undefined, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(true);
  return new Promise((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => {
      clearTimeout(timer);
      resolve(true);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    if (ms !== undefined) {
      timer = setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        resolve(false);
      }, ms);
    }
  });
}

/** The deterministic, token-free backend, optionally driven by a scenario. */
export class MockBackend implements Backend {
  /** Shown in the run record. */
  readonly name = "mock";
  readonly #rules: CompiledRule[];
  readonly #default?: Entry;
  #defaultUses = 0;
  readonly #price?: Price;
  /** Only a scenario that writes files has effects in the world. */
  readonly hasEffects: boolean;

  /**
   * `scenario` must already be valid (`loadScenario`/`parseScenario` check it; validation lives there
   * so a run without a scenario does not load zod); none means derived answers.
   */
  constructor(scenario?: Scenario) {
    const checked: Scenario = scenario ?? {};
    this.#rules = (checked.rules ?? []).map((rule) => ({
      rule,
      prompt: rule.prompt === undefined ? undefined : new RegExp(rule.prompt, rule.promptFlags),
      occurrences: new Map(),
      uses: 0,
    }));
    this.#default = checked.default;
    if (checked.price) this.#price = { ...checked.price, asOf: "mock" };
    this.hasEffects = JSON.stringify(checked).includes('"writeFiles"');
  }

  /** The scenario's price (every route costs the same), or null when it sets none. */
  priceOf(): Price | null {
    return this.#price ?? null;
  }

  /** Runs one node try: picks the scripted response, waits as scripted, reports the result. */
  async run(request: NodeRequest, signal: AbortSignal, onActivity?: () => void): Promise<TryResult> {
    const started = performance.now();
    if (request.schema !== undefined && JSON.stringify(request.schema).includes('"pattern"')) {
      await loadPatternSupport();
    }
    const response = this.#select(request);
    try {
      if (response.writeFiles) await writeMockFiles(request.cwd, response.writeFiles);
    } catch (e) {
      return this.#fileFailure(request, response, e as Error, started);
    }
    // A scripted heartbeat is the mock's sign of life while it waits (like a model streaming tokens).
    const heartbeat = response.heartbeatMs && onActivity
      ? setInterval(onActivity, response.heartbeatMs)
      : undefined;
    let aborted: boolean;
    try {
      aborted = response.hang === true
        ? await waitOrAbort(undefined, signal)
        : response.delayMs
        ? await waitOrAbort(response.delayMs, signal)
        : signal.aborted;
    } finally {
      clearInterval(heartbeat);
    }
    if ((aborted || signal.aborted) && response.stopDelayMs) {
      await new Promise((resolve) => setTimeout(resolve, response.stopDelayMs));
    }
    const durationMs = Math.round(performance.now() - started);
    if (aborted || signal.aborted) return this.#interrupted(request, response, signal, durationMs);
    if (response.replyFile !== undefined) {
      try {
        const reply = await readMockFile(request.cwd, response.replyFile);
        return this.#answer(request, { ...response, reply }, durationMs);
      } catch (e) {
        return this.#fileFailure(request, response, e as Error, started);
      }
    }
    return this.#answer(request, response, durationMs);
  }

  /** A try whose scripted file effect could not happen (a path that leaves the node's directory). */
  #fileFailure(request: NodeRequest, response: MockResponse, e: Error, started: number): TryResult {
    const durationMs = Math.round(performance.now() - started);
    return this.#result(request, response, durationMs, {
      status: "failed",
      error: nodeError("executor", e.message),
    }, "");
  }

  /** The response for this call: first matching rule, else `default`, else derived (`{}`). */
  #select(request: NodeRequest): MockResponse {
    let chosen: CompiledRule | undefined;
    for (const compiled of this.#rules) {
      const { rule } = compiled;
      if (rule.label !== undefined && rule.label !== request.label) continue;
      if (compiled.prompt !== undefined && !compiled.prompt.test(request.prompt)) continue;
      let occurrence = compiled.occurrences.get(request.key);
      if (occurrence === undefined) {
        occurrence = compiled.occurrences.size + 1;
        compiled.occurrences.set(request.key, occurrence);
      }
      if (chosen !== undefined) continue; // keep counting occurrences for the later rules
      if (rule.occurrence !== undefined && rule.occurrence !== occurrence) continue;
      if (rule.attempt !== undefined && rule.attempt !== request.attempt) continue;
      chosen = compiled;
    }
    if (chosen !== undefined) return pick(chosen.rule, chosen.uses++);
    if (this.#default !== undefined) return pick(this.#default, this.#defaultUses++);
    return {};
  }

  #answer(request: NodeRequest, response: MockResponse, durationMs: number): TryResult {
    if (response.fail !== undefined || response.status !== undefined) {
      const status: NodeStatus = response.status ?? "failed";
      const message = response.fail ??
        (status === "timeout" ? "mock: forced timeout" : "mock: forced failure");
      const kind = response.errorKind ?? (status === "timeout" ? "timeout" : "executor");
      const error = nodeError(kind, message, response.retryAfterMs);
      return this.#result(request, response, durationMs, { status, error }, "");
    }
    let text: string;
    let output: unknown;
    if (response.output !== undefined) {
      output = response.output;
      text = JSON.stringify(output);
    } else if (response.reply !== undefined) {
      text = response.reply;
      if (request.schema !== undefined) output = parseJson(text);
    } else if (request.schema !== undefined) {
      output = generateFromSchema(request.schema, requestHash(request.label, request.prompt));
      text = JSON.stringify(output);
    } else {
      text = derivedReply(request.label, request.prompt);
    }
    const fields: Partial<TryResult> = { status: "completed", text };
    if (output !== undefined) fields.output = output;
    return this.#result(request, response, durationMs, fields, text);
  }

  #interrupted(
    request: NodeRequest,
    response: MockResponse,
    signal: AbortSignal,
    durationMs: number,
  ): TryResult {
    const status = abortStatus(signal);
    const error: NodeError = status === "timeout"
      ? nodeError(
        "timeout",
        request.timeoutMs === undefined ? "timed out" : `timed out after ${request.timeoutMs} ms`,
      )
      : nodeError("cancelled", "cancelled");
    return this.#result(request, response, durationMs, { status, error }, "");
  }

  #result(
    request: NodeRequest,
    response: MockResponse,
    durationMs: number,
    fields: Partial<TryResult>,
    text: string,
  ): TryResult {
    const usage: Usage = {
      inputTokens: estimateTokens(request.prompt),
      outputTokens: estimateTokens(text),
      cachedInputTokens: 0,
      reasoningTokens: 0,
      ...response.usage,
    };
    // Like a real model stopping at max_tokens: never report more output than the allowance.
    if (request.maxOutputTokens !== undefined) {
      usage.outputTokens = Math.min(usage.outputTokens, request.maxOutputTokens);
    }
    return {
      status: "completed",
      ...fields,
      usage,
      costUsd: response.costUsd !== undefined
        ? response.costUsd
        : this.#price
        ? (usage.inputTokens * this.#price.inputPerMTok + usage.outputTokens * this.#price.outputPerMTok) /
          1e6
        : 0,
      durationMs,
      runtime: "mock",
      provider: request.provider ?? null,
      model: request.model ?? null,
    };
  }
}

/** The response of a plain entry, or the `uses`-th of a sequence (the last one repeats). */
function pick(entry: Entry, uses: number): MockResponse {
  if (!isSequence(entry)) return entry;
  return entry.sequence[Math.min(uses, entry.sequence.length - 1)];
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
