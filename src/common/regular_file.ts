/**
 * Reads a file that must be an ordinary one, without ever blocking or reading without bound: the path
 * is inspected before anything opens it (opening a FIFO blocks until a writer comes; a device such as
 * `/dev/zero` never ends), the opened handle is checked to be that same file, and at most the cap is
 * read. Optionally a file with more than one hard link is refused (its content is also reachable, and
 * writable, under a name elsewhere, possibly outside the directory a caller confines itself to).
 *
 * @module
 */
import { concatBytes } from "./bytes.ts";

/** True when `path` is a regular file (a link is followed); false when nothing or something else is there. */
export async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/** Why a file was not read. */
export type UnreadableReason = "not-regular" | "too-large" | "hard-linked" | "changed";

/** A file {@link readRegularFile} refused; `reason` says why, `size` is the size seen (bytes). */
export class UnreadableFileError extends Error {
  override name = "UnreadableFileError";
  readonly reason: UnreadableReason;
  readonly size: number;
  constructor(reason: UnreadableReason, size: number, message: string) {
    super(message);
    this.reason = reason;
    this.size = size;
  }
}

/** Options of {@link readRegularFile}. */
export interface ReadRegularFileOptions {
  /** Largest size read, in bytes; a larger file is refused (`too-large`). */
  maxBytes: number;
  /** Refuse a regular file with more than one hard link (`hard-linked`). */
  refuseHardLinks?: boolean;
}

/**
 * Inspects `path` (symlinks followed) and refuses it unless it is a regular file within the options'
 * bounds; throws {@link UnreadableFileError}, or the file system's own error (e.g. `NotFound`).
 *
 * @example
 * ```ts
 * const info = await checkRegularFile("notes.md", { maxBytes: 1 << 20, refuseHardLinks: true });
 * ```
 */
export async function checkRegularFile(
  path: string,
  options: ReadRegularFileOptions,
): Promise<Deno.FileInfo> {
  const info = await Deno.stat(path);
  if (!info.isFile) {
    throw new UnreadableFileError("not-regular", info.size, `${path} is not a regular file`);
  }
  if (info.size > options.maxBytes) {
    throw new UnreadableFileError("too-large", info.size, `${path} is larger than ${options.maxBytes} bytes`);
  }
  if (options.refuseHardLinks && (info.nlink ?? 1) > 1) {
    throw new UnreadableFileError("hard-linked", info.size, `${path} has ${info.nlink} hard links`);
  }
  return info;
}

/**
 * The bytes of `path` after {@link checkRegularFile} accepted it; the opened handle must still be the
 * inspected file, and a file that grew past the cap meanwhile is refused.
 *
 * @example
 * ```ts
 * const text = new TextDecoder().decode(await readRegularFile("notes.md", { maxBytes: 1 << 20 }));
 * ```
 */
export async function readRegularFile(path: string, options: ReadRegularFileOptions): Promise<Uint8Array> {
  const expected = await checkRegularFile(path, options);
  using file = await Deno.open(path, { read: true });
  const info = await file.stat();
  if (!info.isFile || info.ino !== expected.ino || info.dev !== expected.dev) {
    throw new UnreadableFileError("changed", info.size, `${path} changed while it was being opened`);
  }
  const chunks: Uint8Array[] = [];
  let length = 0;
  const chunk = new Uint8Array(Math.min(options.maxBytes + 1, Math.max(info.size + 1, 64 * 1024)));
  while (length <= options.maxBytes) {
    const n = await file.read(chunk);
    if (n === null) break;
    chunks.push(chunk.slice(0, n));
    length += n;
  }
  if (length > options.maxBytes) {
    throw new UnreadableFileError("too-large", length, `${path} is larger than ${options.maxBytes} bytes`);
  }
  return concatBytes(chunks);
}
