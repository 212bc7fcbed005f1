/**
 * The NATS dispatcher (`odw exec --nats`): the orchestrator's side of a distributed run. Nodes keep
 * going through the engine as locally — admission (budget and cost ceilings), the run's concurrency
 * cap and per-runtime/provider caps all stay here, in the orchestrator (a {@link LocalDispatcher}
 * whose slot runner is {@link RemoteRunner}) — and only the execution moves to `odw worker`s:
 *
 * 1. a node's key is looked up in the results bucket first: a completed result (a worker finished it
 *    for the run this one resumes) is re-attached without publishing anything; any other result is
 *    deleted so the node runs again;
 * 2. once admitted, the request is published on the work queue with the result key as its message id
 *    (JetStream drops a duplicate), and the result is awaited through the lineage's KV watch;
 * 3. a quota or auth failure a worker reports trips the run's circuit breaker, exactly as a local try
 *    would; a route whose breaker is open is not published again;
 * 4. when the run is cancelled (or ends with nodes still out), pending requests are deleted from the
 *    stream and workers are told to stop the run's in-flight nodes;
 * 5. a request JetStream gave up on (delivered `maxDeliver` times, every worker died on it) fails.
 *
 * @example
 * ```ts
 * const dispatcher = new NatsDispatcher({ topology, breaker, concurrency: 64, projectDir });
 * // pass it as RunOptions.dispatcher (and breaker); bind(runId) on the run's `run.started` event
 * ```
 * @module
 */
import type { Subscription } from "@nats-io/transport-node";
import type { Backend } from "../backends/backend.ts";
import { ACCOUNT_KINDS, emptyUsage, nodeError, type NodeResult, type NodeSpec } from "../common/contract.ts";
import type { Dispatcher, DispatchHooks } from "../engine/dispatch.ts";
import { type CircuitBreaker, routeOf, sleep } from "../engine/guardrails.ts";
import { LocalDispatcher, type RouteCaps } from "../engine/local.ts";
import type { RunNodeOptions } from "../engine/node_runner.ts";
import { Scheduler } from "../engine/scheduler.ts";
import { cancelSubject, laneOf, requestSubject, resultKey, STREAM } from "./names.ts";
import { ResultWatch } from "./results.ts";
import { firstLine, type Topology } from "./topology.ts";
import { decodeResult, encodeRequest, type NodeEnvelope, WireError } from "./wire.ts";
import { gitRevision } from "./revision.ts";
import { WorktreeIsolationError } from "../git/worktree.ts";

/** What the dispatcher needs besides the connection. */
export interface NatsDispatcherOptions {
  topology: Topology;
  /** The run's circuit breaker (also given to the run, which fails when it trips). */
  breaker: CircuitBreaker;
  /** Nodes published and not yet finished, at most (the run's `--concurrency`). */
  concurrency: number;
  caps?: RouteCaps;
  /** The run's retry policy, sent with each request (a node's own options win). */
  policy?: { retries?: number; stallTimeoutMs?: number; retryBaseMs?: number };
  /** The orchestrator's project directory: only its git revision leaves this machine. */
  projectDir: string;
  /** The results namespace of the run this one resumes; default: the run's own id. */
  lineage?: string;
  /** The run's backend: its default provider of a runtime names the account a node's breaker keys on. */
  backend?: Pick<Backend, "routingDefaults">;
}

/** The run this dispatcher serves, once known. */
interface Bound {
  runId: string;
  lineage: string;
  watch: ResultWatch;
}

/** Dispatches nodes to `odw worker`s through JetStream. */
export class NatsDispatcher implements Dispatcher {
  readonly #opts: NatsDispatcherOptions;
  readonly #gate: LocalDispatcher;
  readonly #runner: RemoteRunner;
  #bind!: (bound: Bound | Error) => void;
  readonly #bound: Promise<Bound | Error>;
  #watch: ResultWatch | undefined;
  readonly #reattached: string[] = [];

  constructor(opts: NatsDispatcherOptions) {
    this.#opts = opts;
    this.#bound = new Promise((resolve) => this.#bind = resolve);
    this.#runner = new RemoteRunner(opts, this.#bound);
    this.#gate = new LocalDispatcher(this.#runner, new Scheduler(opts.concurrency), opts.caps);
  }

  /** Starts serving run `runId` (call it on the run's `run.started` event). */
  bind(runId: string): void {
    const lineage = this.#opts.lineage ?? runId;
    ResultWatch.start(this.#opts.topology, lineage).then(
      (watch) => this.#bind({ runId, lineage, watch: this.#watch = watch }),
      (e) => this.#bind(new Error(`cannot watch results on NATS: ${firstLine(e)}`)),
    );
  }

