// The pages against a stand-in server (stub_api.mjs): accessibility, the
// large-text mode, every refusal a voter can meet, retries with the same
// Idempotency-Key, and the live staff pages. Runs without pingyi-server.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { accessibility_violations, launch, shot } from './lib.mjs';
import { start_stub } from './stub_api.mjs';

let stub;
let browser;

before(async () => {
  stub = await start_stub();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await stub?.close();
});

async function open_vote(cid) {
  stub.voted.clear();
  const page = await browser.context.newPage();
  await page.goto(`${stub.base}/h5/c/${cid}`);
  await page.waitForSelector('#campaign:not([hidden])');
  return page;
}

describe('vote page', () => {
  test('shows the rules and disclosure, passes axe, no script errors', async () => {
    const page = await open_vote('open1');
    assert.match(await page.textContent('#rules'), /每人每天最多投 5 票，每个单位每天最多 1 票，每次最多选 2 个单位/);
    assert.match(await page.textContent('#remaining'), /还可以投 5 票/);
    await page.click('text=查看市公安局的公示内容');
    assert.ok(await page.isVisible('text=开展普法进社区'));
    await shot(page, 'pages-vote-open');
    assert.deepEqual(await accessibility_violations(page), []);
    const small_targets = await page.$$eval('button, summary, .unit__pick, a', (els) => els
      .filter((e) => e.offsetParent !== null)
      .filter((e) => e.getBoundingClientRect().height < 44)
      .map((e) => e.outerHTML.slice(0, 80)));
    assert.deepEqual(small_targets, []);
    await page.close();
  });

  test('limits the choice to max_choices', async () => {
    const page = await open_vote('open1');
    await page.check('#unit-u1');
    await page.check('#unit-u2');
    assert.ok(await page.isDisabled('#unit-u3'));
    assert.match(await page.textContent('#picked'), /已选 2 个，最多 2 个/);
    await page.close();
  });

  test('large-text mode is remembered across visits', async () => {
    const page = await open_vote('open1');
    const size = () => page.$eval('body', (b) => parseFloat(getComputedStyle(b).fontSize));
    const normal = await size();
    await page.click('#text-size');
    assert.equal(await page.getAttribute('#text-size', 'aria-pressed'), 'true');
    await page.reload();
    await page.waitForSelector('#campaign:not([hidden])');
    assert.ok(await size() > normal);
    await shot(page, 'pages-vote-large-text');
    await page.click('#text-size');
    await page.close();
  });

  test('a dropped connection is retried with the same Idempotency-Key and counted once', async () => {
    const page = await open_vote('open1');
    stub.accepted.length = 0;
    stub.ballot_requests.length = 0;
    stub.forced.push('drop');
    await page.check('#unit-u1');
    await page.click('#submit');
    await page.waitForSelector('.problem__action');
    assert.match(await page.textContent('#problem'), /网络连接失败/);
    await shot(page, 'pages-vote-network-failure');
    await page.click('.problem__action');
    await page.waitForSelector('#receipt-code');
    const [first, retry] = stub.ballot_requests;
    assert.ok(first.key.length >= 16);
    assert.equal(retry.key, first.key);
    assert.equal(retry.csrf, 'votercsrf');
    assert.deepEqual(retry.body, { units: ['u1'] });
    assert.equal(stub.accepted.filter((b) => b.units.includes('u1')).length, 1);
    await page.close();
  });

  test('503 redis_unavailable offers a retry with the same key; a new ballot gets a new key', async () => {
    const page = await open_vote('open1');
    stub.ballot_requests.length = 0;
    stub.forced.push({ status: 503, body: { error: { code: 'redis_unavailable', message: '系统繁忙' } } });
    await page.check('#unit-u2');
    await page.click('#submit');
    await page.waitForSelector('.problem__action');
    assert.match(await page.textContent('#problem'), /系统繁忙/);
    await page.click('.problem__action');
    await page.waitForSelector('#receipt-code');
    assert.match(await page.textContent('#outcome'), /今天还可以投 4 票/);
    await page.check('#unit-u3');
    await page.click('#submit');
    await page.waitForFunction(() => /今天还可以投 3 票/.test(document.getElementById('outcome').textContent));
    const keys = stub.ballot_requests.map((r) => r.key);
    assert.equal(keys[0], keys[1]);
    assert.notEqual(keys[2], keys[1]);
    await page.close();
  });

  test('accepted ballot shows the receipt, announced, and its receipt page finds it', async () => {
    const page = await open_vote('open1');
    await page.check('#unit-u1');
    await page.check('#unit-u2');
    await page.click('#submit');
    await page.waitForSelector('#receipt-code');
    assert.equal(await page.getAttribute('#outcome', 'aria-live'), 'polite');
    assert.match(await page.textContent('#outcome'), /投票成功/);
    assert.ok(await page.isDisabled('#unit-u1'));
    assert.match(await page.textContent('.unit:has(#unit-u1)'), /今日已投/);
    assert.deepEqual(await accessibility_violations(page), []);
    await shot(page, 'pages-vote-receipt');
    const receipt = (await page.textContent('#receipt-code')).trim();
    await page.click('.receipt__link');
    await page.waitForSelector('.receipt__title');
    assert.match(await page.textContent('#result'), /已记录在投票日志中/);
    assert.match(await page.textContent('#result'), /市公安局、市司法局/);
    assert.ok((await page.textContent('#result')).includes(receipt));
    await shot(page, 'pages-receipt-found');
    await page.goto(`${stub.base}/h5/receipt/nosuchreceipt?c=open1`);
    await page.waitForSelector('.problem');
    assert.match(await page.textContent('#result'), /没有找到回执/);
    await page.close();
  });

  test('already_voted from a stale page is explained and refreshes the page state', async () => {
    const page = await open_vote('open1');
    stub.voted.set('open1', new Set(['u1']));
    await page.check('#unit-u1');
    await page.click('#submit');
    await page.waitForSelector('#problem:not(:empty)');
    assert.equal(await page.getAttribute('#problem', 'role'), 'alert');
    assert.match(await page.textContent('#problem'), /已经给所选的单位投过票/);
    assert.match(await page.textContent('.unit:has(#unit-u1)'), /今日已投/);
    await shot(page, 'pages-vote-already-voted');
    await page.close();
  });

  test('rate_limited shows a countdown, then lets the voter submit again', async () => {
    const page = await open_vote('open1');
    stub.forced.push({ status: 429, body: { error: { code: 'rate_limited', message: '太频繁' } }, headers: { 'Retry-After': '2' } });
    await page.check('#unit-u3');
    await page.click('#submit');
    await page.waitForSelector('#countdown');
    assert.match(await page.textContent('#problem'), /操作太频繁/);
    assert.ok(await page.isDisabled('#submit'));
    await shot(page, 'pages-vote-rate-limited');
    await page.waitForFunction(() => /现在可以重新提交/.test(document.getElementById('problem').textContent), null, { timeout: 5000 });
    assert.ok(await page.isEnabled('#submit'));
    await page.close();
  });

  test('no_session and csrf offer a reload', async () => {
    const page = await open_vote('open1');
    stub.forced.push({ status: 401, body: { error: { code: 'no_session', message: '请先登录' } } });
    await page.check('#unit-u3');
    await page.click('#submit');
    await page.waitForSelector('.problem__action');
    assert.equal((await page.textContent('.problem__action')).trim(), '重新登录');
    await page.close();
  });

  test('upcoming and closed campaigns say so and take no ballot', async () => {
    for (const [cid, text] of [['later', /投票尚未开始/], ['done', /投票已于 .* 结束/]]) {
      const page = await open_vote(cid);
      assert.match(await page.textContent('#state-note'), text);
      assert.ok(await page.isHidden('#submit'));
      assert.ok(await page.isDisabled('#unit-u1'));
      await shot(page, `pages-vote-${cid}`);
      await page.close();
    }
  });

  test('satisfaction mode sends ratings', async () => {
    const page = await open_vote('happy');
    stub.ballot_requests.length = 0;
    await page.click('.unit:has-text("市公安局") .band:has-text("基本满意")');
    await page.click('.unit:has-text("市司法局") .band:has-text("不满意")');
    assert.match(await page.textContent('#picked'), /已评价 2 个/);
    await page.click('#submit');
    await page.waitForSelector('#receipt-code');
    assert.deepEqual(stub.ballot_requests[0].body, { ratings: { u1: '基本满意', u2: '不满意' } });
    assert.deepEqual(await accessibility_violations(page), []);
    await shot(page, 'pages-vote-satisfaction');
    await page.close();
  });
});

