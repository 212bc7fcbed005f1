/**
 * bamboo's workspace jail as the model meets it: escapes by `..`, absolute paths, symlinks (to a
 * file, through a directory, dangling) and `.git` internals are refused with a tool error that the
 * next request carries, and nothing outside the workspace is read or written.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { reply, startChatServer, toolResultsOf } from "../fixtures/openai_chat_server.ts";
import { bambooTask, runBambooBounded, tempWorkspace, testContext } from "./bamboo_helpers.ts";

const SECRET = "TOP-SECRET-7f3a";

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test("bamboo file tools refuse every way out of the workspace", async () => {
  await using tmp = await tempWorkspace({ "inside.txt": "inside content\n", ".git/config": "[core]\n" });
  await Deno.writeTextFile(join(tmp.outside, "secret.txt"), SECRET);
  await Deno.symlink(join(tmp.outside, "secret.txt"), join(tmp.ws, "filelink"));
  await Deno.symlink(tmp.outside, join(tmp.ws, "dirlink"));
  await Deno.symlink(join(tmp.outside, "nothing-yet.txt"), join(tmp.ws, "dangling"));
  await Deno.symlink(join(tmp.ws, "inside.txt"), join(tmp.ws, "innerlink"));

  const calls: Record<string, { name: string; args: unknown; expect: RegExp }> = {
    dotdot: { name: "read", args: { path: "../outside/secret.txt" }, expect: /leaves the workspace/ },
    etc: { name: "read", args: { path: "/etc/passwd" }, expect: /absolute path outside the workspace/ },
    absOutside: {
      name: "read",
      args: { path: join(tmp.outside, "secret.txt") },
      expect: /absolute path outside the workspace/,
    },
    fileLink: { name: "read", args: { path: "filelink" }, expect: /resolves through a symlink to .*outside/ },
    dirLink: { name: "read", args: { path: "dirlink/secret.txt" }, expect: /resolves through a symlink/ },
    gitConfig: { name: "read", args: { path: ".git/config" }, expect: /\.git internals are off limits/ },
    writeDotdot: {
      name: "write",
      args: { path: "../outside/new.txt", content: "x" },
      expect: /leaves the workspace/,
    },
    writeThroughDirLink: {
      name: "write",
      args: { path: "dirlink/new.txt", content: "x" },
      expect: /resolves through a symlink/,
    },
    writeDangling: { name: "write", args: { path: "dangling", content: "x" }, expect: /dangling symlink/ },
    writeGitHook: {
      name: "write",
      args: { path: ".git/hooks/pre-commit", content: "#!/bin/sh\n" },
      expect: /\.git internals/,
    },
    editOutside: {
      name: "edit",
      args: { path: "../outside/secret.txt", oldString: "TOP", newString: "x" },
      expect: /leaves the workspace/,
    },
    listParent: { name: "list", args: { path: ".." }, expect: /leaves the workspace/ },
    searchLink: {
      name: "search",
      args: { pattern: "SECRET", path: "dirlink" },
      expect: /resolves through a symlink/,
    },
    // Controls: paths that stay inside work.
    readInside: { name: "read", args: { path: "./sub/../inside.txt" }, expect: /^inside content\n$/ },
    readInnerLink: { name: "read", args: { path: "innerlink" }, expect: /^inside content\n$/ },
    searchAll: {
      name: "search",
      args: { pattern: "SECRET|core|inside" },
      expect: /^inside\.txt:1: inside content$/,
    },
  };
  await using server = startChatServer([
    reply.tools(Object.entries(calls).map(([id, c]) => ({ id, name: c.name, args: c.args })), {
      prompt_tokens: 10,
      completion_tokens: 10,
    }),
    reply.text("done", { prompt_tokens: 10, completion_tokens: 1 }),
  ]);

  const outcome = await runBambooBounded(bambooTask(tmp.ws, server), testContext());
  assert.equal(outcome.status, "completed", JSON.stringify(outcome.error));
  assert.equal(server.requests.length, 2);

  const results = new Map(toolResultsOf(server.requests[1]).map((r) => [r.toolCallId, r.content]));
  for (const [id, call] of Object.entries(calls)) {
    const content = results.get(id);
    assert.ok(content !== undefined, `no tool result for ${id}`);
    assert.match(content, call.expect, `${id}: ${content}`);
  }
  // Nothing outside was read or written, and .git was not touched.
  for (const request of server.requests) assert.ok(!JSON.stringify(request.body).includes(SECRET));
  assert.equal(await Deno.readTextFile(join(tmp.outside, "secret.txt")), SECRET);
  assert.deepEqual([...Deno.readDirSync(tmp.outside)].map((e) => e.name), ["secret.txt"]);
  assert.equal(await exists(join(tmp.ws, ".git", "hooks")), false);
  assert.equal(await Deno.readTextFile(join(tmp.ws, ".git", "config")), "[core]\n");
  console.log(
    `jail: ${Object.keys(calls).length - 3} escapes refused, e.g. ${JSON.stringify(results.get("fileLink"))}`,
  );
});
