/**
 * The entry for `deno bundle` and `deno compile`: odw's command line, with the report's assets
 * reachable through a literal dynamic import so the bundler takes them in (into a chunk of their own
 * when code is split: a run loads them only when it writes a report). The same entry serves as the
 * report's worker (see `report/report_worker.ts`): started under that worker's name, it serves report
 * requests instead of running the command line.
 *
 * @module
 */
import { loadEmbeddedAssetsWith } from "../report/assets_loader.ts";
import { isReportWorker, useReportWorkerModule } from "../report/report_worker.ts";

loadEmbeddedAssetsWith(() => import("../report/assets_embedded.ts"));
if (isReportWorker()) {
  await import("../report/report_worker_main.ts");
} else {
  useReportWorkerModule(new URL(import.meta.url));
  const { main } = await import("./main.ts");
  Deno.exit(await main(Deno.args));
}
