/**
 * The report page's scripts and style, embedded at build time so `report.html` works offline: mermaid
 * (the official `@mermaid-js/tiny` build: flowcharts without the heavy diagram types, 2.9 MB instead of
 * 5.5 MB), marked and DOMPurify come from their npm packages pinned in `deno.json`, and the page's own
 * code from `client/` (the imports are in `assets_embedded.ts`).
 *
 * marked ships its browser build only as an ES module (its UMD file is not in the package's exports);
 * {@link classicScript} turns its final `export { … }` list into a global, so every script of the page
 * is a classic inline script whose hash the page's CSP names.
 *
 * @module
 */
import { sha256Base64 } from "../common/hash.ts";
import { REPORT_ASSETS } from "./assets_loader.ts";
import { type PreparedAssets, readPreparedAssets, writePreparedAssets } from "./assets_cache.ts";

/** The assets as bytes, as `assets_embedded.ts` imports them. */
export interface EmbeddedAssets {
  mermaid: Uint8Array;
  marked: Uint8Array;
  purify: Uint8Array;
  page: Uint8Array[];
  style: Uint8Array;
}

/** The page's assets as text. */
export interface ReportAssets {
  mermaid: string;
  marked: string;
  purify: string;
  /** The page's own scripts, in load order. */
  page: string[];
  style: string;
}

/** A script ready to inline: its UTF-8 bytes and the CSP source naming them. */
export interface InlineScript {
  bytes: Uint8Array;
  hash: string;
}

/** The assets ready to inline, as bytes (a report is written without decoding 3 MB of text). */
export interface InlineAssets {
  purify: InlineScript;
  marked: InlineScript;
  mermaid: InlineScript;
  /** The page's own scripts, in load order. */
  page: InlineScript[];
  style: Uint8Array;
}

let embedded: EmbeddedAssets | undefined;
let inline: Promise<InlineAssets> | undefined;

/** Called by `assets_embedded.ts` when it loads. */
export function useEmbeddedAssets(assets: EmbeddedAssets): void {
  embedded = assets;
}

