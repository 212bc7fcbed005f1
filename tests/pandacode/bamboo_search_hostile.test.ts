/**
 * A model's `search` pattern and `include` glob are hostile input: they run in a linear-time engine,
 * so a catastrophic pattern (`(a+)+$` against a long line of `a`s, a glob like `*a*a*a*…b`) answers at
 * once instead of freezing the thread — in-process, odw's own. The searches run in a child process
 * under a deadline: a regression fails the test instead of hanging the suite. Lookaround and
 * backreferences are refused with one clear tool error. RE2's time grows with the pattern's program
 * too, so a costly program is refused, a long line is matched in its first characters, and a long
 * search yields to the event loop and stops at its time budget.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SEARCH_LINE_CHARS, SEARCH_MAX_PROGRAM, searchTool } from "../../pandacode/bamboo/explore_tools.ts";
import { Workspace } from "../../pandacode/bamboo/jail.ts";
import { runBounded } from "../_support/processes.ts";
import { tempWorkspace } from "./bamboo_helpers.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** A pattern just under the program-size cap that RE2's DFA gives up on for varied text. */
const COSTLY_BUT_ALLOWED = "a[ab]{490}c";

/** `count` lines of `chars` pseudo-random `a`/`b` (varied text keeps RE2 off its DFA). */
function variedLines(count: number, chars: number): string {
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  return Array.from(
    { length: count },
    () => Array.from({ length: chars }, () => (next() < 0.5 ? "a" : "b")).join(""),
  )
    .join("\n") + "\n";
}

/** Runs hostile searches in a child Deno under a 60 s deadline; returns what each answered. */
async function searchInChild(ws: string, calls: Array<Record<string, unknown>>): Promise<string[]> {
  const script = `
    import { searchTool } from ${JSON.stringify(join(ROOT, "pandacode/bamboo/explore_tools.ts"))};
    import { Workspace } from ${JSON.stringify(join(ROOT, "pandacode/bamboo/jail.ts"))};
    const search = searchTool(await Workspace.open(${JSON.stringify(ws)}));
    const out = [];
    for (const call of ${JSON.stringify(calls)}) {
      const t0 = performance.now();
      const text = await search.execute(call, { toolCallId: "s", messages: [], context: {} });
      out.push({ text, ms: performance.now() - t0 });
    }
    console.log(JSON.stringify(out));`;
  const run = await runBounded(Deno.execPath(), {
    args: ["eval", "--config", join(ROOT, "deno.json"), script],
    cwd: ROOT,
    deadlineMs: 60_000,
    what: "hostile searches",
  });
  assert.equal(run.code, 0, run.stderr);
  return (JSON.parse(run.stdout) as Array<{ text: string; ms: number }>).map((r) => r.text);
}

