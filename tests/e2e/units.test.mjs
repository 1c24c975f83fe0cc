// The self-assessment (Art. 6, 7) end to end through the real server: staff
// import the example indicator template on /admin/units and make the units'
// links; a unit opens its link on a phone, finds what it left out, fills
// every indicator, uploads a PDF, writes its disclosure and submits; staff
// see it complete and accept it; the vote page shows the disclosure.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { accessibility_violations, check_both_modes, launch, root, shot } from './lib.mjs';
import { admin_password, base, campaign_when, create_open_campaign, missing, sign_in_at_mock } from './server.mjs';
import { sign_in_staff } from './totp.mjs';

let phone;
let desktop;
let campaign;
const duties = '负责全市社会治安管理，承担普法责任清单所列 11 项职责';
const measures = '开展“法律进社区”活动 36 场，发布以案释法案例 8 个';
const results = '辖区刑事案件同比下降 12%，群众安全感满意度 96%';
const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

before(async () => {
  if (missing) return;
  campaign = await create_open_campaign('e2eunits');
  phone = await launch();
  desktop = await launch({ mobile: false });
});

after(async () => {
  await phone?.close();
  await desktop?.close();
});

test('staff import the indicators, a unit assesses itself on a phone, staff accept, the vote page shows it', { skip: missing }, async () => {
  const cid = campaign.id;
  const staff = await desktop.context.newPage();
  await sign_in_staff(staff, { base, password: admin_password, next: '/admin' });
  await staff.locator(`#campaigns tr:has(td:text-is("${cid}")) a:text-is("指标与自评")`).click();
  await staff.waitForURL(`${base}/admin/units?c=${cid}`);
  await staff.waitForFunction(() => /还没有设置指标体系/.test(document.getElementById('indicators-status').textContent));
  const template = await staff.request.get(`${base}/api/v1/indicator-template.csv`);
  assert.equal(template.status(), 200);
  assert.match(await template.text(), /【示例】[\s\S]*类别,指标编号,指标名称,分值,评分标准/);

  await staff.setInputFiles('#import-file', join(root, 'docs/examples/indicators.example.csv'));
  await staff.waitForFunction(() => /导入 25 项指标/.test(document.getElementById('indicators-message').textContent));
  assert.match(await staff.textContent('#indicators-status'), /共 5 个类别、25 项指标，总分 100 分/);
  assert.equal(await staff.locator('#indicator-rows tr').count(), 25);
  await staff.click('#make-links');
  await staff.waitForSelector('#unit-links .link-card svg');
  assert.equal(await staff.locator('#unit-links .link-card').count(), 3);
  const link = await staff.locator('#unit-links .link-card', { hasText: '市公安局' }).locator('a').getAttribute('href');
  assert.match(link, new RegExp(`/unit/${cid}\\?u=u1&t=`));
  assert.deepEqual(await accessibility_violations(staff), []);
  await shot(staff, 'units-1-staff');
  assert.deepEqual(await check_both_modes(staff, 'units-1-staff-phone'), []);

  // The unit, on its phone.
  const unit = await phone.context.newPage();
  await unit.goto(link);
  await unit.waitForSelector('#sheet:not([hidden])');
  assert.match(await unit.textContent('#unit'), /市公安局/);
  assert.equal(await unit.locator('.score-unit__input').count(), 25);
  assert.match(await unit.textContent('#indicators'), /组织领导（示例）/);
  assert.equal(await unit.inputValue('#duties'), '维护社会治安'); // what the campaign showed so far
  assert.equal(await unit.getAttribute('#rectification', 'href'), `/unit/${cid}/rectification?u=u1&t=${new URL(link).searchParams.get('t')}`);
  assert.deepEqual(await check_both_modes(unit, 'units-2-portal'), []);

  // Submitting with one indicator filled: every gap is named and marked.
  await unit.fill('#score-0', '3');
  await unit.fill('#evidence-0', '主要负责人在年度工作会议上部署普法工作，见附件会议纪要');
  await unit.fill('#score-1', '9');
  await unit.click('#submit');
  await unit.waitForFunction(() => /自评分不能超过该项分值 3/.test(document.getElementById('score-1-error').textContent));
  await unit.fill('#score-1', '２.５'); // full-width, as some keyboards type
  await unit.click('#submit');
  await unit.waitForFunction(() => /还有 \d+ 处没有填写/.test(document.getElementById('problem').textContent));
  assert.equal(await unit.getAttribute('#evidence-1', 'aria-invalid'), 'true');
  assert.equal(await unit.getAttribute('#score-2', 'aria-invalid'), 'true');
  await shot(unit, 'units-3-missing');

  const cards = await unit.locator('.score-unit').count();
  for (let k = 1; k < cards; k += 1) {
    if (k > 1) await unit.fill(`#score-${k}`, '2');
    await unit.fill(`#evidence-${k}`, `第 ${k + 1} 项已落实，佐证材料见附件第 ${k + 1} 页`);
  }
  await unit.setInputFiles('#file', { name: '自评佐证材料.pdf', mimeType: 'application/pdf', buffer: pdf });
  await unit.waitForFunction(() => /已上传“自评佐证材料.pdf”/.test(document.getElementById('upload-message').textContent));
  assert.equal(await unit.locator('#files a', { hasText: '自评佐证材料.pdf' }).count(), 1);
  await unit.setInputFiles('#file', { name: '说明.html', mimeType: 'text/html', buffer: Buffer.from('<html><script>x</script></html>') });
  await unit.waitForFunction(() => /没有上传：不支持这种文件/.test(document.getElementById('upload-message').textContent));
  await unit.fill('#duties', duties);
  await unit.fill('#measures', measures);
  await unit.fill('#results', results);
  await unit.click('#save');
  await unit.waitForFunction(() => /草稿已保存/.test(document.getElementById('outcome').textContent));
  assert.match(await unit.textContent('#progress'), /已填写 25 \/ 25 项，自评总分 51\.5 \/ 100 分/);
  await unit.click('#submit');
  await unit.waitForFunction(() => /已提交审核/.test(document.getElementById('outcome').textContent));
  assert.match(await unit.textContent('#state'), /等待普法办审核/);
  assert.equal(await unit.isDisabled('#duties'), true);
  assert.equal(await unit.isHidden('#submit-bar'), true);
  await shot(unit, 'units-4-submitted');

  // Staff see it complete, open it and accept it.
  await staff.click('#progress-refresh');
  const row = staff.locator('#progress-rows tr', { hasText: '市公安局' });
  await staff.waitForFunction(() => /待审核/.test(document.getElementById('progress-rows').textContent));
  assert.match(await row.textContent(), /待审核[\s\S]*25 \/ 25[\s\S]*51\.5 \/ 100[\s\S]*1[\s\S]*已填写/);
  await row.locator('button').click();
  await staff.waitForSelector('#detail:not([hidden])');
  assert.match(await staff.textContent('#detail-files'), /自评佐证材料\.pdf/);
  assert.match(await staff.textContent('#detail-disclosure'), new RegExp(measures));
  await staff.fill('#review-comment', '材料齐全，同意公示');
  await staff.click('#accept');
  await staff.waitForFunction(() => /已通过/.test(document.getElementById('review-message').textContent));
  assert.match(await row.textContent(), /已通过/);
  assert.match(await staff.textContent('#indicators-status'), /已锁定/);
  await shot(staff, 'units-5-accepted');

  await unit.reload();
  await unit.waitForSelector('#sheet:not([hidden])');
  assert.match(await unit.textContent('#state'), /已审核通过/);
  assert.match(await unit.textContent('#review-comment'), /材料齐全，同意公示/);

  // The vote page shows the accepted disclosure.
  await campaign_when(cid, (c) => c.units[0].disclosure.duties === duties);
  const vote = await phone.context.newPage();
  await vote.goto(`${base}/h5/c/${cid}`);
  await sign_in_at_mock(vote, `oUnits${Date.now().toString(36)}`);
  await vote.waitForSelector('#campaign:not([hidden])');
  await vote.click('summary:has-text("查看市公安局的公示内容")');
  const shown = await vote.textContent('.disclosure');
  assert.match(shown, new RegExp(duties));
  assert.match(shown, new RegExp(measures));
  assert.match(shown, /12%/);
  await shot(vote, 'units-6-vote-page');
  for (const p of [staff, unit, vote]) await p.close();
});

test('the unit pages ran without script errors', { skip: missing }, () => {
  // 4xx answers show up as "Failed to load resource": the refused upload and submissions above.
  assert.deepEqual(phone.problems.filter((p) => !/Failed to load resource/.test(p)), []);
  assert.deepEqual(desktop.problems.filter((p) => !/Failed to load resource/.test(p)), []);
});
