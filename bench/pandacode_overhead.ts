/**
 * What running nodes through the pandacode backend costs, for bamboo against the scripted
 * OpenAI-compatible server (tests/fixtures/openai_chat_server.ts), on this machine:
 *
 * 1. Per node, one at a time: a text node through the backend in-process and in process mode (a
 *    `pandacode run` process per node), against calling the scripted server directly with `fetch`.
 *    The difference is the backend's overhead per node.
 * 2. 16 nodes in flight: a whole `odw exec` of a 16-agent fan-out (`--concurrency 16`, each reply held
 *    back 1.5 s so all 16 overlap), in-process versus process mode: wall time and the peak resident
 *    memory of odw's whole process tree (odw plus every pandacode and its children, summed).
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PandacodeBackend } from "../src/backends/pandacode.ts";
import { bundledPandacodeCommand } from "../src/backends/pandacode_process.ts";
import type { NodeRequest } from "../src/backends/backend.ts";
import { reply, startChatServer } from "../tests/fixtures/openai_chat_server.ts";
import { bambooTestEnv, writePandacodeLauncher } from "../tests/backends/pandacode_world.ts";
import { fmtMs, mean, sampledRun } from "./support.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SEQUENTIAL_NODES = 12;
const IN_FLIGHT = 16;
const HOLD_MS = 1500;

/** Figures of this benchmark. */
export interface OverheadFigures {
  directMs: number;
  inProcessMs: number;
  processMs: number;
  fanout: {
    inProcess: { ms: number; rssMb: number; processes: number };
    process: { ms: number; rssMb: number; processes: number };
  };
}

function baseEnv(baseUrl: string): Record<string, string> {
  const home = Deno.env.get("HOME") ?? "/tmp";
  return {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: home,
    NO_COLOR: "1",
    ...bambooTestEnv(baseUrl),
  };
}

async function perNode(
  dir: string,
): Promise<Pick<OverheadFigures, "directMs" | "inProcessMs" | "processMs">> {
  await using server = startChatServer(() => reply.text("ok", { prompt_tokens: 20, completion_tokens: 2 }));
  const env = baseEnv(server.baseUrl);
  const signal = new AbortController().signal;
  const request = (i: number): NodeRequest => ({
    key: `k${i}`,
    prompt: `say ok ${i}`,
    label: `n${i}`,
    runtime: "bamboo",
    cwd: dir,
    attempt: 1,
  });
  const time = async (fn: (i: number) => Promise<unknown>) => {
    await fn(-1); // warm: module loading, first connection
    const ms: number[] = [];
    for (let i = 0; i < SEQUENTIAL_NODES; i++) {
      const t0 = performance.now();
      await fn(i);
      ms.push(performance.now() - t0);
    }
    return mean(ms);
  };
  const directMs = await time(async (i) => {
    const res = await fetch(`${server.baseUrl}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer test-deepseek-key" },
      body: JSON.stringify({ model: "deepseek-flash", messages: [{ role: "user", content: `say ok ${i}` }] }),
    });
    await res.json();
  });
  const expectOk = (got: { status: string; error?: { message: string } }) => {
    if (got.status !== "completed") throw new Error(`bench node failed: ${got.error?.message}`);
  };
  const inProcess = new PandacodeBackend({ kind: "in-process" }, () => env);
  const inProcessMs = await time(async (i) => expectOk(await inProcess.run(request(i), signal)));
  const proc = new PandacodeBackend({ kind: "process", command: bundledPandacodeCommand() }, () => env);
  const processMs = await time(async (i) => expectOk(await proc.run(request(i), signal)));
  return { directMs, inProcessMs, processMs };
}

async function fanout(dir: string, mode: "in-process" | "process") {
  await using server = startChatServer(() => ({
    kind: "message",
    text: "ok",
    usage: { prompt_tokens: 20, completion_tokens: 2 },
    delayMs: HOLD_MS,
  }));
  const script = join(dir, "fanout16.js");
  await Deno.writeTextFile(
    script,
    `export const meta = { name: "fanout16", description: "16 bamboo nodes at once" };
const r = await parallel(Array.from({ length: ${IN_FLIGHT} }, (_, i) => () => agent("say ok " + i)));
return r.filter((x) => x === "ok").length;`,
  );
  const extra: string[] = [];
  if (mode === "process") extra.push("--pandacode", await writePandacodeLauncher(dir));
  const args = [
    "run",
    "-A",
    "--quiet",
    "--no-prompt",
    "--config",
    join(ROOT, "deno.json"),
    join(ROOT, "src/cli/main.ts"),
    "exec",
    script,
    "--runtime",
    "bamboo",
    "--concurrency",
    String(IN_FLIGHT),
    "--json",
    "--quiet",
    ...extra,
  ];
  const run = await sampledRun(Deno.execPath(), args, dir, baseEnv(server.baseUrl));
  const out = JSON.parse(run.stdout || "{}");
  if (run.code !== 0 || out.result !== IN_FLIGHT) {
    throw new Error(`fan-out (${mode}) did not complete: ${run.stderr}\n${run.stdout.slice(0, 500)}`);
  }
  return { ms: run.ms, rssMb: run.peakTreeRssMb, processes: run.peakProcesses };
}

/** Runs both measurements and prints them; returns the figures. */
export async function pandacodeOverhead(): Promise<OverheadFigures> {
  const dir = await Deno.makeTempDir({ prefix: "odw-bench-pandacode-" });
  try {
    const seq = await perNode(dir);
    const inProcess = await fanout(dir, "in-process");
    const process = await fanout(dir, "process");
    const figures = { ...seq, fanout: { inProcess, process } };
    const over = (ms: number) => fmtMs(ms - seq.directMs);
    console.log(`pandacode backend, bamboo on the scripted server (${SEQUENTIAL_NODES} nodes one at a time)`);
    console.log(`  direct fetch to the server   ${fmtMs(seq.directMs)} per call`);
    console.log(
      `  in-process                   ${fmtMs(seq.inProcessMs)} per node   (overhead ${
        over(seq.inProcessMs)
      })`,
    );
    console.log(
      `  process (pandacode run)      ${fmtMs(seq.processMs)} per node   (overhead ${over(seq.processMs)})`,
    );
    console.log(`${IN_FLIGHT} nodes in flight (each reply held ${HOLD_MS} ms), whole odw exec`);
    for (const [name, f] of [["in-process", inProcess], ["process", process]] as const) {
      console.log(
        `  ${name.padEnd(11)} wall ${fmtMs(f.ms).padStart(8)}   peak tree RSS ${
          f.rssMb.toFixed(0).padStart(5)
        } MB` +
          `   processes ${f.processes}`,
      );
    }
    return figures;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) await pandacodeOverhead();
