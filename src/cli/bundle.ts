/**
 * The entry for `deno bundle` and `deno compile`: odw's command line, with the report's assets
 * reachable through a literal dynamic import so the bundler takes them in (into a chunk of their own
 * when code is split: a run loads them only when it writes a report).
 *
 * @module
 */
import { loadEmbeddedAssetsWith } from "../report/assets_loader.ts";
import { main } from "./main.ts";

loadEmbeddedAssetsWith(() => import("../report/assets_embedded.ts"));
Deno.exit(await main(Deno.args));
