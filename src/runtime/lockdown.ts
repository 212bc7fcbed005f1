/**
 * Sandbox lockdown, run inside the workflow Worker before the script body is evaluated.
 *
 * The Worker already has `permissions: "none"` (no files, env, network, subprocesses). This removes
 * what that leaves open: every source of time and randomness (so indirect access such as
 * `globalThis["Da"+"te"].now()` cannot break resume), code generation from strings and nested workers
 * (routes to `import()` of npm:/data: modules, which permissions alone do not stop), the Node and Deno
 * side doors (`process.getBuiltinModule`, `Deno[Deno.internal]`, `Deno.permissions`, `Deno.exit`,
 * CacheStorage), and direct use of the message port (so a script cannot forge protocol messages).
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
  // A plain function, not an arrow: `new Function("...")` must throw this error too, not "not a constructor".
  const unavailable = (what: string, why = "breaks resume") =>
    function (): never {
      throw new Error(`${what} is unavailable in workflow scripts (${why})`);
    };
  const define = (target: object, key: PropertyKey, value: unknown) => {
    try {
      Object.defineProperty(target, key, { value, writable: false, configurable: false });
    } catch { /* non-configurable already: best effort */ }
  };
  const poison = (target: object, key: PropertyKey, what: string, why?: string) => {
    try {
      Object.defineProperty(target, key, { get: unavailable(what, why), configurable: false });
    } catch { /* best effort */ }
  };

  // Time: Date keeps working on explicit values (new Date(0), Date.UTC, Date.parse) only.
  const RealDate = Date;
  const SafeDate: DateConstructor = new Proxy(RealDate, {
    construct(target, argList, newTarget): object {
      if (argList.length === 0) unavailable("new Date()")();
      return Reflect.construct(target, argList, newTarget === SafeDate ? target : newTarget);
    },
    apply: unavailable("Date()"),
  });
  define(RealDate, "now", unavailable("Date.now()"));
  define(RealDate.prototype, "constructor", SafeDate);
  define(g, "Date", SafeDate);
  define(Math, "random", unavailable("Math.random()"));
  for (
    const name of [
      "performance",
      "Performance",
      "PerformanceEntry",
      "PerformanceMark",
      "PerformanceMeasure",
      "PerformanceObserver",
      "PerformanceObserverEntryList",
      "Temporal",
    ]
  ) poison(g, name, name);
  // A File made without an explicit date (also by FormData) is stamped with the current time.
  if (typeof File === "function") poison(File.prototype, "lastModified", "File.lastModified");
  const dtf = Intl.DateTimeFormat.prototype as unknown as Record<string, unknown>;
  for (const method of ["format", "formatToParts"]) {
    const descriptor = Object.getOwnPropertyDescriptor(dtf, method);
    const original = descriptor?.get ?? descriptor?.value;
    if (typeof original !== "function") continue;
    const isGetter = !!descriptor?.get;
    const wrap = (fn: (d?: unknown) => unknown) => (d?: unknown) => {
      if (d === undefined) unavailable("Intl.DateTimeFormat without a date")();
      return fn(d);
    };
    try {
      Object.defineProperty(
        dtf,
        method,
        isGetter
          ? {
            get(this: unknown) {
              return wrap(original.call(this));
            },
            configurable: false,
          }
          : {
            value: function (this: unknown, d?: unknown) {
              return wrap(original.bind(this))(d);
            },
          },
      );
    } catch { /* best effort */ }
  }

  // Randomness.
  poison(g, "crypto", "crypto");
  poison(g, "Crypto", "Crypto");
  poison(g, "CryptoKey", "CryptoKey");
  poison(g, "SubtleCrypto", "SubtleCrypto");
  // Blob URLs carry a random UUID; the worker's own location and stack frames name one (the runtime
  // itself is evaluated under a fixed sourceURL, see worker_source.ts).
  define(URL, "createObjectURL", unavailable("URL.createObjectURL()"));
  poison(g, "location", "location");
  poison(g, "WorkerLocation", "WorkerLocation");

  // Code generation from strings and nested workers.
  const noCodegen = unavailable("code generation from strings", "sandbox");
  define(g, "eval", noCodegen);
  define(g, "Function", noCodegen);
  for (
    const proto of [
      RealFunction.prototype,
      Object.getPrototypeOf(async function () {}),
      Object.getPrototypeOf(function* () {}),
      Object.getPrototypeOf(async function* () {}),
    ]
  ) define(proto, "constructor", noCodegen);
  // Timers take functions only, and hand out plain numbers: the runtime's timer objects carry the
  // clock (`setTimeout(f)._idleStart` is a timestamp).
  const timers = new Map<number, unknown>();
  let nextTimerId = 1;
  for (const [setName, clearName] of [["setTimeout", "clearTimeout"], ["setInterval", "clearInterval"]]) {
    const set = g[setName] as (cb: (...a: unknown[]) => unknown, ...rest: unknown[]) => unknown;
    const clear = g[clearName] as (handle: unknown) => void;
    const once = setName === "setTimeout";
    define(g, setName, (cb: unknown, ...rest: unknown[]) => {
      if (typeof cb !== "function") noCodegen();
      const id = nextTimerId++;
      const callback = cb as (...a: unknown[]) => unknown;
      const fire = (...a: unknown[]) => {
        timers.delete(id);
        try {
          return callback(...a);
        } finally {
          onTimerSettled();
        }
      };
      timers.set(id, set(once ? fire : callback, ...rest));
      return id;
    });
    define(g, clearName, (id: unknown) => {
      const handle = timers.get(id as number);
      timers.delete(id as number);
      if (handle !== undefined) {
        clear(handle);
        onTimerSettled();
      }
    });
  }
  for (const name of ["Worker", "SharedWorker", "BroadcastChannel", "WebSocket", "importScripts"]) {
    poison(g, name, name, "sandbox");
  }

  // Node compatibility: `process.getBuiltinModule()` reaches node:vm (code from strings, a clock),
  // node:worker_threads and node:perf_hooks; `process.hrtime()`/`uptime()` are clocks.
  poison(g, "process", "process", "sandbox");
  // Persistent storage that needs no permission (CacheStorage is written to disk and outlives the run).
  for (const name of ["caches", "CacheStorage", "Cache"]) poison(g, name, name, "sandbox");
  // Deno: the internals (`Deno[Deno.internal].core.evalContext` compiles code and loads modules);
  // `Deno.permissions.request()` would ask the person at the terminal for access; `Deno.exit()` ends the
  // worker without a word to the host, so the run would never finish.
  const deno = g.Deno as Record<PropertyKey, unknown> | undefined;
  if (deno) {
    const internal = deno.internal;
    if (typeof internal === "symbol") poison(deno, internal, "Deno internals", "sandbox");
    poison(deno, "permissions", "Deno.permissions", "sandbox");
    define(deno, "exit", unavailable("Deno.exit()", "sandbox"));
    // odw's own stdio: a script must not write into `--json` output or read what the person types.
    for (const name of ["stdin", "stdout", "stderr"]) poison(deno, name, `Deno.${name}`, "sandbox");
    // Values that differ from one process to the next (CPU time is a clock; odw's argv is not `args`).
    for (const name of ["cpuUsage", "memoryUsage", "pid", "ppid", "args"]) poison(deno, name, `Deno.${name}`);
  }

  // The message port and the event listeners belong to the runtime. (`dispatchEvent` stays: Deno
  // reports an uncaught error through it. The runtime ignores untrusted, script-dispatched messages.)
  for (
    const name of [
      "postMessage",
      "onmessage",
      "onmessageerror",
      "addEventListener",
      "removeEventListener",
      "close",
    ]
  ) poison(g, name, `${name}()`, "sandbox");
  return { pendingTimers: () => timers.size };
}
