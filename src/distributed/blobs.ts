/**
 * Large payloads by hash: bytes are stored once in the object store under their SHA-256 (hex), and
 * checked against it when read back, so a message carries 64 characters instead of megabytes and a
 * corrupted or substituted object is refused.
 *
 * @example
 * ```ts
 * const hash = await putBlob(topology.blobs, bytes);
 * const same = await getBlob(topology.blobs, hash);
 * ```
 * @module
 */
import { sha256Hex } from "../common/hash.ts";
import type { ObjectStore } from "@nats-io/obj";

/** The part of the object store odw uses. */
export type BlobStore = Pick<ObjectStore, "info" | "putBlob" | "getBlob">;

/** A SHA-256 in hex. */
export const SHA256_HEX = /^[0-9a-f]{64}$/;

function sha256(bytes: Uint8Array): string {
  return sha256Hex(bytes);
}

/** Stores `bytes` unless an object of the same hash is there; returns the hash. */
export async function putBlob(store: BlobStore, bytes: Uint8Array): Promise<string> {
  const hash = sha256(bytes);
  const info = await store.info(hash);
  if (!info || info.deleted) await store.putBlob({ name: hash }, bytes);
  return hash;
}

/** The bytes stored under `hash`; throws when missing or when they do not hash to it. */
export async function getBlob(store: BlobStore, hash: string): Promise<Uint8Array> {
  const bytes = await store.getBlob(hash);
  if (!bytes) throw new Error(`blob ${hash.slice(0, 12)}… is not in the object store (expired?)`);
  if (sha256(bytes) !== hash) throw new Error(`blob ${hash.slice(0, 12)}… does not match its hash`);
  return bytes;
}
