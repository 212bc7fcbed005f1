/**
 * Live progress of a run on stderr. A TTY gets one status line redrawn in place (phase, agents
 * running / done / failed, tokens) with log lines printed above it; anything else gets plain lines
 * (logs, phase changes, node failures). `--quiet` uses {@link silentProgress}. Script text (log
 * messages, phase titles) is shown with its control characters escaped (`terminal_text.ts`).
 *
 * @module
 */
import { terminalLine, terminalText } from "../common/terminal_text.ts";
import type { RunEvent } from "../engine/events.ts";

/** Receives run events and shows them. */
export interface Progress {
  onEvent(event: RunEvent): void;
  /** Clears any live line before the final output. */
  close(): void;
}

/** Shows nothing. */
export const silentProgress: Progress = { onEvent() {}, close() {} };

const encoder = new TextEncoder();
const write = (text: string) => Deno.stderr.writeSync(encoder.encode(text));

/** Compact token count: 950, 12.3k, 4.1M. */
export function formatTokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** Plain-line progress for pipes and CI logs. */
export function plainProgress(): Progress {
  return {
    onEvent(event) {
      if (event.type === "log") write(`${terminalText(event.message)}\n`);
      else if (event.type === "phase") write(`▸ phase: ${terminalLine(event.title)}\n`);
    },
    close() {},
  };
}

/** In-place status line for terminals. */
export function ttyProgress(): Progress {
  let phase = "";
  let running = 0;
  let done = 0;
  let failed = 0;
  let tokens = 0;
  let lastDraw = 0;
  let shown = false;
  const line = () =>
    `\r\x1b[2K⏵ ${phase ? `${phase} │ ` : ""}running ${running} · done ${done} · failed ${failed} │ ` +
    `${formatTokens(tokens)} tokens`;
  const draw = (force = false) => {
    const now = performance.now();
    if (!force && now - lastDraw < 80) return;
    lastDraw = now;
    write(line());
    shown = true;
  };
  return {
    onEvent(event) {
      switch (event.type) {
        case "log":
          write(`\r\x1b[2K${terminalText(event.message)}\n`);
          draw(true);
          return;
        case "phase":
          phase = terminalLine(event.title);
          break;
        case "node.started":
          running++;
          break;
        case "node.finished":
          // A node answered from an earlier run's journal never started.
          if (event.reusedFrom === undefined) running--;
          if (event.status === "completed") done++;
          else failed++;
          tokens += event.usage.inputTokens + event.usage.outputTokens;
          break;
        default:
          return;
      }
      draw(event.type === "phase");
    },
    close() {
      if (shown) write("\r\x1b[2K");
    },
  };
}

/** The right progress display for stderr. */
export function progressFor(quiet: boolean): Progress {
  if (quiet) return silentProgress;
  return Deno.stderr.isTerminal() ? ttyProgress() : plainProgress();
}