test('the campaign list links to each campaign', async () => {
  const page = await browser.context.newPage();
  await page.goto(`${stub.base}/h5/`);
  await page.waitForSelector('.campaign-list a');
  assert.equal(await page.getAttribute('.campaign-list a >> nth=0', 'href'), '/h5/c/open1');
  assert.deepEqual(await accessibility_violations(page), []);
  await shot(page, 'pages-list');
  await page.close();
});

test('no page logged a script error or a CSP refusal', () => {
  assert.deepEqual(browser.problems.filter((p) => !/Failed to load resource/.test(p)), []);
});

describe('staff pages', () => {
  let staff;
  before(async () => {
    staff = await launch({ mobile: false });
  });
  after(async () => {
    await staff?.close();
  });

  test('login, then the dashboard chart follows the live tally', async () => {
    const page = await staff.context.newPage();
    await page.goto(`${stub.base}/admin/login?next=/admin/dashboard%3Fc%3Dopen1`);
    assert.deepEqual(await accessibility_violations(page), []);
    await page.fill('#username', 'admin');
    await page.fill('#password', 'wrong');
    await page.click('button[type=submit]');
    await page.waitForFunction(() => /不正确/.test(document.getElementById('message').textContent));
    await page.fill('#password', 'admin-password');
    await page.click('button[type=submit]');
    await page.waitForURL(/\/admin\/dashboard\?c=open1$/);
    await page.waitForSelector('#chart canvas');
    await page.waitForFunction(() => /实时更新中/.test(document.getElementById('live').textContent));
    const before_count = Number(await page.textContent('#ballots'));
    stub.accepted.push({ cid: 'open1', units: ['u2'], receipt: 'live1', seq: 99 });
    stub.push_tally('open1');
    await page.waitForFunction((n) => Number(document.getElementById('ballots').textContent) === n + 1, before_count);
    assert.deepEqual(await accessibility_violations(page), []);
    await shot(page, 'pages-dashboard', { charts: true });

    await page.waitForSelector('#results-rows tr');
    assert.match(await page.textContent('#results-status'), /尚未发布/);
    page.once('dialog', (dialog) => dialog.accept());
    await page.click('#publish');
    await page.waitForFunction(() => /已发布/.test(document.getElementById('results-status').textContent));
    assert.ok(await page.isHidden('#publish'));
    await page.close();
  });

  test('the campaign list and create form', async () => {
    const page = await staff.context.newPage();
    await page.goto(`${stub.base}/admin`);
    await page.waitForSelector('#campaigns tr');
    assert.deepEqual(await accessibility_violations(page), []);
    await shot(page, 'pages-admin');
    await page.close();
  });

  test('the big screen shows the results', async () => {
    const page = await staff.context.newPage();
    await page.goto(`${stub.base}/screen/open1`);
    await page.waitForSelector('#rows tr');
    assert.match(await page.textContent('#rows tr >> nth=0'), /市公安局[\s\S]*86\.00/);
    await page.waitForSelector('#chart canvas');
    assert.deepEqual(await accessibility_violations(page), []);
    await shot(page, 'pages-screen', { charts: true });
    await page.close();
  });

  test('staff pages logged no script error', () => {
    assert.deepEqual(staff.problems.filter((p) => !/Failed to load resource/.test(p)), []);
  });
});
