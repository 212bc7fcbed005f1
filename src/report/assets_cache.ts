/**
 * The report's assets prepared once per bundle: decoding the embedded bytes (3 MB, base64 in a
 * bundle) and hashing the scripts cost a run some 35 ms of odw's thread. A bundled odw keeps the
 * prepared texts and their CSP hashes in one file beside the bundle (`<bundle>.assets-cache`) and later
 * runs read that instead (about 3 ms), as bytes: the report is written without decoding it either.
 *
 * The file names the bundle it was made from (path, size, modification time), so a rebuilt bundle never
 * reads another's; a file that does not parse, does not add up or names another bundle is ignored and
 * made again. It is written atomically (temp file and rename), so concurrent runs at most write it
 * twice. Only a bundle (`.js`) entry enables it: from the sources, the client files can change without
 * the entry changing, and a compiled binary's entry is read-only.
 *
 * Format: one line of JSON (`{"key", "parts": [[name, bytes]…], "hashes": {name: hash}}`), then the
 * parts' UTF-8 bytes back to back.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { concatBytes } from "../common/bytes.ts";

/** What the cache holds: each part's UTF-8 bytes by name, and the CSP hashes of the scripts. */
export interface PreparedAssets {
  parts: Record<string, Uint8Array>;
  hashes: Record<string, string>;
}

/** The bundle file whose cache is used; unset (no cache) unless a bundle entry enables it. */
let bundleFile: string | undefined;

/** Called by the bundle entry with its own `import.meta.url`: a `.js` file enables the cache. */
export function enableAssetCache(entryUrl: string): void {
  bundleFile = entryUrl.startsWith("file:") && entryUrl.endsWith(".js") ? fileURLToPath(entryUrl) : undefined;
}

/** The cache file and the key it must carry, or undefined when there is no cache. */
async function cacheTarget(): Promise<{ file: string; key: string } | undefined> {
  if (bundleFile === undefined) return undefined;
  try {
    const stat = await Deno.stat(bundleFile);
    return { file: `${bundleFile}.assets-cache`, key: `${bundleFile}|${stat.size}|${stat.mtime?.getTime()}` };
  } catch {
    return undefined;
  }
}

/** The prepared assets of this bundle, or undefined (no cache, none yet, stale or damaged). */
export async function readPreparedAssets(): Promise<PreparedAssets | undefined> {
  const target = await cacheTarget();
  if (!target) return undefined;
  try {
    const data = await Deno.readFile(target.file);
    const end = data.indexOf(0x0a);
    const header = JSON.parse(new TextDecoder().decode(data.subarray(0, end))) as {
      key?: unknown;
      parts?: unknown;
      hashes?: unknown;
    };
    if (header.key !== target.key || !Array.isArray(header.parts)) return undefined;
    if (!header.hashes || typeof header.hashes !== "object") return undefined;
    const parts: Record<string, Uint8Array> = {};
    let at = end + 1;
    for (const entry of header.parts as unknown[]) {
      if (!Array.isArray(entry) || typeof entry[0] !== "string" || !Number.isSafeInteger(entry[1])) {
        return undefined;
      }
      parts[entry[0]] = data.subarray(at, at += entry[1]);
    }
    if (at !== data.length) return undefined;
    return { parts, hashes: header.hashes as Record<string, string> };
  } catch {
    return undefined;
  }
}

/** Keeps the prepared assets beside the bundle (no-op without a cache; a failed write is ignored). */
export async function writePreparedAssets(prepared: PreparedAssets): Promise<void> {
  const target = await cacheTarget();
  if (!target) return;
  const names = Object.keys(prepared.parts);
  const header = new TextEncoder().encode(
    JSON.stringify({
      key: target.key,
      parts: names.map((name) => [name, prepared.parts[name].length]),
      hashes: prepared.hashes,
    }) + "\n",
  );
  const data = concatBytes([header, ...names.map((name) => prepared.parts[name])]);
  const tmp = `${target.file}.${Deno.pid}.tmp`;
  try {
    await Deno.writeFile(tmp, data);
    await Deno.rename(tmp, target.file);
  } catch {
    await Deno.remove(tmp).catch(() => {});
  }
}
