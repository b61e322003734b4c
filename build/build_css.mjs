// Builds static/css/site.min.css, the site's one stylesheet: the vendored Bootstrap trimmed by PurgeCSS to the
// selectors the site can emit, followed by static/css/site.css, minified. Run it with `make css`, which passes
// a directory with the call-back form's markup as crispy-forms renders it (build/form_markup.py): the classes
// and elements the form really has, not every one crispy-forms could emit. The output is committed, so
// `make run` and `make test` need no Node.js.
import { createHash } from "node:crypto";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

import { transform } from "lightningcss";
import { PurgeCSS } from "purgecss";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const formMarkup = process.argv.slice(2);
if (formMarkup.length === 0) {
  console.error("usage: node build/build_css.mjs FORM_MARKUP_DIR... (see `make css`)");
  process.exit(2);
}

const SOURCES = ["static/vendor/bootstrap/bootstrap.min.css", "static/css/site.css"];
const OUTPUT = "static/css/site.min.css";

const content = [
  "templates/**/*.html",
  "*/templates/**/*.html",
  "*/**/*.py", // forms, widgets and crispy helpers set classes in Python
  "static/js/**/*.js",
  ...formMarkup.map((dir) => `${dir}/*.html`),
].map((glob) => (glob.startsWith("/") ? glob : join(root, glob)));

const [bootstrap, site] = SOURCES.map((path) => readFileSync(join(root, path), "utf8"));
// Purged as one, so a Bootstrap custom property that only site.css uses is kept; every rule of site.css is the
// site's own and is kept whole.
const [purged] = await new PurgeCSS().purge({
  content,
  // Tests and benchmarks are not the site: words in them must not keep rules alive.
  skippedContentGlobs: ["bench/**", "build/**", "tests/**", "var/**"].map((glob) => join(root, glob)),
  css: [{ raw: `${bootstrap}\n/* purgecss start ignore */\n${site}\n/* purgecss end ignore */\n` }],
  // Attribute selectors such as [type=radio]: the form's inputs.
  dynamicAttributes: ["type"],
  variables: true,
  keyframes: true,
  fontFace: true,
});

const { code } = transform({ filename: OUTPUT, code: Buffer.from(purged.css), minify: true });

// The minifier keeps only a leading comment, so Bootstrap's license is carried over explicitly.
const license = bootstrap.match(/\/\*![\s\S]*?\*\//)[0];
// The hash lets a test say when a source changed without a rebuild.
const digest = createHash("sha256").update(bootstrap).update(site);
const header = `/*! Built by \`make css\` from ${SOURCES.join(" + ")} (sha256 ${digest.digest("hex")}); do not edit. */\n`;
writeFileSync(join(root, OUTPUT), `${header}${license}\n${code}`);

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const before = Buffer.byteLength(bootstrap) + Buffer.byteLength(site);
console.log(`${relative(process.cwd(), join(root, OUTPUT))}: ${kib(before)} -> ${kib(statSync(join(root, OUTPUT)).size)}`);
