/**
 * Nothing a script writes reaches the terminal as a control sequence: `log`, `phase`, error text,
 * labels and `meta.name` with OSC titles and hyperlinks, `\r` line spoofing, CSI, C1 controls and bidi
 * overrides are shown escaped in progress output, `odw exec`'s summary and error lines, `odw runs`
 * and `odw check`; JSON output keeps the exact values.
 *
 * @module
 */
import assert from "node:assert/strict";
import { jsonForTerminal, terminalLine, terminalText } from "../../src/common/terminal_text.ts";
import { withProject } from "../_support/odw.ts";
import { assertNoControls } from "../_support/terminal_controls.ts";

/** Sequences a terminal acts on, one per kind. */
const HOSTILE = {
  oscTitle: "\x1b]0;pwned title\x07",
  oscLink: "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\",
  csi: "\x1b[2J\x1b[31mred",
  c1Csi: "\x9b2J",
  carriageReturn: "harmless\rcompleted · 0 agents",
  backspace: "abc\b\b\bxyz",
  bidi: "\u202eevil\u202c \u2066iso\u2069",
  lineSeparator: "a\u2028b",
  del: "x\x7fy",
};
const ALL = Object.values(HOSTILE).join(" | ");

Deno.test("the sanitiser escapes every terminal control and JSON keeps the exact value", () => {
  for (const [kind, text] of Object.entries(HOSTILE)) {
    assertNoControls(terminalText(text), kind);
    assertNoControls(terminalLine(text).replace(/\n/g, ""), kind);
    assert.ok(!terminalLine(`${text}\nnext`).includes("\n"), `${kind}: terminalLine kept a newline`);
    const json = jsonForTerminal({ text }, undefined, 2);
    assertNoControls(json.replace(/\n/g, ""), `${kind} as JSON`);
    assert.equal(JSON.parse(json).text, text, `${kind}: JSON changed the value`);
  }
  assert.equal(terminalText("ok\nnext\ttab"), "ok\nnext\ttab");
  assert.equal(terminalText("\x1b]0;t\x07"), "\\x1b]0;t\\x07");
});

Deno.test("odw exec, runs and check show script text escaped; --json stays exact", async () => {
  await withProject(async (project) => {
    const name = `evil${HOSTILE.oscTitle}${HOSTILE.carriageReturn}`;
    await project.write(
      "evil.js",
      `export const meta = { name: ${JSON.stringify(name)}, description: ${JSON.stringify(HOSTILE.bidi)} };
const all = ${JSON.stringify(ALL)};
log(all);
phase("phase " + all);
await agent("hi", { label: "label " + all });
console.log("console " + all);
throw new Error("boom " + all);
`,
    );
    const options = { timeoutMs: 60_000 };
    const exec = await project.odw(["exec", "evil.js", "--backend", "mock"], options);
    assert.equal(exec.code, 1, exec.stderr);
    assertNoControls(exec.stderr, "exec stderr");
    assertNoControls(exec.stdout, "exec stdout");
    assert.match(exec.stderr, /boom .*\\x1b\]0;pwned title\\x07/, "the error line shows the escape");
    assert.match(exec.stderr, /phase: phase /);

    const json = await project.odw(["exec", "evil.js", "--backend", "mock", "--json", "--quiet"], options);
    assert.equal(json.json?.name, name, "--json keeps meta.name exactly");
    assert.ok((json.json?.logs as string[]).includes(ALL), "--json keeps the log line exactly");
    assertNoControls(json.stdout.replace(/\n/g, ""), "exec --json stdout");

    const runs = await project.odw(["runs"], options);
    assert.equal(runs.code, 0, runs.stderr);
    assertNoControls(runs.stdout, "odw runs");
    assert.match(runs.stdout, /evil\\x1b\]0;pwned title\\x07harmless\\rcompleted/);
    const runsJson = await project.odw(["runs", "--json"], options);
    assert.equal((JSON.parse(runsJson.stdout) as Array<{ name: string }>)[0].name, name);

    const check = await project.odw(["check", "evil.js"], options);
    assert.equal(check.code, 0, check.stderr);
    assertNoControls(check.stdout, "odw check");
    await project.write(
      "broken.js",
      `export const meta = { name: "b", description: "d" };\nlet x = "${HOSTILE.csi}" +;\n`,
    );
    const refused = await project.odw(["check", "broken.js"], options);
    assert.equal(refused.code, 2);
    assertNoControls(refused.stderr, "odw check refusal");
    assert.match(refused.stderr, /\\x1b\[2J/);
  });
});