  /** Keys answered from the results bucket without publishing (finished for an earlier run). */
  get reattached(): readonly string[] {
    return this.#reattached;
  }

  async dispatch(spec: NodeSpec, hooks: DispatchHooks): Promise<NodeResult> {
    const bound = await this.#bound;
    if (bound instanceof Error) return failed("internal", bound.message);
    const key = resultKey(bound.lineage, spec.key);
    const found = await bound.watch.lookup(key).catch(() => null);
    if (found) {
      const result = await decodeResult(this.#opts.topology.blobs, found).catch(() => undefined);
      if (result?.status === "completed") {
        this.#reattached.push(spec.key);
        return result;
      }
      // A failed (or unreadable) result of an earlier run: this run tries the node again.
      await this.#opts.topology.results.delete(key).catch(() => undefined);
    }
    this.#runner.watchRun(hooks.signal);
    return await this.#gate.dispatch(spec, hooks);
  }

  /** Stops watching results and listening for advisories. */
  close(): void {
    this.#runner.close();
    this.#watch?.stop();
  }
}

/** The subject of JetStream's advisory for a request delivered `max_deliver` times. */
const MAX_DELIVERIES = `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${STREAM}.*`;

/** Publishes one admitted node and waits for its result (the slot runner of the gate). */
export class RemoteRunner {
  readonly #opts: NatsDispatcherOptions;
  readonly #bound: Promise<Bound | Error>;
  readonly #gaveUp = new Map<number, (deliveries: number) => void>();
  readonly #advisories: Subscription;
  #current: Bound | undefined;
  #watchedSignal: AbortSignal | undefined;
  #revision: Promise<string | undefined> | undefined;

  constructor(opts: NatsDispatcherOptions, bound: Promise<Bound | Error>) {
    this.#opts = opts;
    this.#bound = bound;
    bound.then((b) => this.#current = b instanceof Error ? undefined : b);
    this.#advisories = opts.topology.nc.subscribe(MAX_DELIVERIES, {
      callback: (_err, msg) => {
        try {
          const advisory = msg.json<{ stream_seq?: number; deliveries?: number }>();
          if (typeof advisory.stream_seq === "number") {
            this.#gaveUp.get(advisory.stream_seq)?.(advisory.deliveries ?? 0);
          }
        } catch { /* not an advisory we read */ }
      },
    });
  }

