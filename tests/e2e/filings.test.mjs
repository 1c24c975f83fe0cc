// Annual filings (Art. 17) through the real server: an admin sets last
// year's roster on /admin/filings and hands out the links, a unit uploads
// its work plan on its phone, the admin returns it with a comment, the unit
// sees the comment, and the reminders list names who to call.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { accessibility_violations, check_both_modes, launch, shot } from './lib.mjs';
import { admin_password, base, missing } from './server.mjs';
import { sign_in_staff } from './totp.mjs';

let phone;
let desktop;
// Last year in Beijing time: both due dates have passed, whatever today is.
const year = new Date(Date.now() + 8 * 3600 * 1000).getUTCFullYear() - 1;
const pdf = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

before(async () => {
  if (missing) return;
  phone = await launch();
  desktop = await launch({ mobile: false });
});

after(async () => {
  await phone?.close();
  await desktop?.close();
});

test('a unit files its plan through its link, staff return it, the reminders name who to call', { skip: missing }, async () => {
  const staff = await desktop.context.newPage();
  await sign_in_staff(staff, { base, password: admin_password, next: `/admin/filings?year=${year}` });
  await staff.waitForFunction(() => /还没有备案单位名单/.test(document.getElementById('page-status').textContent));
  await staff.fill('#roster-csv', '单位编号,单位名称,联系人\nf1,市文广旅体局,张三 0751-1111111\nf2,市林业局,李四 0751-2222222');
  await staff.click('#roster button[type=submit]');
  await staff.waitForFunction(() => /已保存 2 个单位/.test(document.getElementById('roster-message').textContent));
  await staff.waitForFunction(() => document.querySelectorAll('#rows tr').length === 2);
  assert.match(await staff.textContent('#rows'), /市文广旅体局[\s\S]*未交/);
  await staff.click('#make-links');
  await staff.waitForSelector('#links .link-card svg');
  const url = (await staff.textContent('#links .link-card:has-text("f1") .link-card__url')).trim();
  assert.match(url, new RegExp(`/unit/filings/${year}\\?o=&u=f1&t=`));
  assert.deepEqual(await accessibility_violations(staff), []);
  await shot(staff, 'filings-1-staff');

  const unit = await phone.context.newPage();
  await unit.goto(url);
  await unit.waitForSelector('#sheet:not([hidden])');
  assert.match(await unit.textContent('#unit'), /市文广旅体局/);
  assert.match(await unit.textContent('#filings'), /工作计划[\s\S]*未交/);
  assert.deepEqual(await check_both_modes(unit, 'filings-2-unit'), []);
  // Refused by its content, whatever it is called.
  await unit.setInputFiles('#file-plan', { name: '计划.pdf', mimeType: 'application/pdf', buffer: Buffer.from('<html><script>x</script></html>') });
  await unit.click('form[data-kind=plan] button[type=submit]');
  await unit.waitForFunction(() => /不支持的文件类型/.test(document.getElementById('problem').textContent));
  await unit.setInputFiles('#file-plan', { name: '2025年工作计划.pdf', mimeType: 'application/pdf', buffer: pdf });
  await unit.fill('#note-plan', '请审阅');
  await unit.click('form[data-kind=plan] button[type=submit]');
  await unit.waitForFunction(() => /已于 .* 上传（逾期），等待普法办审核/.test(document.getElementById('outcome').textContent));
  assert.match(await unit.textContent('#filings'), /已上传：2025年工作计划\.pdf[\s\S]*说明：请审阅/);
  await shot(unit, 'filings-3-uploaded');

  await staff.reload();
  await staff.waitForFunction(() => /逾期/.test(document.getElementById('rows').textContent));
  assert.match(await staff.textContent('#rows tr:has-text("f1")'), /逾期[\s\S]*待审核[\s\S]*说明：请审阅/);
  await staff.click('#rows tr:has-text("f1") .review-open[data-kind=plan]');
  await staff.click('#review button[value=return]');
  await staff.waitForFunction(() => /退回时请写明原因/.test(document.getElementById('review-message').textContent));
  await staff.fill('#review-comment', '请补充全年普法重点任务');
  await staff.click('#review button[value=return]');
  await staff.waitForFunction(() => /已退回/.test(document.getElementById('rows').textContent));
  await shot(staff, 'filings-4-returned');

  const reminders = await staff.request.get(`${base}${await staff.getAttribute('#export-reminders', 'href')}`);
  assert.equal(reminders.status(), 200);
  const csv = await reminders.text();
  assert.match(csv, /^\uFEFF单位编号,单位名称,联系人,材料,截止时间,情况,退回意见\r\n/);
  assert.match(csv, new RegExp(`f1,市文广旅体局,张三 0751-1111111,工作计划,${year}-03-31,已退回，需重新提交,请补充全年普法重点任务`));
  assert.match(csv, new RegExp(`f2,市林业局,李四 0751-2222222,工作计划,${year}-03-31,已过截止时间，尚未提交,`));

  await unit.reload();
  await unit.waitForSelector('#sheet:not([hidden])');
  assert.match(await unit.textContent('#filings'), /已退回[\s\S]*普法办意见：请补充全年普法重点任务/);
  await shot(unit, 'filings-5-returned');

  // Another unit's link cannot be forged from this one.
  await unit.goto(url.replace('u=f1', 'u=f2'));
  await unit.waitForFunction(() => /链接无效/.test(document.getElementById('problem').textContent));
  // The refused upload and link answer 415 and 403, which the browser logs; nothing else may go wrong.
  const problems = [...phone.problems, ...desktop.problems].filter((p) => !/Failed to load resource/.test(p));
  assert.deepEqual(problems, []);
});
