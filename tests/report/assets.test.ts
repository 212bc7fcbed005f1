/**
 * The report's embedded assets: checked once, as they are decoded, for a tag that would end the
 * inline element holding them (a new package version with `</script>` in a string must not reach a
 * page), and their CSP hashes are those of the exact text inlined.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { assetProblem, cspHash, reportAssets, warmReportAssets } from "../../src/report/assets.ts";

Deno.test("the embedded assets pass their check; a tag that would end an element is named", async () => {
  const assets = await reportAssets();
  assert.equal(assetProblem(assets), undefined);
  assert.equal(
    assetProblem({ ...assets, mermaid: assets.mermaid + 'var s = "</script><script>alert(1)";' }),
    "the embedded mermaid script contains a tag that would end its element",
  );
  assert.equal(
    assetProblem({ ...assets, page: [...assets.page, "<SCRIPT src=x>"] }),
    "the embedded page script contains a tag that would end its element",
  );
  assert.equal(
    assetProblem({ ...assets, style: assets.style + "</style><script>" }),
    "the embedded style contains a tag that would end its element",
  );
});

Deno.test("warmed and remembered CSP hashes are the hashes of the inlined text", async () => {
  await warmReportAssets();
  const { mermaid } = await reportAssets();
  const expected = `'sha256-${createHash("sha256").update(mermaid).digest("base64")}'`;
  assert.equal(cspHash(mermaid), expected);
  assert.equal(cspHash("small"), `'sha256-${createHash("sha256").update("small").digest("base64")}'`);
});
