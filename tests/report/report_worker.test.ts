/**
 * The report written on a Worker thread (`report_worker.ts`): the worker's file is the same page the
 * calling thread writes for the same run, a run without a started worker writes on its own thread,
 * and a worker that cannot start or breaks leaves the report to the calling thread — never lost.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  prestartReportWorker,
  useReportWorkerModule,
  writeReportInBackground,
} from "../../src/report/report_worker.ts";
import { writeRunReport } from "../../src/report/write.ts";
import { withProject, workflowSource } from "../_support/odw.ts";

/** Runs a small workflow with odw and gives its run directory to `fn`. */
async function withRunDir(fn: (runDir: string) => Promise<void>): Promise<void> {
  await withProject(async (project) => {
    await project.write(
      "wf.js",
      workflowSource('log("</script>"); return await agent("hi", { label: "one" });'),
    );
    const run = await project.odw(["exec", "wf.js", "--json"]);
    assert.equal(run.code, 0, run.stderr);
    await fn(String(run.json?.runDir));
  });
}

const DEFAULT_MODULE = new URL("../../src/report/report_worker_main.ts", import.meta.url);

Deno.test("the report worker writes the same page the calling thread writes", async () => {
  await withRunDir(async (runDir) => {
    prestartReportWorker();
    const written = await writeReportInBackground(runDir);
    assert.deepEqual(written, { path: join(runDir, "report.html"), writer: "worker" });
    const byWorker = await Deno.readTextFile(written.path);
    const here = await writeRunReport(runDir, join(runDir, "here.html"));
    assert.equal(byWorker, await Deno.readTextFile(here));
    assert.ok(byWorker.length > 2_000_000, "the page carries its assets");
    // Without a started worker, the calling thread writes it.
    assert.equal((await writeReportInBackground(runDir)).writer, "thread");
  });
});

Deno.test("a report worker that breaks or cannot load leaves the report to the calling thread", async () => {
  await withRunDir(async (runDir) => {
    try {
      for (
        const broken of ["throw new Error('boom');", "self.onmessage = () => { throw new Error('x'); };"]
      ) {
        useReportWorkerModule(new URL(`data:text/javascript,${encodeURIComponent(broken)}`));
        await Deno.remove(join(runDir, "report.html")).catch(() => {});
        prestartReportWorker();
        // Give a worker that fails at load the time to fail before it is asked: it must not be waited on.
        await new Promise((resolve) => setTimeout(resolve, 300));
        const written = await writeReportInBackground(runDir);
        assert.equal(written.writer, "thread", broken);
        assert.ok((await Deno.stat(written.path)).size > 2_000_000);
      }
    } finally {
      useReportWorkerModule(DEFAULT_MODULE);
    }
  });
});
