/**
 * `deno task screenshot`: regenerates `docs/report.png`, the README's picture of a report — the example
 * `examples/review-changes.js` run on the mock backend with a scenario that gives its reviews several
 * findings, varied durations, costs and one failure, opened in headless Chromium with one node selected.
 *
 * @module
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { odwDenoArgs, REPO, runProcess } from "../_support/odw.ts";
import { browserAvailable, waitFor, withPage } from "../_support/browser.ts";

const finding = (title: string, file: string, severity: string) => ({ title, file, severity });
const SCENARIO = {
  rules: [
    {
      label: "review bugs",
      output: {
        findings: [
          finding("off-by-one in pager", "src/pager.ts", "high"),
          finding("null id", "src/db.ts", "low"),
        ],
      },
      delayMs: 900,
      costUsd: 0.031,
    },
    {
      label: "review perf",
      output: { findings: [finding("N+1 query in list()", "src/api.ts", "high")] },
      delayMs: 1400,
      costUsd: 0.027,
    },
    {
      label: "review security",
      output: {
        findings: [
          finding("token logged", "src/auth.ts", "high"),
          finding("open redirect", "src/http.ts", "high"),
          finding("weak hash", "src/crypto.ts", "low"),
        ],
      },
      delayMs: 600,
      costUsd: 0.044,
    },
    {
      label: "verify security: weak hash",
      fail: "provider returned 503 three times",
      errorKind: "server_error",
    },
    {
      prompt: "^Adversarially",
      output: { isReal: true, reason: "reproduced with a failing test" },
      delayMs: 700,
    },
    {
      label: "summary",
      reply: "## Review\n\n- **high**: off-by-one in `pager.ts`\n- **high**: token logged in `auth.ts`\n\n" +
        "Two findings need a fix before merging.",
      delayMs: 500,
      costUsd: 0.012,
    },
  ],
};

if (!browserAvailable()) {
  console.error("chromium or playwright-core missing: run scripts/install-test-deps");
  Deno.exit(1);
}
const dir = await Deno.makeTempDir({ prefix: "odw-screenshot-" });
try {
  await Deno.writeTextFile(join(dir, "scenario.json"), JSON.stringify(SCENARIO));
  const run = await runProcess(
    Deno.execPath(),
    odwDenoArgs([
      "exec",
      join(REPO, "examples/review-changes.js"),
      "--mock-scenario",
      "scenario.json",
      "--retries",
      "0",
      "--json",
      "--quiet",
    ]),
    dir,
  );
  if (run.code !== 0) throw new Error(run.stderr);
  const report = String(JSON.parse(run.stdout).report);
  const url = pathToFileURL(report).href;
  const out = join(REPO, "docs", "report.png");
  await withPage((u) => u === url, async (page) => {
    await page.goto(url);
    await waitFor(page, "document.body.dataset.rendered !== undefined");
    await page.click(`#graph g.node >> text=summary`);
    await page.click("#panel table.runs tr.clickable");
    await page.evaluate("window.scrollTo(0, 0)");
    await page.screenshot({ path: out });
  });
  console.log(out);
} finally {
  await Deno.remove(dir, { recursive: true });
}
