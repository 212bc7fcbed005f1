/**
 * Connecting to NATS and creating, on first use, everything odw needs there (see `names.ts` for the
 * names and docs/distributed.md for the settings): the work-queue stream, one durable pull consumer
 * per lane (explicit ack, ack wait, bounded deliveries), the results and presence KV buckets and the
 * blob object store. Whatever exists already is used as it is (an operator may have tuned it).
 *
 * Every failure a person can cause (no server, no JetStream, a bad URL) is one {@link UsageError} line.
 *
 * @example
 * ```ts
 * const nats = await openNats("nats://127.0.0.1:4222", "odw exec");
 * const topology = await ensureTopology(nats);
 * ```
 * @module
 */
import { connect, type NatsConnection } from "@nats-io/transport-node";
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  jetstream,
  type JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
} from "@nats-io/jetstream";
import { type KV, Kvm } from "@nats-io/kv";
import { type ObjectStore, Objm } from "@nats-io/obj";
import { UsageError } from "../common/cli_kit.ts";
import { checkNatsUrl } from "./nats_url.ts";
import {
  BLOBS_BUCKET,
  consumerName,
  type Lane,
  LANES,
  NODE_SUBJECTS,
  RESULTS_BUCKET,
  STREAM,
  WORKERS_BUCKET,
} from "./names.ts";

/** Settings used when odw creates the stream, consumers and buckets. */
export interface TopologySettings {
  /** A delivered request with no ack and no `working()` heartbeat for this long is redelivered. */
  ackWaitMs: number;
  /** Deliveries of one request before JetStream gives it up (the orchestrator then fails the node). */
  maxDeliver: number;
  /** How long results and blobs are kept (a resume can re-attach within this time). */
  keepMs: number;
  /** A worker's presence entry expires this long after its last refresh. */
  presenceMs: number;
  /** Window in which a request with the same message id (its node key) is dropped as a duplicate. */
  duplicateWindowMs: number;
}

/** The settings odw creates things with. */
export const DEFAULT_TOPOLOGY: TopologySettings = {
  ackWaitMs: 30_000,
  maxDeliver: 5,
  keepMs: 7 * 24 * 3600_000,
  presenceMs: 30_000,
  duplicateWindowMs: 120_000,
};

/** An open NATS connection with its JetStream handles. */
export interface NatsHandle {
  url: string;
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
}

/** The stream's consumers, buckets and store, ready to use. */
export interface Topology extends NatsHandle {
  results: KV;
  workers: KV;
  blobs: ObjectStore;
  /** The ack wait and delivery cap the consumers really have (they may predate these settings). */
  ackWaitMs: number;
  maxDeliver: number;
}

/** Nanoseconds, as JetStream configurations count time. */
export function nanos(ms: number): number {
  return Math.round(ms * 1_000_000);
}

/**
 * Connects (reconnecting forever afterwards: a restarted server is waited for) and checks that
 * JetStream is enabled. Throws a one-line {@link UsageError} when either fails.
 */
export async function openNats(url: string, name: string, timeoutMs = 5000): Promise<NatsHandle> {
  checkNatsUrl(url);
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: url.split(",").map((s) => s.trim()),
      name,
      timeout: timeoutMs,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      pingInterval: 10_000,
    });
  } catch (e) {
    throw new UsageError(`cannot connect to NATS at ${url}: ${firstLine(e)}`);
  }
  try {
    const jsm = await jetstreamManager(nc, { timeout: timeoutMs });
    return { url, nc, js: jetstream(nc, { timeout: timeoutMs }), jsm };
  } catch (e) {
    await nc.close().catch(() => undefined);
    throw new UsageError(
      `NATS at ${url} has no JetStream (start the server with -js): ${firstLine(e)}`,
    );
  }
}

/** Creates whatever is missing of odw's stream, consumers, buckets and store; returns them. */
export async function ensureTopology(
  nats: NatsHandle,
  settings: TopologySettings = DEFAULT_TOPOLOGY,
): Promise<Topology> {
  const { jsm } = nats;
  try {
    await ensureStream(jsm, settings);
    let ackWaitMs = settings.ackWaitMs;
    let maxDeliver = settings.maxDeliver;
    for (const lane of LANES) {
      const config = await ensureConsumer(jsm, lane, settings);
      if (lane === "any") {
        ackWaitMs = Math.round((config.ack_wait ?? nanos(settings.ackWaitMs)) / 1_000_000);
        maxDeliver = config.max_deliver ?? settings.maxDeliver;
      }
    }
    const kvm = new Kvm(nats.js);
    const bucket = (name: string, ttl: number) =>
      kvm.create(name, { history: 1, ttl, storage: StorageType.File }).catch(() => kvm.open(name));
    const results = await bucket(RESULTS_BUCKET, settings.keepMs);
    const workers = await bucket(WORKERS_BUCKET, settings.presenceMs);
    const objm = new Objm(nats.js);
    const blobs = await objm.create(BLOBS_BUCKET, { ttl: settings.keepMs, storage: StorageType.File })
      .catch(() => objm.open(BLOBS_BUCKET));
    return { ...nats, results, workers, blobs, ackWaitMs, maxDeliver };
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot set up odw's streams on NATS at ${nats.url}: ${firstLine(e)}`);
  }
}

/** Whether a JetStream API error says the thing does not exist. */
export function isNotFound(e: unknown): boolean {
  const code = (e as JetStreamApiError)?.code;
  return code === 10059 || code === 10014 || code === 10037 || (e as Error)?.name?.endsWith("NotFoundError");
}

async function ensureStream(jsm: JetStreamManager, settings: TopologySettings): Promise<void> {
  try {
    await jsm.streams.info(STREAM);
    return;
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  await jsm.streams.add({
    name: STREAM,
    subjects: [`${NODE_SUBJECTS}.>`],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    duplicate_window: nanos(settings.duplicateWindowMs),
    max_age: nanos(settings.keepMs),
  }).catch(async (e) => {
    // Another process created it meanwhile.
    await jsm.streams.info(STREAM).catch(() => Promise.reject(e));
  });
}

async function ensureConsumer(jsm: JetStreamManager, lane: Lane, settings: TopologySettings) {
  const name = consumerName(lane);
  try {
    return (await jsm.consumers.info(STREAM, name)).config;
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  const config = {
    durable_name: name,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: `${NODE_SUBJECTS}.${lane}.>`,
    ack_wait: nanos(settings.ackWaitMs),
    max_deliver: settings.maxDeliver,
    max_ack_pending: 10_000,
  };
  try {
    return (await jsm.consumers.add(STREAM, config)).config;
  } catch (e) {
    try {
      return (await jsm.consumers.info(STREAM, name)).config;
    } catch {
      throw e;
    }
  }
}

/** The first line of an error's message. */
export function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split("\n")[0];
}
