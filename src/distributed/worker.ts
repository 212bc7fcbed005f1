/**
 * `odw worker`'s engine: pulls node requests from its lanes' shared durable consumers, runs each with
 * the same {@link NodeRunner} as a local run (backend tries, stall watch, retries, schema checking),
 * writes the result to the results bucket under the node's key, then acks.
 *
 * - Flow control: one pull of one message per free slot, so a worker never holds requests it cannot
 *   start (others take them) and never runs more than `concurrency` nodes.
 * - While a node runs, `working()` tells JetStream it is alive (every third of the ack wait); a worker
 *   killed mid-node stops telling, and the request is redelivered to another worker after the ack wait.
 * - At-least-once delivery, exactly-once effect per key: a request whose key already has a result is
 *   acked and skipped; a result is written with KV `create`, so the first one stands.
 * - A run's cancellation (`odw.cancel.<lineage>`) stops its in-flight nodes; their requests are
 *   terminated and no result is written (a resume runs them again).
 * - {@link NodeWorker.stop}: no new pulls; in-flight nodes finish, or with `handBack` are stopped and
 *   handed back at once (nak: redelivered now, to another worker).
 * - Each run gets its own circuit breaker here (a worker serves many runs); the orchestrator's breaker
 *   trips on the quota/auth error the result carries.
 *
 * @example
 * ```ts
 * const worker = new NodeWorker({ topology, name: "w1", concurrency: 4, lanes: ["any"], backend, cwd,
 *   onEvent: console.log });
 * worker.start();
 * // later: worker.stop(false); await worker.idle();
 * ```
 * @module
 */
import type { Consumer, JsMsg } from "@nats-io/jetstream";
import type { Subscription } from "@nats-io/transport-node";
import type { Backend } from "../backends/backend.ts";
import { nodeError, type NodeResult } from "../common/contract.ts";
import { loadJsonSchemaSupport } from "../common/json_schema.ts";
import { CircuitBreaker } from "../engine/guardrails.ts";
import { NodeRunner } from "../engine/node_runner.ts";
import { WorktreeIsolation } from "../git/worktree.ts";
import { CANCEL_SUBJECTS, consumerName, type Lane, resultKey, STREAM } from "./names.ts";
import { LanePicker } from "./lane_picker.ts";
import { gitRevision } from "./revision.ts";
import { firstLine, type Topology } from "./topology.ts";
import { decodeRequest, encodeResult, type NodeEnvelope } from "./wire.ts";

/** What a worker reports as it goes (printed by `odw worker`, counted by tests). */
export interface WorkerEvent {
  type: "node.started" | "node.finished" | "node.skipped" | "node.cancelled" | "node.handed-back" | "refused";
  key?: string;
  label?: string;
  lineage?: string;
  run?: string;
  /** Which delivery of the request this is (2+ after a worker died or handed it back). */
  delivery?: number;
  status?: string;
  durationMs?: number;
  reason?: string;
}

/** A node this worker is running. */
export interface RunningNode {
  key: string;
  label: string;
  lineage: string;
  run: string;
  since: string;
}

/** Everything a worker needs. */
export interface WorkerOptions {
  topology: Topology;
  /** This worker's name (a token): in results, presence and logs. */
  name: string;
  concurrency: number;
  lanes: readonly Lane[];
  backend: Backend;
  /** The worker's checkout: nodes run here. */
  cwd: string;
  onEvent(event: WorkerEvent): void;
  /** Called whenever the set of running nodes changes. */
  onChange?(): void;
}

interface Running extends RunningNode {
  controller: AbortController;
  why?: "cancelled" | "handed-back";
}

/** Runs nodes from the work queue. */
export class NodeWorker {
  readonly #opts: WorkerOptions;
  readonly #running = new Map<string, Running>();
  readonly #handlers = new Set<Promise<void>>();
  readonly #runners = new Map<string, NodeRunner>();
  readonly #cancelled = new Set<string>();
  #consumers: Consumer[] = [];
  #lanes: LanePicker | undefined;
  #cancels: Subscription | undefined;
  #stopping = false;
  #handBack = false;
  /** Nodes finished (a result written) since the start. */
  finished = 0;

