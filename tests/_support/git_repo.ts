/**
 * Temporary git repositories for worktree tests: real git, a local identity in the repository's
 * config, every git call under a deadline. {@link RepoState} captures what the user would notice
 * changing — `git status --porcelain`, the index file's bytes, and the files on disk.
 *
 * @example
 * ```ts
 * await withRepo(async (repo) => {
 *   await repo.commit({ "a.txt": "a\n" });
 *   await repo.write("a.txt", "uncommitted\n");
 * });
 * ```
 * @module
 */
import { dirname, join } from "node:path";
import { runProcess } from "./odw.ts";

/** A temporary repository. */
export class TempRepo {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  /** Runs git in the repository (or `cwd`); throws with git's stderr unless it exits 0. */
  async git(...args: string[]): Promise<string> {
    const out = await runProcess("git", args, this.dir, { timeoutMs: 30_000 });
    if (out.code !== 0) throw new Error(`git ${args.join(" ")} exited ${out.code}: ${out.stderr}`);
    return out.stdout.replace(/\n$/, "");
  }

  /** Writes a file (creating folders). */
  async write(relative: string, content: string): Promise<void> {
    const full = join(this.dir, relative);
    await Deno.mkdir(dirname(full), { recursive: true });
    await Deno.writeTextFile(full, content);
  }

  /** Writes `files` (relative path → content) and commits them. */
  async commit(files: Record<string, string>, message = "files"): Promise<void> {
    for (const [path, content] of Object.entries(files)) await this.write(path, content);
    await this.git("add", "--", ...Object.keys(files));
    await this.git("commit", "-qm", message);
  }

  /** A file's text at a revision (`git show rev:path`). */
  show(rev: string, path: string): Promise<string> {
    return this.git("show", `${rev}:${path}`);
  }

  /** Files in a revision's tree. */
  async files(rev: string): Promise<string[]> {
    return (await this.git("ls-tree", "-r", "--name-only", rev)).split("\n").filter(Boolean);
  }

  /** What the user would notice changing. */
  async state(): Promise<RepoState> {
    const files: Record<string, string> = {};
    for await (const path of walk(this.dir, "")) files[path] = await Deno.readTextFile(join(this.dir, path));
    let index: number[] = [];
    try {
      index = Array.from(await Deno.readFile(join(this.dir, ".git", "index")));
    } catch { /* no index yet */ }
    const status = (await this.git("status", "--porcelain", "--untracked-files=all")).split("\n")
      .filter((line) => !line.startsWith("?? .odw/")).join("\n");
    return { status, index, files };
  }
}

/** The user-visible state of a repository. */
export interface RepoState {
  /** `git status --porcelain` without odw's own run records (`?? .odw/…`). */
  status: string;
  /** Bytes of `.git/index`. */
  index: number[];
  /** Every file outside `.git` and `.odw` with its text. */
  files: Record<string, string>;
}

async function* walk(root: string, rel: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(join(root, rel))) {
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    if (path === ".git" || path === ".odw") continue;
    if (entry.isDirectory) yield* walk(root, path);
    else if (entry.isFile) yield path;
  }
}

/** Makes a repository (`git init`, identity, one commit unless `empty`), runs `fn`, removes it. */
export async function withRepo(
  fn: (repo: TempRepo) => Promise<void>,
  opts: { empty?: boolean } = {},
): Promise<void> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "odw-repo-" }));
  const repo = new TempRepo(dir);
  try {
    await repo.git("init", "-q", "-b", "main");
    await repo.git("config", "user.name", "Test User");
    await repo.git("config", "user.email", "test@example.com");
    await repo.git("config", "commit.gpgSign", "false");
    if (!opts.empty) {
      await repo.commit({ "README.md": "# project\n" }, "init");
    }
    await fn(repo);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
