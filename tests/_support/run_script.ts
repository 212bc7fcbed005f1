/**
 * Runs a workflow script in-process (static checks + executeRun on the mock backend) inside a fresh
 * temporary project directory (or a given one), collecting every event. For engine semantics tests.
 * The run is cancelled and the test fails when it has not finished within `DEADLINES.executor`.
 *
 * @module
 */
import { join } from "node:path";
import { MockBackend } from "../../src/backends/mock.ts";
import { parseScenario, type Scenario } from "../../src/backends/mock_scenario.ts";
import type { RunEvent } from "../../src/engine/events.ts";
import { executeRun, type RunOptions, type RunOutcome } from "../../src/engine/run.ts";
import type { Backend } from "../../src/backends/backend.ts";
import { analyzeScript } from "../../src/script/analyze.ts";
import { bounded, DEADLINES } from "./deadline.ts";

/** Options of {@link runScript}. */
export interface RunScriptOptions {
  args?: unknown;
  scenario?: Scenario;
  concurrency?: number;
  budget?: number;
  timeoutMs?: number;
  /** Extra files to create in the project dir before the run (relative path → content). */
  files?: Record<string, string>;
  /** Wraps the mock backend (e.g. to count or observe tries). */
  wrapBackend?: (backend: Backend) => Backend;
  /** Guardrail options passed to the run as they are. */
  run?: Pick<RunOptions, "strict" | "maxCostUsd" | "policy" | "caps">;
  /** Run in this existing directory (kept afterwards) instead of a fresh temporary one. */
  projectDir?: string;
}

/** What a test gets back. */
export interface ScriptRun {
  outcome: RunOutcome;
  events: RunEvent[];
  projectDir: string;
}

/** Prefixes a script body with a valid meta statement. */
export function withMeta(body: string, name = "test"): string {
  return `export const meta = { name: ${JSON.stringify(name)}, description: "test workflow" };\n${body}`;
}

/** Analyses and runs `source` (which must pass the static checks); removes the project dir after. */
export async function runScript(source: string, opts: RunScriptOptions = {}): Promise<ScriptRun> {
  const analysis = analyzeScript(source);
  if (!analysis.ok) throw new Error(`script refused: ${analysis.error}`);
  const projectDir = opts.projectDir ?? await Deno.makeTempDir({ prefix: "odw-engine-" });
  try {
    for (const [path, content] of Object.entries(opts.files ?? {})) {
      const full = join(projectDir, path);
      await Deno.mkdir(join(full, ".."), { recursive: true });
      await Deno.writeTextFile(full, content);
    }
    const events: RunEvent[] = [];
    const outcome = await bounded(DEADLINES.executor, "the workflow run", (signal) =>
      executeRun({
        scriptPath: join(projectDir, "script.js"),
        source,
        body: analysis.body,
        name: analysis.meta.name,
        args: opts.args,
        hasArgs: "args" in opts,
        backend: (opts.wrapBackend ?? ((b) => b))(
          new MockBackend(opts.scenario && parseScenario(opts.scenario)),
        ),
        ...opts.run,
        concurrency: opts.concurrency ?? 4,
        budget: opts.budget ?? null,
        timeoutMs: opts.timeoutMs,
        runsDir: join(projectDir, ".odw", "runs"),
        projectDir,
        signal,
        onEvent: (e) => events.push(e),
      }));
    return { outcome, events, projectDir };
  } finally {
    if (opts.projectDir === undefined) await Deno.remove(projectDir, { recursive: true });
  }
}

/** Events of one type. */
export function eventsOf<T extends RunEvent["type"]>(
  events: RunEvent[],
  type: T,
): Extract<RunEvent, { type: T }>[] {
  return events.filter((e) => e.type === type) as Extract<RunEvent, { type: T }>[];
}
