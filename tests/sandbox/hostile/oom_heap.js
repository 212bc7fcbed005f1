export const meta = {
  name: "hostile-oom-heap",
  description: "Grows the JS heap without end: the sandbox runs out of memory.",
};
log("growing the heap");
const hoard = [];
while (true) hoard.push(new Array(1e6).fill(1.5));
