// The pages against a stand-in server (stub_api.mjs): accessibility, the
// large-text mode, every refusal a voter can meet, retries with the same
// Idempotency-Key, and the live staff pages. Runs without pingyi-server.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { accessibility_violations, launch, shot } from './lib.mjs';
import { link_token, start_stub } from './stub_api.mjs';

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
    assert.match(await page.textContent('#result'), /记录校验值[\s\S]*abab/);
    assert.match(await page.textContent('.verify'), /pingyi verify 投票日志\.ndjson/);
    await page.waitForFunction(() => /最后一条的校验值为 cdcd/.test(document.getElementById('digest').textContent));
    assert.deepEqual(await accessibility_violations(page), []);
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

const score_url = (cid, as, token = link_token(as)) => `${stub.base}/h5/score/${cid}?as=${encodeURIComponent(as)}&t=${encodeURIComponent(token)}`;

async function open_score(as, token) {
  const page = await browser.context.newPage();
  await page.goto(score_url('meet', as, token));
  await page.waitForSelector('#sheet:not([hidden]), #problem:not(:empty)');
  return page;
}

describe('scoring page', () => {
  before(() => {
    stub.campaigns.get('meet').published = false;
  });

  test('a judge scores and comments; bad scores are explained before sending; the sheet comes back', async () => {
    const page = await open_score('judge:j1');
    assert.match(await page.textContent('#holder'), /评委：j1/);
    assert.equal(await page.locator('.score-unit').count(), 4);
    assert.match(await page.textContent('.score-unit:has(#score-u3)'), /缺席评议/);
    const small_targets = await page.$$eval('button, input, textarea', (els) => els
      .filter((e) => e.offsetParent !== null && e.getBoundingClientRect().height < 44).map((e) => e.outerHTML.slice(0, 80)));
    assert.deepEqual(small_targets, []);

    stub.score_requests.length = 0;
    await page.fill('#score-u1', '92.5');
    await page.fill('#comment-u1', '公示内容完整，建议加强基层宣传。');
    await page.fill('#score-u2', '101');
    await page.fill('#comment-u2', '建议公开执法案例。');
    await page.fill('#comment-u3', '只写评语');
    await page.click('#submit');
    await page.waitForSelector('#problem:not(:empty)');
    assert.match(await page.textContent('#problem'), /有 2 处填写需要修改/);
    assert.match(await page.textContent('#score-u2-error'), /不能超过 100/);
    assert.equal(await page.getAttribute('#score-u2', 'aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'score-u2');
    assert.match(await page.textContent('#comment-u3-error'), /请同时给这个单位打分/);
    await page.fill('#score-u2', '85.555');
    await page.click('#submit');
    await page.waitForFunction(() => /两位小数/.test(document.getElementById('score-u2-error').textContent));
    await shot(page, 'pages-score-invalid');
    assert.equal(stub.score_requests.length, 0, 'nothing sent while the form has errors');

    await page.fill('#score-u2', '８５.５'); // full-width digits, as some keyboards type them
    await page.fill('#comment-u3', '');
    await page.click('#submit');
    await page.waitForSelector('.outcome__title');
    assert.match(await page.textContent('#outcome'), /评分已提交[\s\S]*已提交 2 个单位的评分，还有 2 个单位没有打分/);
    assert.equal(await page.getAttribute('#outcome', 'aria-live'), 'polite');
    const [sent] = stub.score_requests;
    assert.equal(sent.authorization, 'Link tok-judge:j1');
    assert.deepEqual(sent.body, { scores: [
      { unit: 'u1', score: 92.5, comment: '公示内容完整，建议加强基层宣传。' },
      { unit: 'u2', score: 85.5, comment: '建议公开执法案例。' },
    ] });
    assert.deepEqual(await accessibility_violations(page), []);
    await shot(page, 'pages-score-submitted');

    await page.reload();
    await page.waitForSelector('#sheet:not([hidden])');
    assert.equal(await page.inputValue('#score-u1'), '92.5');
    assert.equal(await page.inputValue('#comment-u2'), '建议公开执法案例。');
    assert.match(await page.textContent('#submitted'), /已于 .* 提交过/);
    assert.equal(await page.textContent('#outcome'), '', 'no draft left after submitting');
    await page.close();
  });

  test('a draft is kept on the phone per campaign and scorer, and restored', async () => {
    const page = await open_score('judge:j2');
    await page.fill('#score-u4', '77.25');
    await page.fill('#comment-u4', '草稿评语');
    await page.reload();
    await page.waitForSelector('#sheet:not([hidden])');
    assert.equal(await page.inputValue('#score-u4'), '77.25');
    assert.equal(await page.inputValue('#comment-u4'), '草稿评语');
    assert.match(await page.textContent('#outcome'), /已恢复本手机上 .* 保存的草稿，尚未提交/);
    await shot(page, 'pages-score-draft');
    // Another scorer's sheet on the same phone starts from its own data.
    await page.goto(score_url('meet', 'judge:j1'));
    await page.waitForSelector('#sheet:not([hidden])');
    assert.equal(await page.inputValue('#score-u4'), '');
    await page.close();
  });

  test('a unit scores the others, not itself; 409 published freezes the sheet', async () => {
    const page = await open_score('unit:u2');
    assert.match(await page.textContent('#holder'), /评分单位：市司法局/);
    assert.equal(await page.locator('#score-u2').count(), 0);
    assert.equal(await page.locator('textarea').count(), 0, 'units give no comments');
    await page.fill('#score-u1', '88');
    stub.campaigns.get('meet').published = true;
    await page.click('#submit');
    await page.waitForSelector('#problem:not(:empty)');
    assert.equal(await page.getAttribute('#problem', 'role'), 'alert');
    assert.match(await page.textContent('#problem'), /评议结果已经公布，评分已冻结/);
    assert.ok(await page.isDisabled('#score-u1'));
    assert.ok(await page.isHidden('#submit'));
    await shot(page, 'pages-score-published');
    // After publication the unit reads the judges' comments on it, anonymised.
    await page.reload();
    await page.waitForSelector('#feedback:not([hidden])');
    assert.match(await page.textContent('#feedback'), /评议员1[\s\S]*建议公开执法案例/);
    assert.ok(await page.isDisabled('#score-u1'));
    await page.close();
  });

  test('a wrong or incomplete link is explained', async () => {
    let page = await open_score('judge:j1', 'forged');
    assert.match(await page.textContent('#problem'), /评分链接无效或已失效/);
    await page.close();
    page = await browser.context.newPage();
    await page.goto(`${stub.base}/h5/score/meet?as=judge:j1`);
    await page.waitForSelector('#problem:not(:empty)');
    assert.match(await page.textContent('#problem'), /请通过工作人员发给您的评分链接打开本页/);
    await page.close();
  });
});

describe('results page', () => {
  test('published results: ranks, absent units listed as 缺席评议, cheating ones 较差 unranked', async () => {
    stub.campaigns.get('meet').published = true;
    const page = await browser.context.newPage();
    await page.goto(`${stub.base}/h5/results/meet`);
    await page.waitForSelector('#results:not([hidden])');
    const cards = await page.$$eval('.result', (els) => els.map((e) => e.textContent.replace(/\s+/g, '')));
    assert.equal(cards.length, 4);
    assert.match(cards[0], /^市公安局第1名评议团评分92\.50.*总分94\.60等次优秀$/);
    assert.match(cards[1], /^市司法局第2名.*等次良好说明：评委j2给所有单位的分数相同$/);
    assert.match(cards[2], /^市环保局弄虚作假，不参与排名.*总分87\.00等次较差$/);
    assert.match(cards[3], /^市税务局缺席评议.*评议团评分70\.00.*总分—等次缺席评议$/);
    assert.match(await page.textContent('#formula'), /评议团评分 × 40% \+ 网络评议得分 × 40% \+ 单位互评评分 × 20%/);
    assert.equal(await page.getAttribute('#csv', 'href'), '/api/v1/campaigns/meet/results.csv');
    await page.close();
  });

  test('before publication: 结果尚未公布', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${stub.base}/h5/results/later`);
    await page.waitForFunction(() => /结果尚未公布/.test(document.getElementById('status').textContent));
    assert.ok(await page.isHidden('#results'));
    assert.deepEqual(await accessibility_violations(page), []);
    await shot(page, 'pages-results-unpublished');
    await page.close();
  });
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

    // Refused ballots: loaded with the page, then followed live.
    const figure = (label) => page.locator(`#refusals .figure:has(dt:text-is("${label}")) dd`);
    await page.waitForSelector('#refusals .figure');
    assert.equal(await figure('每个投票人').textContent(), '3');
    assert.equal(await figure('每个地址').textContent(), '0');
    assert.equal(await figure('今天已给所选单位投过票').textContent(), '2');
    assert.match(await page.textContent('#refusals-status'), /共拒绝 6 张选票：3 张超过频率限制，3 张因其他原因/);
    assert.equal(await page.locator('#refusals').getByText('只记录未拒绝').count(), 0, 'no shadow limits, no shadow figures');
    stub.refusals = { rate_limited: { ballot_voter: 4, campaign: 1 }, shadow_limited: { ballot_address: 7 }, already_voted: 2, daily_limit: 1, not_open: 1 };
    stub.push_refusals();
    await page.waitForFunction(() => /共拒绝 9 张选票/.test(document.getElementById('refusals-status').textContent));
    assert.equal(await figure('每个投票人').first().textContent(), '4');
    assert.equal(await figure('整个活动').first().textContent(), '1');
    assert.match(await page.textContent('#refusals'), /只记录未拒绝[\s\S]*每个地址\s*7/);
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

  test('the meeting tools: progress, links with QR codes, unit status, signals, exports', async () => {
    stub.campaigns.get('meet').published = false;
    stub.sheets.clear();
    stub.sheets.set('judge:j1', { items: [{ unit: 'u1', score: 92.5 }, { unit: 'u2', score: 85.5 }], at: '2026-11-29T16:33:00+08:00' });
    const page = await staff.context.newPage();
    await page.goto(`${stub.base}/admin/dashboard?c=meet`);
    await page.waitForSelector('#judge-rows tr');
    assert.match(await page.textContent('#who'), /admin（管理员）/);
    assert.match(await page.textContent('#judge-rows tr >> nth=0'), /j1[\s\S]*已提交[\s\S]*2 \/ 4/);
    assert.match(await page.textContent('#unit-rows'), /市税务局[\s\S]*缺席评议/);
    assert.match(await page.textContent('#progress-status'), /评委已提交 1 \/ 2/);

    await page.fill('#judges', 'j1 bad!id');
    await page.click('#links-form button[type=submit]');
    await page.waitForFunction(() => /bad!id/.test(document.getElementById('links-message').textContent));
    assert.equal(await page.getAttribute('#links-message', 'class'), 'message');
    await page.fill('#judges', 'j1, j2\nj3');
    await page.click('#links-form button[type=submit]');
    await page.waitForSelector('#unit-links .link-card svg');
    assert.equal(await page.locator('#judge-links .link-card').count(), 3);
    assert.equal(await page.locator('#unit-links .link-card').count(), 4);
    assert.match(await page.textContent('#judge-links'), /\/h5\/score\/meet\?as=judge:j3&t=tok-judge:j3/);
    assert.deepEqual(stub.judges, ['j1', 'j2', 'j3']);
    assert.match(await page.getAttribute('#links-message', 'class'), /message_ok/);

    await page.selectOption('#status-unit', 'u4');
    await page.selectOption('#status-value', 'fraud');
    await page.click('#status-form button[type=submit]');
    await page.waitForFunction(() => /必须写明原因/.test(document.getElementById('status-message').textContent));
    await page.fill('#status-reason', '组织人员刷票');
    await page.click('#status-form button[type=submit]');
    await page.waitForFunction(() => /已保存：市环保局 → 弄虚作假/.test(document.getElementById('status-message').textContent));
    assert.deepEqual(stub.statuses.get('u4'), { status: 'fraud', reason: '组织人员刷票' });

    await page.waitForSelector('.signal__review');
    assert.match(await page.textContent('#signals'), /同一网络地址得票占比高[\s\S]*10\.0\.0\.7[\s\S]*12-aaaa/);
    assert.match(await page.textContent('#signals'), /已审核：核实无误/);
    assert.equal(await page.locator('.signal__review').count(), 1, 'reviewed signals take no new decision');
    await page.click('.signal__review button[value=fine]');
    await page.waitForFunction(() => /请先填写审核理由/.test(document.querySelector('.signal__review .message').textContent));
    assert.equal(stub.reviews.length, 0);
    assert.match(await page.textContent('#digest'), /校验值 cdcd/);
    assert.equal(await page.getAttribute('#report', 'href'), '/api/v1/campaigns/meet/report');
    assert.deepEqual(await accessibility_violations(page), []);
    await shot(page, 'pages-dashboard-meeting', { charts: true });

    await page.fill('.signal__reason', '同一单位办公网出口，核实为职工正常投票后仍集中刷票');
    page.once('dialog', (dialog) => dialog.accept());
    await page.click('.signal__review button[value=fraud]');
    await page.waitForFunction(() => !document.querySelector('.signal__review'));
    assert.deepEqual(stub.reviews, [{ id: 'address_share:u2:10.0.0.7', decision: 'fraud', reason: '同一单位办公网出口，核实为职工正常投票后仍集中刷票' }]);
    assert.match(await page.textContent('#signals'), /已审核：认定弄虚作假/);
    await page.close();
  });

  test('a viewer sees the meeting tools without their write controls', async () => {
    const viewer = await launch({ mobile: false });
    try {
      await viewer.context.addCookies([{ name: 'pingyi_staff', value: 'v', url: stub.base }]);
      const page = await viewer.context.newPage();
      await page.goto(`${stub.base}/admin/dashboard?c=meet`);
      await page.waitForSelector('#judge-rows tr');
      await page.waitForSelector('.signal');
      assert.match(await page.textContent('#who'), /只读/);
      for (const id of ['#links-form', '#status-form', '#publish']) assert.ok(await page.isHidden(id), id);
      assert.equal(await page.locator('.signal__review').count(), 0);
      assert.deepEqual(await accessibility_violations(page), []);
      await shot(page, 'pages-dashboard-viewer', { charts: true });
      await page.goto(`${stub.base}/admin`);
      await page.waitForSelector('#campaigns tr');
      await page.waitForFunction(() => /只读/.test(document.getElementById('who').textContent));
      assert.equal(await page.locator('#campaigns button').count(), 0, 'no edit, open or close for viewers');
      assert.ok(await page.isHidden('#campaign-form'));
      assert.deepEqual(await accessibility_violations(page), []);
    } finally {
      await viewer.close();
    }
  });

  test('admins edit, open and close a campaign from the list', async () => {
    const page = await staff.context.newPage();
    await page.goto(`${stub.base}/admin`);
    const row = page.locator('#campaigns tr:has(td:text-is("draft"))');
    await row.locator('button[data-action=edit]').waitFor();
    assert.equal(await row.locator('button').count(), 3, '编辑, 开始投票, 结束投票');
    assert.deepEqual(await accessibility_violations(page), []);
    await shot(page, 'pages-admin');
    const draft = structuredClone(stub.campaigns.get('draft'));

    // Edit: the form is filled from the campaign; what it does not show goes back unchanged.
    await row.locator('button[data-action=edit]').click();
    await page.waitForFunction(() => document.getElementById('c-title').value !== '');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'form-title');
    assert.match(await page.textContent('#form-title'), /编辑评议：测试评议 draft/);
    assert.ok(await page.$eval('#c-id', (e) => e.readOnly));
    assert.equal(await page.inputValue('#c-method'), 'rank');
    assert.match(await page.inputValue('#c-units'), /^编号,名称,履职清单,措施,成效\nu1,市公安局,维护社会治安,开展普法进社区,案件下降 10%\n/);
    await page.fill('#c-title', '改过名的评议');
    await page.click('#form-submit');
    await page.waitForFunction(() => /已保存对评议“改过名的评议”的修改/.test(document.getElementById('form-message').textContent));
    const put = stub.campaign_writes.at(-1);
    assert.equal(put.method, 'PUT');
    const { state, ...definition } = draft;
    // The stub's campaign has no privacy settings: the form shows the default.
    assert.deepEqual(put.body, { ...definition, title: '改过名的评议', privacy: { retention_days: 180 } });
    await page.waitForSelector('#campaigns tr:has-text("改过名的评议")');
    assert.match(await page.textContent('#form-title'), /^新建评议$/);

    // Open: asks first; dismissed, nothing is sent.
    const writes = stub.campaign_writes.length;
    page.once('dialog', (dialog) => dialog.dismiss());
    await row.locator('button[data-action=open]').click();
    page.once('dialog', (dialog) => {
      assert.match(dialog.message(), /现在开始“改过名的评议”的投票吗/);
      dialog.accept();
    });
    await row.locator('button[data-action=open]').click();
    await page.waitForFunction(() => /“改过名的评议”已开始投票/.test(document.getElementById('list-status').textContent));
    assert.deepEqual(stub.campaign_writes.slice(writes), [{ method: 'POST', cid: 'draft', action: 'open' }]);
    assert.match(await row.textContent(), /投票中/);
    assert.equal(await row.locator('button[data-action=open]').count(), 0);
    assert.equal(await page.evaluate(() => document.activeElement.dataset.action), 'edit');

    // Open now: what is locked is shown so, and the server's refusal is shown in its words.
    await row.locator('button[data-action=edit]').click();
    await page.waitForSelector('#form-note:not([hidden])');
    assert.match(await page.textContent('#form-note'), /开始时间、投票规则和评议单位编号不能再修改/);
    for (const id of ['#c-opens', '#c-per-day', '#c-per-unit', '#c-max']) assert.ok(await page.isDisabled(id), id);
    assert.ok(await page.isEnabled('#c-closes'));
    assert.deepEqual(await accessibility_violations(page), []);
    await shot(page, 'pages-admin-edit-open');
    await page.fill('#c-units', '编号,名称\nu1,市公安局\nu9,新单位\n');
    await page.click('#form-submit');
    await page.waitForFunction(() => /保存失败：投票已开始，不能增删评议单位或修改单位编号/.test(document.getElementById('form-message').textContent));
    await page.click('#form-cancel');
    assert.match(await page.textContent('#form-title'), /^新建评议$/);
    assert.ok(await page.isEnabled('#c-opens'));
    assert.equal(await page.evaluate(() => document.activeElement.dataset.id), 'draft');

    // Close.
    page.once('dialog', (dialog) => dialog.accept());
    await row.locator('button[data-action=close]').click();
    await page.waitForFunction(() => /“改过名的评议”已结束投票/.test(document.getElementById('list-status').textContent));
    assert.match(await row.textContent(), /已结束/);
    assert.equal(await row.locator('button').count(), 1, 'a closed campaign can still be edited');
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
