// Organizer isolation by page: a county's admin (e2ecounty, under the
// organizer e2e-county that run.sh configures) signs in at the login page,
// sees only the county's campaigns in /admin, with the organizer fixed in
// the form and named in the header, and gets the no-access state on the
// dashboard of the city's campaign, while the county's own dashboard works.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { accessibility_violations, launch, shot } from './lib.mjs';
import { admin_api, base, county_password, create_open_campaign, missing } from './server.mjs';
import { sign_in_staff } from './totp.mjs';

let staff;

before(async () => {
  if (missing) return;
  staff = await launch({ mobile: false });
});

after(async () => {
  await staff?.close();
});

test('a county admin sees only the county\'s campaigns, and no way into the city\'s', { skip: missing }, async () => {
  const city = await create_open_campaign('e2ecity');
  const county = await create_open_campaign('e2ecounty');
  const moved = await admin_api('PUT', `/api/v1/campaigns/${county.id}`, { ...county, organizer_id: 'e2e-county' });
  assert.equal(moved.status, 200, JSON.stringify(moved.data));

  const page = await staff.context.newPage();
  await sign_in_staff(page, { base, username: 'e2ecounty', password: county_password, next: '/admin' });
  const row = (cid) => page.locator(`#campaigns tr:has(td:text-is("${cid}"))`);
  await row(county.id).waitFor();
  assert.equal(await row(city.id).count(), 0);
  assert.match(await row(county.id).textContent(), /端到端测试县普法办/);
  await page.waitForFunction(() => /端到端测试县普法办/.test(document.getElementById('who').textContent));
  assert.equal(await page.isHidden('a[href="/admin/audit"]'), true);
  // The form puts a new campaign under the county, with nothing else to pick.
  assert.equal(await page.locator('#c-organizer-id option').count(), 1);
  assert.equal(await page.inputValue('#c-organizer-id'), 'e2e-county');
  assert.equal(await page.isDisabled('#c-organizer-id'), true);
  assert.deepEqual(await accessibility_violations(page), []);
  await shot(page, 'organizers-1-county-list');

  await page.goto(`${base}/admin/dashboard?c=${encodeURIComponent(city.id)}`);
  await page.waitForSelector('h1:text-is("无权查看或不存在")');
  const text = await page.textContent('main');
  assert.match(text, /不属于您所在的单位/);
  assert.doesNotMatch(text, new RegExp(city.title));
  assert.equal(await page.locator('#chart').count(), 0);
  assert.deepEqual(await accessibility_violations(page), []);
  await shot(page, 'organizers-2-no-access');

  await page.goto(`${base}/admin/dashboard?c=${encodeURIComponent(county.id)}`);
  await page.waitForFunction((title) => document.getElementById('title').textContent.includes(title), county.title);
  await page.waitForFunction(() => document.getElementById('live').textContent === '实时更新中');
  await page.close();
  // The 404s the city's dashboard was answered are expected; nothing else went wrong.
  assert.deepEqual(staff.problems.filter((p) => !/Failed to load resource/.test(p)), []);
});
