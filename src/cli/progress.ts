/**
 * Live progress of a run on stderr. A TTY gets a status area redrawn in place: the phase, agents
 * running / done / failed, tokens and cost so far; a progress bar for the current fan-out (the call site
 * with the latest queued agents: done/total); the running nodes (label, runtime/model, elapsed). Log
 * lines — failures among them, in red — are printed above it as they happen. Anything else gets plain
 * lines (logs, phase changes, node failures, and the first node started on each routing). Both show the
 * branch each worktree node left its changes on. `--quiet` uses {@link silentProgress}. `NO_COLOR` turns
 * colour off. Text from the run is shown with its control characters escaped (`terminal_text.ts`).
 *
 * @module
 */
import { terminalLine, terminalText } from "../common/terminal_text.ts";
import type { NodeStartedEvent, RunEvent } from "../engine/events.ts";
import { routingLabel } from "../engine/routing.ts";

/** Receives run events and shows them. */
export interface Progress {
  onEvent(event: RunEvent): void;
  /** Clears any live area before the final output. */
  close(): void;
}

/** Shows nothing. */
export const silentProgress: Progress = { onEvent() {}, close() {} };

const encoder = new TextEncoder();
const writeStderr = (text: string) => Deno.stderr.writeSync(encoder.encode(text));

/** Compact token count: 950, 12.3k, 4.1M. */
export function formatTokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** Where a worktree node's changes went: `▸ worktree odw/<run>/<node>: 2 files +3 -1`, or null. */
export function worktreeLine(event: RunEvent): string | null {
  if (event.type !== "node.finished" || !event.worktree) return null;
  const { branch, diffStat: d } = event.worktree;
  const files = `${d.filesChanged} file${d.filesChanged === 1 ? "" : "s"}`;
  return `▸ worktree ${terminalLine(branch)}: ${files} +${d.insertions} -${d.deletions}`;
}

/** The routing label of a started node, or null when it has no runtime (the mock without routing). */
function startedRouting(event: NodeStartedEvent): string | null {
  return event.routing?.runtime === undefined ? null : terminalLine(routingLabel(event.routing));
}

/** Plain-line progress for pipes and CI logs. */
export function plainProgress(write: (text: string) => void = writeStderr): Progress {
  const seen = new Set<string>();
  return {
    onEvent(event) {
      const worktree = worktreeLine(event);
      if (event.type === "log") write(`${terminalText(event.message)}\n`);
      else if (event.type === "phase") write(`▸ phase: ${terminalLine(event.title)}\n`);
      else if (worktree) write(`${worktree}\n`);
      else if (event.type === "node.started") {
        const routing = startedRouting(event);
        if (routing === null || seen.has(routing)) return;
        seen.add(routing);
        write(`▸ on ${routing}: ${terminalLine(event.label)}\n`);
      }
    },
    close() {},
  };
}

/** Options of {@link ttyProgress}. */
export interface TtyOptions {
  write?: (text: string) => void;
  /** Colour (off when `NO_COLOR` is set). */
  color?: boolean;
  /** Terminal width. */
  columns?: () => number;
  /** Running nodes listed by name (the rest are counted). */
  maxRunning?: number;
}

/** The terminal's width (a pty without a size, e.g. under `script`, counts as 100 columns). */
function terminalColumns(): number {
  try {
    const { columns } = Deno.consoleSize();
    return columns >= 20 ? columns : 100;
  } catch {
    return 100;
  }
}

interface Running {
  label: string;
  route: string;
  since: number;
}

