// Shared by the browser tests: packages from web/node_modules, Debian's
// chromium at a phone viewport, screenshots under test-output/e2e/.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(join(root, 'web/package.json'));
const { chromium } = require('playwright-core');
const axe_source = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const out_dir = join(root, 'test-output/e2e');
mkdirSync(out_dir, { recursive: true });

export const wechat_user_agent = 'Mozilla/5.0 (Linux; Android 13; V2154A Build/TP1A.220624.014; wv) '
  + 'AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 '
  + 'XWEB/1160117 MMWEBSDK/20240301 MMWEBID/2585 MicroMessenger/8.0.48.2580(0x28003035) '
  + 'WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64';

const phone = {
  viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2,
  userAgent: wechat_user_agent, locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
};
const desktop = { viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };

// One chromium per test process, started on first use and closed with the
// last context: a context is a fresh, empty profile, much cheaper than a browser.
let shared_browser = null; // a promise of the Browser
let contexts_open = 0;

function the_browser() {
  shared_browser ??= chromium.launch({
    executablePath: process.env.PINGYI_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return shared_browser;
}

// A fresh browser context (no cookies, no storage); close() ends it.
export async function launch({ mobile = true } = {}) {
  const browser = await the_browser();
  contexts_open += 1;
  const context = await browser.newContext(mobile ? phone : desktop);
  const problems = [];
  context.on('page', (page) => watch(page, problems));
  return {
    context,
    // Console errors and uncaught exceptions of every page, CSP refusals included.
    problems,
    close: async () => {
      await context.close();
      contexts_open -= 1;
      if (contexts_open === 0) {
        shared_browser = null;
        await browser.close();
      }
    },
  };
}

function watch(page, problems) {
  page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`${page.url()}: ${message.text()}`);
  });
}

// charts: give ECharts' animation time to finish so the picture shows the data.
export async function shot(page, name, { charts = false } = {}) {
  if (charts) await page.waitForTimeout(1200);
  await page.screenshot({ path: join(out_dir, `${name}.png`), fullPage: true });
}

// axe-core's best practices for the page's structure, run besides WCAG's rules:
// all content in landmarks, one main, one h1, headings in order, and no
// positive tabindex (the focus order is the page's order).
const structure_rules = ['region', 'landmark-one-main', 'landmark-unique', 'page-has-heading-one', 'heading-order', 'tabindex'];

// What axe-core finds against WCAG 2.1 A and AA (and structure_rules), whatever the impact.
export async function accessibility_violations(page) {
  await page.evaluate(axe_source); // evaluated over CDP, so the page's CSP still holds for the page
  const result = await page.evaluate((rules) => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    rules: Object.fromEntries(rules.map((rule) => [rule, { enabled: true }])),
    resultTypes: ['violations'],
  }), structure_rules);
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

const two_frames = () => new Promise((done) => { requestAnimationFrame(() => requestAnimationFrame(done)); });

// In large-text mode: visible text smaller than 18 px, and tap targets
// (links, buttons, fields, summaries; a checkbox or radio by its label)
// smaller than 44 × 44 px.
function large_text_problems() {
  const shown = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
  const problems = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const e = node.parentElement;
    if (!node.textContent.trim() || !shown(e) || e.closest('canvas, svg, .skip-link')) continue;
    const size = parseFloat(getComputedStyle(e).fontSize);
    if (size < 18) problems.push(`text ${size}px: ${e.outerHTML.slice(0, 80)}`);
  }
  for (const e of document.querySelectorAll('a[href], button, input, select, textarea, summary')) {
    const target = e.matches('input[type=checkbox], input[type=radio]') ? e.closest('label') || e : e;
    if (!shown(target) || target.classList.contains('skip-link')) continue;
    const box = target.getBoundingClientRect();
    if (box.height < 44 || box.width < 44) problems.push(`target ${Math.round(box.width)}×${Math.round(box.height)}: ${target.outerHTML.slice(0, 80)}`);
  }
  return problems;
}

// Issue #15 on one page, in normal and then large-text mode: axe finds no
// WCAG 2.1 AA violation; a screenshot at 360×640; at 200% zoom on a 360 px
// phone (180 CSS px wide, device pixel ratio 2) nothing scrolls sideways; in
// large text, text of at least 18 px and tap targets of at least 44 px.
// Meant for a phone context (device pixel ratio 2). The page must have the
// #text-size switch; it is left off, at the viewport found. Returns the problems.
export async function check_both_modes(page, name) {
  if (!(await page.$('#text-size'))) return ['no large-text switch (#text-size) on the page'];
  const viewport = page.viewportSize();
  const problems = [];
  for (const large of [false, true]) {
    const mode = large ? 'large-text' : 'normal';
    if (large) await page.click('#text-size');
    if (await page.getAttribute('#text-size', 'aria-pressed') !== String(large)) problems.push(`${mode}: #text-size aria-pressed wrong`);
    await page.setViewportSize({ width: 360, height: 640 });
    await page.evaluate(two_frames);
    if (large) problems.push(...(await page.evaluate(large_text_problems)).map((p) => `${mode}: ${p}`));
    problems.push(...(await accessibility_violations(page)).map((v) => `${mode}: axe ${v}`));
    await shot(page, large ? `${name}-large-text` : name);
    await page.setViewportSize({ width: 180, height: 320 });
    await page.evaluate(two_frames);
    const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    if (sideways > 0) problems.push(`${mode}: at 180 CSS px the page scrolls sideways by ${sideways} px`);
    await page.screenshot({ path: join(out_dir, `${name}-${large ? 'large-text-' : ''}zoom200.png`) }); // the first screenful
  }
  await page.click('#text-size');
  await page.setViewportSize(viewport);
  return problems;
}
