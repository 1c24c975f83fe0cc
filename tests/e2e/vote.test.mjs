// A voter's whole way through the real server at a phone viewport: WeChat
// sign-in through the mock, a two-unit ballot, the receipt, and the same units
// again from a page loaded before the vote → "already voted".
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, shot } from './lib.mjs';
import { admin_api, base, create_open_campaign, missing, sign_in_at_mock } from './server.mjs';

let browser;
let campaign;

before(async () => {
  if (missing) return;
  campaign = await create_open_campaign('e2evote');
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

test('vote through WeChat sign-in, see the receipt, then "already voted"', { skip: missing }, async () => {
  const page = await browser.context.newPage();
  await page.goto(`${base}/h5/c/${campaign.id}`);
  await shot(page, 'vote-1-wechat-authorize');
  await sign_in_at_mock(page, `oE2E${Date.now().toString(36)}`);
  await page.waitForURL(new RegExp(`/h5/c/${campaign.id}$`));
  await page.waitForSelector('#campaign:not([hidden])');
  assert.equal((await page.textContent('#title')).trim(), campaign.title);
  assert.match(await page.textContent('#rules'), /每人每天最多投 5 票，每个单位每天最多 1 票，每次最多选 3 个单位/);
  assert.match(await page.textContent('#remaining'), /今天还可以投 5 票/);
  await shot(page, 'vote-2-page');

  // Loaded now, before the vote: it still offers u1 and u2 afterwards.
  const stale = await browser.context.newPage();
  await stale.goto(`${base}/h5/c/${campaign.id}`);
  await stale.waitForSelector('#campaign:not([hidden])');

  await page.check('#unit-u1');
  await page.check('#unit-u2');
  await shot(page, 'vote-3-picked');
  await page.click('#submit');
  await page.waitForSelector('#receipt-code');
  const receipt = (await page.textContent('#receipt-code')).trim();
  assert.ok(receipt.length > 0);
  assert.match(await page.textContent('#outcome'), /投票成功[\s\S]*市公安局、市司法局[\s\S]*今天还可以投 3 票/);
  await shot(page, 'vote-4-receipt');

  await page.click('.receipt__link');
  await page.waitForURL(new RegExp(`/h5/receipt/${receipt}\\?c=${campaign.id}$`));
  await page.waitForSelector('#result .receipt, #result .problem');
  assert.match(await page.textContent('#result'), /已记录在投票日志中/);
  await shot(page, 'vote-5-receipt-page');

  await stale.check('#unit-u1');
  await stale.check('#unit-u2');
  await stale.click('#submit');
  await stale.waitForSelector('#problem:not(:empty)');
  assert.match(await stale.textContent('#problem'), /已经给所选的单位投过票/);
  assert.match(await stale.textContent('.unit:has(#unit-u1)'), /今日已投/);
  assert.ok(await stale.isDisabled('#unit-u1'));
  await shot(stale, 'vote-6-already-voted');

  const tally = await admin_api('GET', `/api/v1/campaigns/${campaign.id}/tally`);
  assert.equal(tally.status, 200);
  const votes = Object.fromEntries(tally.data.units.map((u) => [u.id, u.votes]));
  assert.deepEqual(votes, { u1: 1, u2: 1, u3: 0 });
  assert.equal(tally.data.ballots, 1);
  assert.equal(tally.data.voters, 1);
  await page.close();
  await stale.close();
});

test('the voter pages ran without script errors', { skip: missing }, () => {
  // 4xx answers show up as "Failed to load resource"; the 409 above is expected.
  assert.deepEqual(browser.problems.filter((p) => !/Failed to load resource/.test(p)), []);
});
