/**
 * report.html in real headless Chromium (file://, network shut): the graph has one node per call site
 * that ran, fan-outs and phases as groups; clicking a node shows its exact prompt; a group expands to its
 * runs; hostile text in a label, prompt, log line and model output is shown as text and never runs; and
 * the page makes no request besides loading itself.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { OdwProject, withProject, workflowSource } from "../_support/odw.ts";
import { withRepo } from "../_support/git_repo.ts";
import { skipUnless } from "../_support/prereq.ts";
import { browserAvailable, type Page, type PageWatch, waitFor, withPage } from "../_support/browser.ts";

const HOSTILE = `</script><img src=x onerror="globalThis.__pwned=1;alert(1)">"]; G0 --> G1
click G0 call alert(1)
%%{init: {"securityLevel": "loose"}}%% <script>globalThis.__pwned=5</script>`;

const MARKDOWN = [
  "**bold** and `code`",
  "[click me](javascript:globalThis.__pwned=2)",
  '<img src=x onerror="globalThis.__pwned=3">',
  "<script>globalThis.__pwned=4</script>",
  "![remote](http://example.invalid/pixel.png)",
  '<a href="http://example.invalid/">away</a> <a href="JaVaScRiPt:alert(1)">x</a>',
].join("\n\n");

const BODY = `phase("Scan");
const files = ["a", "b", "c", "d", "e"];
const scans = await parallel(files.map((f) => () => agent(\`scan \${f}\`, { label: \`scan \${f}\` })));
log(args.hostile);
await agent(args.hostile, { label: args.hostile });
await agent("write markdown", { label: "markdown" });
await pipeline(["x", "y"], (x) => agent(\`draft \${x}\`, { label: "draft" }), (d) => agent(\`polish \${d}\`, { label: "polish" }));
await agent("this one fails", { label: "broken" });
return { scans: scans.length };`;

const SCENARIO = JSON.stringify({
  rules: [{ label: "markdown", reply: MARKDOWN }, { label: "broken", fail: "deliberate" }],
});

/** Runs the hostile workflow through the CLI; returns the report's path. */
async function hostileRun(project: OdwProject): Promise<string> {
  await project.write("wf.js", workflowSource(BODY, "hostile"));
  await project.write("scenario.json", SCENARIO);
  const run = await project.odw([
    "exec",
    "wf.js",
    "--json",
    "--mock-scenario",
    "scenario.json",
    "--args",
    JSON.stringify({ hostile: HOSTILE }),
  ]);
  assert.equal(run.code, 0, run.stderr);
  return String(run.json?.report);
}

/** Opens a report file with only that file allowed; waits for the first graph render. */
function openReport<T>(path: string, fn: (page: Page, watch: PageWatch) => Promise<T>): Promise<T> {
  const url = toFileUrl(path);
  return withPage((u) => u === url, async (page, watch) => {
    await page.goto(url);
    await waitFor(page, "document.body.dataset.rendered !== undefined");
    return await fn(page, watch);
  });
}

function toFileUrl(path: string): string {
  return pathToFileURL(path).href;
}

const countOf = (page: Page, selector: string) =>
  page.evaluate<number>(`document.querySelectorAll(${JSON.stringify(selector)}).length`);

/** The SVG id of the first graph node whose text includes `text`. */
const graphNode = (page: Page, text: string) =>
  page.evaluate<string | undefined>(
    `[...document.querySelectorAll("#graph g.node")].find((g) => g.textContent.includes(${
      JSON.stringify(text)
    }))?.id`,
  );

Deno.test({
  name: "the graph shows one node per call site, fan-outs and phases as groups; a click shows the prompt",
  ignore: skipUnless("chromium + playwright-core", browserAvailable()),
  fn: async () => {
    await withProject(async (project) => {
      const report = await hostileRun(project);
      await openReport(report, async (page, watch) => {
        // scan (×5), the hostile one, markdown, draft, polish, broken: 6 call sites that ran.
        assert.equal(await countOf(page, "#graph g.node"), 6);
        // phase Scan, the parallel fan-out and the pipeline.
        assert.equal(await countOf(page, "#graph g.cluster"), 3);
        const scanGroup = await graphNode(page, "\u00d75");
        assert.ok(scanGroup, "the scan call site shows it ran 5 times");
        await page.click(`[id="${scanGroup}"]`);
        assert.equal(await page.textContent("#panel h2"), "`scan ${f}`", "the label as written");
        assert.equal(await countOf(page, "#panel table.runs tr.clickable"), 5);
        assert.ok((await page.textContent("#panel"))?.includes("`scan ${f}`"), "the prompt as written");
        await page.click("#panel table.runs tr.clickable >> nth=2");
        assert.equal(await page.textContent("#panel pre.prompt"), "scan c");
        assert.ok((await page.textContent("#panel"))?.includes("by call site (line and column)"));
        // Expanding the group draws its runs; the timeline has a row per node.
        await page.click(`[id="${scanGroup}"]`);
        await page.click("#expand");
        await waitFor(page, 'document.body.dataset.renders === "2"');
        assert.equal(await countOf(page, "#graph g.node"), 5 + 5);
        assert.equal(await countOf(page, "#timeline .tl-row[data-node]"), 12);
        assert.deepEqual(watch.errors, []);
      });
    });
  },
});

