/**
 * `deno task compile`: standalone `dist/odw-<target>` and `dist/pandacode-<target>` binaries for every
 * release target (linux x64/arm64, macOS x64/arm64, Windows x64), each with the report's assets inside
 * (the odw entry is `src/cli/bundle.ts`, whose literal import takes them in). `deno compile` downloads
 * the runtime of each target (`denort`) the first time; where it cannot, this says so in one line per
 * binary instead of Deno's error chain, and exits 1 when any binary was not built.
 *
 * Usage: `deno task compile [--target <triple>]...` (default: all five).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";

/** The targets odw is released for. */
export const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
] as const;

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The binaries: name, entry and the flags each needs at run time. */
const BINARIES = [
  { name: "odw", entry: "src/cli/bundle.ts", flags: ["-A", "--no-prompt", "--unstable-worker-options"] },
  { name: "pandacode", entry: "pandacode/main.ts", flags: ["-A"] },
];

/** One line for a failed `deno compile`: the download it could not make, else its first error line. */
export function compileFailure(stderr: string): string {
  // deno-lint-ignore no-control-regex
  const text = stderr.replace(/\x1b\[[0-9;]*m/g, "");
  const url = /https:\/\/dl\.deno\.land\/\S+?\.zip/.exec(text)?.[0];
  if (url && /error sending request|dns error|Connect|timed out|404/i.test(text)) {
    return `cannot download the Deno runtime for this target (${url}); build on a release machine`;
  }
  return text.split("\n").find((line) => line.startsWith("error:"))?.slice(6).trim() ?? "deno compile failed";
}

async function compileOne(name: string, entry: string, flags: string[], target: string): Promise<boolean> {
  const out = `dist/${name}-${target}${target.includes("windows") ? ".exe" : ""}`;
  const run = await new Deno.Command(Deno.execPath(), {
    args: ["compile", ...flags, "--quiet", "--target", target, "-o", out, entry],
    cwd: ROOT,
    stdout: "null",
    stderr: "piped",
  }).output();
  if (run.success) {
    console.log(`${out}: built`);
    return true;
  }
  console.error(`${out}: not built: ${compileFailure(new TextDecoder().decode(run.stderr))}`);
  return false;
}

if (import.meta.main) {
  const { values } = parseArgs({ args: Deno.args, options: { target: { type: "string", multiple: true } } });
  const targets = values.target ?? [...TARGETS];
  const unknown = targets.find((t) => !(TARGETS as readonly string[]).includes(t));
  if (unknown) {
    console.error(`compile: unknown target "${unknown}" (one of ${TARGETS.join(", ")})`);
    Deno.exit(2);
  }
  let ok = true;
  for (const target of targets) {
    for (const { name, entry, flags } of BINARIES) ok = await compileOne(name, entry, flags, target) && ok;
  }
  Deno.exit(ok ? 0 : 1);
}