  /** When the run's signal aborts, workers are told to stop the run's nodes (once per run). */
  watchRun(signal: AbortSignal): void {
    if (this.#watchedSignal === signal) return;
    this.#watchedSignal = signal;
    signal.addEventListener("abort", () => {
      const bound = this.#current;
      if (!bound) return; // nothing was published yet
      try {
        this.#opts.topology.nc.publish(cancelSubject(bound.lineage), JSON.stringify({ run: bound.runId }));
      } catch { /* connection closed: workers finish the nodes, their results stay for a resume */ }
    }, { once: true });
  }

  /** Stops listening for advisories. */
  close(): void {
    this.#advisories.unsubscribe();
  }

  /** A worktree node needs a commit to send: workers start from the orchestrator's `HEAD`. */
  async preflight(spec: NodeSpec): Promise<void> {
    if (spec.isolation !== "worktree") return;
    this.#revision ??= gitRevision(this.#opts.projectDir);
    if (await this.#revision) return;
    throw new WorktreeIsolationError(
      'isolation: "worktree" on odw workers needs this directory in a git repository with a commit ' +
        "(workers start from its HEAD)",
    );
  }

  /** Runs `spec` on some worker; never rejects. */
  async run(spec: NodeSpec, options: RunNodeOptions): Promise<NodeResult> {
    const started = performance.now();
    const bound = await this.#bound;
    if (bound instanceof Error) return failed("internal", bound.message);
    const stopped = this.#opts.breaker.check(this.#account(spec));
    if (stopped) return { ...failed(stopped.kind, stopped.message), error: stopped };
    const key = resultKey(bound.lineage, spec.key);
    const waiter = bound.watch.wait(key);
    let seq: number | undefined;
    try {
      const envelope = await this.#envelope(spec, bound, options.maxOutputTokens);
      seq = await this.#publish(envelope, key, bound.watch, options.signal);
      if (seq === undefined) return cancelled(started);
      const gaveUp = new Promise<number>((resolve) => this.#gaveUp.set(seq!, resolve));
      let onAbort = () => {};
      const aborted = new Promise<"aborted">((resolve) => {
        onAbort = () => resolve("aborted");
        if (options.signal.aborted) onAbort();
        options.signal.addEventListener("abort", onAbort, { once: true });
      });
      const outcome = await Promise.race([waiter.promise, gaveUp, aborted])
        .finally(() => options.signal.removeEventListener("abort", onAbort));
      if (outcome === "aborted") {
        await this.#withdraw(seq);
        return cancelled(started);
      }
      if (typeof outcome === "number") {
        await this.#withdraw(seq);
        return failed(
          "executor",
          `no worker finished it: delivered ${outcome} times, each worker died or stopped while running it`,
        );
      }
      return this.#received(spec, await decodeResult(this.#opts.topology.blobs, outcome));
    } catch (e) {
      const why = e instanceof WireError ? e.message : `NATS: ${firstLine(e)}`;
      return failed("internal", why);
    } finally {
      waiter.cancel();
      if (seq !== undefined) this.#gaveUp.delete(seq);
    }
  }

  /** A worker's result: an account failure trips the run's breaker, as a local try's would. */
  #received(spec: NodeSpec, result: NodeResult): NodeResult {
    if (result.error && ACCOUNT_KINDS.has(result.error.kind)) {
      this.#opts.breaker.trip(this.#account(spec), result.error);
    }
    return result;
  }

  /** The account a node's breaker keys on, as the NodeRunner reckons it: runtime and serving provider. */
  #account(spec: NodeSpec): string {
    const provider = spec.provider ??
      (spec.runtime ? this.#opts.backend?.routingDefaults?.(spec.runtime)?.provider ?? undefined : undefined);
    return routeOf({ runtime: spec.runtime, provider });
  }

  async #envelope(spec: NodeSpec, bound: Bound, maxOutputTokens?: number): Promise<NodeEnvelope> {
    const policy = this.#opts.policy ?? {};
    const envelope: NodeEnvelope = {
      v: 1,
      lineage: bound.lineage,
      run: bound.runId,
      spec: {
        ...spec,
        retries: spec.retries ?? policy.retries,
        stallTimeoutMs: spec.stallTimeoutMs ?? policy.stallTimeoutMs,
      },
      maxOutputTokens,
      retryBaseMs: policy.retryBaseMs,
      publishedAt: new Date().toISOString(),
    };
    if (spec.isolation === "worktree") {
      this.#revision ??= gitRevision(this.#opts.projectDir);
      envelope.revision = await this.#revision;
    }
    return envelope;
  }

  /**
   * Publishes with the result key as message id, trying again while the server is away (the id
   * makes a repeated publish harmless). A duplicate whose original left the stream without a result
   * (withdrawn by a cancelled run) is published again under a fresh id. Returns the stream sequence,
   * or undefined when the run was cancelled first.
   */
  async #publish(
    envelope: NodeEnvelope,
    key: string,
    watch: ResultWatch,
    signal: AbortSignal,
  ): Promise<number | undefined> {
    const { js, jsm, blobs } = this.#opts.topology;
    const subject = requestSubject(laneOf(envelope.spec.runtime), envelope.lineage);
    const payload = await encodeRequest(blobs, envelope);
    let msgID = key;
    for (let attempt = 0; !signal.aborted; attempt++) {
      try {
        const ack = await js.publish(subject, payload, { msgID, timeout: 5000 });
        if (!ack.duplicate) return ack.seq;
        const original = await jsm.streams.getMessage(STREAM, { seq: ack.seq });
        if (original || await watch.lookup(key)) return ack.seq;
        msgID = `${key}.${crypto.randomUUID()}`;
      } catch {
        await sleep(Math.min(2000, 100 * 2 ** attempt), signal);
      }
    }
    return undefined;
  }

  /** Deletes a request from the stream if no worker has finished it (best effort). */
  async #withdraw(seq: number): Promise<void> {
    await this.#opts.topology.jsm.streams.deleteMessage(STREAM, seq, false).catch(() => undefined);
  }
}

/** A node result for something that went wrong before or around the node itself. */
function failed(kind: Parameters<typeof nodeError>[0], message: string): NodeResult {
  return {
    status: "failed",
    value: null,
    usage: emptyUsage(),
    costUsd: 0,
    durationMs: 0,
    attempts: 0,
    error: nodeError(kind, message),
  };
}

/** The result of a node the run's end overtook while a worker had it or before one took it. */
function cancelled(started: number): NodeResult {
  return {
    ...failed("cancelled", "cancelled"),
    status: "cancelled",
    durationMs: Math.round(performance.now() - started),
  };
}
