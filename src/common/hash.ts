/**
 * Hashes in one place: SHA-256 for node keys, content-addressed prompts and blobs, branch names and the
 * report's CSP, SHA-1 for pandacode's file fingerprints. From `@noble/hashes` (audited, no
 * dependencies), not `node:crypto`: loading Node's compat layer for a hash cost every run about 10 ms
 * of start-up.
 *
 * @example
 * ```ts
 * sha256Hex("abc"); // "ba7816bf…"
 * sha256Base64("abc"); // "ungWv48B…"
 * ```
 * @module
 */
import { sha1 } from "@noble/hashes/legacy.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";

/** Text is hashed as its UTF-8 bytes. */
function bytesOf(data: string | Uint8Array): Uint8Array {
  return typeof data === "string" ? new TextEncoder().encode(data) : data;
}

/** SHA-256 of `data`, as 64 lowercase hex digits. */
export function sha256Hex(data: string | Uint8Array): string {
  return bytesToHex(sha256(bytesOf(data)));
}

/** SHA-256 of `data`, as base64 (a CSP hash source's form). */
export function sha256Base64(data: string | Uint8Array): string {
  return btoa(String.fromCharCode(...sha256(bytesOf(data))));
}

/** SHA-1 of `data`, as 40 lowercase hex digits. */
export function sha1Hex(data: string | Uint8Array): string {
  return bytesToHex(sha1(bytesOf(data)));
}
