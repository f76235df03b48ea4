// Builds the studio into one folder the server serves as it is (src/http/studio_routes.h): the script and the
// style sheet under names carrying their content hash (served as immutable), and index.html naming them
// (served as no-cache), so a new build is picked up on the next load and an old one never mixes with it.
//
//   node build.mjs [out-dir]     (default: dist)
import * as esbuild from "esbuild";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";

const out = process.argv[2] ?? "dist";
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const result = await esbuild.build({
  entryPoints: ["src/main.ts", "src/style.css"],
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2022",
  entryNames: "[name]-[hash]",
  outdir: out,
  metafile: true,
  legalComments: "none",
  logLevel: "warning",
});

const built = Object.keys(result.metafile.outputs).map((p) => basename(p));
const named = (ext) => {
  const file = built.find((f) => f.endsWith(ext));
  if (!file) throw new Error(`the build wrote no ${ext} file`);
  return file;
};
const page = readFileSync("src/index.html", "utf8")
  .replace("%SCRIPT%", named(".js"))
  .replace("%STYLE%", named(".css"));
writeFileSync(join(out, "index.html"), page);
