/**
 * The rules of the house about who imports whom, checked on the real import statements of every
 * source file: pandacode imports only `src/common/` from `src/`; in `src/`, only the pandacode backend
 * may reach into `pandacode/`; `src/common/` depends on nothing else of ours (the package manifest
 * aside); the engine does not import the sandbox runtime.
 *
 * @module
 */
import assert from "node:assert/strict";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

async function* sourceFiles(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(join(ROOT, dir))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* sourceFiles(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

/** Every relative import (static or type-only, `import`/`export … from`) of a file, as repo paths. */
async function importsOf(file: string): Promise<string[]> {
  const text = await Deno.readTextFile(join(ROOT, file));
  const found: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?from\s+"(\.{1,2}\/[^"]+)"/g)) {
    found.push(relative(ROOT, resolve(ROOT, dirname(file), m[1])));
  }
  for (const m of text.matchAll(/import\(\s*"(\.{1,2}\/[^"]+)"\s*\)/g)) {
    found.push(relative(ROOT, resolve(ROOT, dirname(file), m[1])));
  }
  return found;
}

async function violations(dir: string, allowed: (file: string, target: string) => boolean) {
  const bad: string[] = [];
  for await (const file of sourceFiles(dir)) {
    for (const target of await importsOf(file)) {
      if (!allowed(file, target)) bad.push(`${file} -> ${target}`);
    }
  }
  return bad;
}

Deno.test("layering: pandacode imports only src/common/ from src/", async () => {
  const bad = await violations("pandacode", (_f, t) => !t.startsWith("src/") || t.startsWith("src/common/"));
  assert.deepEqual(bad, []);
});

Deno.test("layering: in src/, only the pandacode backend reaches into pandacode/", async () => {
  const bad = await violations(
    "src",
    (f, t) => !t.startsWith("pandacode/") || f.startsWith("src/backends/pandacode"),
  );
  assert.deepEqual(bad, []);
});

Deno.test("layering: src/common/ depends on nothing else of ours; the engine not on the runtime", async () => {
  // deno.json is the package manifest (version.ts reads its version), not code.
  const common = await violations("src/common", (_f, t) => t.startsWith("src/common/") || t === "deno.json");
  assert.deepEqual(common, []);
  // The engine starts the sandbox (worker_source.ts) and nothing else of the runtime.
  const engine = await violations(
    "src/engine",
    (_f, t) => !t.startsWith("src/runtime/") || t === "src/runtime/worker_source.ts",
  );
  assert.deepEqual(engine, []);
});

Deno.test("layering: the checker sees imports (a file importing across the line is reported)", async () => {
  const dir = await Deno.makeTempDir({ dir: join(ROOT, "pandacode"), prefix: "layering-probe-" });
  try {
    await Deno.writeTextFile(join(dir, "probe.ts"), 'import type { X } from "../../src/engine/run.ts";\n');
    const bad = await violations(
      "pandacode",
      (_f, t) => !t.startsWith("src/") || t.startsWith("src/common/"),
    );
    assert.equal(bad.length, 1, bad.join("\n"));
    assert.match(bad[0], /probe\.ts -> src\/engine\/run\.ts$/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
