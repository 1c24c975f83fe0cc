// Staff through the real server on a desktop browser: log in, create a
// campaign with the form, edit it and open it from the list, watch the
// dashboard's chart and refused ballots move as a voter votes, the big screen
// follow the scores, close the campaign; a viewer gets no write controls;
// plus the access rules.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { accessibility_violations, launch, shot } from './lib.mjs';
import { admin_api, admin_password, base, campaign_when, missing, sign_in_at_mock, viewer_password } from './server.mjs';
import { sign_in_staff } from './totp.mjs';

let staff;
let voter;
const cid = `e2estaff${Date.now().toString(36)}`;
const title = `看板测试 ${cid}`;

before(async () => {
  if (missing) return;
  staff = await launch({ mobile: false });
  voter = await launch();
});

after(async () => {
  await staff?.close();
  await voter?.close();
});

// datetime-local values in Beijing time.
const beijing_local = (ms) => new Date(ms + 8 * 3600 * 1000).toISOString().slice(0, 16);

const row = (page) => page.locator(`#campaigns tr:has(td:text-is("${cid}"))`);

// Answers the confirmation the next click raises.
function accept_next_dialog(page, question) {
  page.once('dialog', (dialog) => {
    assert.match(dialog.message(), question);
    dialog.accept();
  });
}

test('log in, create a campaign from the form, edit its title, open it', { skip: missing }, async () => {
  const page = await staff.context.newPage();
  await page.goto(`${base}/admin/login`);
  await page.fill('#username', 'admin');
  await page.fill('#password', 'not-the-password');
  await page.click('button[type=submit]');
  await page.waitForFunction(() => document.getElementById('message').textContent.length > 0);
  await sign_in_staff(page, { base, password: admin_password, next: '/admin' });
  await page.fill('#c-id', cid);
  await page.fill('#c-title', '标题待改');
  await page.fill('#c-organizer', '测试普法办公室');
  await page.fill('#c-opens', beijing_local(Date.now() + 24 * 3600 * 1000));
  await page.fill('#c-closes', beijing_local(Date.now() + 48 * 3600 * 1000));
  await page.fill('#c-units', '编号,名称,履职清单,措施,成效\r\nu1,市公安局,"治安,普法",进社区,下降\r\nu2,市司法局,宣传,援助,三千件\r\n');
  await page.click('#form-submit');
  await page.waitForFunction(() => /已创建/.test(document.getElementById('form-message').textContent));
  await row(page).waitFor();
  assert.match(await row(page).textContent(), /未开始/);

  await row(page).locator('button[data-action=edit]').click();
  await page.waitForFunction(() => document.getElementById('c-title').value === '标题待改');
  assert.equal(await page.inputValue('#c-retention'), '180');
  await page.fill('#c-title', title);
  await page.fill('#c-retention', '365');
  await page.click('#form-submit');
  await page.waitForFunction(() => /已保存/.test(document.getElementById('form-message').textContent));
  await page.waitForSelector(`#campaigns tr:has-text("${title}")`);

  accept_next_dialog(page, /现在开始/);
  await row(page).locator('button[data-action=open]').click();
  await page.waitForFunction(() => /已开始投票/.test(document.getElementById('list-status').textContent));
  assert.match(await row(page).textContent(), /投票中/);
  assert.deepEqual(await accessibility_violations(page), []);
  await shot(page, 'staff-1-campaigns');
  const campaign = await campaign_when(cid, (c) => c.state === 'open');
  assert.equal(campaign.title, title);
  assert.equal(campaign.privacy.retention_days, 365);
  assert.deepEqual(campaign.units.map((u) => [u.id, u.name, u.disclosure.duties]), [['u1', '市公安局', '治安,普法'], ['u2', '市司法局', '宣传']]);
  await page.close();
});

