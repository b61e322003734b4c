// Builds static/css/site.min.css, the site's one stylesheet: the vendored Bootstrap trimmed by PurgeCSS to the
// selectors the site can emit, followed by static/css/site.css, minified. Run it with `make css`, which passes
// the directories of the installed crispy-forms packages (their templates and Python emit Bootstrap classes for
// every form). The output is committed, so `make run` and `make test` need no Node.js.
import { createHash } from "node:crypto";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

import { transform } from "lightningcss";
import { PurgeCSS } from "purgecss";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const crispyDirs = process.argv.slice(2);
if (crispyDirs.length === 0) {
  console.error("usage: node build/build_css.mjs CRISPY_PACKAGE_DIR... (see `make css`)");
  process.exit(2);
}

const SOURCES = ["static/vendor/bootstrap/bootstrap.min.css", "static/css/site.css"];
const OUTPUT = "static/css/site.min.css";

const content = [
  "templates/**/*.html",
  "*/templates/**/*.html",
  "*/**/*.py", // forms, widgets and crispy helpers set classes in Python
  "static/js/**/*.js",
  ...crispyDirs.flatMap((dir) => [`${dir}/**/*.html`, `${dir}/**/*.py`]),
].map((glob) => (glob.startsWith("/") ? glob : join(root, glob)));

const sources = SOURCES.map((path) => readFileSync(join(root, path), "utf8"));
// The two files purged as one, so a custom property defined in one and used in the other is kept.
const [purged] = await new PurgeCSS().purge({
  content,
  skippedContentGlobs: [join(root, "build/node_modules/**"), join(root, "var/**")],
  css: [{ raw: sources.join("\n") }],
  // Django's widgets, which are not scanned, set <input type>: keep Bootstrap's [type=radio] and the like.
  dynamicAttributes: ["type"],
  variables: true,
  keyframes: true,
  fontFace: true,
});

const { code } = transform({ filename: OUTPUT, code: Buffer.from(purged.css), minify: true });

// The minifier keeps only a leading comment, so Bootstrap's license is carried over explicitly.
const license = sources[0].match(/\/\*![\s\S]*?\*\//)[0];
// The hash lets a test say when a source changed without a rebuild.
const digest = createHash("sha256");
sources.forEach((source) => digest.update(source));
const header = `/*! Built by \`make css\` from ${SOURCES.join(" + ")} (sha256 ${digest.digest("hex")}); do not edit. */\n`;
writeFileSync(join(root, OUTPUT), `${header}${license}\n${code}`);

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const before = sources.reduce((total, source) => total + Buffer.byteLength(source), 0);
console.log(`${relative(process.cwd(), join(root, OUTPUT))}: ${kib(before)} -> ${kib(statSync(join(root, OUTPUT)).size)}`);
