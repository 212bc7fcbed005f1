/**
 * The bamboo runtime: pandacode's own agent loop on the AI SDK against an OpenAI-compatible
 * provider from the providers table.
 *
 * It resolves the provider (task.provider, default `deepseek`), its key (from `task.env`), base URL
 * (`task.baseUrl`, else the provider's env variable, else the table) and model (`task.model`, else
 * the provider's default), builds the jailed workspace tools (plus `submit` for a schema; the bash
 * tool gets the task's environment minus the provider's key variables), runs the loop, and reports. Cost comes from the table's prices, which are for the provider's default model:
 * for any other model it is `null` (unknown). The run never throws: configuration problems, HTTP
 * errors and tool failures all end in an outcome; an aborted run reports `ctx.signal.reason`
 * (`timeout` or `cancelled`).
 *
 * @module
 */
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { Executor, ExecutorContext, ExecutorOutcome, Task } from "../executor.ts";
import { emptyUsage, type NodeError, nodeError } from "../../src/common/contract.ts";
import {
  costOf,
  DEFAULT_PROVIDER,
  findProvider,
  providerBaseUrl,
  providerKey,
  PROVIDERS,
} from "./providers.ts";

export { DEFAULT_PROVIDER };
import { Workspace } from "./jail.ts";
import { buildTools } from "./tools.ts";
import { compileTaskSchema, type SchemaValidator, submitTool } from "./submit.ts";
import { createRetryingFetch, type RetryOptions } from "./retry_fetch.ts";
import { DEFAULT_MAX_STEPS, runLoop } from "./loop.ts";
import { systemPrompt } from "./prompt.ts";
import { errorText } from "./errors.ts";
import { abortStatus } from "../../src/common/abort.ts";

/** Tuning for {@link runBamboo} (tests shorten the retry waits or the step limit). */
export interface BambooOptions {
  maxSteps?: number;
  retry?: Omit<RetryOptions, "onRetry" | "fetch">;
}

/** The environment for the bash tool: the task's, without the provider's API key variables. */
export function toolEnv(env: Record<string, string>, keyEnv: readonly string[]): Record<string, string> {
  const copy = { ...env };
  for (const name of keyEnv) delete copy[name];
  return copy;
}

/** Runs one task on bamboo. */
export async function runBamboo(
  task: Task,
  ctx: ExecutorContext,
  options: BambooOptions = {},
): Promise<ExecutorOutcome> {
  const providerId = (task.provider ?? DEFAULT_PROVIDER).toLowerCase();
  const info = findProvider(providerId);
  const outcome: ExecutorOutcome = {
    status: "failed",
    text: "",
    usage: emptyUsage(),
    costUsd: null,
    sessionId: null,
    error: null,
    model: task.model ?? info?.defaultModel ?? null,
    provider: providerId,
  };
  const fail = (error: NodeError): ExecutorOutcome => ({ ...outcome, status: "failed", error });
  if (!info) {
    return fail(nodeError(
      "unknown_provider",
      `unknown bamboo provider "${providerId}"; known: ${PROVIDERS.map((p) => p.id).join(", ")}`,
    ));
  }
  const key = providerKey(info, task.env);
  if (!key) {
    return fail(nodeError("missing_key", `no API key for ${info.name}: set ${info.keyEnv.join(" or ")}`));
  }
  let validator: SchemaValidator | undefined;
  let workspace: Workspace;
  try {
    if (task.schema) validator = await compileTaskSchema(task.schema);
    workspace = await Workspace.open(task.cwd);
  } catch (err) {
    return fail(nodeError("bad_input", errorText(err)));
  }
  if (ctx.signal.aborted) return { ...outcome, status: abortStatus(ctx.signal) };

  const modelId = task.model ?? info.defaultModel;
  const baseURL = providerBaseUrl(info, task.env, task.baseUrl);
  const provider = createOpenAICompatible({
    name: info.id,
    baseURL,
    apiKey: key.value,
    includeUsage: true,
    fetch: createRetryingFetch({
      ...(task.retries === undefined ? {} : { maxAttempts: task.retries + 1 }),
      ...options.retry,
      onActivity: ctx.activity,
      onRetry: (e) =>
        ctx.log(
          `bamboo: ${
            e.status !== undefined ? `HTTP ${e.status}` : "network error"
          }, retrying in ${e.delayMs} ms ` +
            `(attempt ${e.attempt + 1}/${e.maxAttempts})`,
        ),
    }),
  });
  const submit = validator ? submitTool(validator) : undefined;
  ctx.log(`bamboo: ${info.id} ${modelId} at ${baseURL}`);

  const result = await runLoop({
    model: provider.chatModel(modelId),
    system: systemPrompt(workspace.root, validator?.schema),
    prompt: task.prompt,
    tools: buildTools(workspace, toolEnv(task.env, info.keyEnv), submit?.tool),
    maxSteps: options.maxSteps ?? DEFAULT_MAX_STEPS,
    maxOutputTokens: task.maxOutputTokens,
    effort: task.effort,
    signal: ctx.signal,
    submit: submit && validator ? { state: submit.state, validator } : undefined,
    log: ctx.log,
  });

  const status = ctx.signal.aborted ? abortStatus(ctx.signal) : result.failure ? "failed" : "completed";
  return {
    ...outcome,
    status,
    text: result.text,
    ...(result.output ? { output: result.output.value } : {}),
    usage: result.usage,
    costUsd: modelId === info.defaultModel ? costOf(info.prices, result.usage) : null,
    error: status === "failed" ? result.failure ?? null : null,
    model: result.modelId ?? modelId,
  };
}

/** Runs a task on bamboo. */
export const bambooExecutor: Executor = {
  run: (task, ctx) => runBamboo(task, ctx),
};
