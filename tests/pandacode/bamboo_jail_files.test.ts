/**
 * What a workspace path names, as bamboo's file tools meet it: a hard link to a file outside the
 * workspace is neither read nor edited, and writing over it replaces the workspace's name without
 * touching the outside file; a FIFO (or any non-regular file) never blocks read, edit, write or
 * search; and names that merely start with `..` (`..foo`) are inside the workspace. Each run has its
 * own deadline: before the fix the FIFO case hung forever.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fifoUnblocker, runBounded } from "../_support/processes.ts";
import { reply, startChatServer, toolResultsOf } from "../fixtures/openai_chat_server.ts";
import { bambooTask, runBambooBounded, tempWorkspace } from "./bamboo_helpers.ts";

const SECRET = "OUTSIDE-SECRET-91c2";

type Calls = Record<string, { name: string; args: unknown; expect: RegExp }>;

/** One model turn making every call in `calls` on workspace `ws`; checks each tool result. */
async function runCalls(ws: string, calls: Calls): Promise<void> {
  await using server = startChatServer([
    reply.tools(Object.entries(calls).map(([id, c]) => ({ id, name: c.name, args: c.args })), {
      prompt_tokens: 10,
      completion_tokens: 10,
    }),
    reply.text("done", { prompt_tokens: 10, completion_tokens: 1 }),
  ]);
  const outcome = await runBambooBounded(bambooTask(ws, server));
  assert.equal(outcome.status, "completed", JSON.stringify(outcome.error));
  const results = new Map(toolResultsOf(server.requests[1]).map((r) => [r.toolCallId, r.content]));
  for (const [id, call] of Object.entries(calls)) {
    const content = results.get(id);
    assert.ok(content !== undefined, `no tool result for ${id}`);
    assert.match(content, call.expect, `${id}: ${content}`);
  }
  for (const request of server.requests) {
    assert.ok(!JSON.stringify(request.body).includes(SECRET), "secret sent");
  }
}

Deno.test("bamboo: a hard link to an outside file is not read or edited, and writing replaces only the link", async () => {
  await using tmp = await tempWorkspace();
  const outsideFile = join(tmp.outside, "secret.txt");
  await Deno.writeTextFile(outsideFile, `${SECRET}\n`);
  await Deno.link(outsideFile, join(tmp.ws, "hard.txt"));
  await Deno.link(outsideFile, join(tmp.ws, "hard-to-write.txt"));
  await runCalls(tmp.ws, {
    readHardLink: { name: "read", args: { path: "hard.txt" }, expect: /has several hard links/ },
    editHardLink: {
      name: "edit",
      args: { path: "hard.txt", oldString: "OUTSIDE", newString: "PWNED" },
      expect: /has several hard links/,
    },
    writeHardLink: {
      name: "write",
      args: { path: "hard-to-write.txt", content: "replaced\n" },
      expect: /^overwrote hard-to-write\.txt/,
    },
    searchHardLink: { name: "search", args: { pattern: "SECRET" }, expect: /^no matches/ },
  });
  assert.equal(await Deno.readTextFile(outsideFile), `${SECRET}\n`, "the outside file changed");
  assert.equal(await Deno.readTextFile(join(tmp.ws, "hard-to-write.txt")), "replaced\n");
  assert.equal((await Deno.stat(join(tmp.ws, "hard-to-write.txt"))).nlink, 1);
  assert.equal((await Deno.stat(outsideFile)).nlink, 2, "hard.txt still links the outside file");
  const leftovers = [...Deno.readDirSync(tmp.ws)].map((e) => e.name).filter((n) =>
    n.includes("pandacode-tmp")
  );
  assert.deepEqual(leftovers, [], "no temporary files left");
});

Deno.test("bamboo: a FIFO in the workspace never blocks read, edit, write or search", async () => {
  await using tmp = await tempWorkspace({ "plain.txt": "x marks\n" });
  const mkfifo = await runBounded("mkfifo", { args: [join(tmp.ws, "pipe.txt")] });
  assert.equal(mkfifo.code, 0, `mkfifo: ${mkfifo.stderr}`);
  // A tool that opened the FIFO would block (perhaps this very thread): unblock it after a while so
  // the test fails on what the tool answered instead of hanging the suite.
  await using _unblock = fifoUnblocker(join(tmp.ws, "pipe.txt"), 20_000);
  await runCalls(tmp.ws, {
    readFifo: { name: "read", args: { path: "pipe.txt" }, expect: /not a regular file/ },
    editFifo: {
      name: "edit",
      args: { path: "pipe.txt", oldString: "a", newString: "b" },
      expect: /not a regular file/,
    },
    writeFifo: { name: "write", args: { path: "pipe.txt", content: "x" }, expect: /not a regular file/ },
    searchAll: { name: "search", args: { pattern: "x" }, expect: /^plain\.txt:1: x marks$/ },
    searchFifo: { name: "search", args: { pattern: "x", path: "pipe.txt" }, expect: /no matches .* 1 file/ },
  });
  assert.ok((await Deno.lstat(join(tmp.ws, "pipe.txt"))).isFifo, "the FIFO was replaced");
});

Deno.test("bamboo: names starting with `..` are inside the workspace; `..` itself is not", async () => {
  await using tmp = await tempWorkspace({ "..foo/notes.txt": "dotdot-named dir\n", "..bar.txt": "bar\n" });
  await Deno.writeTextFile(join(tmp.outside, "secret.txt"), `${SECRET}\n`);
  await runCalls(tmp.ws, {
    readDotDotName: { name: "read", args: { path: "..foo/notes.txt" }, expect: /^dotdot-named dir\n$/ },
    readDotDotFile: { name: "read", args: { path: "..bar.txt" }, expect: /^bar\n$/ },
    writeDotDotName: {
      name: "write",
      args: { path: "..foo/new.txt", content: "new\n" },
      expect: /^created \.\.foo\/new\.txt/,
    },
    listDotDot: { name: "list", args: { path: "..foo" }, expect: /notes\.txt/ },
    searchAll: { name: "search", args: { pattern: "dotdot|bar" }, expect: /^\.\.bar\.txt:1: bar\n\.\.foo/ },
    readParent: { name: "read", args: { path: "../outside/secret.txt" }, expect: /leaves the workspace/ },
    readParentDir: { name: "list", args: { path: "sub/../.." }, expect: /leaves the workspace/ },
  });
  assert.equal(await Deno.readTextFile(join(tmp.ws, "..foo/new.txt")), "new\n");
});
