// The staff audit trail page through the real server: an auditor signs in
// and lands on it, sees the entries, filters them, verifies the chain and
// gets the export links; the page passes the accessibility checks; the
// auditor is refused everything else, and a viewer is refused the page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { check_both_modes, launch } from './lib.mjs';
import { admin_api, auditor_password, base, missing, viewer_password } from './server.mjs';

let desk;
let phone;
const cid = `e2eaudit${Date.now().toString(36)}`;

before(async () => {
  if (missing) return;
  desk = await launch({ mobile: false });
  phone = await launch();
});

after(async () => {
  await desk?.close();
  await phone?.close();
});

async function sign_in(page, user, password) {
  await page.goto(`${base}/admin/login`);
  await page.fill('#username', user);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
}

test('an auditor lands on the audit trail, filters it, verifies it and exports it', { skip: missing }, async () => {
  const created = await admin_api('POST', '/api/v1/campaigns', {
    id: cid, title: `审计页测试 ${cid}`, opens_at: '2024-01-01T00:00:00+08:00', closes_at: '2099-01-01T00:00:00+08:00',
    units: [{ id: 'u1', name: '市公安局' }],
  });
  assert.equal(created.status, 201);
  const page = await desk.context.newPage();
  await sign_in(page, 'e2eauditor', auditor_password);
  await page.waitForURL(/\/admin\/audit$/);
  await page.waitForFunction(() => /共 \d+ 条/.test(document.getElementById('trail-status').textContent));
  assert.match(await page.textContent('#who'), /e2eauditor（审计员）/);
  assert.equal(await page.isHidden('#home'), true);

  await page.fill('#campaign-filter', cid);
  await page.waitForFunction(() => document.querySelectorAll('#entries tr').length === 1);
  const row = await page.textContent('#entries tr');
  assert.match(row, /新建评议/);
  assert.match(row, /token/);

  await page.click('#verify');
  await page.waitForFunction(() => /一致/.test(document.getElementById('verify-result').textContent));
  assert.match(await page.textContent('#verify-result'), /^一致：共 \d+ 条记录，链头 [0-9a-f]{64}。$/);

  const csv = await page.getAttribute('#export-csv', 'href');
  assert.match(csv, /^\/api\/v1\/admin\/audit-trail\?format=csv&since=\d{4}-\d{2}-\d{2}T00%3A00%3A00%2B08%3A00$/);
  const download = await page.request.get(`${base}${csv}`);
  assert.equal(download.status(), 200);
  assert.match(await download.text(), /^\uFEFF序号,时间,操作人,操作,评议活动,详情,校验值\r\n/);

  // Anything else is refused: the campaign list page and its API.
  const home = await page.goto(`${base}/admin`);
  assert.equal(home.status(), 403);
  const list = await page.request.get(`${base}/api/v1/campaigns/${cid}/tally`);
  assert.equal(list.status(), 403);
  assert.equal((await list.json()).error.code, 'forbidden');
  await page.close();
});

test('the audit trail page passes the accessibility checks', { skip: missing }, async () => {
  const page = await phone.context.newPage();
  await sign_in(page, 'e2eauditor', auditor_password);
  await page.waitForURL(/\/admin\/audit$/);
  await page.waitForFunction(() => /共 \d+ 条/.test(document.getElementById('trail-status').textContent));
  assert.deepEqual(await check_both_modes(page, 'audit'), []);
  await page.close();
});

test('a viewer is refused the audit trail page', { skip: missing }, async () => {
  const context = await launch({ mobile: false });
  try {
    const page = await context.context.newPage();
    await sign_in(page, 'e2eviewer', viewer_password);
    await page.waitForURL(/\/admin\/?$/);
    const res = await page.goto(`${base}/admin/audit`);
    assert.equal(res.status(), 403);
    assert.match(await page.textContent('body'), /只有市级的审计员和管理员可以查看审计记录/);
  } finally {
    await context.close();
  }
});

test('the audit trail page ran without script errors', { skip: missing }, () => {
  const problems = [...desk.problems, ...phone.problems].filter((p) => !/Failed to load resource/.test(p));
  assert.deepEqual(problems, []);
});
