/**
 * bamboo's search walks a tree that other tool calls of the same model turn may be changing (a
 * `write` renames its temp file into place, a `bash` command deletes files): a file or directory that
 * disappears between the walk and the read is skipped, never the whole search's error.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { searchTool } from "../../pandacode/bamboo/explore_tools.ts";
import { Workspace } from "../../pandacode/bamboo/jail.ts";
import { DEADLINES, withDeadline } from "../_support/deadline.ts";
import { tempWorkspace } from "./bamboo_helpers.ts";

Deno.test("bamboo search: files and folders removed while it runs are skipped, not an error", async () => {
  await using tmp = await tempWorkspace();
  const files: string[] = [];
  for (let d = 0; d < 20; d++) {
    await Deno.mkdir(join(tmp.ws, `d${d}`));
    for (let f = 0; f < 50; f++) {
      const path = join(tmp.ws, `d${d}`, `f${f}.txt`);
      await Deno.writeTextFile(path, `needle ${d}/${f}\n`);
      files.push(path);
    }
  }
  const search = searchTool(await Workspace.open(tmp.ws));
  // Deletes, from the last file backwards, while the search walks and reads from the first forwards:
  // the two meet half-way, so files the walk listed are gone when the search reads them.
  const remove = (async () => {
    for (const path of [...files].reverse()) await Deno.remove(path);
    for (let d = 19; d >= 10; d--) await Deno.remove(join(tmp.ws, `d${d}`));
  })();
  const found = await withDeadline(
    Promise.resolve(
      search.execute!({ pattern: "needle", maxResults: 500 }, { toolCallId: "s", messages: [], context: {} }),
    ),
    DEADLINES.executor,
    "the search",
  );
  await remove;
  assert.equal(typeof found, "string");
  assert.match(String(found), /^d0\/f0\.txt:1: needle 0\/0$/m, "files not yet removed are found");
  assert.doesNotMatch(String(found), /NotFound|No such file/);
});
