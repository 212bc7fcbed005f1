/**
 * `odw exec --nats <url>` (or `dispatch: "nats"` with `nats: <url>` in `.odw/config.json`): the run's
 * nodes go to `odw worker`s through NATS JetStream instead of this process's scheduler. This module
 * connects (one {@link UsageError} line and exit 2 when it cannot), creates odw's streams on first
 * use, works out the run's results namespace (its lineage: the first run of a resume chain, so
 * `odw resume` re-attaches to what workers finished meanwhile), and hands the run its dispatcher.
 * The NATS client is loaded only when a run uses it: local runs do not pay for it.
 *
 * @module
 */
import { join } from "node:path";
import type { Backend } from "../backends/backend.ts";
import { CircuitBreaker } from "../engine/guardrails.ts";
import type { OdwConfig } from "../engine/config.ts";
import type { RunEvent } from "../engine/events.ts";
import type { RunOptions } from "../engine/run.ts";
import { MAX_AGENTS_PER_RUN } from "../common/limits.ts";
import { readRun, type RunRecord } from "../records/read.ts";
import { checkNatsUrl } from "../distributed/nats_url.ts";

/** The parseArgs option of `--nats`. */
export const NATS_FLAGS = { nats: { type: "string" } } as const;

/** Its help line. */
export const NATS_HELP =
  `  --nats <url>             run nodes on odw workers through NATS JetStream (config: dispatch "nats",
                           nats "<url>"); --concurrency then caps nodes out at once (default 1000)`;

/** The NATS server of this run, or undefined for a local run. */
export function natsUrlOf(flag: string | undefined, config: OdwConfig): string | undefined {
  if (flag !== undefined) return checkNatsUrl(flag);
  if (config.dispatch !== "nats") return undefined;
  return checkNatsUrl(config.nats!, `.odw/config.json "nats"`);
}

/** What a distributed run adds to the run's options, and how it ends. */
export interface NatsRun {
  options: Pick<RunOptions, "dispatcher" | "breaker" | "concurrency">;
  /** Wraps the run's event listener: the dispatcher learns the run id from `run.started`. */
  onEvent(next: (event: RunEvent) => void): (event: RunEvent) => void;
  /** Keys re-attached from the results bucket. */
  reattached(): number;
  /** A note for stderr before the run (no worker alive), if any. */
  note?: string;
  close(): Promise<void>;
}

/** Connects and sets up the dispatcher of a run whose nodes go to workers. */
export async function startNatsRun(
  url: string,
  run: {
    concurrency: number | undefined;
    policy?: RunOptions["policy"];
    caps?: RunOptions["caps"];
    previous?: RunRecord;
    runsDir: string;
    projectDir: string;
    backend?: Backend;
  },
): Promise<NatsRun> {
  const [{ NatsDispatcher }, { listWorkers }, { ensureTopology, openNats }] = await Promise.all([
    import("../distributed/dispatcher.ts"),
    import("../distributed/presence.ts"),
    import("../distributed/topology.ts"),
  ]);
  const nats = await openNats(url, "odw exec");
  const topology = await ensureTopology(nats);
  const breaker = new CircuitBreaker();
  const concurrency = run.concurrency ?? MAX_AGENTS_PER_RUN;
  const dispatcher = new NatsDispatcher({
    topology,
    breaker,
    concurrency,
    caps: run.caps,
    policy: run.policy,
    projectDir: run.projectDir,
    backend: run.backend,
    lineage: run.previous ? await lineageOf(run.runsDir, run.previous) : undefined,
  });
  const { workers } = await listWorkers(topology).catch(() => ({ workers: [1] }));
  return {
    options: { dispatcher, breaker, concurrency },
    onEvent: (next) => (event) => {
      if (event.type === "run.started") dispatcher.bind(event.runId);
      next(event);
    },
    reattached: () => dispatcher.reattached.length,
    note: workers.length === 0
      ? `odw: no odw worker is connected to ${url} yet; nodes wait in the queue until one starts`
      : undefined,
    async close() {
      dispatcher.close();
      await nats.nc.drain().catch(() => undefined);
    },
  };
}

/** The first run of the resume chain `record` belongs to (its results namespace). */
export async function lineageOf(runsDir: string, record: RunRecord): Promise<string> {
  let current = record;
  for (let depth = 0; depth < 1000; depth++) {
    const parent = current.started.resumeOf;
    if (typeof parent !== "string" || !/^[A-Za-z0-9_-]+$/.test(parent)) return current.runId;
    try {
      current = await readRun(join(runsDir, parent));
    } catch {
      return parent;
    }
  }
  return current.runId;
}
