// Bundle every js/src/<name>.js (one per widget or page) into
// src/explainwidgets/static/<name>.js as a single self-contained ES module.
// A sibling <name>.css, if present, is copied (minified) next to it.
import * as esbuild from "esbuild";
import { readdirSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const srcDir = join(here, "src");
const outDir = join(here, "..", "src", "explainwidgets", "static");
mkdirSync(outDir, { recursive: true });

const entries = readdirSync(srcDir)
  .filter((f) => /\.(js|css)$/.test(f))
  .map((f) => join(srcDir, f));

const options = {
  entryPoints: entries,
  outdir: outDir,
  bundle: true,
  format: "esm",
  minify: true,
  target: ["es2020"],
  legalComments: "eof",
  logLevel: "info",
  // Nothing may be loaded at run time: fonts and images must be inlined.
  loader: { ".woff": "dataurl", ".woff2": "dataurl", ".ttf": "dataurl", ".svg": "dataurl", ".png": "dataurl" },
};

if (process.argv.includes("--watch")) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
  console.log("watching js/src …");
} else {
  await esbuild.build(options);
  for (const e of entries.filter((p) => p.endsWith(".js"))) {
    const out = join(outDir, e.slice(srcDir.length + 1));
    if (!existsSync(out)) throw new Error(`build did not produce ${out}`);
  }
}
