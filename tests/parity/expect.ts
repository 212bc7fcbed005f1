/**
 * Assertions shared by the parity test files: run one script on both runtimes and assert both report
 * the same expected outcome ({@link expectParity}), pin each side's outcome where they differ
 * ({@link expectDifference}), or assert a static refusal with the same message ({@link expectRefused}).
 *
 * @module
 */
import assert from "node:assert/strict";
import { cachedCli, skipUnless } from "../_support/prereq.ts";
import { comparable, type ParityCase, type ParityOutcome, runBoth, workflowScript } from "./harness.ts";

/** Deno.test `ignore` for every parity test: the pinned claude CLI must be installed. */
export const ignoreWithoutClaude: boolean = skipUnless("claude CLI", cachedCli("claude"));

/** What the built-in's Workflow tool appends to a refusal, for the model (not part of the runtime's message). */
export const TOOL_RETRY_HINT =
  "\nLoad the `workflow-authoring` skill for the script reference if you have not, fix the script, and retry.";

/** A completed outcome. */
export function completed(result: unknown, logs: string[] = [], agentCount = 0): ParityOutcome {
  return { status: "completed", result, error: null, logs, agentCount };
}

/** A failed outcome (result null). */
export function failed(error: string, logs: string[] = [], agentCount = 0): ParityOutcome {
  return { status: "failed", result: null, error, logs, agentCount };
}

/** A refused outcome: nothing ran. */
export function refused(error: string): ParityOutcome {
  return { status: "refused", result: null, error, logs: [], agentCount: 0 };
}

/** Runs `body` (after the meta line) on both runtimes and asserts both report `expected`. */
export async function expectParity(
  body: string,
  parityCase: ParityCase,
  expected: ParityOutcome,
): Promise<void> {
  const { builtin, odw } = await runBoth(workflowScript(body), parityCase);
  assert.deepEqual(comparable(builtin), expected, "the built-in's outcome");
  assert.deepEqual(comparable(odw), expected, "odw's outcome");
}

/** Runs `body` on both runtimes and pins each side's outcome (a difference found by the harness). */
export async function expectDifference(
  body: string,
  parityCase: ParityCase,
  builtinExpected: ParityOutcome,
  odwExpected: ParityOutcome,
): Promise<void> {
  await expectScriptDifference(workflowScript(body), parityCase, builtinExpected, odwExpected);
}

/** {@link expectDifference} for a whole script (no meta line added). */
export async function expectScriptDifference(
  script: string,
  parityCase: ParityCase,
  builtinExpected: ParityOutcome,
  odwExpected: ParityOutcome,
): Promise<void> {
  const { builtin, odw } = await runBoth(script, parityCase);
  assert.deepEqual(comparable(builtin), builtinExpected, "the built-in's outcome");
  assert.deepEqual(comparable(odw), odwExpected, "odw's outcome");
}

/**
 * Runs the whole `script` on both runtimes and asserts both refuse it with `message` (the built-in's
 * tool result carries {@link TOOL_RETRY_HINT} after it; odw exits 2).
 */
export async function expectRefused(script: string, message: string): Promise<void> {
  const { builtin, odw } = await runBoth(script);
  assert.deepEqual(comparable(builtin), refused(message + TOOL_RETRY_HINT), "the built-in's outcome");
  assert.deepEqual(comparable(odw), refused(message), "odw's outcome");
  assert.equal(odw.code, 2, "odw's exit code");
}

/** Runs the whole `script` on both runtimes and asserts both report `expected` (e.g. an accepted meta). */
export async function expectScriptParity(
  script: string,
  expected: ParityOutcome,
  parityCase: ParityCase = {},
): Promise<void> {
  const { builtin, odw } = await runBoth(script, parityCase);
  assert.deepEqual(comparable(builtin), expected, "the built-in's outcome");
  assert.deepEqual(comparable(odw), expected, "odw's outcome");
}

/** A test asserting both runtimes agree. */
export function parityTest(name: string, fn: () => Promise<void>): void {
  Deno.test({ name: `parity: ${name}`, ignore: ignoreWithoutClaude, fn });
}

/**
 * A difference the harness found and odw has not (yet) resolved: the test pins both sides' observed
 * outcomes, so it fails when either side changes (then flip it to {@link parityTest} or keep it).
 */
export function differenceTest(name: string, fn: () => Promise<void>): void {
  Deno.test({ name: `difference: ${name}`, ignore: ignoreWithoutClaude, fn });
}
