/**
 * The mock's file effects (`writeFiles`, `replyFile`): files land in the node's directory and are
 * read back from it; a scenario path that is absolute or climbs with `..` is refused when the
 * scenario is loaded; a symlink leading out of the directory (a folder or the file itself) is refused
 * at run time as a failed try, with nothing written outside.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { NodeRequest } from "../../src/backends/backend.ts";
import { MockBackend } from "../../src/backends/mock.ts";
import { MockScenarioError, parseScenario } from "../../src/backends/mock_scenario.ts";

const live = () => new AbortController().signal;

async function withDirs(fn: (cwd: string, outside: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "odw-mock-files-" });
  try {
    await Deno.mkdir(join(root, "cwd"));
    await Deno.mkdir(join(root, "outside"));
    await fn(join(root, "cwd"), join(root, "outside"));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

function request(cwd: string, label: string): NodeRequest {
  return { key: `${label}#1`, prompt: "edit", label, cwd, attempt: 1 };
}

Deno.test("writeFiles writes into the node's directory (folders created); replyFile reads back", async () => {
  await withDirs(async (cwd) => {
    const backend = new MockBackend(parseScenario({
      rules: [
        { label: "w", writeFiles: { "src/deep/a.txt": "alpha\n", "b.txt": "" }, reply: "done" },
        { label: "r", replyFile: "src/deep/a.txt" },
      ],
    }));
    assert.equal((await backend.run(request(cwd, "w"), live())).text, "done");
    assert.equal(await Deno.readTextFile(join(cwd, "src/deep/a.txt")), "alpha\n");
    assert.equal(await Deno.readTextFile(join(cwd, "b.txt")), "");
    const read = await backend.run(request(cwd, "r"), live());
    assert.equal(read.status, "completed");
    assert.equal(read.text, "alpha\n");
  });
});

Deno.test("scenario paths that are absolute or climb out are refused when loading, with one line", () => {
  const bad: Array<[unknown, RegExp]> = [
    [{ rules: [{ writeFiles: { "/etc/x": "y" } }] }, /rules\[0\]\.writeFiles.*"\/etc\/x" must be relative/],
    [{ rules: [{ writeFiles: { "a/../../x": "y" } }] }, /"a\/\.\.\/\.\.\/x" must not contain "\.\."/],
    [{ default: { replyFile: "..\\secret" } }, /must not contain "\.\."/],
    [{ default: { replyFile: "" } }, /must be a non-empty path/],
    [{ rules: [{ replyFile: "a", reply: "b" }] }, /use only one of reply, replyFile/],
    [
      { rules: [{ replyFile: "a", status: "failed" }] },
      /"status" cannot go with "reply", "replyFile" or "output"/,
    ],
  ];
  for (const [scenario, message] of bad) {
    assert.throws(() => parseScenario(scenario), (e: Error) => {
      assert.ok(e instanceof MockScenarioError);
      assert.ok(!e.message.includes("\n"), e.message);
      assert.match(e.message, message);
      return true;
    });
  }
});

Deno.test("a symlink leading out of the node's directory is refused at run time; nothing written outside", async () => {
  await withDirs(async (cwd, outside) => {
    await Deno.symlink(outside, join(cwd, "escape"));
    await Deno.writeTextFile(join(outside, "target.txt"), "original\n");
    await Deno.symlink(join(outside, "target.txt"), join(cwd, "link.txt"));
    const backend = new MockBackend(parseScenario({
      rules: [
        { label: "dir", writeFiles: { "escape/new/x.txt": "pwned" } },
        { label: "file", writeFiles: { "link.txt": "pwned" } },
        { label: "read", replyFile: "escape/target.txt" },
      ],
    }));
    for (const label of ["dir", "file", "read"]) {
      const got = await backend.run(request(cwd, label), live());
      assert.equal(got.status, "failed", label);
      assert.equal(got.error?.kind, "executor");
      assert.match(
        got.error?.message ?? "",
        /^mock: .*(leads outside the node's directory|is a symlink)/,
        label,
      );
    }
    assert.deepEqual([...Deno.readDirSync(outside)].map((e) => e.name), ["target.txt"]);
    assert.equal(await Deno.readTextFile(join(outside, "target.txt")), "original\n");
  });
});
