/**
 * Mock scenarios: the JSON file (`--mock-scenario <file.json>`) that scripts what the mock backend
 * answers — replies, structured output (valid or not), failures, forced timeouts, delays, hangs,
 * usage and file edits — per label, prompt pattern, occurrence and attempt. This module defines the shape, validates
 * it with zod, and turns problems into one clear line. The format is documented in
 * the README's "Mock scenarios" section.
 *
 * @module
 */
import { z } from "zod";
import { ERROR_KINDS, type ErrorKind, type Usage } from "../common/contract.ts";
import { mockPathProblem } from "./mock_files.ts";

/** What the mock answers to one call. Every field is optional; an empty response means "derived". */
export interface MockResponse {
  /** The reply text. On a schema request, `output` is the reply parsed as JSON when it parses. */
  reply?: string;
  /** Structured output, returned as-is (even when it does not match the request's schema). */
  output?: unknown;
  /** Fail with this message (status `failed` unless `status` says `timeout`; error kind `errorKind`). */
  fail?: string;
  /** The error kind of a failure (default `executor`; e.g. `rate_limit`, `quota`), see the contract. */
  errorKind?: ErrorKind;
  /** A failure's Retry-After, in milliseconds (the engine waits this long before retrying). */
  retryAfterMs?: number;
  /** While waiting (`delayMs`, `hang`), show a sign of life this often (resets the stall timeout). */
  heartbeatMs?: number;
  /** Force this status (with a default message unless `fail` gives one). */
  status?: "failed" | "timeout";
  /** Wait this long before answering (abortable). */
  delayMs?: number;
  /** Never answer: wait until the call is aborted (for timeout and cancellation tests). */
  hang?: boolean;
  /** Once aborted, take this long to stop (an executor slow to die, for shutdown tests). */
  stopDelayMs?: number;
  /** Usage fields to report instead of the derived ones. */
  usage?: Partial<Usage>;
  /** Cost to report (default 0). */
  costUsd?: number | null;
  /** Files to write into the node's directory first (relative path → content), like an agent's edits. */
  writeFiles?: Record<string, string>;
  /** Reply with the text of this file in the node's directory (relative path). */
  replyFile?: string;
}

/** Responses used for successive calls; after the last one, the last repeats. */
export interface MockSequence {
  sequence: MockResponse[];
}

/** Which calls a rule applies to: every given condition must hold. */
export interface MockMatch {
  /** The request's label, exactly. */
  label?: string;
  /** A regular expression (JavaScript source) searched for in the prompt. */
  prompt?: string;
  /** Flags for `prompt`: any of `i`, `m`, `s`, `u`. */
  promptFlags?: string;
  /** Only the nth node (1-based) that matches `label`/`prompt`; retries of a node keep its number. */
  occurrence?: number;
  /** Only this try of a node (1-based; schema retries increase it). */
  attempt?: number;
  /** Free text for the reader; ignored. */
  description?: string;
}

/** One scenario rule: conditions, then a response or a sequence of responses. */
export type MockRule = MockMatch & (MockResponse | MockSequence);

/** A whole scenario: rules tried in order, then `default` for calls no rule matched. */
export interface Scenario {
  /** Free text for the reader; ignored. */
  description?: string;
  rules?: MockRule[];
  /** Applies to calls no rule matched (otherwise the built-in derived behaviour applies). */
  default?: MockResponse | MockSequence;
  /** The mock's price per million tokens: answers cost usage × price (unless `costUsd` says otherwise). */
  price?: { inputPerMTok: number; outputPerMTok: number };
}

/** A scenario that could not be read or is not valid; `message` is one line fit for stderr. */
export class MockScenarioError extends Error {
  override name = "MockScenarioError";
}

const count = z.number().int().nonnegative();
const usageSchema = z.strictObject({
  inputTokens: count.optional(),
  outputTokens: count.optional(),
  cachedInputTokens: count.optional(),
  reasoningTokens: count.optional(),
});

/** A scripted path must stay inside the node's directory (see mock_files.ts). */
function checkPath(path: string, ctx: z.core.$RefinementCtx): void {
  const problem = mockPathProblem(path);
  if (problem) ctx.addIssue({ code: "custom", message: `path ${JSON.stringify(path)} ${problem}` });
}

const responseShape = {
  reply: z.string().optional(),
  output: z.unknown().optional(),
  fail: z.string().min(1).optional(),
  status: z.enum(["failed", "timeout"]).optional(),
  retryAfterMs: count.optional(),
  heartbeatMs: z.number().int().positive().optional(),
  errorKind: z.enum(Object.keys(ERROR_KINDS) as [ErrorKind, ...ErrorKind[]]).optional(),
  delayMs: count.optional(),
  hang: z.boolean().optional(),
  stopDelayMs: count.optional(),
  usage: usageSchema.optional(),
  costUsd: z.number().nonnegative().nullable().optional(),
  writeFiles: z.record(z.string(), z.string()).superRefine((files, ctx) => {
    for (const path of Object.keys(files)) checkPath(path, ctx);
  }).optional(),
  replyFile: z.string().superRefine(checkPath).optional(),
};

