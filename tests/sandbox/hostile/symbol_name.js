export const meta = {
  name: "hostile-symbol-name",
  description: "Throws an error whose name is a Symbol (it cannot be cloned or turned into text implicitly).",
};
const error = new Error("named by a symbol");
error.name = Symbol("evil");
throw error;
