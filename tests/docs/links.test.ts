/**
 * Every Markdown file of the repository stands alone: each relative link (and image) resolves to a
 * file or folder inside the repository, each `#anchor` to a heading of its target, and no file
 * links to or names a path outside the repository.
 *
 * @module
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { REPO } from "../_support/odw.ts";
import { headingSlug, markdownFiles, readMarkdown } from "./markdown.ts";

/** Texts that name a place outside the checkout. */
const OUTSIDE = [/\.\.\/shared\b/, /(?<![\w.])\/work\//, /WORKFLOW-SPEC\.md/, /\bDESIGN\.md\b/];

Deno.test("headingSlug makes GitHub's anchors", () => {
  assert.equal(headingSlug("Resume, replay, cancel"), "resume-replay-cancel");
  assert.equal(headingSlug("`.odw/config.json`"), "odwconfigjson");
  assert.equal(
    headingSlug("Beyond one machine: odw worker over NATS"),
    "beyond-one-machine-odw-worker-over-nats",
  );
});

Deno.test("every relative link in the Markdown files resolves, anchors included", async () => {
  const files = await markdownFiles();
  for (const must of ["README.md", "docs/workflow-api.md", "skills/odw/SKILL.md", "pandacode/README.md"]) {
    assert.ok(files.includes(must), `${must} is not among the Markdown files`);
  }
  let checked = 0;
  const problems: string[] = [];
  for (const file of files) {
    const doc = readMarkdown(file);
    for (const href of doc.links) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(href)) continue; // https:, mailto: …: not a file
      const [pathPart, anchor] = href.split("#", 2);
      const target = pathPart === "" ? join(REPO, file) : resolve(REPO, dirname(file), decodeURI(pathPart));
      checked++;
      const inside = relative(REPO, target);
      if (inside.startsWith("..") || pathPart.startsWith("/")) {
        problems.push(`${file}: ${href} leads outside the repository`);
      } else if (!existsSync(target)) {
        problems.push(`${file}: ${href} → no such file ${inside}`);
      } else if (
        anchor !== undefined && target.endsWith(".md") && !readMarkdown(inside).anchors.has(anchor)
      ) {
        problems.push(`${file}: ${href} → ${inside} has no heading #${anchor}`);
      }
    }
  }
  assert.deepEqual(problems, []);
  assert.ok(checked >= 20, `only ${checked} relative links checked`);
});

Deno.test("no Markdown file names a path outside the repository", async () => {
  const problems: string[] = [];
  for (const file of await markdownFiles()) {
    const lines = readMarkdown(file).text.split("\n");
    lines.forEach((line, i) => {
      if (OUTSIDE.some((pattern) => pattern.test(line))) problems.push(`${file}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(problems, []);
});
