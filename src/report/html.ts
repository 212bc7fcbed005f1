/**
 * `report.html`: one self-contained page. The run's data travels as JSON in a non-executing
 * `<script type="application/json">` block (every `<` written as `\u003c`, so no text can close it);
 * the page's scripts are inline and named by hash in a strict Content-Security-Policy, so nothing else
 * runs: no injected `<script>`, no `onerror=` attribute, no `javascript:` URL. The policy also forbids
 * every fetch (`default-src 'none'`; the live view may only open its own `/events` stream).
 *
 * @example
 * ```ts
 * const html = await reportHtml({ sites: { "": callSites }, events });
 * await Deno.writeFile(".odw/runs/x/report.html", html);
 * ```
 * @module
 */
import { concatBytes } from "../common/bytes.ts";
import { inlineAssets, type InlineScript, inlineScript } from "./assets.ts";
import { GRAPH_FUNCTIONS } from "./graph.ts";
import { MODEL_FUNCTIONS, type ReportInput } from "./model.ts";

/** Text safe inside HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that cannot end the `<script>` element holding it (nor open a comment in it). */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(
    /\u2029/g,
    "\\u2029",
  );
}

let modelScript: InlineScript | undefined;

/** The model and graph functions as one classic script defining `OdwModel` (see `model.ts`). */
function modelSource(): InlineScript {
  if (!modelScript) {
    const all = { ...MODEL_FUNCTIONS, ...GRAPH_FUNCTIONS } as Record<string, (...args: never[]) => unknown>;
    const bodies = Object.values(all).map((fn) => fn.toString());
    const api = Object.entries(all).map(([name, fn]) => `${name}: ${fn.name}`);
    const text = `"use strict";\n${bodies.join("\n")}\nglobalThis.OdwModel = { ${api.join(", ")} };\n`;
    if (/<\/?script/i.test(text)) throw new Error("the report's model script contains a script tag");
    modelScript = inlineScript(text);
  }
  return modelScript;
}

/** The whole page for `input` (a finished run's report, or the live view's shell), as UTF-8 bytes. */
export async function reportHtml(input: ReportInput): Promise<Uint8Array<ArrayBuffer>> {
  const assets = await inlineAssets();
  // Every script was checked for tags that would end its element as it was prepared.
  const scripts = [assets.purify, assets.marked, assets.mermaid, modelSource(), ...assets.page];
  const policy = [
    "default-src 'none'",
    `script-src ${scripts.map((script) => script.hash).join(" ")}`,
    // mermaid writes <style> into its SVG and style attributes on its nodes.
    "style-src 'unsafe-inline'",
    "img-src data:",
    "font-src data:",
    `connect-src ${input.live ? "'self'" : "'none'"}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  const name = String(
    (input.events.find((e) => e.type === "run.started") as { name?: string } | undefined)?.name ?? "",
  );
  const encoder = new TextEncoder();
  const text = (...lines: string[]) => encoder.encode(lines.join("\n"));
  const chunks = [
    text(
      "<!doctype html>",
      '<html lang="en">',
      "<head>",
      '<meta charset="utf-8">',
      `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(policy)}">`,
      '<meta name="referrer" content="no-referrer">',
      '<meta name="viewport" content="width=device-width, initial-scale=1">',
      `<title>${escapeHtml(`odw report${name ? ` \u2014 ${name}` : ""}`)}</title>`,
      "<style>",
    ),
    assets.style,
    text(
      "</style>",
      "</head>",
      "<body>",
      "<noscript>This report needs JavaScript (its own inline scripts only; nothing is fetched).</noscript>",
      `<script type="application/json" id="odw-data">${scriptSafeJson(input)}</script>`,
      "",
    ),
    ...scripts.flatMap((script) => [text("<script>"), script.bytes, text("</script>\n")]),
    text("</body>", "</html>", ""),
  ];
  return concatBytes(chunks);
}
