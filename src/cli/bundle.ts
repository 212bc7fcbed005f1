/**
 * The entry for `deno bundle` and `deno compile`: odw's command line, with the report's assets and
 * the files `odw init` copies (skill, typings) reachable through literal dynamic imports so the
 * bundler takes them in (into chunks of their own when code is split: a run loads the report's assets
 * only when it writes a report, `odw init` its files only when it runs). A bundle keeps the report's
 * assets prepared beside itself (`report/assets_cache.ts`).
 *
 * @module
 */
import { REPORT_ASSETS } from "../report/assets_loader.ts";
import { enableAssetCache } from "../report/assets_cache.ts";
import { INIT_ASSETS } from "./init_assets_loader.ts";
import { main } from "./main.ts";

enableAssetCache(import.meta.url);
REPORT_ASSETS.loadWith(() => import("../report/assets_embedded.ts"));
INIT_ASSETS.loadWith(() => import("./init_assets_embedded.ts"));
Deno.exit(await main(Deno.args));