Deno.test({
  name: "a node's panel shows its error, tries, usage, cost, duration, schema and routing",
  ignore: skipUnless("chromium + playwright-core", browserAvailable()),
  fn: async () => {
    await withProject(async (project) => {
      await project.write(
        "panel.js",
        workflowSource(`
          await agent("classify this", {
            label: "classify", model: "m-test", effort: "high",
            schema: { type: "object", properties: { kind: { type: "string" } }, required: ["kind"] },
          });
          await agent("this one fails", { label: "broken" });
          return 1;`),
      );
      await project.write(
        "panel.json",
        JSON.stringify({
          price: { inputPerMTok: 1, outputPerMTok: 10 },
          rules: [
            { label: "classify", sequence: [{ output: { kind: 3 } }, { output: { kind: "bug" } }] },
            { label: "broken", fail: "deliberate failure text" },
          ],
        }),
      );
      const run = await project.odw(["exec", "panel.js", "--json", "--mock-scenario", "panel.json"]);
      assert.equal(run.code, 0, run.stderr);
      await openReport(String(run.json?.report), async (page, watch) => {
        const open = async (text: string) => {
          await page.click(`[id="${await graphNode(page, text)}"]`);
          await page.click("#panel table.runs tr.clickable");
          return (await page.textContent("#panel")) ?? "";
        };
        const classify = await open("classify");
        for (const shown of ["m-test", "high", '"kind"', "2"]) {
          assert.ok(classify.includes(shown), `classify panel shows ${shown}:\n${classify}`);
        }
        assert.match(classify, /\$0\.\d+/, "its cost");
        assert.match(classify, /\d+ ms|\d+(\.\d+)? ?s/, "its duration");
        const broken = await open("broken");
        assert.ok(broken.includes("deliberate failure text"), broken);
        assert.ok(!classify.includes("reused from") && !classify.includes("worker"), classify);
        assert.deepEqual(watch.errors, []);
      });
      // The worker that ran a node (a run over NATS journals it) and the run a resumed node came from.
      const runDir = String(run.json?.runDir);
      const journal = join(runDir, "journal.jsonl");
      const lines = (await Deno.readTextFile(journal)).split("\n").map((line) =>
        line.includes('"type":"node.finished"') && line.includes('"label":"classify"')
          ? line.replace('"type":"node.finished"', '"type":"node.finished","worker":"w-test-7"')
          : line
      );
      await Deno.writeTextFile(journal, lines.join("\n"));
      const rebuilt = await project.odw(["report", String(run.json?.runId)]);
      assert.equal(rebuilt.code, 0, rebuilt.stderr);
      const resumed = await project.odw(["resume", String(run.json?.runId), "--json"]);
      for (
        const [report, shown] of [[join(runDir, "report.html"), "w-test-7"], [
          String(resumed.json?.report),
          `reused from${String(run.json?.runId)}`,
        ]]
      ) {
        await openReport(report, async (page) => {
          await page.click(`[id="${await graphNode(page, "classify")}"]`);
          await page.click("#panel table.runs tr.clickable");
          const text = (await page.textContent("#panel")) ?? "";
          assert.ok(text.includes(shown), `the panel shows ${shown}:\n${text}`);
        });
      }
    });
  },
});

