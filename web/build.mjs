// Bundles the UI into dist/: index.html, app.js (with its CSS in app.css), minified, with source maps.
import { build } from "esbuild";
import { cpSync, mkdirSync, rmSync } from "node:fs";

rmSync("dist", { recursive: true, force: true });
mkdirSync("dist");
await build({
  entryPoints: { app: "src/main.ts" },
  bundle: true,
  minify: true,
  sourcemap: true,
  target: ["es2022"],
  outdir: "dist",
  logLevel: "info",
});
cpSync("src/index.html", "dist/index.html");
cpSync("src/favicon.svg", "dist/favicon.svg");