test('the dashboard follows ballots and refusals without reloading', { skip: missing }, async () => {
  const page = await staff.context.newPage();
  await page.goto(`${base}/admin`);
  await row(page).locator('text=实时看板').click();
  await page.waitForSelector('#chart canvas');
  await page.waitForFunction(() => document.getElementById('ballots').textContent === '0');
  await page.waitForSelector('#refusals .figure');
  await page.evaluate(() => { window.not_reloaded = true; });
  await shot(page, 'staff-2-dashboard-before', { charts: true });

  const vote = await voter.context.newPage();
  await vote.goto(`${base}/h5/c/${cid}`);
  await sign_in_at_mock(vote, `oStaff${Date.now().toString(36)}`);
  await vote.waitForSelector('#campaign:not([hidden])');
  await vote.check('#unit-u2');
  await vote.click('#submit');
  await vote.waitForSelector('#receipt-code');
  await page.waitForFunction(() => document.getElementById('ballots').textContent === '1', null, { timeout: 10000 });
  assert.equal(await page.textContent('#voters'), '1');

  // The same voter again and again, faster than a voter's rate limit allows.
  const statuses = await vote.evaluate(async (id) => {
    const csrf = decodeURIComponent(/(?:^|; )pingyi_csrf=([^;]*)/.exec(document.cookie)[1]);
    const answers = [];
    for (let i = 0; i < 15; i += 1) {
      const res = await fetch(`/api/v1/campaigns/${id}/ballots`, {
        method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf }, body: JSON.stringify({ units: ['u2'] }),
      });
      answers.push(res.status);
    }
    return answers;
  }, cid);
  assert.ok(statuses.includes(409) && statuses.includes(429), statuses.join(' '));
  const refused = (code) => statuses.filter((s) => s === code).length;
  const figure = (label) => page.locator(`#refusals .figure:has(dt:text-is("${label}")) dd`).first();
  await page.waitForFunction((n) => /每个投票人\s*(\d+)/.exec(document.getElementById('refusals').textContent)?.[1] === String(n),
    refused(429), { timeout: 10000 });
  assert.equal(await figure('今天已给所选单位投过票').textContent(), String(refused(409)));
  assert.equal(await figure('每个地址').textContent(), '0');
  assert.match(await page.textContent('#refusals-status'), new RegExp(`共拒绝 ${statuses.length} 张选票`));
  assert.ok(await page.evaluate(() => window.not_reloaded));
  assert.deepEqual(await accessibility_violations(page), []);
  await shot(page, 'staff-3-dashboard-after', { charts: true });
  await vote.close();
  await page.close();
});

test('the big screen follows the scores as they arrive', { skip: missing }, async () => {
  const page = await staff.context.newPage();
  await page.goto(`${base}/screen/${cid}`);
  await page.waitForSelector('#rows tr');
  await shot(page, 'staff-4-screen-before', { charts: true });
  const put = await admin_api('PUT', `/api/v1/campaigns/${cid}/panel-scores`, {
    scores: [{ judge: 'j1', unit: 'u1', score: 92.5 }, { judge: 'j1', unit: 'u2', score: 81 }],
  });
  assert.ok(put.status >= 200 && put.status < 300, JSON.stringify(put.data));
  await page.waitForFunction(() => /92\.50/.test(document.getElementById('rows').textContent), null, { timeout: 10000 });
  await shot(page, 'staff-5-screen-after', { charts: true });
  await page.close();
});

test('a viewer sees the campaigns without edit, open or close', { skip: missing }, async () => {
  const viewer = await launch({ mobile: false });
  try {
    const page = await viewer.context.newPage();
    await page.goto(`${base}/admin/login`);
    await page.fill('#username', 'e2eviewer');
    await page.fill('#password', viewer_password);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/admin\/?$/);
    await row(page).waitFor();
    await page.waitForFunction(() => /只读/.test(document.getElementById('who').textContent));
    assert.equal(await page.locator('#campaigns button').count(), 0);
    assert.ok(await page.isHidden('#campaign-form'));
    await shot(page, 'staff-6-viewer');
    assert.deepEqual(viewer.problems.filter((p) => !/Failed to load resource/.test(p)), []);
  } finally {
    await viewer.close();
  }
});

test('close the campaign from the list', { skip: missing }, async () => {
  const page = await staff.context.newPage();
  await page.goto(`${base}/admin`);
  await row(page).locator('button[data-action=close]').waitFor();
  accept_next_dialog(page, /现在结束/);
  await row(page).locator('button[data-action=close]').click();
  await page.waitForFunction(() => /已结束投票/.test(document.getElementById('list-status').textContent));
  assert.match(await row(page).textContent(), /已结束/);
  assert.equal(await row(page).locator('button[data-action=open], button[data-action=close]').count(), 0);
  await campaign_when(cid, (c) => c.state === 'closed');
  await page.close();
});

test('access: no session → 401; a staff write without the CSRF header → 403', { skip: missing }, async () => {
  const anonymous = await fetch(`${base}/api/v1/campaigns/${cid}/tally`);
  assert.equal(anonymous.status, 401);
  const page = await staff.context.newPage();
  const res = await page.request.post(`${base}/api/v1/campaigns`, {
    data: { id: `${cid}x`, title: 'x', opens_at: '2030-01-01T00:00:00Z', closes_at: '2030-01-02T00:00:00Z', units: [{ id: 'u1', name: 'x' }] },
  });
  assert.equal(res.status(), 403);
  const open = await page.request.post(`${base}/api/v1/campaigns/${cid}/open`);
  assert.equal(open.status(), 403);
  await page.close();
});

test('the staff pages ran without script errors', { skip: missing }, () => {
  assert.deepEqual(staff.problems.filter((p) => !/Failed to load resource/.test(p)), []);
});
