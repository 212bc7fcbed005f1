/**
 * In-process runs that share one project directory, so a later run can resume from an earlier one's
 * journal (as `odw resume` does, through {@link ResumeDispatcher}), with every backend try counted.
 *
 * @example
 * ```ts
 * await withRunsProject(async (project) => {
 *   const first = await project.run(source);
 *   const again = await project.run(edited, { from: first.outcome.runId });
 *   again.tries.length; // executor calls made by the resumed run
 * });
 * ```
 * @module
 */
import { join } from "node:path";
import type { Backend, NodeRequest } from "../../src/backends/backend.ts";
import { MockBackend } from "../../src/backends/mock.ts";
import { parseScenario, type Scenario } from "../../src/backends/mock_scenario.ts";
import type { Dispatcher } from "../../src/engine/dispatch.ts";
import type { RunEvent } from "../../src/engine/events.ts";
import { ResumeCache, ResumeDispatcher, type ResumeStats } from "../../src/engine/resume.ts";
import { executeRun, type RunOutcome } from "../../src/engine/run.ts";
import { readRun } from "../../src/records/read.ts";
import { analyzeScript } from "../../src/script/analyze.ts";

/** Options of {@link RunsProject.run}. */
export interface ProjectRunOptions {
  /** Resume from this run of the same project. */
  from?: string;
  scenario?: Scenario;
  concurrency?: number;
  /** Runs nodes here instead of the local dispatcher (the backend is then not called). */
  dispatcher?: Dispatcher;
}

/** One run: its outcome, events, every backend try, and what the resume did. */
export interface ProjectRun {
  outcome: RunOutcome;
  events: RunEvent[];
  /** Every backend try (executor call), in call order. */
  tries: NodeRequest[];
  stats?: ResumeStats;
}

/** A temporary project whose runs can resume each other. */
export class RunsProject {
  readonly dir: string;
  readonly runsDir: string;

  constructor(dir: string) {
    this.dir = dir;
    this.runsDir = join(dir, ".odw", "runs");
  }

  /** Runs `source` (a whole script, meta first), resuming from `opts.from` when given. */
  async run(source: string, opts: ProjectRunOptions = {}): Promise<ProjectRun> {
    const analysis = analyzeScript(source);
    if (!analysis.ok) throw new Error(`script refused: ${analysis.error}`);
    const tries: NodeRequest[] = [];
    const mock = new MockBackend(opts.scenario && parseScenario(opts.scenario));
    const backend: Backend = {
      name: "mock",
      run: (request, signal, onActivity) => {
        tries.push(request);
        return mock.run(request, signal, onActivity);
      },
    };
    let resume: ResumeDispatcher | undefined;
    const cache = opts.from === undefined
      ? undefined
      : ResumeCache.forResume(opts.from, (await readRun(join(this.runsDir, opts.from))).events);
    const events: RunEvent[] = [];
    const outcome = await executeRun({
      scriptPath: join(this.dir, "workflow.js"),
      source,
      body: analysis.body,
      name: analysis.meta.name,
      hasArgs: false,
      backend,
      dispatcher: opts.dispatcher,
      decorate: cache && ((inner) => resume = new ResumeDispatcher(cache, inner)),
      concurrency: opts.concurrency ?? 4,
      budget: null,
      runsDir: this.runsDir,
      projectDir: this.dir,
      onEvent: (e) => events.push(e),
    });
    return { outcome, events, tries, stats: resume?.stats() };
  }
}

/** Runs `fn` with a fresh {@link RunsProject}, removed afterwards. */
export async function withRunsProject(fn: (project: RunsProject) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "odw-resume-" });
  try {
    await fn(new RunsProject(dir));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
