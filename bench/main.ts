/**
 * `deno task bench`: odw's speed and memory figures, measured in one run on this machine.
 *
 * 1. A 1000-agent fan-out (`parallel` of 1000 thunks, cap 16) on the mock backend, as a whole
 *    `odw exec` process (start-up, static checks, sandbox, scheduler, journal with fsync, result), versus
 *    a baseline that calls the same mock backend 1000 times in-process with the same cap and no
 *    sandbox or journal. Prints wall times, the overhead per agent and the peak RSS of the odw process.
 * 2. 1000 sequential agents (each awaited before the next) as a whole `odw exec` process: the
 *    per-agent latency of the whole path, median of 3; and the CPU per agent (user + sys of odw and
 *    its sandbox, less hello.js's), sequential and fan-out.
 * 3. `odw exec examples/hello.js` cold (a fresh process each time): first run and median of 10; then
 *    the first impression as people get it (bench/launch.ts): hello and `pandacode --help` through
 *    the launchers (their bundles) against the bundle started directly and against the sources.
 * 4. `odw resume` of that finished 1000-agent run, as a whole process (median of 3): wall time, the
 *    executor calls it made (node.started events in its journal), and journal bytes per node.
 * 5. What containment costs: a sandbox process's spawn-to-ready time and one agent's round trip
 *    through the channel alone (see `containment.ts`).
 * 6. The report of that 1000-node run: `writeRunReport` time in this process (first call, which decodes
 *    and hashes the embedded assets, and the median of 5 more), file size, and — when Chromium and
 *    playwright-core are installed — time to first render of the page (the page's own clock from
 *    navigation start to the graph drawn) and to list the 1000 runs of the fan-out's group.
 * 5. The pandacode backend (bench/pandacode_overhead.ts): per-node overhead in-process and as a process
 *    per node against calling the scripted server directly; wall and RSS with 16 nodes in flight.
 * 6. What each runtime sends per node (bench/runtime_tokens.ts): requests, bytes and prompt tokens for a
 *    12-node fan-out + synthesis, side by side with Claude Code's own runtime (needs the pinned CLIs).
 * 7. Distributed (bench/distributed.ts): the same 1000-node fan-out through one local nats-server with
 *    1, 2 and 4 `odw worker` processes; dispatch overhead per node against the local dispatcher; CPU
 *    per node of the orchestrator, the server and the workers; and the projection they give.
 *
 * Targets (2-core machine): fan-out < 500 ms, sequential < 500 ms, overhead < 1 ms/agent, RSS < 200 MB,
 * hello < 300 ms, resume of 1000 finished nodes < 1 s with 0 executor calls, report write < 1 s,
 * file < 8 MB, first render < 3 s.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { MockBackend } from "../src/backends/mock.ts";
import { Scheduler } from "../src/engine/scheduler.ts";
import { writeRunReport } from "../src/report/write.ts";
import { browserAvailable, waitFor, withPage } from "../tests/_support/browser.ts";
import { cachedCli } from "../tests/_support/prereq.ts";
import { pandacodeOverhead } from "./pandacode_overhead.ts";
import { runtimeTokens } from "./runtime_tokens.ts";
import { median } from "./support.ts";
import { channelRoundTrip, sandboxBoot } from "./containment.ts";
import { distributedFigures } from "./distributed.ts";
import { timedOdw } from "./timed_odw.ts";
import { launchFigures } from "./launch.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const AGENTS = 1000;
const CAP = 16;

/** The baseline: the same mock backend called AGENTS times in-process under the same cap. */
async function baseline(): Promise<number> {
  const backend = new MockBackend();
  const scheduler = new Scheduler(CAP);
  const signal = new AbortController().signal;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: AGENTS }, async (_, i) => {
    const release = await scheduler.acquire();
    try {
      const prompt = `task ${i}: summarise item ${i}`;
      await backend.run({ key: `k${i}`, prompt, label: prompt, cwd: ".", attempt: 1 }, signal);
    } finally {
      release();
    }
  }));
  return performance.now() - t0;
}

/** `odw resume` of a finished run: median wall time of 3, executor calls, reuse, journal bytes per node. */
async function benchResume(runId: string, runDir: string, cwd: string) {
  const times: number[] = [];
  const cpu: number[] = [];
  let last: { runDir: string; durationMs: number; resume: { reused: string[] } } | undefined;
  for (let i = 0; i < 3; i++) {
    const run = await timedOdw(["resume", runId, "--quiet", "--json"], cwd);
    times.push(run.ms);
    cpu.push(run.cpuMs);
    last = JSON.parse(run.stdout);
  }
  const journal = await Deno.readTextFile(`${last!.runDir}/journal.jsonl`);
  const executorCalls = journal.split("\n").filter((line) => line.includes('"type":"node.started"')).length;
  const original = await Deno.stat(`${runDir}/journal.jsonl`);
  return {
    ms: median(times),
    cpuMs: median(cpu),
    runMs: last!.durationMs,
    executorCalls,
    reused: last!.resume.reused.length,
    bytesPerNode: original.size / AGENTS,
  };
}

