/**
 * filesChanged: which files under the task's `--cwd` were created, modified or deleted while it ran.
 *
 * The tree is snapshotted before and after the task (path → kind, size, mtime, plus a content hash
 * of small files so same-size same-mtime edits are still caught), skipping `.git`, `node_modules` and
 * `.odw` (odw's run records, which odw writes while its nodes run in the same directory).
 * The walk is deterministic (sorted) and capped; a capped snapshot is marked `truncated`.
 *
 * @example
 * ```ts
 * const before = snapshotTree(cwd);
 * // … the task runs …
 * const changed = changedFiles(before, snapshotTree(cwd)); // ["src/a.ts", "new.txt"]
 * ```
 * @module
 */
import { sha1Hex } from "../../src/common/hash.ts";

/** Directory names never walked into. */
export const SKIPPED_NAMES: ReadonlySet<string> = new Set([".git", "node_modules", ".odw"]);
/** Default cap on the number of files one snapshot records. */
export const DEFAULT_MAX_FILES = 50_000;
/** Files up to this size are hashed. */
export const DEFAULT_HASH_MAX_BYTES = 256 * 1024;

/** What is remembered about one file or symlink. */
export interface FileStamp {
  kind: "file" | "symlink";
  size: number;
  mtimeMs: number;
  /** sha1 of the content (small files) or the link target (symlinks). */
  digest?: string;
}

/** One walk of a tree: relative POSIX paths → stamps. */
export interface TreeSnapshot {
  root: string;
  files: Map<string, FileStamp>;
  /** True when the walk stopped at the file cap. */
  truncated: boolean;
  /** When the walk started (epoch ms). */
  takenAtMs: number;
}

/** Slack for coarse filesystem clocks when comparing an mtime with a snapshot's start. */
const MTIME_SLACK_MS = 20;

/** Options of {@link snapshotTree}. */
export interface SnapshotOptions {
  maxFiles?: number;
  hashMaxBytes?: number;
}

function sha1(data: Uint8Array | string): string {
  return sha1Hex(data);
}

function stampOf(path: string, hashMaxBytes: number): FileStamp | null {
  try {
    const info = Deno.lstatSync(path);
    const mtimeMs = info.mtime?.getTime() ?? 0;
    if (info.isSymlink) {
      return { kind: "symlink", size: info.size, mtimeMs, digest: sha1(Deno.readLinkSync(path)) };
    }
    if (!info.isFile) return null;
    const stamp: FileStamp = { kind: "file", size: info.size, mtimeMs };
    if (info.size <= hashMaxBytes) stamp.digest = sha1(Deno.readFileSync(path));
    return stamp;
  } catch {
    return null; // vanished or unreadable during the walk
  }
}

/** Walks `root` (sorted, depth first) and records every file and symlink, up to the cap. */
export function snapshotTree(root: string, options: SnapshotOptions = {}): TreeSnapshot {
  const maxFiles = options.maxFiles ?? DEFAULT_MAX_FILES;
  const hashMaxBytes = options.hashMaxBytes ?? DEFAULT_HASH_MAX_BYTES;
  const takenAtMs = Date.now();
  const files = new Map<string, FileStamp>();
  const pending: string[] = [""];
  while (pending.length > 0) {
    const rel = pending.pop()!;
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(rel === "" ? root : `${root}/${rel}`)];
    } catch {
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: string[] = [];
    for (const entry of entries) {
      if (SKIPPED_NAMES.has(entry.name)) continue;
      const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory) {
        subdirs.push(path);
        continue;
      }
      if (files.size >= maxFiles) return { root, files, truncated: true, takenAtMs };
      const stamp = stampOf(`${root}/${path}`, hashMaxBytes);
      if (stamp !== null) files.set(path, stamp);
    }
    pending.push(...subdirs.reverse());
  }
  return { root, files, truncated: false, takenAtMs };
}

function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.kind === b.kind && a.size === b.size && a.mtimeMs === b.mtimeMs && a.digest === b.digest;
}

function stillExists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Sorted relative paths created, modified or deleted between two snapshots of the same root.
 * When a snapshot was truncated (the cap was hit), a path only `after` saw counts when its mtime is
 * not older than `before` (so files beyond the cap are not all reported), and a path only `before`
 * saw counts as deleted only if it is really gone.
 */
export function changedFiles(before: TreeSnapshot, after: TreeSnapshot): string[] {
  const changed = new Set<string>();
  for (const [path, stamp] of after.files) {
    const old = before.files.get(path);
    if (old !== undefined) {
      if (!sameStamp(old, stamp)) changed.add(path);
    } else if (!before.truncated || stamp.mtimeMs >= before.takenAtMs - MTIME_SLACK_MS) {
      changed.add(path);
    }
  }
  const truncated = before.truncated || after.truncated;
  for (const path of before.files.keys()) {
    if (after.files.has(path)) continue;
    if (!truncated || !stillExists(`${after.root}/${path}`)) changed.add(path);
  }
  return [...changed].sort();
}
