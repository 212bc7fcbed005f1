/**
 * Every ```js block in the skill, the workflow API page and the README is a complete workflow that
 * passes odw's static checks (`checkScript`, what `odw check` runs), unless it starts with
 * `// fragment` (a piece of a workflow, shown for one call). Each file must have a floor of checked
 * blocks, so the test cannot pass by finding none.
 *
 * @module
 */
import assert from "node:assert/strict";
import { checkScript } from "../../src/script/analyze.ts";
import { readMarkdown } from "./markdown.ts";

/** File → the least number of complete workflows it must show. */
const FLOORS: Record<string, number> = {
  "skills/odw/SKILL.md": 5,
  "docs/workflow-api.md": 5,
  "README.md": 1,
};
const FRAGMENT = /^\/\/ fragment\b/;

for (const [file, floor] of Object.entries(FLOORS)) {
  Deno.test(`every js block of ${file} passes odw check`, () => {
    const blocks = readMarkdown(file).code.filter((b) => b.lang === "js" || b.lang === "javascript");
    const complete = blocks.filter((b) => !FRAGMENT.test(b.text));
    const refused = complete.flatMap((b) => {
      const checked = checkScript(b.text);
      return checked.ok ? [] : [`${file}:${b.line}: ${checked.error}`];
    });
    assert.deepEqual(refused, []);
    assert.ok(
      complete.length >= floor,
      `${file}: ${complete.length} complete js blocks, expected ≥ ${floor}`,
    );
  });
}

Deno.test("the check refuses a block that is not a complete workflow", () => {
  assert.equal(checkScript("const x = await agent('a');\nreturn x;").ok, false, "no meta");
  assert.equal(
    checkScript("export const meta = { name: 'a', description: 'b' };\nreturn Date.now();").ok,
    false,
  );
});