/** Report write time, size and render time of the fan-out run's report. */
async function reportFigures(runDir: string): Promise<void> {
  const out = `${runDir}/bench-report.html`;
  let t0 = performance.now();
  await writeRunReport(runDir, out);
  const first = performance.now() - t0;
  const warm: number[] = [];
  for (let i = 0; i < 5; i++) {
    t0 = performance.now();
    await writeRunReport(runDir, out);
    warm.push(performance.now() - t0);
  }
  const size = (await Deno.stat(out)).size;
  console.log(`report of the ${AGENTS}-node run`);
  console.log(`  write, first in process ${fmt(first)}   (target < 1000 ms)`);
  console.log(`  write, median of 5      ${fmt(median(warm))}`);
  console.log(`  file size               ${(size / 1e6).toFixed(2)} MB   (target < 8 MB)`);
  if (!browserAvailable()) {
    console.log(
      "  render                  skipped: chromium or playwright-core missing (scripts/install-test-deps)",
    );
    return;
  }
  const url = new URL(`file://${out}`).href;
  await withPage((u) => u === url, async (page) => {
    await page.goto(url);
    await waitFor(page, "document.body.dataset.rendered !== undefined", 30_000);
    const rendered = Number(await page.evaluate("document.body.dataset.rendered"));
    t0 = performance.now();
    await page.click("#graph g.node");
    await waitFor(page, `document.querySelectorAll("#panel table.runs tr.clickable").length === ${AGENTS}`);
    const listed = performance.now() - t0;
    console.log(`  first render (Chromium) ${fmt(rendered)}   (target < 3000 ms)`);
    console.log(`  list ${AGENTS} runs of a group ${fmt(listed)}`);
  }, 60_000);
}

const fmt = (ms: number) => `${ms.toFixed(0)} ms`;

const work = await Deno.makeTempDir({ prefix: "odw-bench-" });
try {
  // Warm the module cache once so "cold" means a fresh process, not a first download.
  await timedOdw(["exec", `${ROOT}examples/hello.js`, "--quiet"], work);

  const base = await baseline();
  const fan = await timedOdw(
    ["exec", `${ROOT}bench/fanout.js`, "--quiet", "--json", "--concurrency", String(CAP)],
    work,
  );
  const result = JSON.parse(fan.stdout);
  if (result.status !== "completed" || result.result?.done !== AGENTS) {
    throw new Error("fan-out did not complete");
  }
  const overheadPerAgent = (fan.ms - base) / AGENTS;

  const sequential: number[] = [];
  const sequentialCpu: number[] = [];
  for (let i = 0; i < 3; i++) {
    const run = await timedOdw(["exec", `${ROOT}bench/sequential.js`, "--quiet", "--json"], work);
    if (JSON.parse(run.stdout).result?.done !== AGENTS) throw new Error("sequential run did not complete");
    sequential.push(run.ms);
    sequentialCpu.push(run.cpuMs);
  }

  const hello: number[] = [];
  const helloCpus: number[] = [];
  for (let i = 0; i < 10; i++) {
    const run = await timedOdw(["exec", `${ROOT}examples/hello.js`, "--quiet"], work);
    hello.push(run.ms);
    helloCpus.push(run.cpuMs);
  }
  const helloCpu = median(helloCpus);
  const boots = await sandboxBoot(5);
  const roundTrip = await channelRoundTrip(AGENTS);

  const resume = await benchResume(result.runId, result.runDir, work);

  const load = (await Deno.readTextFile("/proc/loadavg").catch(() => "? ")).split(" ")[0];
  console.log(
    `odw benchmark (${navigator.hardwareConcurrency} cpus, load ${load}, Deno ${Deno.version.deno})`,
  );
  console.log(`fan-out ${AGENTS} agents, cap ${CAP}, mock backend`);
  console.log(`  whole odw process      ${fmt(fan.ms)}   (target < 500 ms)`);
  console.log(`  in-process baseline    ${fmt(base)}`);
  console.log(`  overhead               ${overheadPerAgent.toFixed(3)} ms/agent   (target < 1 ms/agent)`);
  console.log(`  ratio whole/baseline   ${(fan.ms / base).toFixed(1)}x`);
  console.log(`  peak RSS               ${fan.rssMb.toFixed(0)} MB   (target < 200 MB)`);
  console.log(`${AGENTS} sequential agents, mock backend`);
  console.log(`  whole odw process      ${fmt(median(sequential))} median of 3   (target < 500 ms)`);
  // CPU of the whole tree (odw and its sandbox), less what hello.js costs: the per-agent work alone,
  // a figure a loaded machine blurs less than wall time.
  console.log(
    `  CPU per agent          ${((median(sequentialCpu) - helloCpu) / AGENTS).toFixed(3)} ms ` +
      `(user + sys of odw and its sandbox, less hello.js's; fan-out: ` +
      `${((fan.cpuMs - helloCpu) / AGENTS).toFixed(3)} ms)`,
  );
  console.log(`odw exec examples/hello.js, fresh process`);
  console.log(`  first                  ${fmt(hello[0])}`);
  console.log(`  median of 10           ${fmt(median(hello))}   (target < 300 ms)`);
  await launchFigures(work);
  console.log(`odw resume of the finished ${AGENTS}-agent run, fresh process`);
  console.log(
    `  median of 3            ${fmt(resume.ms)}   (target < 1000 ms; the run itself ${fmt(resume.runMs)})`,
  );
  console.log(`  CPU (user + sys)       ${fmt(resume.cpuMs)}   (hello.js: ${fmt(helloCpu)})`);
  console.log(`  executor calls         ${resume.executorCalls}   (target 0; ${resume.reused} reused)`);
  console.log(`  journal per node       ${resume.bytesPerNode.toFixed(0)} bytes (original run)`);
  console.log(`containment (a sandbox process per run)`);
  console.log(`  spawn to ready         ${fmt(median(boots))} median of 5 (overlaps odw's own start)`);
  console.log(`  channel round trip     ${roundTrip.toFixed(3)} ms/agent`);
  await reportFigures(String(result.runDir));
  await pandacodeOverhead();
  if (cachedCli("claude") && cachedCli("codex")) await runtimeTokens();
  else console.log("runtime traffic: skipped, the pinned CLIs are missing (scripts/install-test-deps)");
  await distributedFigures(work, fan.ms);
} finally {
  await Deno.remove(work, { recursive: true });
}
