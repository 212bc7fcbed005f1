/**
 * Keeps pandacode/README.md true: every flag `run --help` shows, every report field, every provider
 * (id, key variables, default model, base URL variable) and the version are documented there.
 *
 * @module
 */
import assert from "node:assert/strict";
import { PROVIDERS } from "../../pandacode/bamboo/providers.ts";
import { PANDACODE_VERSION, RUN_HELP } from "../../pandacode/cli/usage.ts";
import { ReportSchema } from "../../src/common/contract_schema.ts";
import { ROOT } from "./cli_support.ts";

const README = Deno.readTextFileSync(`${ROOT}pandacode/README.md`);

Deno.test("README documents every run flag and the version", () => {
  const flags = [...RUN_HELP.matchAll(/--[a-z-]+/g)].map((m) => m[0]);
  assert.ok(flags.length >= 11, `flags found in run --help: ${flags}`);
  for (const flag of new Set(flags)) assert.ok(README.includes(`\`${flag}`), `README lacks ${flag}`);
  assert.ok(README.includes(`pandacode ${PANDACODE_VERSION}`));
});

Deno.test("README documents every report field", () => {
  for (const field of Object.keys(ReportSchema.shape)) {
    assert.match(README, new RegExp(`^\\| \`${field}\` +\\|`, "m"), `README lacks report field ${field}`);
  }
  for (const field of ["inputTokens", "outputTokens", "cachedInputTokens", "reasoningTokens"]) {
    assert.ok(README.includes(`\`${field}\``), field);
  }
});

Deno.test("README's providers table matches the providers table in code", () => {
  for (const p of PROVIDERS) {
    const row = README.split("\n").find((line) => line.startsWith(`| \`${p.id}\` `));
    assert.ok(row, `README has no row for ${p.id}`);
    const cells = row.split("|").map((c) => c.trim());
    assert.equal(cells[2], p.name, `${p.id} name`);
    assert.equal(cells[3], p.keyEnv.map((k) => `\`${k}\``).join(", "), `${p.id} key variables`);
    assert.equal(cells[4], `\`${p.defaultModel}\``, `${p.id} default model`);
    assert.equal(cells[5], `\`${p.baseUrlEnv}\``, `${p.id} base URL variable`);
  }
});