/** The status area for terminals. */
export function ttyProgress(opts: TtyOptions = {}): Progress {
  const write = opts.write ?? writeStderr;
  const color = opts.color ?? !Deno.env.get("NO_COLOR");
  const columns = opts.columns ?? terminalColumns;
  const paint = (code: string, text: string) => color ? `\x1b[${code}m${text}\x1b[0m` : text;
  const s = new TtyState();
  let drawn = 0;
  let lastDraw = 0;
  const timer = setInterval(() => s.running.size > 0 && draw(true), 500);
  Deno.unrefTimer(timer);
  const erase = () => {
    write(drawn > 1 ? `\x1b[${drawn - 1}F\r\x1b[J` : "\r\x1b[2K");
    drawn = 0;
  };
  let trailing: ReturnType<typeof setTimeout> | undefined;
  function draw(force = false) {
    const now = performance.now();
    if (!force && now - lastDraw < 80) {
      // Throttled: the latest state is drawn a moment later.
      if (trailing === undefined) {
        const timer = setTimeout(() => {
          trailing = undefined;
          draw(true);
        }, 80);
        Deno.unrefTimer(timer);
        trailing = timer;
      }
      return;
    }
    lastDraw = now;
    const lines = s.lines(now, columns(), opts.maxRunning ?? 5, paint);
    erase();
    // Auto-wrap off while drawing: a long line is cut at the edge, so the area's height stays known.
    write(`\x1b[?7l${lines.map((line) => `\x1b[2K${line}`).join("\n")}\x1b[?7h`);
    drawn = lines.length;
  }
  return {
    onEvent(event) {
      if (event.type === "log") {
        erase();
        const failure = /^\[.*\] failed: /.test(event.message);
        const text = terminalText(event.message);
        write(`${failure ? paint("31", text) : text}\n`);
        draw(true);
        return;
      }
      const worktree = worktreeLine(event);
      if (worktree) {
        erase();
        write(`${worktree}\n`);
      }
      if (s.apply(event) || worktree) draw(event.type === "phase" || worktree !== null);
    },
    close() {
      clearInterval(timer);
      clearTimeout(trailing);
      if (drawn > 0) erase();
    },
  };
}

/** What the status area shows, folded from the events. */
class TtyState {
  phase = "";
  running = new Map<number, Running>();
  done = 0;
  failed = 0;
  tokens = 0;
  cost: number | null = 0;
  #fanouts = new Map<string, { label: string; total: number; done: number }>();
  #current: string | undefined;
  #fanoutOf = new Map<number, string>();

  /** Folds one event in; true when the area changed. */
  apply(event: RunEvent): boolean {
    switch (event.type) {
      case "phase":
        this.phase = event.title;
        return true;
      case "node.queued": {
        const id = `${event.scope}\u0000${
          event.site ? `${event.site.line}:${event.site.column}` : event.label
        }`;
        const fan = this.#fanouts.get(id);
        // A call site whose earlier fan-out finished starts a new one.
        const next = fan && fan.done < fan.total ? fan : { label: event.label, total: 0, done: 0 };
        next.total++;
        this.#fanouts.set(id, next);
        this.#fanoutOf.set(event.seq, id);
        this.#current = id;
        return true;
      }
      case "node.started": {
        const runtime = event.routing?.runtime ?? event.options.runtime;
        const model = event.routing?.model ?? event.options.model;
        const route = [runtime, model].filter(Boolean).join("/");
        this.running.set(event.seq, { label: event.label, route, since: performance.now() });
        return true;
      }
      case "node.finished": {
        this.running.delete(event.seq);
        if (event.status === "completed") this.done++;
        else this.failed++;
        this.tokens += event.usage.inputTokens + event.usage.outputTokens;
        this.cost = this.cost === null || event.costUsd === null ? null : this.cost + event.costUsd;
        const fan = this.#fanouts.get(this.#fanoutOf.get(event.seq) ?? "");
        if (fan) fan.done++;
        return true;
      }
      default:
        return false;
    }
  }

  /** The area's lines, cut to `width`. */
  lines(
    now: number,
    width: number,
    maxRunning: number,
    paint: (code: string, text: string) => string,
  ): string[] {
    const cut = (text: string) => {
      const chars = Array.from(text);
      return chars.length < width ? text : `${chars.slice(0, Math.max(1, width - 2)).join("")}…`;
    };
    const cost = this.cost === null ? "$?" : `$${this.cost.toFixed(4)}`;
    const lines = [
      cut(
        `⏵ ${
          this.phase ? `${terminalLine(this.phase)} │ ` : ""
        }running ${this.running.size} · done ${this.done} · ` +
          `failed ${this.failed} │ ${formatTokens(this.tokens)} tokens · ${cost}`,
      ),
    ];
    const fan = this.#current ? this.#fanouts.get(this.#current) : undefined;
    if (fan && fan.total > 1) {
      const size = 24;
      const full = Math.round((fan.done / fan.total) * size);
      const bar = `${"█".repeat(full)}${"░".repeat(size - full)}`;
      lines.push(paint("36", cut(`  ${bar} ${fan.done}/${fan.total} ${terminalLine(fan.label)}`)));
    }
    const running = [...this.running.values()];
    for (const node of running.slice(0, maxRunning)) {
      const elapsed = `${((now - node.since) / 1000).toFixed(1)}s`;
      lines.push(
        paint("33", cut(`  ▶ ${terminalLine(node.label)}  ${terminalLine(node.route || "-")}  ${elapsed}`)),
      );
    }
    if (running.length > maxRunning) lines.push(`  … and ${running.length - maxRunning} more running`);
    return lines;
  }
}

/** The right progress display for stderr. */
export function progressFor(quiet: boolean): Progress {
  if (quiet) return silentProgress;
  return Deno.stderr.isTerminal() ? ttyProgress() : plainProgress();
}
