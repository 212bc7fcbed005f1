/**
 * The first impression, measured: cold `odw exec examples/hello.js --backend mock` and
 * `pandacode --help` as a person runs them, through the launchers (`scripts/odw`, `scripts/pandacode`:
 * bash, Deno's bootstrap check, the bundle's freshness check, then the code-split bundle), against the
 * same bundle started directly (so the launcher's own share shows) and against the sources
 * (`ODW_FROM_SOURCE=1`, what the launchers ran before bundles). The variants are interleaved round by
 * round, so a machine that gets busier mid-run weighs on all of them alike; medians are printed with
 * their ratios.
 *
 * Target: hello through `scripts/odw` no slower than the seed's compiled binary, about 200 ms.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { BUNDLE_FLAGS, launcherBundle } from "../tests/_support/odw.ts";
import { median } from "./support.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const ROUNDS = 10;

/** One variant: a command line to time. */
interface Variant {
  label: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
}

/** Wall time of one run (ms), failing loudly when the command fails. */
async function timed(variant: Variant, cwd: string): Promise<number> {
  const t0 = performance.now();
  const out = await new Deno.Command(variant.command, {
    args: variant.args,
    cwd,
    env: variant.env,
    stdout: "null",
    stderr: "piped",
  }).output();
  const ms = performance.now() - t0;
  if (!out.success) throw new Error(`${variant.label} failed: ${new TextDecoder().decode(out.stderr)}`);
  return ms;
}

/** Medians of `variants`, interleaved over {@link ROUNDS} rounds after one warm-up each. */
async function interleaved(variants: Variant[], cwd: string): Promise<number[]> {
  for (const v of variants) await timed(v, cwd);
  const times = variants.map(() => [] as number[]);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, v] of variants.entries()) times[i].push(await timed(v, cwd));
  }
  return times.map(median);
}

/** Prints the launch figures; `work` is a scratch directory for run records. */
export async function launchFigures(work: string): Promise<void> {
  const odwBundle = await launcherBundle("odw", "src/cli/bundle.ts");
  const pandacodeBundle = await launcherBundle("pandacode", "pandacode/main.ts");
  if (!odwBundle || !pandacodeBundle) throw new Error("the launchers' bundles could not be built");
  const deno = Deno.execPath();
  const hello = ["exec", `${ROOT}examples/hello.js`, "--backend", "mock", "--quiet"];
  const [launcher, direct, source] = await interleaved([
    { label: "scripts/odw", command: `${ROOT}scripts/odw`, args: hello },
    {
      label: "bundle",
      command: deno,
      args: ["run", "-A", ...BUNDLE_FLAGS, "--no-prompt", odwBundle, ...hello],
    },
    { label: "sources", command: `${ROOT}scripts/odw`, args: hello, env: { ODW_FROM_SOURCE: "1" } },
  ], work);
  const [pcLauncher, pcSource] = await interleaved([
    { label: "scripts/pandacode", command: `${ROOT}scripts/pandacode`, args: ["--help"] },
    {
      label: "sources",
      command: `${ROOT}scripts/pandacode`,
      args: ["--help"],
      env: { ODW_FROM_SOURCE: "1" },
    },
  ], work);
  const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
  console.log(`first impression, fresh processes, median of ${ROUNDS} interleaved rounds`);
  console.log(`  scripts/odw exec hello.js   ${fmt(launcher)}   (target <= 200 ms, the seed's binary)`);
  console.log(
    `    the bundle started directly ${fmt(direct)}   (launcher's own share ${fmt(launcher - direct)})`,
  );
  console.log(
    `    from the sources            ${fmt(source)}   (bundle/sources ${(launcher / source).toFixed(2)}x)`,
  );
  console.log(`  scripts/pandacode --help    ${fmt(pcLauncher)}   (sources ${fmt(pcSource)})`);
}

if (import.meta.main) {
  const work = await Deno.makeTempDir({ prefix: "odw-bench-launch-" });
  try {
    await launchFigures(work);
  } finally {
    await Deno.remove(work, { recursive: true });
  }
}
