/**
 * The live view in headless Chromium: `odw exec --watch` serves the page on 127.0.0.1, a mock run with
 * delays streams its events, and the page shows a node running, then done; the server stops when the
 * run ends. Every wait has a deadline; the process is killed and the browser closed in `finally`.
 *
 * @module
 */
import assert from "node:assert/strict";
import { odwDenoArgs, withProject, workflowSource } from "../_support/odw.ts";
import { skipUnless } from "../_support/prereq.ts";
import { browserAvailable, waitFor, withPage } from "../_support/browser.ts";

const BODY = `phase("Work");
const out = await parallel([1, 2].map((i) => () => agent(\`step \${i}\`, { label: \`step \${i}\` })));
await agent("last", { label: "last" });
return out.length;`;

/** Reads `stream` until a line matches `pattern` (or the deadline passes); keeps draining after. */
async function waitForLine(
  stream: ReadableStream<Uint8Array>,
  pattern: RegExp,
  timeoutMs: number,
): Promise<{ match: RegExpExecArray; rest: Promise<string> }> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const deadline = setTimeout(() => reader.cancel("deadline"), timeoutMs);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`no line matching ${pattern} before the stream ended:\n${text}`);
      text += value;
      const match = pattern.exec(text);
      if (match) {
        clearTimeout(deadline);
        const rest = (async () => {
          let more = text;
          for (;;) {
            const next = await reader.read().catch(() => ({ done: true, value: undefined }));
            if (next.done) return more;
            more += next.value;
          }
        })();
        return { match, rest };
      }
    }
  } catch (e) {
    clearTimeout(deadline);
    throw e;
  }
}

Deno.test({
  name: "odw exec --watch: the page on 127.0.0.1 shows a node running, then done; the server stops after",
  ignore: skipUnless("chromium + playwright-core", browserAvailable()),
  fn: async () => {
    await withProject(async (project) => {
      await project.write("wf.js", workflowSource(BODY, "live"));
      await project.write("scenario.json", JSON.stringify({ default: { delayMs: 2000 } }));
      // The browser starts first, so the page is up while the first nodes still run.
      await withPage((u) => /^http:\/\/127\.0\.0\.1:\d+\//.test(u), async (page, watch) => {
        const child = new Deno.Command(Deno.execPath(), {
          args: odwDenoArgs(["exec", "wf.js", "--watch", "--mock-scenario", "scenario.json"]),
          cwd: project.dir,
          stdin: "null",
          stdout: "null",
          stderr: "piped",
          env: { NO_COLOR: "1" },
        }).spawn();
        const killTimer = setTimeout(() => child.kill("SIGKILL"), 60_000);
        try {
          const { match, rest } = await waitForLine(
            child.stderr,
            /watch: (http:\/\/127\.0\.0\.1:\d+\/)\n/,
            30_000,
          );
          const url = match[1];
          await page.goto(url);
          await waitFor(page, `document.querySelector(".tl-bar.st-running") !== null`);
          const running = await page.evaluate<string>(
            `document.querySelector(".tl-bar.st-running").closest(".tl-row").dataset.node`,
          );
          await waitFor(
            page,
            `document.querySelector('.tl-row[data-node="${running}"] .tl-bar.st-completed') !== null`,
          );
          await waitFor(page, `document.getElementById("run-status")?.textContent === "completed"`);
          assert.equal(await page.evaluate(`document.querySelectorAll("#graph g.node").length`), 2);
          assert.deepEqual(watch.errors, []);
          assert.deepEqual(watch.blocked, []);
          const status = await child.status;
          assert.equal(status.code, 0);
          assert.match(await rest, /report: .*report\.html/);
          // The server stopped with the run: nothing listens on its port any more.
          await assert.rejects(fetch(url, { signal: AbortSignal.timeout(5_000) }));
        } finally {
          clearTimeout(killTimer);
          try {
            child.kill("SIGKILL");
          } catch { /* already exited */ }
          await child.status;
        }
      });
    });
  },
});
