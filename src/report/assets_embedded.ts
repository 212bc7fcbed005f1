/**
 * The report page's assets as build-time imports: mermaid, marked and DOMPurify from their pinned npm
 * packages, the page's own scripts and style from `client/`. Imported as bytes, not text: `deno bundle`
 * rewrites a `.js` file imported as text as if it were code (constant folding changed mermaid), while
 * bytes pass through unchanged.
 *
 * JSR does not accept raw imports in a published module graph yet, so the published entry reaches this
 * module only through a dynamic import of a name held in a variable (`assets_loader.ts`), and the bundle
 * and compile entry (`src/cli/bundle.ts`) through a literal dynamic import the bundler follows;
 * loading it hands the bytes to `assets.ts`.
 *
 * @module
 */
import mermaid from "@mermaid-js/tiny/dist/mermaid.tiny.js" with { type: "bytes" };
import marked from "marked" with { type: "bytes" };
import purify from "dompurify/dist/purify.min.js" with { type: "bytes" };
import kit from "./client/kit.js" with { type: "bytes" };
import panels from "./client/panels.js" with { type: "bytes" };
import app from "./client/app.js" with { type: "bytes" };
import style from "./client/style.css" with { type: "bytes" };
import { useEmbeddedAssets } from "./assets.ts";

useEmbeddedAssets({ mermaid, marked, purify, page: [kit, panels, app], style });
