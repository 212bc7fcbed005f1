/**
 * `odw init` from the bundled single file, run outside the checkout: the skill and the typings it
 * writes are the repository's own files, carried in the bundle (`src/cli/init_assets_embedded.ts`).
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DEADLINES } from "../_support/deadline.ts";
import { REPO } from "../_support/odw.ts";
import { runBounded } from "../_support/processes.ts";

Deno.test("the bundled odw init writes the skill and typings it carries, from outside the checkout", async () => {
  const dir = await Deno.makeTempDir({ prefix: "odw-init-bundle-" });
  try {
    const bundle = join(dir, "odw.js");
    const built = await runBounded(Deno.execPath(), {
      args: ["bundle", "--quiet", "--platform", "deno", "-o", bundle, "src/cli/bundle.ts"],
      cwd: REPO,
      deadlineMs: DEADLINES.cli,
      what: "deno bundle odw",
    });
    assert.equal(built.code, 0, built.stderr);
    const project = join(dir, "project");
    const init = await runBounded(Deno.execPath(), {
      args: ["run", "-A", bundle, "init", "--path", project],
      cwd: dir,
      deadlineMs: DEADLINES.process,
      what: "bundled odw init",
    });
    assert.equal(init.code, 0, init.stderr);
    for (
      const [copy, original] of [[".claude/skills/odw/SKILL.md", "skills/odw/SKILL.md"], [
        ".odw/odw.d.ts",
        "odw.d.ts",
      ]]
    ) {
      assert.equal(
        await Deno.readTextFile(join(project, copy)),
        await Deno.readTextFile(join(REPO, original)),
        copy,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