const matchShape = {
  label: z.string().optional(),
  prompt: z.string().optional(),
  promptFlags: z.string().regex(/^(?!.*(.).*\1)[imsu]*$/, "must be some of i, m, s, u (each once)")
    .optional(),
  occurrence: z.number().int().positive().optional(),
  attempt: z.number().int().positive().optional(),
  description: z.string().optional(),
};

type Ctx = z.core.$RefinementCtx;

/** The combinations that make no sense (e.g. a reply and a failure at once). */
function checkResponse(value: Record<string, unknown>, ctx: Ctx, path: (string | number)[] = []): void {
  const outcomes = ["reply", "replyFile", "output", "fail", "hang"].filter((k) =>
    value[k] !== undefined && value[k] !== false
  );
  if (outcomes.length > 1) {
    ctx.addIssue({ code: "custom", path, message: `use only one of ${outcomes.join(", ")}` });
  }
  if (
    value.status !== undefined &&
    (value.reply !== undefined || value.output !== undefined || value.replyFile !== undefined)
  ) {
    ctx.addIssue({
      code: "custom",
      path,
      message: `"status" cannot go with "reply", "replyFile" or "output"`,
    });
  }
  if (value.hang === true && (value.status !== undefined || value.delayMs !== undefined)) {
    ctx.addIssue({ code: "custom", path, message: `"hang" cannot go with "status" or "delayMs"` });
  }
}

const responseSchema = z.strictObject(responseShape).superRefine((v, ctx) => checkResponse(v, ctx));
const sequenceSchema = z.strictObject({ sequence: z.array(responseSchema).min(1) });

const ruleSchema = z.strictObject({
  ...matchShape,
  ...responseShape,
  sequence: z.array(responseSchema).min(1).optional(),
}).superRefine((rule, ctx) => {
  if (rule.prompt !== undefined) {
    try {
      new RegExp(rule.prompt, rule.promptFlags);
    } catch (error) {
      ctx.addIssue({
        code: "custom",
        path: ["prompt"],
        message: `invalid regular expression: ${
          (error as Error).message.replace(/^Invalid regular expression: /, "")
        }`,
      });
    }
  }
  if (rule.promptFlags !== undefined && rule.prompt === undefined) {
    ctx.addIssue({ code: "custom", path: ["promptFlags"], message: `"promptFlags" needs "prompt"` });
  }
  if (rule.sequence !== undefined) {
    const mixed = Object.keys(responseShape).filter((k) =>
      (rule as Record<string, unknown>)[k] !== undefined
    );
    if (mixed.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message: `"sequence" cannot go with ${mixed.map((k) => `"${k}"`).join(", ")}`,
      });
    }
  } else checkResponse(rule, ctx);
});

const scenarioSchema = z.strictObject({
  $schema: z.string().optional(),
  description: z.string().optional(),
  rules: z.array(ruleSchema).optional(),
  default: z.union([sequenceSchema, responseSchema]).optional(),
  price: z.strictObject({ inputPerMTok: z.number().nonnegative(), outputPerMTok: z.number().nonnegative() })
    .optional(),
});

function formatPath(path: PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    out += typeof part === "number" ? `[${part}]` : out ? `.${String(part)}` : String(part);
  }
  return out;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = formatPath(issue.path);
  let what = issue.message;
  if (issue.code === "unrecognized_keys") {
    what = `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  } else if (issue.code === "invalid_union") {
    what = `not a response ({reply|output|fail|status|delayMs|hang|usage|costUsd|writeFiles|replyFile}) ` +
      `or {sequence: [...]}`;
  }
  return where ? `${where}: ${what}` : what;
}

/**
 * Validates a parsed scenario. `source` names it in errors (a path, or `<inline>`). Throws
 * `MockScenarioError` with one line: `invalid mock scenario <source>: <what>`.
 */
export function parseScenario(value: unknown, source = "<inline>"): Scenario {
  const parsed = scenarioSchema.safeParse(value);
  if (parsed.success) return parsed.data as Scenario;
  const issues = parsed.error.issues;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
  throw new MockScenarioError(`invalid mock scenario ${source}: ${describeIssue(issues[0])}${more}`);
}

/** Reads, parses and validates a scenario file. Throws `MockScenarioError` with one clear line. */
export async function loadScenario(path: string): Promise<Scenario> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    const reason = error instanceof Deno.errors.NotFound ? "no such file" : (error as Error).message;
    throw new MockScenarioError(`cannot read mock scenario ${path}: ${reason}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new MockScenarioError(`invalid mock scenario ${path}: not valid JSON: ${(error as Error).message}`);
  }
  return parseScenario(value, path);
}
