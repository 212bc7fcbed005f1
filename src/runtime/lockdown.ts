/**
 * Sandbox lockdown, run inside the workflow Worker before the script body is evaluated.
 *
 * The Worker already has `permissions: "none"` (no files, env, network, subprocesses). This makes its
 * global scope the realm the built-in runtime gives a script: the ECMAScript globals, `console`,
 * `setTimeout`/`clearTimeout`, and nothing else — no `Deno`, `fetch`, `crypto`, `performance`,
 * `process`, `Worker`, `WebAssembly`, message port, … (`typeof` says "undefined"). On top of that:
 * `Date.now()`, `new Date()`, `Date()` and `Math.random()` throw the built-in's errors (so indirect
 * access such as `globalThis["Da"+"te"].now()` cannot break resume), `Intl.DateTimeFormat` needs a
 * date, code generation from strings throws `EvalError`, and a string given to `setTimeout` runs
 * nothing.
 *
 * The function is self-contained: the host stringifies it into the worker source, so it must not
 * reference anything outside its own body.
 *
 * @module
 */

/** Locks the current global scope down. Call once, after the runtime captured what it needs. */
export function lockdown(onTimerSettled: () => void = () => {}): { pendingTimers(): number } {
  const g = globalThis as unknown as Record<string, unknown>;
  const RealFunction = Function;
  const define = (target: object, key: PropertyKey, value: unknown) => {
    try {
      Object.defineProperty(target, key, { value, writable: false, configurable: false });
    } catch { /* non-configurable already: best effort */ }
  };
  // Plain functions, not arrows: `new Date()` and `new Function(…)` must throw these errors too.
  const thrower = (make: () => Error) =>
    function (): never {
      throw make();
    };
  const CLOCK =
    "Date.now() / new Date() are unavailable in workflow scripts (breaks resume). Stamp results " +
    "after the workflow returns, or pass timestamps via args.";
  const RANDOM = "Math.random() is unavailable in workflow scripts (breaks resume). For N independent " +
    "samples, include the index in the agent label or prompt.";
  const noClock = thrower(() => new Error(CLOCK));
  const noCodegen = thrower(() => new EvalError("Code generation from strings disallowed for this context"));

  // Time and randomness: Date keeps working on explicit values (new Date(0), Date.UTC, Date.parse).
  const RealDate = Date;
  const SafeDate: DateConstructor = new Proxy(RealDate, {
    construct(target, argList, newTarget): object {
      if (argList.length === 0) noClock();
      return Reflect.construct(target, argList, newTarget === SafeDate ? target : newTarget);
    },
    apply: noClock,
  });
  define(RealDate, "now", noClock);
  define(RealDate.prototype, "constructor", SafeDate);
  define(Math, "random", thrower(() => new Error(RANDOM)));
  const dtf = Intl.DateTimeFormat.prototype as unknown as Record<string, unknown>;
  for (const method of ["format", "formatToParts"]) {
    const descriptor = Object.getOwnPropertyDescriptor(dtf, method);
    const original = descriptor?.get ?? descriptor?.value;
    if (typeof original !== "function") continue;
    const guarded = (fn: (d?: unknown) => unknown) => (d?: unknown) => (d === undefined ? noClock() : fn(d));
    try {
      Object.defineProperty(
        dtf,
        method,
        descriptor?.get
          ? {
            get(this: unknown) {
              return guarded(original.call(this));
            },
            configurable: false,
          }
          : {
            value: function (this: unknown, d?: unknown) {
              return guarded(original.bind(this))(d);
            },
          },
      );
    } catch { /* best effort */ }
  }

  // Code generation from strings: the constructors stay themselves for `instanceof`, but calling one
  // throws; `eval` of a string throws (of anything else it returns it, as `eval` does).
  const noStrings = <T extends object>(ctor: T): T =>
    new Proxy(ctor, { apply: noCodegen, construct: noCodegen });
  const SafeFunction = noStrings(RealFunction);
  for (
    const proto of [
      RealFunction.prototype,
      Object.getPrototypeOf(async function () {}),
      Object.getPrototypeOf(function* () {}),
      Object.getPrototypeOf(async function* () {}),
    ]
  ) {
    define(
      proto,
      "constructor",
      proto === RealFunction.prototype ? SafeFunction : noStrings(proto.constructor),
    );
  }
  const safeEval = (code?: unknown) => (typeof code === "string" ? noCodegen() : code);

  // Timers hand out plain numbers (the runtime's timer objects carry the clock in `_idleStart`) and
  // count as pending work for the stuck detection; a string callback runs nothing.
  const timers = new Map<number, unknown>();
  let nextTimerId = 1;
  const set = g.setTimeout as (cb: () => void, ms?: number) => unknown;
  const clear = g.clearTimeout as (handle: unknown) => void;
  const setTimeoutSafe = (cb: unknown, ms?: number, ...rest: unknown[]) => {
    const id = nextTimerId++;
    if (typeof cb !== "function") return id;
    timers.set(
      id,
      set(() => {
        timers.delete(id);
        try {
          (cb as (...a: unknown[]) => unknown)(...rest);
        } finally {
          onTimerSettled();
        }
      }, ms),
    );
    return id;
  };
  const clearTimeoutSafe = (id: unknown) => {
    const handle = timers.get(id as number);
    timers.delete(id as number);
    if (handle !== undefined) {
      clear(handle);
      onTimerSettled();
    }
  };

  // The realm: ECMAScript globals plus console and the two timers; everything else reads undefined.
  const KEEP = new Set([
    "globalThis",
    "Infinity",
    "NaN",
    "undefined",
    "isFinite",
    "isNaN",
    "parseFloat",
    "parseInt",
    "decodeURI",
    "decodeURIComponent",
    "encodeURI",
    "encodeURIComponent",
    "escape",
    "unescape",
    "Object",
    "Function",
    "Array",
    "Number",
    "Boolean",
    "String",
    "Symbol",
    "BigInt",
    "Math",
    "JSON",
    "Reflect",
    "Proxy",
    "Promise",
    "Map",
    "Set",
    "WeakMap",
    "WeakSet",
    "WeakRef",
    "FinalizationRegistry",
    "Date",
    "RegExp",
    "Error",
    "AggregateError",
    "EvalError",
    "RangeError",
    "ReferenceError",
    "SyntaxError",
    "TypeError",
    "URIError",
    "SuppressedError",
    "ArrayBuffer",
    "SharedArrayBuffer",
    "DataView",
    "Atomics",
    "Int8Array",
    "Uint8Array",
    "Uint8ClampedArray",
    "Int16Array",
    "Uint16Array",
    "Int32Array",
    "Uint32Array",
    "Float16Array",
    "Float32Array",
    "Float64Array",
    "BigInt64Array",
    "BigUint64Array",
    "Intl",
    "Iterator",
    "DisposableStack",
    "AsyncDisposableStack",
    "console",
    "setTimeout",
    "clearTimeout",
    "eval",
    // Deno reports an uncaught error through it; the runtime ignores script-dispatched events.
    "dispatchEvent",
    // Deno's own promise machinery calls it; the script sees `queueMicrotask` shadowed as undefined
    // (a parameter of the evaluated body, see worker_main.ts).
    "queueMicrotask",
  ]);
  const names = new Set<string>();
  for (let o: object | null = globalThis; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const name of Object.getOwnPropertyNames(o)) names.add(name);
  }
  for (const name of names) {
    if (KEEP.has(name)) continue;
    try {
      delete g[name];
    } catch { /* non-configurable */ }
    if (name in g) {
      try {
        Object.defineProperty(g, name, { value: undefined, writable: false, configurable: false });
      } catch { /* best effort */ }
    }
  }
  define(g, "Date", SafeDate);
  define(g, "eval", safeEval);
  define(g, "Function", SafeFunction);
  define(g, "setTimeout", setTimeoutSafe);
  define(g, "clearTimeout", clearTimeoutSafe);
  return { pendingTimers: () => timers.size };
}