/** The embedded assets decoded to text and checked (see {@link assetProblem}). */
export async function reportAssets(): Promise<ReportAssets> {
  if (!embedded) await REPORT_ASSETS.load();
  if (!embedded) throw new Error("the report's assets are not embedded in this build");
  // A source-map comment would make an open devtools fetch the map: dropped.
  const text = (bytes: Uint8Array) =>
    new TextDecoder().decode(bytes).replace(/^\/\/# sourceMappingURL=\S*\s*$/gm, "");
  const assets = {
    mermaid: text(embedded.mermaid),
    marked: classicScript(text(embedded.marked), "marked"),
    purify: text(embedded.purify),
    page: embedded.page.map(text),
    style: text(embedded.style),
  };
  const problem = assetProblem(assets);
  if (problem) throw new Error(problem);
  return assets;
}

/**
 * The assets ready to inline, once per process: read from the bundle's cache of them when there is
 * one (`assets_cache.ts`), else decoded, checked, hashed and cached.
 */
export function inlineAssets(): Promise<InlineAssets> {
  inline ??= prepareInline();
  inline.catch(() => (inline = undefined));
  return inline;
}

/** The cache's part names of the scripts (the page's as `page0`, `page1`, …). */
const SCRIPT_PARTS = ["purify", "marked", "mermaid"] as const;

/** A script's text ready to inline. */
export function inlineScript(text: string): InlineScript {
  return { bytes: new TextEncoder().encode(text), hash: cspHash(text) };
}

async function prepareInline(): Promise<InlineAssets> {
  const cached = await readPreparedAssets();
  const fromCache = cached && inlineOfParts(cached);
  if (fromCache) return fromCache;
  const assets = await reportAssets();
  const prepared: InlineAssets = {
    purify: inlineScript(assets.purify),
    marked: inlineScript(assets.marked),
    mermaid: inlineScript(assets.mermaid),
    page: assets.page.map(inlineScript),
    style: new TextEncoder().encode(assets.style),
  };
  const scripts = Object.entries({
    ...Object.fromEntries(SCRIPT_PARTS.map((name) => [name, prepared[name]])),
    ...Object.fromEntries(prepared.page.map((part, i) => [`page${i}`, part])),
  });
  await writePreparedAssets({
    parts: {
      ...Object.fromEntries(scripts.map(([name, part]) => [name, part.bytes])),
      style: prepared.style,
    },
    hashes: Object.fromEntries(scripts.map(([name, part]) => [name, part.hash])),
  });
  return prepared;
}

/** The assets from the cache's parts, or undefined when one is missing. */
function inlineOfParts({ parts, hashes }: PreparedAssets): InlineAssets | undefined {
  const script = (name: string): InlineScript | undefined =>
    parts[name] && typeof hashes[name] === "string" ? { bytes: parts[name], hash: hashes[name] } : undefined;
  const pageNames = Object.keys(parts).filter((name) => /^page\d+$/.test(name));
  const page = pageNames.map((_, i) => script(`page${i}`));
  const [purify, marked, mermaid] = SCRIPT_PARTS.map(script);
  if (!purify || !marked || !mermaid || !parts.style || page.length === 0 || !page.every(Boolean)) {
    return undefined;
  }
  return { purify, marked, mermaid, page: page as InlineScript[], style: parts.style };
}

/** Why these assets cannot be inlined: a tag that would end (or stretch) the element holding it. */
export function assetProblem(assets: ReportAssets): string | undefined {
  const scripts = {
    purify: assets.purify,
    marked: assets.marked,
    mermaid: assets.mermaid,
    page: assets.page.join("\n"),
  };
  for (const [name, text] of Object.entries(scripts)) {
    if (/<\/?script/i.test(text)) {
      return `the embedded ${name} script contains a tag that would end its element`;
    }
  }
  if (/<\/style/i.test(assets.style)) return "the embedded style contains a tag that would end its element";
  return undefined;
}

/**
 * Prepares the assets ahead of the first report, so a run can do it while it waits on its sandbox
 * instead of after its end. Never rejects (writing the report says what failed).
 */
export async function warmReportAssets(): Promise<void> {
  await inlineAssets().catch(() => {});
}

/**
 * An ES module that ends in an export list, as a classic script: that final `export { a as x, … }`
 * becomes `globalThis[global] = { x: a, … }`, and the whole runs in a strict function scope. Only the
 * module's tail is read (a parse of the whole took 0.3 s); a module of another shape — an `import`, or
 * exports elsewhere — is refused, so a new version of the package cannot slip through half-converted.
 *
 * @example
 * ```ts
 * classicScript("const a = 1; export { a as one };", "lib"); // defines globalThis.lib.one === 1
 * ```
 */
export function classicScript(moduleText: string, global: string): string {
  const at = moduleText.lastIndexOf("export");
  const tail = /^export\s*\{([^}]*)\}\s*;?\s*(\/\/[^\n]*\s*)*$/.exec(moduleText.slice(at));
  const body = moduleText.slice(0, at);
  if (at < 0 || !tail || /(^|[;}\s])(import|export)[\s{*]/.test(body)) {
    throw new Error(`${global}: only a module with no imports that ends in one export list can be embedded`);
  }
  const fields = tail[1].split(",").map((spec) => spec.trim()).filter(Boolean).map((spec) => {
    const [local, exported = local] = spec.split(/\s+as\s+/);
    return `${JSON.stringify(exported)}: ${local}`;
  });
  return `(function () {\n"use strict";\n${body}globalThis[${JSON.stringify(global)}] = { ${
    fields.join(", ")
  } };\n})();`;
}

/** The CSP source for an inline script or style: `'sha256-…'`. */
export function cspHash(text: string): string {
  return `'sha256-${sha256Base64(text)}'`;
}
