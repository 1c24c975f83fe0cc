// Suggestions and rectification (Art. 3(6)) through the real server: a voter
// leaves a suggestion on the vote page, an admin approves it on
// /admin/suggestions, the vote page shows it, the unit answers it on its
// rectification page, and next year's campaign shows 上年度整改情况.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { accessibility_violations, check_both_modes, launch, shot } from './lib.mjs';
import { admin_api, admin_password, base, create_open_campaign, missing, sign_in_at_mock } from './server.mjs';
import { sign_in_staff } from './totp.mjs';

let phone;
let desktop;
let campaign;
const suggestion = '建议在社区增设普法宣传栏，每月更新案例';

before(async () => {
  if (missing) return;
  campaign = await create_open_campaign('e2esug');
  phone = await launch();
  desktop = await launch({ mobile: false });
});

after(async () => {
  await phone?.close();
  await desktop?.close();
});

// The unit's rectification page: its portal link, as staff hand it out, on the page's path.
async function rectification_url(cid, uid) {
  const res = await admin_api('POST', `/api/v1/campaigns/${cid}/unit-links`);
  assert.equal(res.status, 200, JSON.stringify(res.data));
  const link = res.data.links.find((l) => l.unit === uid);
  const portal = new URL(link.url);
  return `${base}/unit/${cid}/rectification${portal.search}`;
}

test('a suggestion goes from the vote page through moderation to the unit and to next year', { skip: missing }, async () => {
  const cid = campaign.id;
  const vote = await phone.context.newPage();
  await vote.goto(`${base}/h5/c/${cid}`);
  await sign_in_at_mock(vote, `oSug${Date.now().toString(36)}`);
  await vote.waitForURL(new RegExp(`/h5/c/${cid}$`));
  await vote.waitForSelector('#voice:not([hidden])');
  const form = vote.locator('#voice-u1 .suggest');
  assert.equal(await form.isVisible(), false); // collapsed until asked for
  await vote.click('#voice-u1 summary:has-text("给该单位提建议")');
  await vote.fill('#suggest-u1', '太短');
  await form.locator('button[type=submit]').click();
  await vote.waitForFunction(() => /至少需要 5 个字/.test(document.querySelector('#voice-u1 .suggest__message').textContent));
  assert.equal(await vote.getAttribute('#suggest-u1', 'aria-invalid'), 'true');
  await vote.fill('#suggest-u1', suggestion);
  await form.locator('button[type=submit]').click();
  await vote.waitForFunction(() => /提交成功，审核后公开/.test(document.querySelector('#voice-u1 .suggest__message').textContent));
  assert.equal(await vote.inputValue('#suggest-u1'), '');
  await shot(vote, 'suggestions-1-left');
  await vote.reload();
  await vote.waitForSelector('#voice:not([hidden])');
  assert.doesNotMatch(await vote.textContent('#voice'), /已公开的建议/); // not before a decision

  const staff = await desktop.context.newPage();
  await sign_in_staff(staff, { base, password: admin_password, next: `/admin/suggestions?c=${cid}` });
  const card = staff.locator('#suggestions li', { hasText: suggestion });
  await card.waitFor();
  assert.match(await card.textContent(), /市公安局[\s\S]*待审核/);
  assert.deepEqual(await accessibility_violations(staff), []);
  await card.locator('button[value=approve]').click();
  // The queue's summary always counts 已公开: wait for the decision's own message.
  await staff.waitForFunction(() => /建议 \S+ 已公开。/.test(document.getElementById('queue-status').textContent));
  assert.equal(await staff.locator('#suggestions li', { hasText: suggestion }).count(), 0); // left the queue
  await staff.selectOption('#status', 'approved');
  await staff.locator('#suggestions li', { hasText: suggestion }).waitFor();
  assert.match(await staff.textContent('#rect-rows'), /市公安局[\s\S]*未填写/);
  await shot(staff, 'suggestions-2-staff');

  await vote.reload();
  await vote.waitForSelector('#voice:not([hidden])');
  await vote.click('#voice-u1 summary:has-text("已公开的建议（1 条）")');
  assert.match(await vote.textContent('#voice-u1'), new RegExp(suggestion));
  await shot(vote, 'suggestions-3-public');

  const unit = await phone.context.newPage();
  await unit.goto(await rectification_url(cid, 'u1'));
  await unit.waitForSelector('#sheet:not([hidden])');
  assert.match(await unit.textContent('#unit'), /市公安局/);
  assert.match(await unit.textContent('#items'), new RegExp(`公众建议[\\s\\S]*${suggestion}`));
  assert.deepEqual(await check_both_modes(unit, 'suggestions-4-unit'), []);
  const answer = unit.locator('#items textarea').first();
  await answer.fill('已在 12 个社区增设宣传栏，每月更新');
  await unit.click('#save');
  await unit.waitForFunction(() => /草稿已于/.test(document.getElementById('outcome').textContent));
  await unit.fill('#overall', '全年整改到位，开展普法活动 24 场');
  unit.once('dialog', (dialog) => dialog.accept());
  await unit.click('#submit');
  await unit.waitForFunction(() => /整改情况已于/.test(document.getElementById('outcome').textContent));
  assert.equal(await unit.isDisabled('#overall'), true);
  await shot(unit, 'suggestions-5-submitted');

  await staff.reload();
  await staff.waitForFunction(() => /已提交/.test(document.getElementById('rect-rows').textContent));

  // Next year's campaign names this one: its vote page shows the report.
  const next = await admin_api('POST', '/api/v1/campaigns', {
    ...campaign, id: `${cid}n`, title: `下一年度 ${campaign.title}`, previous_campaign: cid,
  });
  assert.equal(next.status, 201, JSON.stringify(next.data));
  const next_page = await phone.context.newPage();
  await next_page.goto(`${base}/h5/c/${cid}n`);
  await next_page.waitForSelector('#voice:not([hidden])');
  await next_page.click('#voice-u1 summary:has-text("上年度整改情况")');
  const shown = await next_page.textContent('#voice-u1');
  assert.match(shown, /全年整改到位，开展普法活动 24 场/);
  assert.match(shown, new RegExp(`${suggestion}[\\s\\S]*已在 12 个社区增设宣传栏`));
  assert.deepEqual(await check_both_modes(next_page, 'suggestions-6-next-year'), []);
  for (const p of [vote, staff, unit, next_page]) await p.close();
});

test('the suggestion pages ran without script errors', { skip: missing }, () => {
  // 4xx answers show up as "Failed to load resource"; none is expected here but the checks above.
  assert.deepEqual(phone.problems.filter((p) => !/Failed to load resource/.test(p)), []);
  assert.deepEqual(desktop.problems.filter((p) => !/Failed to load resource/.test(p)), []);
});
