// Staff through the real server on a desktop browser: log in, create a
// campaign with the form, watch the dashboard chart move as a voter votes,
// and the big screen follow the scores; plus the access rules.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, shot } from './lib.mjs';
import { admin_api, admin_password, base, missing, sign_in_at_mock } from './server.mjs';

let staff;
let voter;
const cid = `e2estaff${Date.now().toString(36)}`;

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

test('log in and create a campaign from the form', { skip: missing }, async () => {
  const page = await staff.context.newPage();
  await page.goto(`${base}/admin/login`);
  await page.fill('#username', 'admin');
  await page.fill('#password', 'not-the-password');
  await page.click('button[type=submit]');
  await page.waitForFunction(() => document.getElementById('message').textContent.length > 0);
  await page.fill('#password', admin_password);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/admin\/?$/);
  await page.fill('#c-id', cid);
  await page.fill('#c-title', `看板测试 ${cid}`);
  await page.fill('#c-organizer', '测试普法办公室');
  await page.fill('#c-opens', beijing_local(Date.now() - 3600 * 1000));
  await page.fill('#c-closes', beijing_local(Date.now() + 24 * 3600 * 1000));
  await page.fill('#c-units', '编号,名称,履职清单,措施,成效\r\nu1,市公安局,"治安,普法",进社区,下降\r\nu2,市司法局,宣传,援助,三千件\r\n');
  await page.click('#create button[type=submit]');
  await page.waitForFunction(() => /已创建/.test(document.getElementById('create-message').textContent));
  await page.waitForSelector(`#campaigns tr:has-text("${cid}")`);
  await shot(page, 'staff-1-campaigns');
  const created = await admin_api('GET', `/api/v1/campaigns/${cid}`);
  assert.equal(created.status, 200);
  assert.deepEqual(created.data.units.map((u) => [u.id, u.name, u.disclosure.duties]), [['u1', '市公安局', '治安,普法'], ['u2', '市司法局', '宣传']]);
  await page.close();
});

test('the dashboard chart moves when a ballot is cast, without reloading', { skip: missing }, async () => {
  const page = await staff.context.newPage();
  await page.goto(`${base}/admin`);
  await page.click(`#campaigns tr:has-text("${cid}") >> text=实时看板`);
  await page.waitForSelector('#chart canvas');
  await page.waitForFunction(() => document.getElementById('ballots').textContent === '0');
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

test('access: no session → 401; a staff write without the CSRF header → 403', { skip: missing }, async () => {
  const anonymous = await fetch(`${base}/api/v1/campaigns/${cid}/tally`);
  assert.equal(anonymous.status, 401);
  const page = await staff.context.newPage();
  const res = await page.request.post(`${base}/api/v1/campaigns`, {
    data: { id: `${cid}x`, title: 'x', opens_at: '2030-01-01T00:00:00Z', closes_at: '2030-01-02T00:00:00Z', units: [{ id: 'u1', name: 'x' }] },
  });
  assert.equal(res.status(), 403);
  await page.close();
});

test('the staff pages ran without script errors', { skip: missing }, () => {
  assert.deepEqual(staff.problems.filter((p) => !/Failed to load resource/.test(p)), []);
});
