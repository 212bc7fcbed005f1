export const meta = {
  name: "hostile-arraybuffer-flood",
  description: "Allocates 8 GiB of ArrayBuffers (outside the V8 heap cap) one GiB at a time.",
};
const buffers = [];
for (let i = 0; i < 8; i++) buffers.push(new ArrayBuffer(2 ** 30));
return `allocated ${buffers.length} GiB`;
