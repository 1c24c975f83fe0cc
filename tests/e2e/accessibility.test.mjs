// Issue #15 (适老化, WCAG 2.1 AA) on every page, voter's and staff's, against
// the stand-in server: axe-core in normal and large-text mode, text and tap
// target sizes in large text, no sideways scrolling at 200% zoom on a 360 px
// phone, and screenshots at 360×640 (test-output/e2e/a11y-*.png).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { check_both_modes, launch } from './lib.mjs';
import { link_token, start_stub } from './stub_api.mjs';

let stub;
let phone;

before(async () => {
  stub = await start_stub();
  phone = await launch();
  // Staff pages too are checked on the phone, signed in as an admin.
  await phone.context.addCookies([{ name: 'pingyi_staff', value: 's', url: stub.base }, { name: 'pingyi_csrf', value: 'staffcsrf', url: stub.base }]);
});

after(async () => {
  await phone?.close();
  await stub?.close();
});

// path, what shows the page has loaded, and optionally a step that brings it to the state checked.
const pages = [
  ['h5-list', '/h5/', '.campaign-list a'],
  ['h5-vote', '/h5/c/open1', '#campaign:not([hidden])', async (page) => {
    await page.click('text=查看市公安局的公示内容');
  }],
  ['h5-vote-satisfaction', '/h5/c/happy', '#campaign:not([hidden])', async (page) => {
    await page.click('.unit:has-text("市公安局") .band:has-text("基本满意")');
  }],
  ['h5-vote-accepted', '/h5/c/open1', '#campaign:not([hidden])', async (page) => {
    stub.voted.clear();
    await page.check('#unit-u1');
    await page.click('#submit');
    await page.waitForSelector('#receipt-code');
  }],
  ['h5-vote-refused', '/h5/c/open1', '#campaign:not([hidden])', async (page) => {
    stub.voted.set('open1', new Set(['u2']));
    await page.check('#unit-u2');
    await page.click('#submit');
    await page.waitForSelector('#problem:not(:empty)');
  }],
  ['h5-receipt', () => `/h5/receipt/${stub.accepted[0].receipt}?c=open1`, '#result .receipt'],
  ['h5-results', '/h5/results/meet', '#results:not([hidden])'],
  ['h5-score-judge', `/h5/score/meet?as=judge:j1&t=${link_token('judge:j1')}`, '#sheet:not([hidden])'],
  ['h5-score-unit', `/h5/score/meet?as=unit:u2&t=${link_token('unit:u2')}`, '#sheet:not([hidden])'],
  ['staff-login', '/admin/login', '#login'],
  // The list, and the form editing an open campaign: the locked fields and the note saying so.
  ['staff-campaigns', '/admin', '#campaigns button[data-action=edit]', async (page) => {
    await page.click('#campaigns tr:has(td:text-is("open1")) button[data-action=edit]');
    await page.waitForSelector('#form-note:not([hidden])');
  }],
  ['staff-dashboard', '/admin/dashboard?c=meet', '.signal__review'],
  ['staff-screen', '/screen/meet', '#rows tr'],
];

for (const [name, path, ready, prepare] of pages) {
  test(`${name}: axe, large text, 200% zoom at 360 px`, async () => {
    stub.campaigns.get('meet').published = name === 'h5-results';
    const page = await phone.context.newPage();
    await page.goto(`${stub.base}${typeof path === 'function' ? path() : path}`);
    await page.waitForSelector(ready);
    if (prepare) await prepare(page);
    assert.deepEqual(await check_both_modes(page, `a11y-${name}`), []);
    await page.close();
  });
}

test('the large-text choice is remembered, and shared by voter and staff pages', async () => {
  const page = await phone.context.newPage();
  await page.goto(`${stub.base}/h5/`);
  await page.click('#text-size');
  await page.goto(`${stub.base}/admin`);
  await page.waitForSelector('#campaigns tr');
  assert.equal(await page.getAttribute('#text-size', 'aria-pressed'), 'true');
  assert.ok(await page.$eval('body', (b) => parseFloat(getComputedStyle(b).fontSize)) >= 18);
  await page.click('#text-size');
  await page.goto(`${stub.base}/h5/`);
  await page.waitForSelector('.campaign-list a');
  assert.equal(await page.getAttribute('#text-size', 'aria-pressed'), 'false');
  await page.close();
});

test('no page logged a script error or a CSP refusal', () => {
  assert.deepEqual(phone.problems.filter((p) => !/Failed to load resource/.test(p)), []);
});
