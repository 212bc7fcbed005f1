/**
 * Where the script called a primitive, for the host's messages (the report maps nodes to call sites;
 * `odw replay` names a missing node's call): the first stack frame of code compiled from a script body
 * (`(eval at compile (odw-runtime.js), <anonymous>:line:col)`; the runtime's own frames read
 * `(odw-runtime.js, <anonymous>:…)`). Locations are read from the frame, so a function name cannot
 * fake one.
 * The stack is read as V8's CallSite objects, not as text (formatting every frame cost about half of
 * what the runtime spends on an agent() call): the runtime's own `prepareStackTrace` is set for the
 * capture through null-prototype descriptors, and the CallSite methods were captured before any
 * script code ran, so no script getter, hook or CallSite method runs here. The frame wanted is the
 * one whose text would be `(eval at <fn> (odw-runtime.js), <anonymous>:line:col)`: code compiled by
 * eval, without a script name or source URL, from that origin. A body starts on frame line 3 (the
 * AsyncFunction header) after the 14 characters of `"use strict"; `. The host checks what it receives like any
 * other field; a script that breaks the built-ins used here only loses its own call sites.
 *
 * Self-contained: the host stringifies it into the worker source.
 *
 * @module
 */

/** The CallSite methods the reader uses, uncurried (captured before any script code runs). */
interface FrameReaders {
  isEval(frame: unknown): boolean;
  getScriptNameOrSourceURL(frame: unknown): unknown;
  getEvalOrigin(frame: unknown): unknown;
  getLineNumber(frame: unknown): unknown;
  getColumnNumber(frame: unknown): unknown;
}

/** Creates the reader (call before any script code runs: it captures what it uses). */
export function makeCallSite(): () => { line: number; column: number } | undefined {
  const StackError = Error;
  const describe = Object.getOwnPropertyDescriptor;
  const defineOwn = Object.defineProperty;
  const getPrototypeOf = Object.getPrototypeOf;
  const isArray = Array.isArray;
  const captureStack = (Error as unknown as { captureStackTrace(target: object): void }).captureStackTrace;
  const uncurry = <F>(fn: F) => Reflect.apply(Function.prototype.bind, Function.prototype.call, [fn]);
  const test = uncurry(RegExp.prototype.test) as (re: RegExp, text: string) => boolean;
  const own = (value: unknown) =>
    ({ __proto__: null, value, writable: true, configurable: true }) as unknown as PropertyDescriptor;
  /** The frames as V8's CallSite objects (this function is the realm's `prepareStackTrace` meanwhile). */
  const structured = (_error: unknown, frames: unknown) => frames;
  /** What the script's own code was compiled from: `compile` in odw-runtime.js, by `eval at …`. */
  const ORIGIN = /^eval at \w+ \(odw-runtime\.js\)$/;
  /** The frames of the current stack (at most 50), or null when the hooks cannot be set aside. */
  const frames = (): unknown[] | null => {
    const saved = [describe(StackError, "prepareStackTrace"), describe(StackError, "stackTraceLimit")];
    const restore = (name: string, d: PropertyDescriptor | undefined) => {
      if (d) defineOwn(StackError, name, d);
      else delete (StackError as unknown as Record<string, unknown>)[name];
    };
    let stack: unknown;
    try {
      defineOwn(StackError, "prepareStackTrace", own(structured));
      defineOwn(StackError, "stackTraceLimit", own(50));
      const holder: { stack?: unknown } = {};
      captureStack(holder);
      stack = holder.stack;
    } catch { /* a script that froze Error keeps its call sites to itself */ }
    // Put back whatever was there, also when setting the limit failed after the hook was set (no
    // iteration here: a script may have replaced the array iterator).
    const putBack = (name: string, descriptor: PropertyDescriptor | undefined) => {
      try {
        restore(name, descriptor);
      } catch { /* frozen meanwhile: nothing of ours is left to undo */ }
    };
    putBack("prepareStackTrace", saved[0]);
    putBack("stackTraceLimit", saved[1]);
    return isArray(stack) ? stack : null;
  };
  const sample = frames();
  const proto = sample && sample.length > 0 ? getPrototypeOf(sample[0]) as Record<string, unknown> : null;
  if (!proto) return () => undefined;
  const read = { __proto__: null } as unknown as FrameReaders;
  const names = ["isEval", "getScriptNameOrSourceURL", "getEvalOrigin", "getLineNumber", "getColumnNumber"];
  for (const name of names) (read as unknown as Record<string, unknown>)[name] = uncurry(proto[name]);
  return () => {
    const stack = frames();
    if (!stack) return undefined;
    try {
      for (let i = 0; i < stack.length; i++) {
        const frame = stack[i];
        // The frame V8 prints as `(eval at compile (odw-runtime.js), <anonymous>:line:col)`.
        if (!read.isEval(frame) || typeof read.getScriptNameOrSourceURL(frame) === "string") continue;
        const origin = read.getEvalOrigin(frame);
        const frameLine = read.getLineNumber(frame);
        const frameColumn = read.getColumnNumber(frame);
        if (typeof origin !== "string" || !test(ORIGIN, origin)) continue;
        if (typeof frameLine !== "number" || typeof frameColumn !== "number") continue;
        const line = frameLine - 2;
        const column = frameColumn - (line === 1 ? 14 : 0);
        return line >= 1 && column >= 1 ? { line, column } : undefined;
      }
    } catch { /* not V8's frames after all */ }
    return undefined;
  };
}
