/**
 * The host's side of one sandbox: it validates every message the sandbox sends (`protocol_schema.ts`),
 * enforces the run's caps on it (log lines and bytes, prompt bytes, result size, depth and arrays, ids
 * and scopes the host handed out), answers agents and child workflows through the run's hooks, and
 * turns the end — the workflow's `done`/`failed`, a malformed message, the sandbox dying, the run
 * timeout, a cancel — into one {@link SessionEnd}. Whatever ends it, the sandbox process is killed.
 *
 * @module
 */
import {
  type AgentRequestMessage,
  clipLogLine,
  type HostMessage,
  PROTOCOL_LIMITS,
  type StartMessage,
  utf8Length,
  type WireError,
  type WorkerMessage,
  type WorkflowReplyMessage,
  type WorkflowRequest,
} from "../protocol.ts";
import { parseWorkerMessage, valueProblem } from "../protocol_schema.ts";
import { describeExit, type SandboxProcess } from "../sandbox/sandbox_process.ts";
import type { ChildScript } from "./child_workflows.ts";
import type { RunStatus } from "./events.ts";
import { stopEnd } from "./run_stop.ts";

/** How the workflow ended, as the host saw it. */
export interface SessionEnd {
  status: RunStatus;
  /** The result, already checked and parsed (absent when the workflow returned undefined). */
  result?: unknown;
  /** One line, `Name: message`. */
  error?: string;
}

/** What the session needs from its run. */
export interface SessionHooks {
  /** A script log line, clipped and counted. */
  log(line: string): void;
  phase(title: string): void;
  /** Runs one agent request; rejects with the error `agent()` throws in the script. */
  agent(request: AgentRequestMessage): Promise<unknown>;
  /** Finds and checks a child workflow (its `site` is where the parent called it); rejects with the
   * error `workflow()` throws. */
  child(request: WorkflowRequest): Promise<Pick<ChildScript, "name" | "path" | "body">>;
  /** Output tokens spent so far (the figure the script's `budget.spent()` mirrors). */
  spent(): number;
}

