/**
 * The names and subjects odw uses on a NATS server, in one place (documented in docs/distributed.md):
 *
 * - stream `ODW_NODES` (work queue) on `odw.nodes.<lane>.<lineage>`: node requests;
 * - one durable pull consumer per lane, `odw-workers-<lane>`, shared by every worker of that lane. A
 *   lane is a runtime (`claude`, `codex`, `bamboo`) or `any` (nodes that name no runtime odw knows);
 *   a worker started with `--runtimes claude` pulls from the `claude` and `any` lanes only;
 * - KV bucket `odw-results`: one entry per finished node, under `<lineage>.<node key>`;
 * - KV bucket `odw-workers`: one entry per live worker (its presence, refreshed while it runs);
 * - object store `odw-blobs`: large prompts and results, by their SHA-256;
 * - `odw.cancel.<lineage>` (plain NATS): a run stopped; workers stop its in-flight nodes.
 *
 * A *lineage* is the run that first published a node and every `odw resume` of it: they share one
 * namespace of results, so a resumed run finds what workers finished for the run it resumes.
 *
 * @module
 */
import { sha256Hex } from "../common/hash.ts";
import { RUNTIMES } from "../common/contract.ts";

/** The work-queue stream of node requests. */
export const STREAM = "ODW_NODES";
/** Subjects of node requests: `odw.nodes.<lane>.<lineage>`. */
export const NODE_SUBJECTS = "odw.nodes";
/** Run cancellations: `odw.cancel.<lineage>`. */
export const CANCEL_SUBJECTS = "odw.cancel";
/** KV bucket of node results. */
export const RESULTS_BUCKET = "odw-results";
/** KV bucket of worker presence. */
export const WORKERS_BUCKET = "odw-workers";
/** Object store of large payloads. */
export const BLOBS_BUCKET = "odw-blobs";

/** Work lanes: `any`, then one per runtime. */
export const LANES = ["any", ...RUNTIMES] as const;
/** One of {@link LANES}. */
export type Lane = typeof LANES[number];

/** The lane of a node: its runtime when odw knows it, else `any`. */
export function laneOf(runtime: string | undefined): Lane {
  return (LANES as readonly string[]).includes(runtime ?? "") ? runtime as Lane : "any";
}

/** The durable consumer of a lane. */
export function consumerName(lane: Lane): string {
  return `odw-workers-${lane}`;
}

/** The subject a node request of `lineage` is published on. */
export function requestSubject(lane: Lane, lineage: string): string {
  return `${NODE_SUBJECTS}.${lane}.${lineage}`;
}

/** The subject that cancels a lineage's nodes. */
export function cancelSubject(lineage: string): string {
  return `${CANCEL_SUBJECTS}.${lineage}`;
}

/** A string that is one subject token and a valid KV key part: letters, digits, `-` and `_`. */
const TOKEN = /^[A-Za-z0-9_-]{1,128}$/;

/** Whether `text` can be a lineage or worker name as it is. */
export function isToken(text: string): boolean {
  return TOKEN.test(text);
}

/** `text` made into a token: unsafe characters become `_`, clipped to 64 characters. */
export function toToken(text: string): string {
  const token = text.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 64);
  return token === "" ? "_" : token;
}

/**
 * The KV key of a node's result: `<lineage>.<hash>-<n>` for a key `hash#n`. A key of any other shape
 * (never made by odw) is hashed, so no input can reach outside its lineage's keys.
 */
export function resultKey(lineage: string, nodeKey: string): string {
  const plain = /^([A-Za-z0-9_-]{1,100})#(\d{1,9})$/.exec(nodeKey);
  const part = plain ? `${plain[1]}-${plain[2]}` : `x${sha256Hex(nodeKey).slice(0, 40)}`;
  return `${lineage}.${part}`;
}
