/**
 * Runs the hostile workflow scripts of `tests/sandbox/hostile/` with the real odw CLI, each in a fresh
 * project that also holds a child workflow `kid` (returning "real child"), and checks what a failed run
 * must leave behind: exit 1, one clean error line, no stack trace, a journal that ends with
 * `run.finished` and a `result.json` saying `failed`.
 *
 * @example
 * ```ts
 * const { run, record } = await runHostile("oom_heap.js", [], { timeoutMs: 60_000 });
 * assertFailedCleanly(run, record, /^OutOfMemoryError: /);
 * ```
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type OdwOptions, type OdwRun, type RunRecord, stackLines, withProject } from "./odw.ts";
import { REPO } from "./odw.ts";

/** The folder of hostile scripts. */
export const HOSTILE_DIR: string = join(REPO, "tests", "sandbox", "hostile");

/** The child workflow every hostile project has. */
const KID = `export const meta = { name: "kid", description: "a child workflow" };\nreturn "real child";\n`;

/** A hostile run: the process and, when odw made one, its run record. */
export interface HostileRun {
  run: OdwRun;
  record?: RunRecord;
}

/** Runs `tests/sandbox/hostile/<script>` with `odw exec --json --quiet` plus `args`. */
export async function runHostile(
  script: string,
  args: string[] = [],
  opts: OdwOptions = {},
): Promise<HostileRun> {
  let result: HostileRun | undefined;
  await withProject(async (project) => {
    await project.write(".odw/workflows/kid.js", KID);
    await project.write("workflow.js", await Deno.readTextFile(join(HOSTILE_DIR, script)));
    const run = await project.odw(["exec", "workflow.js", "--json", "--quiet", ...args], opts);
    const ids = await project.runIds();
    const record = ids.length === 1
      ? await project.readRun(project.path(`.odw/runs/${ids[0]}`)).catch(() => undefined)
      : undefined;
    result = { run, record };
  });
  return result!;
}

/** The run failed as odw promises: exit 1, one error line matching `error`, records complete. */
export function assertFailedCleanly(run: OdwRun, record: RunRecord | undefined, error: RegExp): void {
  assert.equal(run.code, 1, `exit ${run.code}\nstderr: ${run.stderr.slice(0, 2000)}`);
  assert.equal(run.json?.status, "failed", run.stdout.slice(0, 500));
  const line = String(run.json?.error);
  assert.ok(!line.includes("\n"), `the error is more than one line: ${line.slice(0, 500)}`);
  assert.match(line, error);
  assert.deepEqual(stackLines(run.stderr), [], "a stack trace reached stderr");
  assert.ok(record, "no run record (journal + result.json) was written");
  assert.equal(record.events.at(-1)?.type, "run.finished", "the journal does not end with run.finished");
  assert.equal(record.result.status, "failed");
  assert.equal(record.result.error, line);
}
