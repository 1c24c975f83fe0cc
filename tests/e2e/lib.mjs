// Shared by the browser tests: packages from web/node_modules, Debian's
// chromium at a phone viewport, screenshots under test-output/e2e/.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
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

// A fresh browser with its own empty profile; close() removes the profile.
export async function launch({ mobile = true } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'pingyi-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.PINGYI_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    ...(mobile ? phone : desktop),
  });
  const problems = [];
  context.on('page', (page) => watch(page, problems));
  for (const page of context.pages()) watch(page, problems);
  return {
    context,
    // Console errors and uncaught exceptions of every page, CSP refusals included.
    problems,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
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

// axe-core's serious and critical findings (contrast, names, landmarks...).
export async function accessibility_violations(page) {
  await page.evaluate(axe_source); // evaluated over CDP, so the page's CSP still holds for the page
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
