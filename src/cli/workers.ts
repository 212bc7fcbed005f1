/**
 * `odw workers --nats <url>`: which `odw worker`s are alive, what each is running, and how deep the
 * queue is per lane (waiting for a worker, held by one, redelivered). `--json` prints the same as one
 * object.
 *
 * @module
 */
import { UsageError } from "../common/cli_kit.ts";
import { jsonForTerminal, terminalLine } from "../common/terminal_text.ts";
import { ConfigError, loadConfig, type OdwConfig } from "../engine/config.ts";
import { listWorkers, type WorkersView } from "../distributed/presence.ts";
import { ensureTopology, openNats } from "../distributed/topology.ts";
import { checkNatsUrl } from "../distributed/nats_url.ts";
import { parseCommandArgs } from "./argv.ts";

/** Help text of `odw workers`. */
export const WORKERS_HELP = `Usage: odw workers --nats <url> [--json]

Lists the odw workers connected to a NATS server, the nodes each is running, and the queue depth of
every lane (any, and one per runtime).

Options:
  --nats <url>   NATS server with JetStream (default: "nats" in .odw/config.json)
  --json         print one JSON object
  -h, --help     this help`;

const OPTIONS = {
  nats: { type: "string" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

/** The server `odw worker`/`odw workers` use when `--nats` is not given: config `nats`. */
export async function natsServerOf(config?: OdwConfig): Promise<string> {
  let loaded = config;
  if (!loaded) {
    try {
      loaded = await loadConfig(Deno.cwd());
    } catch (e) {
      if (e instanceof ConfigError) throw new UsageError(e.message);
      throw e;
    }
  }
  if (loaded.nats === undefined) {
    throw new UsageError(`--nats <url> is needed (or "nats" in .odw/config.json)`);
  }
  return checkNatsUrl(loaded.nats, `.odw/config.json "nats"`);
}

/** Runs `odw workers`. */
export async function workersCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs("workers", { args: argv, options: OPTIONS, strict: true });
  if (values.help) {
    console.log(WORKERS_HELP);
    return 0;
  }
  const url = values.nats ?? await natsServerOf();
  const nats = await openNats(url, "odw workers");
  try {
    const view = await listWorkers(await ensureTopology(nats));
    console.log(values.json ? jsonForTerminal(view) : workersText(url, view));
    return 0;
  } finally {
    await nats.nc.close().catch(() => undefined);
  }
}

/** The human view: one line per worker, one per running node, then the queue. */
export function workersText(url: string, view: WorkersView, now = Date.now()): string {
  const lines: string[] = [];
  const ago = (iso: string) => `${Math.max(0, Math.round((now - Date.parse(iso)) / 1000))}s`;
  lines.push(`${view.workers.length} worker(s) on ${url}`);
  for (const w of view.workers) {
    const state = w.draining ? " · draining" : "";
    lines.push(
      `  ${w.name} (${w.host}, pid ${w.pid}) · running ${w.running.length}/${w.concurrency} · finished ` +
        `${w.finished} · lanes ${w.lanes.join(",")} · up ${ago(w.startedAt)}${state}`,
    );
    for (const node of w.running) {
      lines.push(`    ${JSON.stringify(node.label)} · run ${node.run} · ${ago(node.since)} · ${node.key}`);
    }
  }
  const total = view.lanes.reduce((sum, l) => ({ w: sum.w + l.waiting, r: sum.r + l.running }), {
    w: 0,
    r: 0,
  });
  const busy = view.lanes.filter((l) => l.waiting + l.running > 0)
    .map((l) =>
      `${l.lane} ${l.waiting}/${l.running}${l.redelivered ? ` (${l.redelivered} redelivered)` : ""}`
    );
  lines.push(
    `queue: ${total.w} waiting · ${total.r} held by workers${busy.length ? ` (${busy.join(", ")})` : ""}`,
  );
  return lines.map(terminalLine).join("\n");
}
