/**
 * The distributed commands' bad input: one line on stderr, exit 2, never a stack trace — an
 * unreachable server, an address that is not one, a server without JetStream, a config that asks for
 * NATS without naming a server, unknown runtimes, a bad worker name; and their help texts.
 */
import assert from "node:assert/strict";
import { freePort, startNatsServer } from "../_support/nats.ts";
import { stackLines, withProject, workflowSource } from "../_support/odw.ts";

const SCRIPT = workflowSource(`return await agent("hello");`);

/** Asserts a refusal: exit 2 and exactly one line `odw: <pattern>` on stderr. */
function assertRefused(run: { code: number; stderr: string }, pattern: RegExp): void {
  assert.equal(run.code, 2, run.stderr);
  assert.deepEqual(stackLines(run.stderr), []);
  const lines = run.stderr.trim().split("\n");
  assert.equal(lines.length, 1, run.stderr);
  assert.match(lines[0], pattern);
}

Deno.test("cannot connect to NATS: one line, exit 2, for exec, worker and workers", async () => {
  await withProject(async (project) => {
    await project.write("wf.js", SCRIPT);
    const dead = `nats://127.0.0.1:${freePort()}`;
    const cannot = /^odw: cannot connect to NATS at nats:\/\/127\.0\.0\.1:\d+: /;
    assertRefused(await project.odw(["exec", "wf.js", "--nats", dead, "--quiet"]), cannot);
    assertRefused(await project.odw(["worker", "--nats", dead]), cannot);
    assertRefused(await project.odw(["workers", "--nats", dead]), cannot);
    assertRefused(
      await project.odw(["exec", "wf.js", "--nats", "http://example.test", "--quiet"]),
      /^odw: --nats: not a NATS server address: "http:\/\/example\.test"/,
    );
  });
});

Deno.test("a server without JetStream, a config without a server, bad worker flags: one line each", async () => {
  await withProject(async (project) => {
    await project.write("wf.js", SCRIPT);
    const plain = await startNatsServer(false);
    try {
      assertRefused(
        await project.odw(["exec", "wf.js", "--nats", plain.url, "--quiet"]),
        /^odw: NATS at nats:\/\/127\.0\.0\.1:\d+ has no JetStream \(start the server with -js\)/,
      );
    } finally {
      await plain.dispose();
    }
    assertRefused(
      await project.odw(["worker", "--runtimes", "gpt"]),
      /^odw: --runtimes: unknown runtime "gpt"/,
    );
    assertRefused(
      await project.odw(["worker", "--nats", "127.0.0.1:1", "--name", "a.b"]),
      /^odw: --name: use letters/,
    );
    assertRefused(
      await project.odw(["worker"]),
      /^odw: --nats <url> is needed \(or "nats" in \.odw\/config\.json\)$/,
    );
    await project.write(".odw/config.json", JSON.stringify({ dispatch: "nats" }));
    assertRefused(
      await project.odw(["exec", "wf.js", "--quiet"]),
      /^odw: invalid .*config\.json: nats: a server address is needed with dispatch "nats"/,
    );
    await project.write(".odw/config.json", JSON.stringify({ dispatch: "nats", nats: "127.0.0.1:1" }));
    assertRefused(
      await project.odw(["exec", "wf.js", "--quiet"]),
      /^odw: cannot connect to NATS at 127\.0\.0\.1:1: /,
    );
  });
});

Deno.test("help of worker and workers; odw --help lists them", async () => {
  await withProject(async (project) => {
    const worker = await project.odw(["worker", "--help"]);
    assert.equal(worker.code, 0);
    assert.match(worker.stdout, /^Usage: odw worker --nats <url>/);
    assert.match(worker.stdout, /--runtimes <list>/);
    assert.match(worker.stdout, /Ctrl-C drains/);
    const workers = await project.odw(["workers", "--help"]);
    assert.equal(workers.code, 0);
    assert.match(workers.stdout, /^Usage: odw workers --nats <url>/);
    const main = await project.odw(["--help"]);
    assert.match(main.stdout, /odw worker --nats <url>/);
    assert.match(main.stdout, /odw workers --nats <url>/);
    const exec = await project.odw(["exec", "--help"]);
    assert.match(exec.stdout, /--nats <url>/);
  });
});
