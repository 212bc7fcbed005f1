/**
 * bamboo's agent loop on the AI SDK: `generateText` with the workspace tools, a step limit, the
 * task's abort signal, and usage summed step by step (so a run that fails half-way still reports
 * what it spent).
 *
 * Without a schema the run ends when the model answers in text; that text is the result. With a
 * schema the run ends on a valid `submit`; if the model answers in text instead, a JSON answer that
 * passes the schema is taken, otherwise the model is reminded to call submit (a bounded number of
 * times). The loop never throws for model or tool problems: they come back as a failure block.
 *
 * @module
 */
import {
  generateText,
  isStepCount,
  type LanguageModel,
  type ModelMessage,
  type StepResult,
  type ToolSet,
} from "ai";
import { type Effort, type NodeError, nodeError, type Usage } from "../../src/common/contract.ts";
import { describeFailure } from "./errors.ts";
import { outputFromText, type SchemaValidator, SUBMIT_MAX_INVALID, type SubmitState } from "./submit.ts";
import { stepUsage, UsageTotal } from "./usage.ts";

/** Default step limit: model calls per task (each may run several tools). */
export const DEFAULT_MAX_STEPS = 50;
/** Reminders to call submit before a schema task fails for answering in plain text. */
export const SUBMIT_REMINDERS = 2;

/** Inputs of {@link runLoop}. */
export interface LoopParams {
  model: LanguageModel;
  system: string;
  prompt: string;
  tools: ToolSet;
  maxSteps: number;
  maxOutputTokens?: number;
  effort?: Effort;
  signal: AbortSignal;
  /** Present when the task has an output schema. */
  submit?: { state: SubmitState; validator: SchemaValidator };
  log(message: string): void;
}

/** What the loop found out. */
export interface LoopResult {
  text: string;
  /** The structured output, when a schema task got a valid one. */
  output?: { value: unknown };
  usage: Usage;
  steps: number;
  /** Model id the endpoint reported. */
  modelId?: string;
  /** Set when the run did not complete. */
  failure?: NodeError;
}

function describeStep(step: StepResult<ToolSet>, index: number): string {
  const calls = step.content.flatMap((part) => {
    if (part.type === "tool-result") return [`${part.toolName} ok`];
    if (part.type === "tool-error") return [`${part.toolName} error: ${String(part.error).slice(0, 120)}`];
    return [];
  });
  const u = stepUsage(step.usage);
  return `bamboo: step ${index}: ${step.finishReason}` + (calls.length ? ` [${calls.join("; ")}]` : "") +
    ` (in ${u.inputTokens}, out ${u.outputTokens})`;
}

/** Runs the loop to a result. */
export async function runLoop(params: LoopParams): Promise<LoopResult> {
  const usage = new UsageTotal();
  let modelId: string | undefined;
  let messages: ModelMessage[] = [{ role: "user", content: params.prompt }];
  let stepsLeft = params.maxSteps;
  let reminders = 0;
  const submit = params.submit;
  const result = (text: string, extra: Partial<LoopResult> = {}): LoopResult => ({
    text,
    usage: usage.total,
    steps: usage.steps,
    modelId,
    ...extra,
  });
  const submitSettled = () =>
    submit !== undefined && (submit.state.accepted !== undefined ||
      submit.state.invalid >= SUBMIT_MAX_INVALID);

  try {
    for (;;) {
      const run = await generateText({
        model: params.model,
        system: params.system,
        messages,
        tools: params.tools,
        maxRetries: 0,
        abortSignal: params.signal,
        ...(params.maxOutputTokens !== undefined ? { maxOutputTokens: params.maxOutputTokens } : {}),
        ...(params.effort !== undefined ? { reasoning: params.effort } : {}),
        stopWhen: [isStepCount(stepsLeft), submitSettled],
        onStepEnd: (step) => {
          usage.add(stepUsage(step.usage));
          modelId = step.response?.modelId ?? modelId;
          params.log(describeStep(step, usage.steps));
        },
      });
      stepsLeft -= run.steps.length;
      messages = [...messages, ...run.response.messages];
      const last = run.steps.at(-1);
      const stoppedInTools = last?.finishReason === "tool-calls";

      if (!submit) {
        if (stoppedInTools) {
          return result(run.text, {
            failure: nodeError("turn_limit", `stopped after ${params.maxSteps} steps without a final answer`),
          });
        }
        return result(run.text);
      }
      if (submit.state.accepted) {
        return result(JSON.stringify(submit.state.accepted.value), { output: submit.state.accepted });
      }
      if (submit.state.invalid >= SUBMIT_MAX_INVALID) {
        return result(run.text, {
          failure: nodeError(
            "schema",
            `${submit.state.invalid} submissions did not match the schema; last errors: ` +
              (submit.state.lastErrors ?? "").replace(/\n/g, "; "),
          ),
        });
      }
      const fromText = stoppedInTools ? undefined : outputFromText(run.text, submit.validator);
      if (fromText) return result(JSON.stringify(fromText.value), { output: fromText });
      if (stepsLeft <= 0 || stoppedInTools) {
        return result(run.text, {
          failure: nodeError(
            "turn_limit",
            `stopped after ${params.maxSteps} steps without a valid submission`,
          ),
        });
      }
      if (reminders >= SUBMIT_REMINDERS) {
        return result(run.text, {
          failure: nodeError(
            "no_submission",
            "the model answered in plain text instead of calling submit with output matching the schema",
          ),
        });
      }
      reminders++;
      params.log("bamboo: the model answered without calling submit; reminding it");
      messages.push({
        role: "user",
        content:
          "You have not called the submit tool. Call submit now with the final result; its input must " +
          "match the JSON schema given in the system prompt.",
      });
    }
  } catch (err) {
    return result("", { failure: describeFailure(err) });
  }
}