  constructor(opts: WorkerOptions) {
    this.#opts = opts;
  }

  /** Nodes running now. */
  get running(): RunningNode[] {
    return [...this.#running.values()].map(({ key, label, lineage, run, since }) => ({
      key,
      label,
      lineage,
      run,
      since,
    }));
  }

  /** Whether {@link stop} was called. */
  get stopping(): boolean {
    return this.#stopping;
  }

  /** Subscribes to cancellations and starts one pull loop per slot. */
  async start(): Promise<void> {
    const { js, nc } = this.#opts.topology;
    this.#consumers = await Promise.all(
      this.#opts.lanes.map((lane) => js.consumers.get(STREAM, consumerName(lane))),
    );
    this.#lanes = new LanePicker(this.#consumers);
    this.#cancels = nc.subscribe(`${CANCEL_SUBJECTS}.>`, { callback: (_e, msg) => this.#onCancel(msg) });
    for (let slot = 0; slot < this.#opts.concurrency; slot++) this.#pullLoop(slot);
  }

  /** Stops pulling; with `handBack`, also stops in-flight nodes and hands their requests back. */
  stop(handBack: boolean): void {
    this.#stopping = true;
    if (!handBack) return;
    this.#handBack = true;
    for (const node of this.#running.values()) {
      node.why ??= "handed-back";
      node.controller.abort("handed back");
    }
  }

  /** Resolves when no node is running (after {@link stop}: when the worker may exit). */
  async idle(): Promise<void> {
    while (this.#handlers.size > 0) await Promise.allSettled([...this.#handlers]);
    this.#cancels?.unsubscribe();
  }

  async #pullLoop(slot: number): Promise<void> {
    const consumers = this.#consumers;
    let busy: number | undefined;
    while (!this.#stopping) {
      let msg: JsMsg | null;
      try {
        const lane = await this.#lanes!.pick(slot, busy);
        msg = await consumers[lane].next({ expires: this.#lanes!.expiresMs });
        busy = msg ? lane : undefined;
      } catch {
        if (this.#opts.topology.nc.isClosed()) return;
        busy = undefined;
        await pause(500); // the server is away; the client reconnects
        continue;
      }
      if (!msg) continue;
      if (this.#stopping) {
        msg.nak();
        return;
      }
      const handler = this.#handle(msg).catch((e) =>
        this.#opts.onEvent({ type: "refused", reason: `internal: ${firstLine(e)}` })
      );
      this.#handlers.add(handler);
      await handler;
      this.#handlers.delete(handler);
    }
  }

  async #handle(msg: JsMsg): Promise<void> {
    const { topology, onEvent } = this.#opts;
    let envelope: NodeEnvelope;
    try {
      envelope = await decodeRequest(topology.blobs, msg.data);
    } catch (e) {
      msg.term("malformed request");
      onEvent({ type: "refused", reason: firstLine(e) });
      return;
    }
    const { spec, lineage, run } = envelope;
    const key = resultKey(lineage, spec.key);
    const facts = { key: spec.key, label: spec.label, lineage, run };
    if (this.#cancelled.has(`${lineage} ${run}`)) {
      msg.term("run cancelled");
      onEvent({ type: "node.cancelled", ...facts });
      return;
    }
    const existing = await topology.results.get(key);
    if (existing?.operation === "PUT") {
      await this.#ack(msg);
      onEvent({ type: "node.skipped", ...facts, reason: "it already has a result" });
      return;
    }
    const node: Running = {
      ...facts,
      key,
      since: new Date().toISOString(),
      controller: new AbortController(),
    };
    this.#running.set(key, node);
    this.#opts.onChange?.();
    const beat = setInterval(() => {
      try {
        msg.working();
      } catch { /* the server is away; the ack wait decides */ }
    }, Math.max(200, Math.floor(topology.ackWaitMs / 3)));
    onEvent({ type: "node.started", ...facts, delivery: msg.info.deliveryCount });
    let result: NodeResult;
    try {
      result = await this.#execute(envelope, node.controller.signal);
    } finally {
      clearInterval(beat);
      this.#running.delete(key);
      this.#opts.onChange?.();
    }
    if (node.why === "cancelled") {
      msg.term("run cancelled");
      onEvent({ type: "node.cancelled", ...facts });
      return;
    }
    if (node.why === "handed-back") {
      msg.nak();
      onEvent({ type: "node.handed-back", ...facts });
      return;
    }
    if (!await this.#store(key, result)) return; // handed back while the server was away
    await this.#ack(msg);
    this.finished++;
    onEvent({ type: "node.finished", ...facts, status: result.status, durationMs: result.durationMs });
  }

  /** Runs the node as a local run would, in this worker's checkout. */
  async #execute(envelope: NodeEnvelope, signal: AbortSignal): Promise<NodeResult> {
    const { spec, revision } = envelope;
    const checkout = spec.isolation === "worktree" ? await gitRevision(this.#opts.cwd) : revision;
    if (revision && checkout !== revision) {
      return {
        status: "failed",
        value: null,
        usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, reasoningTokens: 0 },
        costUsd: 0,
        durationMs: 0,
        attempts: 0,
        error: nodeError(
          "bad_input",
          `worker ${this.#opts.name}: its checkout is at ${
            checkout?.slice(0, 12) ?? "no commit"
          }, the run's ` +
            `at ${revision.slice(0, 12)} (check that commit out there)`,
        ),
      };
    }
    if (spec.schema) await loadJsonSchemaSupport(); // the orchestrator loaded it before its checks
    return await this.#runnerFor(envelope).run(spec, { signal, maxOutputTokens: envelope.maxOutputTokens });
  }

  /** One runner (and circuit breaker) per run served, the most recent 64 kept. */
  #runnerFor(envelope: NodeEnvelope): NodeRunner {
    const id = `${envelope.lineage} ${envelope.run}`;
    let runner = this.#runners.get(id);
    if (!runner) {
      const isolation = new WorktreeIsolation({ projectDir: this.#opts.cwd, runId: envelope.run });
      runner = new NodeRunner(this.#opts.backend, this.#opts.cwd, {
        retryBaseMs: envelope.retryBaseMs,
        breaker: new CircuitBreaker(),
      }, isolation);
      this.#runners.set(id, runner);
      if (this.#runners.size > 64) this.#runners.delete(this.#runners.keys().next().value!);
    }
    return runner;
  }

  /** Writes the result (the first one for a key stands); false when handed back before it could. */
  async #store(key: string, result: NodeResult): Promise<boolean> {
    const { topology } = this.#opts;
    for (let attempt = 0;; attempt++) {
      try {
        await topology.results.create(key, await encodeResult(topology.blobs, this.#opts.name, result));
        return true;
      } catch (e) {
        if (/wrong last sequence|key exists/i.test(String((e as Error)?.message))) return true;
        if (this.#handBack) return false;
        await pause(Math.min(2000, 100 * 2 ** attempt));
      }
    }
  }

  /** Acks with the server's confirmation, trying a few times while it is away. */
  async #ack(msg: JsMsg): Promise<void> {
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        await msg.ackAck({ timeout: 5000 });
        return;
      } catch {
        if (this.#handBack) return;
        await pause(Math.min(2000, 100 * 2 ** attempt));
      }
    }
  }

  #onCancel(msg: { subject: string; json<T>(): T }): void {
    const lineage = msg.subject.slice(CANCEL_SUBJECTS.length + 1);
    let run: unknown;
    try {
      run = msg.json<{ run?: unknown }>().run;
    } catch {
      return;
    }
    if (typeof run !== "string") return;
    this.#cancelled.add(`${lineage} ${run}`);
    if (this.#cancelled.size > 1000) this.#cancelled.delete(this.#cancelled.values().next().value!);
    for (const node of this.#running.values()) {
      if (node.lineage !== lineage || node.run !== run) continue;
      node.why ??= "cancelled";
      node.controller.abort("run cancelled");
    }
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
