export const meta = {
  name: "hostile-wedge",
  description:
    "Wedges the sandbox: args.kind picks an endless synchronous loop or a futex wait that never ends.",
};
log("wedging");
if (args?.kind === "futex") Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
else while (true) { /* wedged on purpose */ }
return "unreachable";
