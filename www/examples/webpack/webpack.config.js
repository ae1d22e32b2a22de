// Served by the demo backend under /examples/webpack/; `make build` sets the output path.
const path = require("node:path");

module.exports = {
  mode: "production",
  entry: "./src/main.js",
  output: { path: path.resolve(__dirname, "dist"), publicPath: "/examples/webpack/", clean: true },
};