Deno.test("bamboo search: catastrophic patterns and globs answer at once (linear-time engine)", async () => {
  await using tmp = await tempWorkspace();
  // Within the characters of a line the search matches (SEARCH_LINE_CHARS).
  await Deno.writeTextFile(join(tmp.ws, "long.txt"), "a".repeat(9_000) + "!\nneedle\n");
  const dir = "a".repeat(60);
  await Deno.mkdir(join(tmp.ws, dir));
  await Deno.writeTextFile(join(tmp.ws, dir, "x.txt"), "needle\n");
  const [nested, overlap, glob, folded] = await searchInChild(tmp.ws, [
    { pattern: "^(a+)+$" },
    { pattern: "(a|aa)*b" },
    { pattern: "needle", include: "**/" + "*a".repeat(25) + "*b" },
    { pattern: "NEEDLE", ignoreCase: true },
  ]);
  assert.match(nested, /^no matches for \/\^\(a\+\)\+\$\//);
  assert.match(overlap, /^no matches/);
  assert.match(glob, /^no matches/);
  assert.match(folded, /long\.txt:2: needle/);
});

Deno.test("bamboo search: lookaround and backreferences are one clear tool error", async () => {
  await using tmp = await tempWorkspace();
  await Deno.writeTextFile(join(tmp.ws, "a.txt"), "abab\n");
  const search = searchTool(await Workspace.open(tmp.ws));
  for (const pattern of ["(?=a)b", "(a)\\1"]) {
    await assert.rejects(
      Promise.resolve(search.execute!({ pattern }, { toolCallId: "s", messages: [], context: {} })),
      (e: Error) => {
        assert.match(
          e.message,
          /^invalid regular expression: pattern .* is not supported by the linear-time/,
        );
        assert.ok(!e.message.includes("\n"));
        return true;
      },
    );
  }
  const found = await search.execute!({ pattern: "(ab)+" }, { toolCallId: "s", messages: [], context: {} });
  assert.match(String(found), /a\.txt:1: abab/);
});

Deno.test("bamboo search: a pattern whose RE2 program is too costly is refused in one line", async () => {
  await using tmp = await tempWorkspace({ "a.txt": "ab\n" });
  const search = searchTool(await Workspace.open(tmp.ws));
  // About 200 characters, 20 000 instructions: it took 37 s over one 200 KB file before this bound.
  const costly = "[ab]{1000}".repeat(20) + "x";
  // The second is past RE2's DFA: 117 ms per 10 000-character line, case-insensitive.
  for (const pattern of [costly, "[ab]{800}[ab]{800}c"]) {
    await assert.rejects(
      Promise.resolve(
        search.execute!({ pattern, ignoreCase: true }, { toolCallId: "s", messages: [], context: {} }),
      ),
      (e: Error) => {
        assert.match(e.message, new RegExp(`too costly to run: .* \\(at most ${SEARCH_MAX_PROGRAM}\\)$`));
        assert.ok(!e.message.includes("\n"));
        return true;
      },
    );
  }
});

Deno.test("bamboo search: a long search yields to the event loop; a long line is matched in its first characters", async () => {
  await using tmp = await tempWorkspace({});
  // One file of 10 lines of 9 000 varied characters, and a pattern of about 500 instructions that RE2
  // cannot match with its DFA there: some 60 ms a line, which must not hold the thread.
  await Deno.writeTextFile(join(tmp.ws, "big.txt"), variedLines(10, 9_000));
  await Deno.writeTextFile(
    join(tmp.ws, "minified.js"),
    "x".repeat(SEARCH_LINE_CHARS - 20) + "early-needle" + "y".repeat(50_000) + "late-needle\n",
  );
  const search = searchTool(await Workspace.open(tmp.ws));
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  const started = performance.now();
  let found: unknown;
  try {
    found = await search.execute!({ pattern: COSTLY_BUT_ALLOWED, ignoreCase: true }, {
      toolCallId: "s",
      messages: [],
      context: {},
    });
  } finally {
    clearInterval(timer);
  }
  const ms = performance.now() - started;
  assert.match(String(found), /^no matches|stopped after/);
  assert.ok(ms > 200, `the search took ${ms.toFixed(0)} ms: too short to show anything`);
  // Held for the whole search, the timer would not fire at all; yielding between slices, it fires
  // about once a line (how often exactly depends on the machine's load).
  assert.ok(ticks >= 5, `${ticks} timer ticks in ${ms.toFixed(0)} ms: the thread was held`);
  const early = await search.execute!({ pattern: "early-needle" }, {
    toolCallId: "s",
    messages: [],
    context: {},
  });
  assert.match(String(early), /minified\.js:1:/);
  const late = await search.execute!({ pattern: "late-needle" }, {
    toolCallId: "s",
    messages: [],
    context: {},
  });
  assert.match(String(late), /^no matches/);
});

Deno.test("bamboo search: an aborted search stops at its next slice with the abort's reason", async () => {
  await using tmp = await tempWorkspace({});
  await Deno.writeTextFile(join(tmp.ws, "big.txt"), variedLines(10, 9_000));
  const search = searchTool(await Workspace.open(tmp.ws));
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error("cancelled by the test")), 30);
  await assert.rejects(
    Promise.resolve(search.execute!({ pattern: COSTLY_BUT_ALLOWED, ignoreCase: true }, {
      toolCallId: "s",
      messages: [],
      context: {},
      abortSignal: controller.signal,
    })),
    /cancelled by the test/,
  );
});
