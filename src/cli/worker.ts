/**
 * `odw worker --nats <url>`: runs agent nodes for distributed runs (`odw exec --nats`) on this machine,
 * in this directory (its checkout), on the backend the flags choose (as `odw exec` makes it). One line
 * per node on stderr, or one JSON object per event on stdout with `--json`. Ctrl-C (or SIGTERM)
 * drains: no new node is taken and the running ones finish; a second one hands them back at once
 * (another worker takes them).
 *
 * @module
 */
import { hostname } from "node:os";
import { positiveInt, UsageError } from "../common/cli_kit.ts";
import { RUNTIMES } from "../common/contract.ts";
import { terminalLine } from "../common/terminal_text.ts";
import { defaultConcurrency } from "../engine/scheduler.ts";
import { isToken, type Lane, toToken } from "../distributed/names.ts";
import { Presence } from "../distributed/presence.ts";
import { ensureTopology, openNats } from "../distributed/topology.ts";
import { NodeWorker, type WorkerEvent } from "../distributed/worker.ts";
import { parseCommandArgs } from "./argv.ts";
import { setupExec } from "./exec_setup.ts";
import { natsServerOf } from "./workers.ts";

/** Help text of `odw worker`. */
export const WORKER_HELP = `Usage: odw worker --nats <url> [options]

Runs agent nodes of distributed runs (odw exec --nats) on this machine, in this directory (the
checkout worktree nodes start from). Streams, consumers and buckets are created on first use.

Options:
  --nats <url>             NATS server with JetStream (default: "nats" in .odw/config.json)
  --concurrency <n>        nodes run at once (default ${defaultConcurrency()})
  --runtimes <list>        take only nodes of these runtimes (${RUNTIMES.join(", ")}), comma-separated,
                           plus nodes that name none; default: every runtime
  --name <name>            this worker's name (letters, digits, - and _; default <host>-<pid>)
  --backend <name>         mock or pandacode, chosen as odw exec chooses it (config "backend", …)
  --pandacode <path>       run each node through this pandacode-compatible executable (default:
                           in-process; also ODW_PANDACODE_BIN, config "pandacode")
  --mock-scenario <file>   script the mock backend's replies
  --json                   one JSON object per event on stdout
  --quiet                  no line per node on stderr
  -h, --help               this help

Ctrl-C drains: no new node is taken and running ones finish; Ctrl-C again hands them back.`;

const OPTIONS = {
  nats: { type: "string" },
  concurrency: { type: "string" },
  runtimes: { type: "string" },
  name: { type: "string" },
  backend: { type: "string" },
  pandacode: { type: "string" },
  "mock-scenario": { type: "string" },
  json: { type: "boolean", default: false },
  quiet: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

/** The lanes a `--runtimes` list means: `any` and each runtime named (all of them without a list). */
export function lanesOf(list: string | undefined): Lane[] {
  if (list === undefined) return ["any", ...RUNTIMES];
  const named = list.split(",").map((r) => r.trim()).filter((r) => r !== "");
  const unknown = named.find((r) => !(RUNTIMES as readonly string[]).includes(r));
  if (unknown !== undefined || named.length === 0) {
    throw new UsageError(`--runtimes: unknown runtime "${unknown ?? ""}" (use ${RUNTIMES.join(", ")})`);
  }
  return ["any", ...new Set(named as Lane[])];
}

/** Runs `odw worker`; returns the exit code once drained. */
export async function workerCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs("worker", { args: argv, options: OPTIONS, strict: true });
  if (values.help) {
    console.log(WORKER_HELP);
    return 0;
  }
  const concurrency = positiveInt(values.concurrency, "--concurrency") ?? defaultConcurrency();
  const lanes = lanesOf(values.runtimes);
  const name = values.name ?? toToken(`${hostname()}-${Deno.pid}`);
  if (!isToken(name)) {
    throw new UsageError(`--name: use letters, digits, - and _ (got "${name.slice(0, 80)}")`);
  }
  const url = values.nats ?? await natsServerOf();
  // The backend exactly as `odw exec` would make it here (flags, ODW_PANDACODE_BIN, .odw/config.json).
  const backend = (await setupExec(values, Deno.env.toObject(), Deno.cwd())).backend;
  const nats = await openNats(url, `odw worker ${name}`);
  const topology = await ensureTopology(nats);
  const print = eventPrinter(name, values.json, values.quiet);
  const startedAt = new Date().toISOString();
  const worker = new NodeWorker({
    topology,
    name,
    concurrency,
    lanes,
    backend,
    cwd: Deno.cwd(),
    onEvent: print,
    onChange: () => presence.changed(),
  });
  const presence = new Presence(topology, () => ({
    name,
    host: hostname(),
    pid: Deno.pid,
    concurrency,
    lanes,
    running: worker.running,
    finished: worker.finished,
    draining: worker.stopping,
    startedAt,
  }), Math.max(1000, Math.floor(topology.ackWaitMs / 3)));
  await worker.start();
  presence.start();
  if (!values.quiet && !values.json) {
    console.error(
      `odw worker ${name}: ${url} · lanes ${
        lanes.join(",")
      } · concurrency ${concurrency} · backend ${backend.name}`,
    );
  }
  if (values.json) console.log(JSON.stringify({ type: "worker.ready", name, lanes, concurrency }));
  await drainOnSignals(worker, () => presence.changed(), values.quiet || values.json);
  await worker.idle();
  await presence.stop();
  await nats.nc.close().catch(() => undefined);
  return 0;
}

/** Waits for SIGINT/SIGTERM: the first stops pulling (running nodes finish), a second hands them back. */
function drainOnSignals(worker: NodeWorker, changed: () => void, quiet: boolean): Promise<void> {
  return new Promise((resolve) => {
    const onSignal = () => {
      const again = worker.stopping;
      worker.stop(again);
      changed();
      if (!quiet) {
        console.error(
          again
            ? "odw worker: handing running nodes back"
            : `odw worker: draining: ${worker.running.length} running node(s) finish (Ctrl-C again hands them back)`,
        );
      }
      resolve();
    };
    for (const signal of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(signal, onSignal);
  });
}

/** Prints worker events: JSON lines on stdout, or one line each on stderr. */
function eventPrinter(name: string, json: boolean, quiet: boolean): (event: WorkerEvent) => void {
  return (event) => {
    if (json) {
      console.log(JSON.stringify({ worker: name, ...event }));
      return;
    }
    if (quiet) return;
    const label = event.label === undefined ? "" : ` ${JSON.stringify(event.label)}`;
    const run = event.run === undefined ? "" : ` (run ${event.run})`;
    const detail = event.type === "node.finished"
      ? ` ${event.status} in ${event.durationMs} ms`
      : event.type === "node.started" && (event.delivery ?? 1) > 1
      ? ` (delivery ${event.delivery})`
      : event.reason
      ? `: ${event.reason}`
      : "";
    console.error(terminalLine(`${name}: ${event.type.replace("node.", "")}${label}${run}${detail}`));
  };
}