/** Options of {@link SandboxSession}. */
export interface SessionOptions {
  sandbox: SandboxProcess;
  start: Omit<StartMessage, "type" | "limits">;
  hooks: SessionHooks;
  /**
   * Run timeout in milliseconds: counted from the workflow's start (so a sandbox slow to boot on a
   * loaded machine does not eat into it), and before that, for the boot itself.
   */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Lines and error texts past this many characters are clipped (the built-in's log line limit). */
const LOG_LINE_LIMIT = 11_024;

/** The first line of a text, at most 11024 characters. */
function firstLine(text: string): string {
  const line = text.split("\n", 1)[0];
  return line.length <= LOG_LINE_LIMIT ? line : `${line.slice(0, LOG_LINE_LIMIT)} … [truncated]`;
}

/** First line of an error as `Name: message` (at most 11024 characters). */
export function errorLine(error: WireError): string {
  return firstLine(error.message ? `${error.name}: ${error.message}` : error.name);
}

function limitError(message: string): WireError {
  return { name: "WorkflowLimitError", message };
}

/** One sandbox's conversation with the host, from `ready` to the end. */
export class SandboxSession {
  /** Settles once, when the run ends for any reason. */
  readonly end: Promise<SessionEnd>;
  readonly #opts: SessionOptions;
  readonly #inFlight = new Set<Promise<unknown>>();
  #resolve!: (end: SessionEnd) => void;
  #ended = false;
  #ready = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastAgentId = 0;
  #lastChildId = 0;
  /** Scopes agents may name: the top level and every child the host resolved. */
  readonly #scopes = new Set([""]);
  #logLines = 0;
  #logBytes = 0;
  #children: Promise<unknown> = Promise.resolve();
  readonly #onAbort = () => this.#finish(stopEnd(this.#opts.signal?.reason));

  constructor(opts: SessionOptions) {
    this.#opts = opts;
    this.end = new Promise((resolve) => (this.#resolve = resolve));
    this.#armTimeout();
    if (opts.signal?.aborted) this.#onAbort();
    opts.signal?.addEventListener("abort", this.#onAbort);
    opts.sandbox.exited.then((exit) => this.#fail(describeExit(exit, opts.sandbox.maxMemoryMb)));
    opts.sandbox.listen({
      onText: (text) => this.#onText(text),
      onError: (why) => this.#fail(`ProtocolError: ${why}`),
    });
  }

  /** (Re)starts the run timeout's clock: at creation (the boot), and again when the workflow starts. */
  #armTimeout(): void {
    const ms = this.#opts.timeoutMs;
    if (ms === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(
      () => this.#fail(`TimeoutError: the workflow did not finish within the run timeout (${ms} ms)`),
      ms,
    );
  }

  /** Resolves once every agent and child lookup the session started has settled. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#inFlight]);
  }

  #finish(end: SessionEnd): void {
    if (this.#ended) return;
    this.#ended = true;
    clearTimeout(this.#timer);
    this.#opts.signal?.removeEventListener("abort", this.#onAbort);
    this.#opts.sandbox.kill();
    this.#resolve(end);
  }

  #fail(error: string): void {
    this.#finish({ status: "failed", error });
  }

  #protocolError(what: string): void {
    this.#fail(`ProtocolError: the sandbox sent a malformed message (${what})`);
  }

  #send(message: HostMessage): void {
    if (!this.#ended) this.#opts.sandbox.send(JSON.stringify(message));
  }

  #track(work: Promise<unknown>): void {
    this.#inFlight.add(work);
    work.finally(() => this.#inFlight.delete(work));
  }

  #onText(text: string): void {
    if (this.#ended) return;
    const parsed = parseWorkerMessage(text);
    if (!parsed.ok) return this.#protocolError(parsed.error);
    const m = parsed.message;
    if (!this.#ready && m.type !== "ready" && m.type !== "sandbox.error") {
      return this.#protocolError(`${m.type} before ready`);
    }
    this.#handle(m);
  }

  #handle(m: WorkerMessage): void {
    switch (m.type) {
      case "ready":
        if (this.#ready) return this.#protocolError("ready twice");
        this.#ready = true;
        this.#track(
          this.#opts.sandbox.capData().then(() => {
            if (this.#ended) return;
            this.#armTimeout();
            this.#send({ type: "start", ...this.#opts.start, limits: { ...PROTOCOL_LIMITS } });
          }),
        );
        return;
      case "sandbox.error": {
        const message = firstLine(m.message.replace(/^Uncaught (\(in promise\) )?/, ""));
        return this.#fail(/^\w*Error: /.test(message) ? message : `Error: ${message}`);
      }
      case "log":
        if (this.#countLine(m.message)) this.#opts.hooks.log(clipLogLine(m.message));
        return;
      case "phase":
        if (this.#countLine(m.title)) this.#opts.hooks.phase(clipLogLine(m.title));
        return;
      case "agent":
        return this.#agent(m);
      case "workflow":
        return this.#workflow(m.requests);
      case "done":
        return this.#done(m.resultJson);
      case "failed":
        return this.#fail(errorLine(m.error));
    }
  }

  /** Counts a script line against the caps; false (and the run failed) past them. */
  #countLine(raw: string): boolean {
    const line = clipLogLine(raw);
    this.#logLines++;
    this.#logBytes += utf8Length(line);
    if (this.#logLines > PROTOCOL_LIMITS.maxLogLines) {
      this.#fail(
        `WorkflowLimitError: the workflow logged more than ${PROTOCOL_LIMITS.maxLogLines} lines ` +
          "(log(), console.* and phase() together)",
      );
      return false;
    }
    if (this.#logBytes > PROTOCOL_LIMITS.maxLogBytes) {
      this.#fail(`WorkflowLimitError: the workflow logged more than ${PROTOCOL_LIMITS.maxLogBytes} bytes`);
      return false;
    }
    return true;
  }

  #agent(m: AgentRequestMessage): void {
    if (m.id <= this.#lastAgentId) return this.#protocolError("agent.id: not a new id");
    this.#lastAgentId = m.id;
    if (!this.#scopes.has(m.scope)) return this.#protocolError("agent.scope: no such child workflow");
    const reject = (error: WireError) =>
      this.#send({ type: "agent.reply", id: m.id, ok: false, error, spent: this.#opts.hooks.spent() });
    const bytes = utf8Length(m.prompt);
    if (bytes > PROTOCOL_LIMITS.maxPromptBytes) {
      return reject(
        limitError(
          `agent() prompt is ${bytes} bytes of UTF-8; the limit is ${PROTOCOL_LIMITS.maxPromptBytes} bytes`,
        ),
      );
    }
    const deep = valueProblem(m.options, { maxDepth: PROTOCOL_LIMITS.maxDepth });
    if (deep) return reject(limitError(`agent() options are ${deep}`));
    this.#track(
      this.#opts.hooks.agent(m).then(
        (value) =>
          this.#send({ type: "agent.reply", id: m.id, ok: true, value, spent: this.#opts.hooks.spent() }),
        (err: Error) => reject({ name: String(err?.name ?? "Error"), message: String(err?.message ?? err) }),
      ),
    );
  }

  /**
   * The workflow() calls of one turn, resolved together and answered in one message, in call order,
   * so children started together begin together (as in the built-in).
   */
  #workflow(requests: WorkflowRequest[]): void {
    for (const request of requests) {
      if (request.id <= this.#lastChildId) return this.#protocolError("workflow.requests.id: not a new id");
      this.#lastChildId = request.id;
    }
    this.#children = this.#children.then(() =>
      Promise.all(requests.map((request) =>
        this.#opts.hooks.child(request).then(
          ({ name, path, body }): WorkflowReplyMessage => {
            this.#scopes.add(path);
            return { type: "workflow.reply", id: request.id, ok: true, name, body, scope: path };
          },
          (err: Error): WorkflowReplyMessage => ({
            type: "workflow.reply",
            id: request.id,
            ok: false,
            error: { name: "Error", message: err.message },
          }),
        )
      ))
    ).then((replies) => this.#send({ type: "workflow.replies", replies }));
    this.#track(this.#children);
  }

  /** The workflow returned: its result is checked again here (size, depth, arrays) before it counts. */
  #done(resultJson: string | undefined): void {
    if (resultJson === undefined) return this.#finish({ status: "completed" });
    const bytes = utf8Length(resultJson);
    if (bytes > PROTOCOL_LIMITS.maxResultBytes) {
      return this.#fail(
        `WorkflowLimitError: the workflow result is ${bytes} bytes of JSON; the limit is ` +
          `${PROTOCOL_LIMITS.maxResultBytes} bytes`,
      );
    }
    let result: unknown;
    try {
      result = JSON.parse(resultJson);
    } catch {
      return this.#protocolError("done.resultJson: not JSON");
    }
    const problem = valueProblem(result, {
      maxDepth: PROTOCOL_LIMITS.maxDepth,
      maxArrayItems: PROTOCOL_LIMITS.maxArrayItems,
    });
    if (problem) {
      return this.#fail(
        problem.startsWith("array length")
          ? `Error: ${problem}`
          : `WorkflowLimitError: the workflow result is ${problem}`,
      );
    }
    this.#finish({ status: "completed", result });
  }
}
