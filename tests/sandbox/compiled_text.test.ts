/**
 * The static checks see exactly what the sandbox compiles. A script is parsed as a module but its body
 * runs as an async function body, where Annex B's HTML-like comments (`<!--`, a line-leading `-->`)
 * exist: text the module parse reads as a template, a string or a block comment must not become code
 * that skips the determinism refusal and the `import()` rewrite. Every such script is refused, for the
 * main script (`odw check`, `odw exec`) and for child workflows (by name and by `scriptPath`); legal
 * look-alikes keep working and run as the checks read them.
 *
 * @module
 */
import assert from "node:assert/strict";
import { analyzeScript } from "../../src/script/analyze.ts";
import { BODY_PREFIX, compiledFunctionText } from "../../src/script/compiled_body.ts";
import { runScript, withMeta } from "../_support/run_script.ts";
import { withProject, workflowSource } from "../_support/odw.ts";
import { withinDeadline } from "./deadline.ts";

/** Hidden code that would read a wall clock and load a node builtin in the worker. */
const PAYLOAD = `const { performance } = await import("node:perf_hooks");
return { clock: performance.now(), vm: typeof (await import("node:vm")).runInThisContext };`;

/** Ways to hide `PAYLOAD` from the module parse while the function-body compile runs it. */
const HIDERS: Record<string, string> = {
  "`<!--` hides a template's opening backtick": `let a = 0, b = 0;\nlet q = a <!--b; \`\n${PAYLOAD}\n// \`;`,
  "`<!--` hides a string's line continuation": `let a = 0, b = 0;\nlet s = a <!--b + '\\\n${
    PAYLOAD.replaceAll("\n", " ")
  } //';`,
  "`<!--` hides a block comment's opening": `let a = 0, b = 0;\nlet c = a <!--b /*\n${PAYLOAD}\n//*/`,
  "`<!--` after a U+2028 line": `let a = 0, b = 0;\u2028let q = a <!--b; \`\n${PAYLOAD}\n// \`;`,
  "`<!--` in a CRLF file": `let a = 0, b = 0;\r\nlet q = a <!--b; \`\r\n${PAYLOAD}\r\n// \`;`,
  "clock read only (determinism)": `let a = 0, b = 0;\nlet q = a <!--b; \`\nreturn Date.now();\n// \`;`,
};

const REFUSAL = /^SyntaxError: line \d+ reads differently when compiled as the workflow's function body/;

Deno.test("a script whose function-body compile reads other code than its module parse is refused", () => {
  for (const [what, body] of Object.entries(HIDERS)) {
    const analysis = analyzeScript(withMeta(body));
    assert.equal(analysis.ok, false, `${what}: accepted`);
    assert.match(analysis.ok ? "" : analysis.error, REFUSAL, what);
    // Children skip the determinism check, never this one.
    const child = analyzeScript(withMeta(body), { determinism: false });
    assert.match(child.ok ? "accepted" : child.error, REFUSAL, `${what} (as a child)`);
  }
});

Deno.test("odw check and odw exec refuse the hidden-import script before anything runs", async () => {
  await withProject(async (project) => {
    const script = await project.write("evil.js", workflowSource(Object.values(HIDERS)[0], "evil"));
    for (const command of [["check", script], ["exec", script, "--backend", "mock"]]) {
      const run = await project.odw(command, { timeoutMs: 30_000 });
      assert.equal(run.code, 2, `${command[0]}: ${run.stdout}${run.stderr}`);
      assert.match(run.stderr, /reads differently when compiled as the workflow's function body/, command[0]);
      assert.doesNotMatch(run.stdout, /clock/, command[0]);
    }
  });
});

Deno.test("a child workflow hiding code from the checks is refused, by name and by scriptPath", async () => {
  const evil = workflowSource(Object.values(HIDERS)[0], "evil");
  const { outcome } = await withinDeadline(
    runScript(
      withMeta(`
      const attempt = async (ref) => { try { return { value: await workflow(ref) }; } catch (e) { return { error: e.message }; } };
      return {
        byName: await attempt("evil"),
        byPath: await attempt({ scriptPath: ".odw/workflows/evil.js" }),
        outsideWorkflowDirs: await attempt({ scriptPath: "lib/evil.js" }),
      };`),
      { files: { ".odw/workflows/evil.js": evil, "lib/evil.js": evil }, timeoutMs: 20_000 },
    ),
    30_000,
    "the parent run",
  );
  assert.equal(outcome.status, "completed", JSON.stringify(outcome));
  const result = outcome.result as Record<string, { value?: unknown; error?: string }>;
  for (const key of ["byName", "byPath"]) {
    assert.equal(result[key].value, undefined, `${key}: the hidden code ran: ${JSON.stringify(result[key])}`);
    assert.match(
      result[key].error ?? "",
      /reads differently when compiled as the workflow's function body/,
      key,
    );
  }
});

Deno.test("look-alikes that read the same both ways still run, and run as the checks read them", async () => {
  const source = "#!/usr/bin/env odw\n" + withMeta([
    "let y = 3;",
    "const s = '<!-- in a string -->', t = `<!-- in a template\n--> still text`;",
    "const r = /<!--/.test('<!--');",
    "/* a block\n--> inside a comment */ // <!-- in a line comment",
    "const z = y-->1; // y-- > 1, mid-line",
    "const ls = 'a\u2028b';",
    "return { s, t, r, z, y, ls: ls.length }; // no newline after this comment",
  ].join("\n"));
  const { outcome } = await withinDeadline(runScript(source, { timeoutMs: 20_000 }), 30_000, "the run");
  assert.equal(outcome.status, "completed", JSON.stringify(outcome));
  assert.deepEqual(outcome.result, {
    s: "<!-- in a string -->",
    t: "<!-- in a template\n--> still text",
    r: true,
    z: true,
    y: 2,
    ls: 3,
  });
});

Deno.test("the checked wrapper is the text V8 compiles for the runtime's AsyncFunction", () => {
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...a: string[]) => object;
  const params = ["agent", "parallel", "log", "__odwImport"];
  const body = "{      const meta = {};\nreturn 1; // trailing\n}";
  assert.equal(
    new AsyncFunction(...params, BODY_PREFIX + body).toString(),
    compiledFunctionText(body, params),
  );
});
