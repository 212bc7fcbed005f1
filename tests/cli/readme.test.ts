/**
 * Keeps README.md true for `odw exec`: every flag its help lists and every `.odw/config.json` key are
 * documented there, and its example config is valid.
 *
 * @module
 */
import assert from "node:assert/strict";
import { EXEC_HELP } from "../../src/cli/exec.ts";
import { ConfigSchema, NodeSettingsSchema, parseConfig } from "../../src/engine/config_schema.ts";
import { REPO } from "../_support/odw.ts";

const README = Deno.readTextFileSync(`${REPO}/README.md`);

Deno.test("README documents every odw exec flag", () => {
  const flags = new Set([...EXEC_HELP.matchAll(/--[a-z-]+/g)].map((m) => m[0]).filter((f) => f !== "--help"));
  assert.ok(flags.size >= 18, `flags in exec --help: ${[...flags]}`);
  for (const flag of flags) assert.ok(README.includes(flag), `README lacks ${flag}`);
});

Deno.test("README documents every .odw/config.json key", () => {
  const keys = [...Object.keys(ConfigSchema.shape), ...Object.keys(NodeSettingsSchema.shape)];
  for (const key of keys) {
    assert.match(README, new RegExp(`\\| \`(?:[a-z.]+ )?${key}[.\`]`), `README lacks ${key}`);
  }
});

Deno.test("README's example .odw/config.json is a valid config", () => {
  const section = README.slice(README.indexOf("### `.odw/config.json`"));
  const example = /```json\n([\s\S]*?)\n```/.exec(section)?.[1];
  assert.ok(example, "no JSON example in the config section");
  const config = parseConfig(example, "README example");
  assert.equal(config.phases?.Review?.runtime, "claude");
  assert.equal(config.defaults?.timeout, 600_000);
});
