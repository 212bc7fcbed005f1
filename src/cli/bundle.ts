/**
 * The entry for `deno bundle` and `deno compile`: the report's assets, imported statically so they are
 * in the single file, then odw's command line.
 *
 * @module
 */
import "../report/assets_embedded.ts";
import { main } from "./main.ts";

Deno.exit(await main(Deno.args));
