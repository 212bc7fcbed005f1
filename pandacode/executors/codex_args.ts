/**
 * Command lines for `codex exec --json` (first attempt) and `codex exec resume --json` (the schema
 * correction), built from a {@link Task}. The prompt always goes on stdin (`-`), so its size and a
 * leading dash never matter.
 *
 * Choices (codex 0.169.0):
 * - sandbox `workspace-write`: the agent may edit files under the working directory (and /tmp) but
 *   not elsewhere; `codex exec` never asks for approval. `--skip-git-repo-check` lets non-git
 *   directories work. `resume` has no `--sandbox`/`--cd` flags, so it gets `-c sandbox_mode=…` and
 *   the process cwd.
 * - effort: codex passes any string through as the Responses API `reasoning.effort`; OpenAI models
 *   accept low/medium/high/xhigh, so `max` is sent as `xhigh`.
 * - base URL: a provider `pandacode_base_url` is defined with `-c` (Responses wire API) and selected;
 *   it authenticates with `OPENAI_API_KEY` when that variable is set, else with codex's own login.
 *
 * @example
 * ```ts
 * execArgs({ ...task, model: "gpt-5.1-codex", effort: "max" }, "/tmp/schema.json");
 * // ["exec","--json","--skip-git-repo-check","--cd",cwd,"--sandbox","workspace-write","--model",
 * //  "gpt-5.1-codex","-c",'model_reasoning_effort="xhigh"',"--output-schema","/tmp/schema.json","-"]
 * ```
 * @module
 */
import type { Effort } from "../../src/common/contract.ts";
import type { Task } from "../executor.ts";

/** Provider id pandacode defines when `--base-url` is given. */
export const BASE_URL_PROVIDER = "pandacode_base_url";

/** The Responses API reasoning effort codex is told for each pandacode effort. */
export const CODEX_EFFORT: Record<Effort, string> = {
  low: "low",
  medium: "medium",
  high: "high",
  xhigh: "xhigh",
  max: "xhigh",
};

/** A `-c key=value` pair whose value is a TOML string. */
function configString(key: string, value: string): string[] {
  return ["-c", `${key}=${JSON.stringify(value)}`];
}

/** Options shared by `exec` and `exec resume`. */
function commonArgs(task: Task, schemaFile: string | undefined): string[] {
  const args: string[] = [];
  if (task.model) args.push("--model", task.model);
  if (task.effort) args.push(...configString("model_reasoning_effort", CODEX_EFFORT[task.effort]));
  if (task.baseUrl) {
    const p = `model_providers.${BASE_URL_PROVIDER}`;
    args.push(...configString("model_provider", BASE_URL_PROVIDER));
    args.push(...configString(`${p}.name`, "pandacode --base-url"));
    args.push(...configString(`${p}.base_url`, task.baseUrl));
    args.push(...configString(`${p}.wire_api`, "responses"));
    if (task.env.OPENAI_API_KEY) args.push(...configString(`${p}.env_key`, "OPENAI_API_KEY"));
    else args.push("-c", `${p}.requires_openai_auth=true`);
  }
  if (schemaFile !== undefined) args.push("--output-schema", schemaFile);
  return args;
}

/** Arguments for the first attempt: `codex exec --json … -` (prompt on stdin). */
export function execArgs(task: Task, schemaFile?: string): string[] {
  return [
    "exec",
    "--json",
    "--skip-git-repo-check",
    "--cd",
    task.cwd,
    "--sandbox",
    "workspace-write",
    ...commonArgs(task, schemaFile),
    "-",
  ];
}
