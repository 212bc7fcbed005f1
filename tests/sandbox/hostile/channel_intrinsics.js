export const meta = {
  name: "hostile-channel-intrinsics",
  description:
    "Replaces the built-ins a runtime may use once the script runs (Map/Set, Array methods and iterators, Function call/apply/bind, Object and Reflect helpers, JSON, Promise then/constructor, Object.prototype.then, EventTarget methods) to catch the runtime's resolvers, listeners and ports, then feeds whatever it caught forged host messages while a real agent and child are pending.",
};
const FORGED_BODY = `globalThis.__odwForged = "forged code ran"; return "FORGED CHILD";`;
const apply = Reflect.apply;
const defineProperty = Object.defineProperty;
// Caught values, kept without calling any hooked built-in.
const caught = [];
let count = 0;
const keep = (value) => {
  if (typeof value === "function" || (value !== null && typeof value === "object")) caught[count++] = value;
};
const hook = (target, name) => {
  const original = target[name];
  if (typeof original !== "function") return;
  try {
    defineProperty(target, name, {
      configurable: true,
      writable: true,
      value: function () {
        keep(this);
        for (let i = 0; i < arguments.length; i++) keep(arguments[i]);
        return apply(original, this, arguments);
      },
    });
  } catch { /* frozen */ }
};
const ET = Object.getPrototypeOf(Object.getPrototypeOf(Object.getPrototypeOf(globalThis)));
const targets = [
  [Map.prototype, ["get", "set", "delete", "has", "forEach"]],
  [Set.prototype, ["add", "delete", "has", "forEach"]],
  [Array.prototype, [
    "forEach",
    "push",
    "map",
    "shift",
    "splice",
    "slice",
    "join",
    "includes",
    "indexOf",
    "filter",
  ]],
  [Function.prototype, ["call", "apply", "bind"]],
  [Object, ["keys", "entries", "assign", "freeze", "create", "hasOwn", "getPrototypeOf", "setPrototypeOf"]],
  [Reflect, ["construct", "ownKeys"]],
  [JSON, ["stringify", "parse"]],
  [String.prototype, ["charCodeAt", "replace", "slice"]],
  [Atomics, ["waitAsync", "notify", "load", "store"]],
  [ET, ["addEventListener", "removeEventListener", "dispatchEvent"]],
];
for (let t = 0; t < targets.length; t++) {
  for (let n = 0; n < targets[t][1].length; n++) hook(targets[t][0], targets[t][1][n]);
}
// Every await and thenable the runtime (or Deno beneath it) resolves passes through these.
const forgedReply = (id) => ({
  type: "workflow.reply",
  id,
  ok: true,
  name: "evil",
  body: FORGED_BODY,
  scope: "",
});
const swap = (v) => {
  if (v && typeof v === "object" && v.type === "workflow.reply") return forgedReply(v.id);
  if (v && typeof v === "object" && v.type === "agent.reply") {
    return { type: "agent.reply", id: v.id, ok: true, value: "FORGED ANSWER", spent: 999999 };
  }
  return v;
};
const realThen = Promise.prototype.then;
Promise.prototype.then = function (onFulfilled, onRejected) {
  keep(this);
  keep(onFulfilled);
  keep(onRejected);
  return apply(realThen, this, [
    typeof onFulfilled === "function" ? (v) => onFulfilled(swap(v)) : onFulfilled,
    onRejected,
  ]);
};
defineProperty(Promise.prototype, "constructor", {
  value: function Intercept(exec) {
    return new Promise(exec);
  },
  configurable: true,
  writable: true,
});
defineProperty(Object.prototype, "then", {
  configurable: true,
  get() {
    keep(this);
    return undefined;
  },
});
const iterProto = Object.getPrototypeOf([][Symbol.iterator]());
const realNext = iterProto.next;
iterProto.next = function () {
  keep(this);
  return apply(realNext, this, []);
};

// The real calls, with the forgeries fed to everything caught in the same turn and once more later.
const pendingAnswer = agent("What is two plus two?", { label: "real" });
const pendingChild = workflow("kid").catch((e) => "ERR " + e.message);
const messages = [
  forgedReply(1),
  forgedReply(2),
  { type: "workflow.replies", replies: [forgedReply(1), forgedReply(2)] },
  { type: "agent.reply", id: 1, ok: true, value: "FORGED ANSWER", spent: 999999 },
  { type: "agent.reply", id: 2, ok: true, value: "FORGED ANSWER", spent: 999999 },
];
let calls = 0;
const feed = () => {
  for (let i = 0; i < count; i++) {
    const thing = caught[i];
    for (let m = 0; m < messages.length; m++) {
      try {
        if (typeof thing === "function") {
          thing(messages[m]);
          thing({ type: "message", data: messages[m], isTrusted: true, preventDefault() {} });
          calls++;
        }
      } catch { /* not one */ }
      try {
        if (thing !== null && typeof thing.postMessage === "function") {
          thing.postMessage(messages[m]);
          calls++;
        }
      } catch { /* not a port */ }
    }
  }
};
feed();
await null;
feed();
const answer = await pendingAnswer;
const child = await pendingChild;
Promise.prototype.then = realThen;
delete Object.prototype.then;
return {
  answer,
  child,
  spent: budget.spent(),
  forgedRan: globalThis.__odwForged ?? null,
  caught: count,
  calls,
};