Deno.test({
  name: "hostile label, prompt, log and output are shown as text, never run; no request leaves the page",
  ignore: skipUnless("chromium + playwright-core", browserAvailable()),
  fn: async () => {
    await withProject(async (project) => {
      const report = await hostileRun(project);
      await openReport(report, async (page, watch) => {
        const hostileNode = await graphNode(page, "onerror");
        assert.ok(hostileNode, "the hostile label is in the graph as text");
        await page.click(`[id="${hostileNode}"]`);
        await page.click("#panel table.runs tr.clickable");
        assert.equal(await page.textContent("#panel pre.prompt"), HOSTILE, "the exact prompt, as text");
        assert.ok((await page.textContent("#logs"))?.includes(HOSTILE), "the log line, as text");
        const markdownNode = await graphNode(page, "markdown");
        await page.click(`[id="${markdownNode}"]`);
        await page.click("#panel table.runs tr.clickable");
        const output = await page.evaluate<{
          strong: string;
          hrefs: (string | null)[];
          images: number;
          scripts: number;
          handlers: number;
        }>(`(() => {
          const box = document.querySelector("#panel .markdown");
          return {
            strong: box.querySelector("strong")?.textContent,
            hrefs: [...box.querySelectorAll("a")].map((a) => a.getAttribute("href")),
            images: box.querySelectorAll("img").length,
            scripts: document.querySelectorAll("script:not([id])").length,
            handlers: [...document.querySelectorAll("*")]
              .filter((e) => [...e.attributes].some((a) => a.name.startsWith("on"))).length,
          };
        })()`);
        assert.equal(output.strong, "bold", "markdown is rendered");
        assert.ok(
          output.hrefs.every((href) => href === null || !/^\s*javascript:/i.test(href)),
          output.hrefs.join(),
        );
        assert.equal(output.images, 0);
        assert.equal(output.scripts, 7, "only the page's own scripts");
        assert.equal(output.handlers, 0, "no inline event handler anywhere");
        await page.evaluate("new Promise((resolve) => setTimeout(resolve, 300))");
        assert.equal(await page.evaluate("globalThis.__pwned"), undefined);
        assert.deepEqual(watch.dialogs, []);
        assert.deepEqual(watch.errors, []);
        assert.deepEqual(watch.blocked, []);
        assert.deepEqual(watch.requests, [toFileUrl(report)]);
      });
    });
  },
});

Deno.test({
  name: "a 200-node fan-out is one group node; expanded it draws 30 runs and a pointer to the rest",
  ignore: skipUnless("chromium + playwright-core", browserAvailable()),
  fn: async () => {
    await withProject(async (project) => {
      await project.write(
        "wf.js",
        workflowSource(
          "const r = await parallel(Array.from({ length: 200 }, (_, i) => () => agent(`item ${i}`)));\nreturn r.length;",
        ),
      );
      const run = await project.odw(["exec", "wf.js", "--json", "--quiet", "--concurrency", "16"]);
      assert.equal(run.code, 0, run.stderr);
      await openReport(String(run.json?.report), async (page) => {
        assert.equal(await countOf(page, "#graph g.node"), 1);
        await page.click("#graph g.node");
        assert.equal(await countOf(page, "#panel table.runs tr.clickable"), 200);
        await page.click("#expand");
        await waitFor(page, 'document.body.dataset.renders === "2"');
        assert.equal(await countOf(page, "#graph g.node"), 31);
        assert.ok((await page.textContent("#graph"))?.includes("170 more in the panel"));
      });
    });
  },
});

Deno.test({
  name: "a worktree node's panel shows its branch, diff stat and commit",
  ignore: skipUnless("chromium + playwright-core", browserAvailable()),
  fn: async () => {
    await withRepo(async (repo) => {
      const project = new OdwProject(repo.dir);
      await project.write(
        "wf.js",
        workflowSource(`return await agent("edit", { label: "edit", isolation: "worktree" });`),
      );
      await project.write("s.json", JSON.stringify({ default: { writeFiles: { "a.txt": "1\n2\n" } } }));
      const run = await project.odw(["exec", "wf.js", "--json", "--quiet", "--mock-scenario", "s.json"]);
      assert.equal(run.code, 0, run.stderr);
      const [branch, commit] =
        (await repo.git("for-each-ref", "--format=%(refname:lstrip=2) %(objectname)", "refs/heads/odw/"))
          .split(" ");
      await openReport(String(run.json?.report), async (page) => {
        await page.click("#graph g.node");
        await page.click("#panel table.runs tr.clickable");
        const panel = (await page.textContent("#panel")) ?? "";
        assert.ok(panel.includes(`${branch} · 1 file +2 -0 · commit ${commit.slice(0, 12)} (base `), panel);
      });
    });
  },
});
