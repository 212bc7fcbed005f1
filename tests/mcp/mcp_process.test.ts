/**
 * `odw mcp` as a bare process, without the SDK's client: stdout carries nothing but JSON-RPC frames
 * (while a workflow logs and a script writes to the console); closing stdin with a run still going
 * cancels that run (journaled to its end) and the server exits 0; `--help` and bad flags; and the
 * server loads only with its command (no other module imports the SDK or `src/mcp/` statically).
 *
 * @module
 */
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { readRun } from "../../src/records/read.ts";
import { ODW_LAUNCHER, REPO } from "../_support/odw.ts";
import { runBounded, spawnBounded } from "../_support/processes.ts";
import { DEADLINES, waitUntil } from "../_support/deadline.ts";

const frame = (id: number | null, method: string, params: unknown) =>
  JSON.stringify(id === null ? { jsonrpc: "2.0", method, params } : { jsonrpc: "2.0", id, method, params });

const INIT = [
  frame(1, "initialize", {
    protocolVersion: "2025-06-18",
    capabilities: {},
    clientInfo: { name: "raw", version: "1" },
  }),
  frame(null, "notifications/initialized", {}),
];

Deno.test("odw mcp: stdout is only protocol frames; closing stdin cancels a running run and exits 0", async () => {
  const dir = await Deno.makeTempDir({ prefix: "odw-mcp-raw-" });
  try {
    const noisy = `export const meta = { name: "noisy", description: "logs, then hangs" };
      console.log("to the run log, not stdout"); log("a log line");
      await agent("fast", { label: "fast" });
      return await agent("slow", { label: "slow" });`;
    const stdin = new TransformStream<Uint8Array, Uint8Array>();
    const writer = stdin.writable.getWriter();
    const send = (...frames: string[]) =>
      writer.write(new TextEncoder().encode(frames.map((f) => f + "\n").join("")));
    const child = spawnBounded(ODW_LAUNCHER, {
      args: ["mcp"],
      cwd: dir,
      stdin: stdin.readable,
      what: "odw mcp",
    });
    try {
      await send(
        ...INIT,
        frame(2, "tools/call", {
          name: "run_workflow",
          arguments: { script: noisy, scenario: { rules: [{ label: "slow", hang: true }] }, waitSeconds: 0 },
        }),
        frame(3, "tools/list", {}),
      );
      // Close stdin only once the slow node runs (seen in the journal): the server must cancel it.
      const runs = join(dir, ".odw", "runs");
      await waitUntil(
        async () => {
          const [run] = await Array.fromAsync(Deno.readDir(runs)).catch(() => []);
          const journal = run &&
            await Deno.readTextFile(join(runs, run.name, "journal.jsonl")).catch(() => "");
          return Boolean(journal && journal.includes('"label":"slow"') && journal.includes('"node.started"'));
        },
        DEADLINES.executor,
        "the slow node to start",
      );
    } finally {
      await writer.close();
    }
    const out = await child.output();
    assert.equal(out.code, 0, out.stderr);
    const lines = out.stdout.split("\n").filter((line) => line !== "");
    for (const line of lines) assert.equal(JSON.parse(line).jsonrpc, "2.0", line);
    const answers = lines.map((line) => JSON.parse(line));
    assert.deepEqual(answers.map((a) => a.id).sort(), [1, 2, 3]);
    const started = JSON.parse(answers.find((a) => a.id === 2).result.content[0].text);
    assert.equal(started.status, "running");
    assert.match(out.stderr, /^odw mcp: serving /m);
    assert.doesNotMatch(out.stderr, /\n\s+at /);
    // The run was cancelled at shutdown and journaled to its end; the fast node's answer is kept.
    const record = await readRun(join(dir, ".odw", "runs", started.runId));
    assert.equal(record.finished?.status, "cancelled");
    const nodes = record.events.filter((e) => e.type === "node.finished");
    assert.deepEqual(nodes.map((e) => [e.label, e.status]), [["fast", "completed"], ["slow", "cancelled"]]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("odw mcp: --help, and a bad flag is one line with exit 2", async () => {
  const help = await runBounded(ODW_LAUNCHER, { args: ["mcp", "--help"], what: "odw mcp --help" });
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: odw mcp \[--project <dir>\] \[--run-dir <dir>\]/);
  for (const flag of ["--project", "--run-dir", "--help"]) assert.ok(help.stdout.includes(flag), flag);
  for (const tool of ["run_workflow", "get_run", "get_report", "cancel_run", "list_runs", "list_workflows"]) {
    assert.ok(help.stdout.includes(tool), tool);
  }
  const bad = await runBounded(ODW_LAUNCHER, { args: ["mcp", "--nope"], what: "odw mcp --nope" });
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr.trim(), "odw: unknown option --nope (try odw mcp --help)");
  const noDir = await runBounded(ODW_LAUNCHER, {
    args: ["mcp", "--project", "/no/such/dir"],
    what: "odw mcp",
  });
  assert.equal(noDir.code, 2);
  assert.equal(noDir.stderr.trim(), "odw: --project /no/such/dir: not a directory");
  assert.equal(noDir.stdout, "");
});

/** Static imports (not `import type`, not dynamic) of every source file, as written. */
async function staticImports(): Promise<[string, string][]> {
  const found: [string, string][] = [];
  for (const dir of ["src", "pandacode"]) {
    for await (const file of walk(join(REPO, dir))) {
      const text = await Deno.readTextFile(file);
      for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s+(?!type\b)[^;]*?from\s+"([^"]+)"/g)) {
        found.push([relative(REPO, file), m[1]]);
      }
    }
  }
  return found;
}

async function* walk(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* walk(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

Deno.test("odw mcp loads lazily: only src/mcp/ imports the SDK, and nothing imports src/mcp/ statically", async () => {
  const imports = await staticImports();
  const sdk = imports.filter(([, spec]) => spec.startsWith("@modelcontextprotocol/"));
  assert.ok(sdk.length > 0);
  assert.deepEqual(sdk.filter(([file]) => !file.startsWith("src/mcp/")), []);
  const intoMcp = imports.filter(([file, spec]) =>
    !file.startsWith("src/mcp/") && /(^|\/)mcp(\/|\.ts$)/.test(spec)
  );
  assert.deepEqual(intoMcp, []);
});
