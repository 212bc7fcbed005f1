export const meta = {
  name: "hostile-channel-frames",
  description:
    "Replaces every typed-array, DataView and TextEncoder built-in a runtime could use to write its messages (length and byteLength made to lie, set/subarray/slice/encode/encodeInto hooked to catch its buffers), then logs, asks an agent and returns: each message must still reach the host whole, and none of the runtime's buffers may pass through the hooks.",
};
const apply = Reflect.apply;
const defineProperty = Object.defineProperty;
const TypedArray = Object.getPrototypeOf(Uint8Array.prototype);
let caught = 0;
const hook = (target, name) => {
  const original = target[name];
  defineProperty(target, name, {
    configurable: true,
    writable: true,
    value: function () {
      caught++;
      return apply(original, this, arguments);
    },
  });
};
for (const name of ["set", "subarray", "slice", "fill", "copyWithin"]) hook(TypedArray, name);
// (TextEncoder is not a script's global; hooked in case a runtime leaves it reachable.)
const Encoder = globalThis.TextEncoder;
if (typeof Encoder === "function") {
  for (const name of ["encode", "encodeInto"]) hook(Encoder.prototype, name);
}
for (const name of ["setUint32", "setUint8"]) hook(DataView.prototype, name);
// Every typed array now says it holds a million bytes.
for (const name of ["length", "byteLength"]) {
  defineProperty(TypedArray, name, { configurable: true, get: () => 1 << 20 });
}
const answer = await agent("What is two plus two?");
log("after the agent: é");
// Over 64 KiB of UTF-8: a frame of its own size, not the writer's reused buffer.
return { answer, caught, big: "é".repeat(40000) };
