/**
 * filesChanged detection (snapshot before/after): creations, edits (including same-size edits with
 * the mtime put back), deletions, symlink retargets, ignored `.git`/`node_modules`/`.odw`, and the cap.
 *
 * @module
 */
import assert from "node:assert/strict";
import { changedFiles, snapshotTree } from "../../pandacode/cli/files_changed.ts";

function withTree(fn: (dir: string) => void): void {
  const dir = Deno.makeTempDirSync({ prefix: "pandacode-files-" });
  try {
    fn(dir);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

function write(dir: string, path: string, text: string): void {
  const full = `${dir}/${path}`;
  Deno.mkdirSync(full.slice(0, full.lastIndexOf("/")), { recursive: true });
  Deno.writeTextFileSync(full, text);
}

Deno.test("created, modified and deleted files are listed, sorted and relative; untouched ones are not", () => {
  withTree((dir) => {
    write(dir, "keep.txt", "same");
    write(dir, "src/edit.ts", "let a = 1;");
    write(dir, "src/deep/gone.md", "bye");
    write(dir, "z-last.txt", "z");
    const before = snapshotTree(dir);
    write(dir, "src/edit.ts", "let a = 2; // longer");
    Deno.removeSync(`${dir}/src/deep/gone.md`);
    write(dir, "new/dir/file.json", "{}");
    write(dir, "a-first.txt", "a");
    const after = snapshotTree(dir);
    assert.equal(before.truncated, false);
    assert.deepEqual(changedFiles(before, after), [
      "a-first.txt",
      "new/dir/file.json",
      "src/deep/gone.md",
      "src/edit.ts",
    ]);
  });
});

Deno.test("a same-size edit with the old mtime restored is caught by the content hash", () => {
  withTree((dir) => {
    write(dir, "f.txt", "abc");
    const { mtime, atime } = Deno.statSync(`${dir}/f.txt`);
    const before = snapshotTree(dir);
    write(dir, "f.txt", "xyz");
    Deno.utimeSync(`${dir}/f.txt`, atime!, mtime!);
    assert.equal(Deno.statSync(`${dir}/f.txt`).mtime?.getTime(), mtime?.getTime());
    assert.deepEqual(changedFiles(before, snapshotTree(dir)), ["f.txt"]);
  });
});

Deno.test(".git, node_modules and .odw are never walked; symlink retargets count", () => {
  withTree((dir) => {
    write(dir, ".git/HEAD", "ref: refs/heads/main");
    write(dir, ".odw/runs/r1/journal.jsonl", "{}\n");
    write(dir, "node_modules/pkg/index.js", "1");
    write(dir, "sub/.git/config", "x");
    write(dir, "target-a", "a");
    write(dir, "target-b", "b");
    Deno.symlinkSync("target-a", `${dir}/link`);
    const before = snapshotTree(dir);
    assert.deepEqual([...before.files.keys()].sort(), ["link", "target-a", "target-b"]);
    write(dir, ".git/HEAD", "ref: refs/heads/other");
    write(dir, ".git/objects/ab/cdef", "blob");
    write(dir, "node_modules/pkg/index.js", "2");
    write(dir, ".odw/runs/r1/journal.jsonl", "{}\n{}\n");
    write(dir, "sub/.git/config", "y");
    Deno.removeSync(`${dir}/link`);
    Deno.symlinkSync("target-b", `${dir}/link`);
    assert.deepEqual(changedFiles(before, snapshotTree(dir)), ["link"]);
  });
});

Deno.test("at the cap: unseen old files are neither created nor deleted, fresh ones still count", () => {
  withTree((dir) => {
    const hourAgo = new Date(Date.now() - 3_600_000);
    for (let i = 0; i < 10; i++) {
      write(dir, `f${i}.txt`, String(i));
      Deno.utimeSync(`${dir}/f${i}.txt`, hourAgo, hourAgo);
    }
    const before = snapshotTree(dir, { maxFiles: 4 });
    assert.equal(before.truncated, true);
    assert.deepEqual([...before.files.keys()], ["f0.txt", "f1.txt", "f2.txt", "f3.txt"]);
    write(dir, "f1.txt", "changed");
    Deno.removeSync(`${dir}/f2.txt`);
    const shifted = snapshotTree(dir, { maxFiles: 4 });
    assert.deepEqual([...shifted.files.keys()], ["f0.txt", "f1.txt", "f3.txt", "f4.txt"]);
    assert.deepEqual(changedFiles(before, shifted), ["f1.txt", "f2.txt"]);
    write(dir, "a-new.txt", "new");
    const after = snapshotTree(dir, { maxFiles: 4 });
    assert.deepEqual([...after.files.keys()], ["a-new.txt", "f0.txt", "f1.txt", "f3.txt"]);
    assert.deepEqual(changedFiles(before, after), ["a-new.txt", "f1.txt", "f2.txt"]);
  });
});
