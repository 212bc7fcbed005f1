/**
 * What the pandacode backend needs on the machine, as pandacode itself finds it: the codex and claude
 * CLIs (override variable, then PATH) and their versions, any executable's `--version`, and which
 * provider keys are set. Re-exported here so `odw doctor` asks pandacode's own lookup (the one a run
 * uses) while only the pandacode backend reaches into `pandacode/` (the layering rule).
 *
 * @module
 */
export { inspectCli, versionOf } from "../../pandacode/cli/doctor.ts";
export { CLI_INFO, searchPath } from "../../pandacode/cli/bins.ts";
export { providerRows } from "../../pandacode/cli/providers.ts";
