/**
 * The report's assets prepared beside a bundle (`assets_cache.ts`): a cache is used only by the bundle
 * it was made from, a damaged or stale one is ignored and made again, and a report written from the
 * cache is byte for byte the report the same bundle writes from its embedded assets.
 *
 * @module
 */
import assert from "node:assert/strict";
import { basename, dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { enableAssetCache, readPreparedAssets, writePreparedAssets } from "../../src/report/assets_cache.ts";
import { BUNDLE_FLAGS, ODW_BUNDLE, REPO, runProcess, withProject, workflowSource } from "../_support/odw.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("an assets cache is read back only whole and only for the bundle that wrote it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "odw-assets-cache-" });
  try {
    const bundle = join(dir, "bundle.js");
    const cache = `${bundle}.assets-cache`;
    await Deno.writeTextFile(bundle, "// a bundle\n");
    enableAssetCache(pathToFileURL(bundle).href);
    const prepared = {
      parts: { mermaid: bytes("gr\u00e4ph \u2014 \u{1F600}"), style: bytes("a{}") },
      hashes: { mermaid: "h" },
    };
    await writePreparedAssets(prepared);
    assert.deepEqual(await readPreparedAssets(), prepared);

    const whole = await Deno.readFile(cache);
    await Deno.writeFile(cache, whole.subarray(0, whole.length - 1));
    assert.equal(await readPreparedAssets(), undefined, "a truncated cache is ignored");
    await Deno.writeFile(cache, new Uint8Array([...bytes("not json\n"), ...whole]));
    assert.equal(await readPreparedAssets(), undefined, "a cache whose header does not parse is ignored");

    await Deno.writeFile(cache, whole);
    await Deno.writeTextFile(bundle, "// another bundle, rebuilt\n");
    assert.equal(await readPreparedAssets(), undefined, "a rebuilt bundle does not read the old cache");

    await Deno.remove(cache);
    enableAssetCache(pathToFileURL(join(REPO, "src", "cli", "bundle.ts")).href);
    await writePreparedAssets(prepared);
    assert.equal(await readPreparedAssets(), undefined, "from the sources there is no cache");
    assert.deepEqual([...Deno.readDirSync(dir)].map((entry) => entry.name), ["bundle.js"]);
  } finally {
    enableAssetCache("");
    await Deno.remove(dir, { recursive: true });
  }
});

/** Copies the launcher's bundle folder (chunks, not its cache or lock files) into `to`. */
async function copyBundle(to: string): Promise<string> {
  assert.ok(ODW_BUNDLE, "no launcher bundle to test (ODW_FROM_SOURCE is set, or bundling failed)");
  const from = dirname(ODW_BUNDLE);
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    if (entry.isFile && entry.name.endsWith(".js")) {
      await Deno.copyFile(join(from, entry.name), join(to, entry.name));
    }
  }
  return join(to, basename(ODW_BUNDLE));
}

Deno.test("a report from the bundle's assets cache is the report from the embedded assets", async () => {
  await withProject(async (project) => {
    await project.write("wf.js", workflowSource(`log("cached"); return await agent("hi");`));
    assert.equal((await project.odw(["exec", "wf.js", "--quiet"])).code, 0);
    const [runId] = await project.runIds();
    const bundle = await copyBundle(project.path("build"));
    const cache = `${bundle}.assets-cache`;
    const report = async (out: string) => {
      const run = await runProcess(
        Deno.execPath(),
        ["run", "-A", ...BUNDLE_FLAGS, "--no-prompt", bundle, "report", runId, "--out", out],
        project.dir,
      );
      assert.equal(run.code, 0, run.stderr);
      return await Deno.readFile(project.path(out));
    };

    const embedded = await report("first.html");
    const made = await Deno.readFile(cache);
    assert.ok(made.length > embedded.length / 2, "the first report wrote the cache");
    assert.deepEqual(await report("second.html"), embedded, "read from the cache");

    // The cache is really what the bundle reads: a mark put into it shows in the next report.
    enableAssetCache(pathToFileURL(bundle).href);
    try {
      const prepared = await readPreparedAssets();
      assert.ok(prepared, "the bundle wrote a cache of its own");
      prepared.parts.style = bytes(`/* marked-in-cache */${new TextDecoder().decode(prepared.parts.style)}`);
      await writePreparedAssets(prepared);
    } finally {
      enableAssetCache("");
    }
    assert.match(new TextDecoder().decode(await report("marked.html")), /marked-in-cache/);

    // Damaged: ignored, and made again.
    await Deno.writeFile(cache, made.subarray(0, made.length >> 1));
    assert.deepEqual(await report("damaged.html"), embedded);
    assert.deepEqual(await Deno.readFile(cache), made);
  });
});
