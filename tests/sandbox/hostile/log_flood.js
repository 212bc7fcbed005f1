export const meta = {
  name: "hostile-log-flood",
  description: "Logs 60000 lines of 11000 characters (660 MB): more than any record or terminal can hold.",
};
const line = "x".repeat(11000);
for (let i = 0; i < 60000; i++) log(line);
return "flooded";
