/**
 * Where the script called a primitive, for the host's messages (the report maps nodes to call sites;
 * `odw replay` names a missing node's call): the first stack frame of code compiled from a script body
 * (`(eval at compile (odw-runtime.js), <anonymous>:line:col)`; the runtime's own frames read
 * `(odw-runtime.js, <anonymous>:…)`). The location ends the frame, so a function name cannot fake it.
 * The stack is formatted natively (`prepareStackTrace` set aside through null-prototype descriptors,
 * so no script getter or CallSite method runs here). A body starts on frame line 3 (the AsyncFunction
 * header) after the 14 characters of `"use strict"; `. The host checks what it receives like any
 * other field; a script that breaks the built-ins used here only loses its own call sites.
 *
 * Self-contained: the host stringifies it into the worker source.
 *
 * @module
 */

/** Creates the reader (call before any script code runs: it captures what it uses). */
export function makeCallSite(): () => { line: number; column: number } | undefined {
  const StackError = Error;
  const describe = Object.getOwnPropertyDescriptor;
  const defineOwn = Object.defineProperty;
  const captureStack = (Error as unknown as { captureStackTrace(target: object): void }).captureStackTrace;
  const own = (value: unknown) =>
    ({ __proto__: null, value, writable: true, configurable: true }) as unknown as PropertyDescriptor;
  return () => {
    const saved = [describe(StackError, "prepareStackTrace"), describe(StackError, "stackTraceLimit")];
    const restore = (name: string, d: PropertyDescriptor | undefined) => {
      if (d) defineOwn(StackError, name, d);
      else delete (StackError as unknown as Record<string, unknown>)[name];
    };
    try {
      defineOwn(StackError, "prepareStackTrace", own(undefined));
      defineOwn(StackError, "stackTraceLimit", own(50));
      const holder: { stack?: unknown } = {};
      captureStack(holder);
      const stack = typeof holder.stack === "string" ? holder.stack : "";
      restore("prepareStackTrace", saved[0]);
      restore("stackTraceLimit", saved[1]);
      for (const frame of stack.split("\n")) {
        const at = /\(eval at \w+ \(odw-runtime\.js\), <anonymous>:(\d+):(\d+)\)$/.exec(frame);
        if (!at) continue;
        const line = Number(at[1]) - 2;
        const column = Number(at[2]) - (line === 1 ? 14 : 0);
        return line >= 1 && column >= 1 ? { line, column } : undefined;
      }
    } catch { /* a script that froze Error keeps its call sites to itself */ }
    return undefined;
  };
}
