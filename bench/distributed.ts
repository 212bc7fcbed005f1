/**
 * `deno task bench`, distributed section: the 1000-node mock fan-out (`bench/fanout.js`) through one
 * local `nats-server` with 1, 2 and 4 `odw worker` processes (concurrency 16 each), against the same
 * fan-out on the local dispatcher; 50 sequential nodes for the round trip of one node; CPU per node of
 * the orchestrator, the server and the workers (from `/proc` and `/usr/bin/time`); and the projection
 * those give for one orchestrator and a 3-node NATS cluster (explained in docs/distributed.md).
 *
 * Everything runs on this machine's cores: orchestrator, server and workers compete for them, so the
 * walls are a floor of what separate machines give, while the CPU figures are what each part costs.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import {
  cpuMsOf,
  type LiveWorker,
  type NatsServer,
  startNatsServer,
  startWorker,
} from "../tests/_support/nats.ts";
import { OdwProject } from "../tests/_support/odw.ts";
import { timedOdw } from "./timed_odw.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const NODES = 1000;
const SEQUENTIAL = 50;
const SEQUENTIAL_SCRIPT =
  `export const meta = { name: "bench-sequential", description: "one node at a time" };
let last = "";
for (let i = 0; i < ${SEQUENTIAL}; i++) last = await agent(\`step \${i} after \${last.length}\`);
return last.length;
`;

/** One fan-out through `server` with `count` workers: wall, and CPU of each part. */
async function fanOut(work: string, server: NatsServer, count: number) {
  const project = new OdwProject(work);
  const workers: LiveWorker[] = [];
  try {
    for (let i = 0; i < count; i++) {
      workers.push(await startWorker(project, server.url, `bench${count}-${i}`, ["--concurrency", "16"]));
    }
    const cpu0 = { server: cpuMsOf(server.pid!), workers: workers.map((w) => cpuMsOf(w.pid)) };
    const run = await timedOdw(
      ["exec", `${ROOT}bench/fanout.js`, "--nats", server.url, "--quiet", "--json"],
      work,
    );
    const done = JSON.parse(run.stdout).result.done;
    if (done !== NODES) throw new Error(`distributed fan-out: ${done} of ${NODES} nodes done`);
    const serverCpu = cpuMsOf(server.pid!) - cpu0.server;
    const workersCpu = workers.reduce((sum, w, i) => sum + cpuMsOf(w.pid) - cpu0.workers[i], 0);
    const spread = workers.map((w) => w.of("node.finished").length);
    return { ms: run.ms, orchestratorCpu: run.cpuMs, serverCpu, workersCpu, spread };
  } finally {
    for (const w of workers) w.signal("SIGINT");
    await Promise.all(workers.map((w) => w.ended(60_000).catch(() => w.dispose())));
  }
}

/** Runs the section and prints its figures. */
export async function distributedFigures(work: string, localFanoutMs: number): Promise<void> {
  const found = await new Deno.Command("nats-server", { args: ["--version"], stdout: "null", stderr: "null" })
    .output().then((o) => o.success, () => false);
  if (!found) {
    console.log("distributed: skipped, nats-server is missing (scripts/install-test-deps installs it)");
    return;
  }
  await Deno.writeTextFile(`${work}/sequential.js`, SEQUENTIAL_SCRIPT);
  const server = await startNatsServer();
  try {
    const localSeq = await timedOdw(["exec", `${work}/sequential.js`, "--quiet"], work);
    const rows = [];
    for (const count of [1, 2, 4]) rows.push({ count, ...await fanOut(work, server, count) });
    const project = new OdwProject(work);
    const one = await startWorker(project, server.url, "bench-seq", ["--concurrency", "1"]);
    let natsSeq;
    let tiny;
    try {
      natsSeq = await timedOdw(["exec", `${work}/sequential.js`, "--nats", server.url, "--quiet"], work);
      tiny = await timedOdw(
        ["exec", `${ROOT}bench/fanout.js`, "--nats", server.url, "--quiet", "--args", '{"n":1}'],
        work,
      );
    } finally {
      one.signal("SIGINT");
      await one.ended(60_000).catch(() => one.dispose());
    }
    print(rows, localFanoutMs, localSeq.ms, natsSeq.ms, tiny.cpuMs);
  } finally {
    await server.dispose();
  }
}

function print(
  rows: Array<
    {
      count: number;
      ms: number;
      orchestratorCpu: number;
      serverCpu: number;
      workersCpu: number;
      spread: number[];
    }
  >,
  localMs: number,
  localSeqMs: number,
  natsSeqMs: number,
  startupCpuMs: number,
): void {
  const f = (n: number, digits = 0) => n.toFixed(digits);
  console.log(`distributed fan-out, ${NODES} mock nodes, one local nats-server, workers at concurrency 16`);
  console.log(`  local dispatcher        ${f(localMs)} ms`);
  for (const r of rows) {
    console.log(
      `  ${r.count} worker${r.count > 1 ? "s" : " "}               ${f(r.ms)} ms   overhead ` +
        `${f((r.ms - localMs) / NODES, 2)} ms/node · ${f(NODES / (r.ms / 1000))} nodes/s · spread ${
          r.spread.join("/")
        }`,
    );
  }
  const best = rows[0];
  const orchestratorPerNode = (best.orchestratorCpu - startupCpuMs) / NODES;
  const serverPerNode = best.serverCpu / NODES;
  const workerPerNode = best.workersCpu / NODES;
  console.log(
    `  CPU per node (1 worker): orchestrator ${f(orchestratorPerNode, 2)} ms (start-up excluded) · ` +
      `nats-server ${f(serverPerNode, 2)} ms · worker ${f(workerPerNode, 2)} ms`,
  );
  const seqPerNode = (natsSeqMs - localSeqMs) / SEQUENTIAL;
  console.log(
    `  ${SEQUENTIAL} sequential nodes     local ${f(localSeqMs)} ms · nats ${f(natsSeqMs)} ms · ` +
      `round trip +${f(seqPerNode, 2)} ms/node`,
  );
  const cluster = (4 * 1000) / (2 * serverPerNode); // 4-core servers, replication counted as 2x the work
  console.log(
    `  projection: one orchestrator (one thread) ≈ ${
      f(1000 / orchestratorPerNode)
    } nodes/s; one server core ≈ ` +
      `${f(1000 / serverPerNode)} nodes/s; 3-node cluster, 3 replicas, 4-core servers ≈ ${
        f(cluster)
      } nodes/s`,
  );
}

if (import.meta.main) {
  // This section alone: `deno run -A bench/distributed.ts`.
  const work = await Deno.makeTempDir({ prefix: "odw-bench-" });
  try {
    const local = await timedOdw(["exec", `${ROOT}bench/fanout.js`, "--quiet", "--concurrency", "16"], work);
    await distributedFigures(work, local.ms);
  } finally {
    await Deno.remove(work, { recursive: true });
  }
}
