/**
 * What the sandbox process costs, measured in this process: the time from spawning a sandbox to its
 * runtime saying `ready` (plus the data cap), and the round trip of one agent request through the
 * whole channel (Worker → ring → sandbox process → pipe → odw → back) with an answer that costs
 * nothing, so the figure is the channel's alone.
 *
 * @module
 */
import { SandboxSession } from "../src/engine/sandbox_session.ts";
import { DEFAULT_MAX_MEMORY_MB, SandboxProcess } from "../src/sandbox/sandbox_process.ts";

/** Spawn → ready → capped, in ms, for `runs` fresh sandboxes (one at a time). */
export async function sandboxBoot(runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const sandbox = SandboxProcess.start({ maxMemoryMb: DEFAULT_MAX_MEMORY_MB });
    await new Promise<void>((resolve) =>
      sandbox.listen({ onText: () => resolve(), onError: () => resolve() })
    );
    await sandbox.capData();
    times.push(performance.now() - t0);
    sandbox.kill();
    await sandbox.exited;
  }
  return times;
}

/** Milliseconds per agent round trip, over `agents` sequential agents answered at once. */
export async function channelRoundTrip(agents: number): Promise<number> {
  const sandbox = SandboxProcess.start({ maxMemoryMb: DEFAULT_MAX_MEMORY_MB });
  let first = 0;
  const session = new SandboxSession({
    sandbox,
    start: {
      body: `for (let i = 0; i < ${agents}; i++) await agent("p" + i); return ${agents};`,
      hasArgs: false,
      budgetTotal: null,
      name: "round-trip",
    },
    hooks: {
      log() {},
      phase() {},
      agent: () => {
        first ||= performance.now();
        return Promise.resolve("ok");
      },
      child: () => Promise.reject(new Error("no children here")),
      spent: () => 0,
    },
  });
  const end = await session.end;
  if (end.status !== "completed") throw new Error(`round trip run failed: ${end.error}`);
  return (performance.now() - first) / (agents - 1);
}
