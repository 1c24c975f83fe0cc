// The privacy notice (个人信息保护法) against the real server: linked from the
// vote page's footer with its campaign, showing that campaign's retention and
// the operator's settings, and accessible (axe, large text, 200% zoom).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { check_both_modes, launch, shot } from './lib.mjs';
import { admin_api, base, create_open_campaign, missing, sign_in_at_mock } from './server.mjs';

let browser;
let campaign;

before(async () => {
  if (missing) return;
  campaign = await create_open_campaign('e2eprivacy');
  const stored = await admin_api('GET', `/api/v1/campaigns/${campaign.id}`);
  const { state, ...body } = stored.data;
  body.privacy = { retention_days: 90 };
  const edited = await admin_api('PUT', `/api/v1/campaigns/${campaign.id}`, body);
  if (edited.status !== 200) throw new Error(`setting the retention: ${edited.status} ${JSON.stringify(edited.data)}`);
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

test('the vote page links the privacy notice, which shows the campaign\'s retention', { skip: missing }, async () => {
  const page = await browser.context.newPage();
  await page.goto(`${base}/h5/c/${campaign.id}`);
  await sign_in_at_mock(page, `oE2EPrivacy${Date.now().toString(36)}`);
  await page.waitForSelector('#campaign:not([hidden])');
  const link = page.locator(`footer a[href="/h5/privacy?c=${campaign.id}"]`);
  assert.equal(await link.count(), 1);
  assert.ok(await link.isVisible());
  await link.click();
  await page.waitForURL(new RegExp(`/h5/privacy\\?c=${campaign.id}$`));
  await page.waitForSelector('#back-line:not([hidden])');
  assert.equal((await page.textContent('h1')).trim(), '个人信息保护说明');
  assert.match(await page.textContent('#scope'), new RegExp(campaign.title));
  assert.equal((await page.textContent('#retention')).trim(), '90 天');
  assert.match(await page.textContent('#delete-after'), /本次评议：\d{4}年\d+月\d+日 \d\d:\d\d 后删除/);
  assert.equal((await page.textContent('#window')).trim(), '7 天');
  assert.match(await page.textContent('#contact'), /privacy_contact/);
  // What, why, how long, in plain words.
  const text = await page.textContent('main');
  for (const words of ['openid', 'IP 地址', '浏览器标识', '发现刷票', '保存多久', '联系我们']) assert.ok(text.includes(words), words);
  assert.equal(await page.getAttribute('#back', 'href'), `/h5/c/${campaign.id}`);
  const problems = await check_both_modes(page, 'privacy');
  assert.deepEqual(problems, []);
  await page.close();
});

test('the privacy notice without a campaign, and every voter page links it', { skip: missing }, async () => {
  const page = await browser.context.newPage();
  await page.goto(`${base}/h5/privacy`);
  await page.waitForFunction(() => document.getElementById('window').textContent === '7 天');
  assert.ok(await page.isHidden('#back-line'));
  assert.equal((await page.textContent('#retention')).trim(), '180 天');
  await shot(page, 'privacy-general');
  await page.goto(`${base}/h5/`);
  await page.waitForSelector('footer a[href="/h5/privacy"]');
  await page.goto(`${base}/h5/results/${campaign.id}`);
  await page.waitForSelector(`footer a[href="/h5/privacy?c=${campaign.id}"]`);
  await page.close();
});

test('the privacy pages ran without script errors', { skip: missing }, () => {
  assert.deepEqual(browser.problems.filter((p) => !/Failed to load resource/.test(p)), []);
});
