// Builds web/src into web/dist: bundled, minified JS and CSS under dist/static
// with content-hashed names (the server caches /static/ for long), and the HTML
// pages with their /static/ references rewritten to those names.
// Fails when the vote page's first load exceeds its compressed-size budget.
import * as esbuild from 'esbuild';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = dirname(fileURLToPath(import.meta.url));
const src = join(root, 'src');
const dist = join(root, 'dist');
const vote_page_budget = 100 * 1024;

// Bundle name (as referenced from HTML under /static/) -> source file.
const entries = {
  'h5/h5.css': 'h5/h5.css',
  'h5/list.js': 'h5/list.js',
  'h5/vote.js': 'h5/vote.js',
  'h5/receipt.js': 'h5/receipt.js',
  'h5/score.js': 'h5/score.js',
  'h5/results.js': 'h5/results.js',
  'h5/privacy.js': 'h5/privacy.js',
  'staff/staff.css': 'staff/staff.css',
  'staff/login.js': 'staff/login.js',
  'staff/campaigns.js': 'staff/campaigns.js',
  'staff/dashboard.js': 'staff/dashboard.js',
  'staff/screen.js': 'staff/screen.js',
  'staff/audit.js': 'staff/audit.js',
  'staff/security.js': 'staff/security.js',
  'staff/filings.js': 'staff/filings.js',
  'unit/filings.js': 'unit/filings.js',
  'unit/filings.css': 'unit/filings.css',
  'staff/suggestions.js': 'staff/suggestions.js',
  'unit/rectification.js': 'unit/rectification.js',
  'staff/units.js': 'staff/units.js',
  'unit/portal.js': 'unit/portal.js',
  'unit/portal.css': 'unit/portal.css',
};

const pages = ['h5/index.html', 'h5/vote.html', 'h5/receipt.html', 'h5/score.html', 'h5/results.html', 'h5/privacy.html',
  'admin/login.html', 'admin/index.html', 'admin/dashboard.html', 'admin/audit.html', 'admin/security.html', 'screen.html',
  'admin/filings.html', 'unit/filings.html',
  'admin/suggestions.html', 'unit/rectification.html', 'admin/units.html', 'unit/portal.html'];

await rm(dist, { recursive: true, force: true });

const result = await esbuild.build({
  entryPoints: Object.entries(entries).map(([name, file]) => ({
    in: join(src, file), out: name.replace(/\.(js|css)$/, ''),
  })),
  outdir: join(dist, 'static'),
  entryNames: '[dir]/[name]-[hash]',
  bundle: true,
  minify: true,
  format: 'iife',
  // WeChat's in-app browsers (Chromium-based XWeb, iOS WKWebView) on older
  // phones: lower ?. and ?? and newer syntax.
  target: 'es2019',
  legalComments: 'none',
  metafile: true,
  absWorkingDir: root, // metafile paths are relative to it
  logLevel: 'warning',
});

const hashed = new Map();
for (const [out, meta] of Object.entries(result.metafile.outputs)) {
  if (!meta.entryPoint) continue;
  const name = Object.keys(entries).find((n) => join(src, entries[n]) === join(root, meta.entryPoint));
  if (name) hashed.set(`/static/${name}`, `/static/${relative(join(dist, 'static'), join(root, out))}`);
}

// Pages the server renders itself (error and message pages) link the voter
// stylesheet by a fixed name.
await copyFile(join(dist, hashed.get('/static/h5/h5.css')), join(dist, 'static/h5.css'));

// The indicator system's example template, which staff download from the
// server (GET /api/v1/indicator-template.csv) to fill in.
await mkdir(join(dist, 'templates'), { recursive: true });
await copyFile(join(root, '../docs/examples/indicators.example.csv'), join(dist, 'templates/indicators.example.csv'));

// Every /static/ reference in a page must name a known bundle: a typo fails the build.
const page_assets = new Map();
for (const page of pages) {
  const assets = [];
  const html = (await readFile(join(src, page), 'utf8')).replace(/\/static\/[\w./-]+/g, (ref) => {
    const target = hashed.get(ref);
    if (!target) throw new Error(`${page}: unknown asset ${ref}`);
    assets.push(target);
    return target;
  });
  if (/<script(?![^>]*\bsrc=)[^>]*>/i.test(html)) throw new Error(`${page}: inline script (CSP forbids it)`);
  if (/\b(?:src|href)=["']?(?:https?:)?\/\//i.test(html)) throw new Error(`${page}: loads from another host`);
  await mkdir(dirname(join(dist, page)), { recursive: true });
  await writeFile(join(dist, page), html);
  page_assets.set(page, { html, assets });
}

const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const { html, assets } = page_assets.get('h5/vote.html');
let total = gz(Buffer.from(html));
const lines = [`  h5/vote.html ${gz(Buffer.from(html))} B`];
for (const a of assets) {
  const size = gz(await readFile(join(dist, a.replace(/^\//, ''))));
  total += size;
  lines.push(`  ${a} ${size} B`);
}
console.log(`vote page first load, gzip: ${total} B of ${vote_page_budget} B\n${lines.join('\n')}`);
if (total > vote_page_budget) {
  console.error('vote page over its size budget');
  process.exit(1);
}
