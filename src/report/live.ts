/**
 * The live view: the report page served from 127.0.0.1 on a free port, following the run through
 * `/events` (server-sent events: every event so far, then each new one as it is journaled). The stream
 * ends with `run.finished`, and the server stops once every open stream has sent it (or when stopped).
 * Requests naming another host are refused, so a web page elsewhere cannot reach the server through
 * DNS rebinding.
 *
 * @example
 * ```ts
 * const feed = new EventFeed({ "": callSites });
 * const live = await serveLive(feed);
 * console.error(`watch: ${live.url}`);
 * feed.push(event); // … until run.finished
 * await live.finished;
 * ```
 * @module
 */
import { dirname } from "node:path";
import type { RunEvent } from "../engine/events.ts";
import { inlinePrompts } from "../records/prompts.ts";
import type { CallSite } from "../script/types.ts";
import { reportHtml } from "./html.ts";

/** The events of one run as they happen, for any number of listeners. */
export class EventFeed {
  readonly sites: Record<string, CallSite[]>;
  readonly events: RunEvent[] = [];
  #listeners = new Set<(event: RunEvent) => void>();

  constructor(sites: Record<string, CallSite[]>) {
    this.sites = sites;
  }

  /** True once `run.finished` arrived. */
  get ended(): boolean {
    return this.events.at(-1)?.type === "run.finished";
  }

  /** Adds an event and tells every listener. */
  push(event: RunEvent): void {
    if (this.ended) return;
    this.events.push(event);
    for (const listener of this.#listeners) listener(event);
  }

  /** Calls `listener` for every event so far, then for each new one; returns the unsubscribe. */
  follow(listener: (event: RunEvent) => void): () => void {
    for (const event of this.events) listener(event);
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** A running live view. */
export interface LiveView {
  url: string;
  /** Resolves when the server stopped. */
  finished: Promise<void>;
  /** Stops the server (open streams are closed). */
  stop(): Promise<void>;
}

const encoder = new TextEncoder();

/** Serves `feed` on 127.0.0.1 (a free port); stops by itself after the run ended and streams drained. */
export async function serveLive(feed: EventFeed, port = 0): Promise<LiveView> {
  const controller = new AbortController();
  const streams = new Set<ReadableStreamDefaultController<Uint8Array>>();
  let listening!: (url: string) => void;
  const ready = new Promise<string>((resolve) => listening = resolve);
  let open = 0;
  const maybeStop = () => {
    if (feed.ended && open === 0) controller.abort();
  };
  feed.follow((event) => {
    if (event.type === "run.finished") setTimeout(maybeStop, 50);
  });
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port,
    signal: controller.signal,
    onListen: ({ port }) => listening(`http://127.0.0.1:${port}/`),
  }, async (request) => {
    const url = new URL(request.url);
    const host = request.headers.get("host") ?? "";
    if (!/^(127\.0\.0\.1|localhost):\d+$/.test(host)) {
      return new Response("forbidden host\n", { status: 403 });
    }
    if (request.method !== "GET") return new Response("method not allowed\n", { status: 405 });
    if (url.pathname === "/") {
      return new Response(await reportHtml({ sites: feed.sites, events: [], live: true }), {
        headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
      });
    }
    if (url.pathname !== "/events") return new Response("not found\n", { status: 404 });
    let unfollow = () => {};
    let stream: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        stream = c;
        open++;
        streams.add(c);
        unfollow = feed.follow((event) => {
          c.enqueue(encoder.encode(`data: ${JSON.stringify(event)}\n\n`));
          if (event.type === "run.finished") queueMicrotask(() => done());
        });
      },
      cancel() {
        done();
      },
    });
    let closed = false;
    const done = () => {
      if (closed) return;
      closed = true;
      unfollow();
      streams.delete(stream);
      try {
        stream.close();
      } catch { /* already closed */ }
      open--;
      setTimeout(maybeStop, 50);
    };
    return new Response(body, {
      // no-transform: Deno.serve would gzip the stream for browsers, holding events back until the end.
      headers: { "content-type": "text/event-stream", "cache-control": "no-store, no-transform" },
    });
  });
  const stop = async () => {
    for (const c of streams) {
      try {
        c.close();
      } catch { /* already closed */ }
    }
    controller.abort();
    await server.finished;
  };
  return { url: await ready, finished: server.finished, stop };
}

/**
 * Follows a journal file that another process writes: pushes each complete new line into `feed`,
 * polling every `intervalMs`, until `run.finished` or `signal` aborts.
 */
export async function tailJournal(
  path: string,
  feed: EventFeed,
  signal: AbortSignal,
  intervalMs = 150,
): Promise<void> {
  let offset = 0;
  let partial = "";
  const decoder = new TextDecoder();
  while (!signal.aborted && !feed.ended) {
    const file = await Deno.open(path, { read: true });
    try {
      await file.seek(offset, Deno.SeekMode.Start);
      const buffer = new Uint8Array(64 * 1024);
      for (;;) {
        const n = await file.read(buffer);
        if (n === null || n === 0) break;
        offset += n;
        partial += decoder.decode(buffer.subarray(0, n), { stream: true });
      }
    } finally {
      file.close();
    }
    const lines = partial.split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.trim()) continue;
      try {
        const [event] = inlinePrompts(dirname(path), [JSON.parse(line)]);
        feed.push(event);
      } catch { /* a torn line cannot be followed by more */ }
    }
    if (feed.ended) break;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, intervalMs);
      signal.addEventListener("abort", () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    });
  }
}
