/**
 * Reading run records back (`.odw/runs/<runId>/journal.jsonl`): the one reader that resume, replay,
 * `odw runs`, `odw cancel` and the report share.
 *
 * A journal is JSONL written in order. A process killed in the middle of a write leaves at most a
 * torn last line (no final newline, cut JSON): it is dropped and the record says so (`torn`). A line
 * that is not JSON anywhere else means the file was damaged: {@link readRun} refuses it with a
 * {@link RecordError} naming the line, since a resume must not trust it.
 *
 * @example
 * ```ts
 * const record = await readRun(".odw/runs/20260101-120000-abcdef");
 * record.started.name; // "my-workflow"
 * record.finished?.status; // "completed", or undefined when the run never ended
 * ```
 * @module
 */
import { dirname, join } from "node:path";
import type { RunEvent, RunFinishedEvent, RunStartedEvent } from "../engine/events.ts";
import { inlinePrompts } from "./prompts.ts";

/** A run record that cannot be read or trusted; `message` is one line fit for stderr. */
export class RecordError extends Error {
  override name = "RecordError";
}

/** A journal's events, whether its last line was torn, and the lines (1-based) that were not JSON. */
export interface ParsedJournal {
  events: RunEvent[];
  /** The last line was cut short (a crash mid-write) and was dropped. */
  torn: boolean;
  /** Line numbers, other than a torn last line, that are not a JSON object with a string `type`. */
  damaged: number[];
}

/** Parses journal text. Never throws: damage is reported in the result. */
export function parseJournal(text: string): ParsedJournal {
  const lines = text.split("\n");
  // Every complete line ends with "\n"; whatever follows the last one was being written.
  const tail = lines.pop() ?? "";
  const events: RunEvent[] = [];
  const damaged: number[] = [];
  const parse = (line: string): RunEvent | undefined => {
    try {
      const value = JSON.parse(line);
      if (value !== null && typeof value === "object" && typeof value.type === "string") return value;
    } catch { /* reported by the caller */ }
    return undefined;
  };
  lines.forEach((line, index) => {
    if (line.trim() === "") return;
    const event = parse(line);
    if (event) events.push(event);
    else damaged.push(index + 1);
  });
  let torn = false;
  if (tail.trim() !== "") {
    // A tail that parses was cut just before its newline: its content is whole.
    const event = parse(tail);
    if (event) events.push(event);
    else torn = true;
  }
  return { events, torn, damaged };
}

/**
 * Reads and parses a journal file (throws the file system's error when it cannot be read); prompts
 * stored by hash are put back.
 */
export async function readJournal(path: string): Promise<ParsedJournal> {
  const parsed = parseJournal(await Deno.readTextFile(path));
  return { ...parsed, events: inlinePrompts(dirname(path), parsed.events) };
}

/** One run read back from disk. */
export interface RunRecord {
  runId: string;
  runDir: string;
  /** The journal's first event. */
  started: RunStartedEvent;
  /** The journal's last event when the run ended (absent after a crash or while it runs). */
  finished?: RunFinishedEvent;
  events: RunEvent[];
  /** The last line was torn (the process died mid-write). */
  torn: boolean;
}

/**
 * Reads a run directory's journal. Throws a {@link RecordError} when there is none, when it does not
 * start with `run.started`, or when a line other than a torn last one is damaged.
 */
export async function readRun(runDir: string): Promise<RunRecord> {
  const path = join(runDir, "journal.jsonl");
  let parsed: ParsedJournal;
  try {
    parsed = await readJournal(path);
  } catch (e) {
    const reason = e instanceof Deno.errors.NotFound ? "no journal.jsonl" : (e as Error).message;
    throw new RecordError(`cannot read run record ${runDir}: ${reason}`);
  }
  if (parsed.damaged.length > 0) {
    throw new RecordError(`${path} is damaged: line ${parsed.damaged[0]} is not a journal event`);
  }
  return recordOf(runDir, parsed);
}

/** The record of parsed journal events (throws a {@link RecordError} without `run.started` first). */
export function recordOf(runDir: string, parsed: ParsedJournal): RunRecord {
  const [first] = parsed.events;
  if (first?.type !== "run.started" || typeof first.runId !== "string") {
    throw new RecordError(`${join(runDir, "journal.jsonl")} does not start with run.started`);
  }
  const last = parsed.events.at(-1);
  return {
    runId: first.runId,
    runDir,
    started: first,
    finished: last?.type === "run.finished" ? last : undefined,
    events: parsed.events,
    torn: parsed.torn,
  };
}
