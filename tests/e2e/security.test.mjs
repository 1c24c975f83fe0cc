// Two-step verification in a desktop browser against the real server: an
// admin's first login (e2esecurity, an account no other file signs in) lands
// on /admin/security and enrols with the secret the page shows (the code
// computed as an authenticator app does), and sees the recovery codes once;
// a viewer turns it on, is asked for the code at the next login (a wrong one
// refused, the right one taken), and turns it off again. The secrets stay in
// test-output/e2e/ for later logins (tests/e2e/totp.mjs).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { accessibility_violations, launch, shot } from './lib.mjs';
import { base, missing, security_password, viewer_password } from './server.mjs';
import { enrol_in_page, next_code, sign_in_staff } from './totp.mjs';

let desk;

before(async () => {
  if (missing) return;
  desk = await launch({ mobile: false });
});

after(async () => {
  await desk?.close();
});

const on = (path) => (url) => url.pathname === path;

async function log_out(page) {
  await page.click('#logout');
  await page.waitForURL(on('/admin/login'));
}

test('an admin\'s first login enrols two-step verification on /admin/security', { skip: missing }, async () => {
  const page = await desk.context.newPage();
  const { enrolled, state, recovery_codes } = await sign_in_staff(page, { base, username: 'e2esecurity', password: security_password });
  assert.ok(enrolled, 'e2esecurity had TOTP already: no other test may sign it in');
  assert.equal(state.secret.length, 32);
  assert.equal(recovery_codes.length, 10);
  for (const c of recovery_codes) assert.match(c, /^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/);
  assert.equal(new URL(page.url()).pathname, '/admin/security');
  await page.waitForFunction(() => /已开启/.test(document.getElementById('totp-status').textContent));
  assert.ok(await page.isHidden('#restricted'));
  assert.ok(await page.isVisible('#home'));
  assert.ok(await page.isHidden('#disable-form')); // admins keep it
  await shot(page, 'security-1-recovery-codes');

  // Moving to another phone: the password again, then a new QR code and secret.
  await page.fill('#setup-password', security_password);
  await page.click('#setup');
  await page.waitForSelector('#qr svg');
  const secret = (await page.textContent('#secret')).replace(/\s+/g, '');
  assert.match(secret, /^[A-Z2-7]{32}$/);
  assert.notEqual(secret, state.secret);
  assert.ok(await page.isHidden('#recovery'));
  await page.fill('#code', '000000');
  await page.click('#confirm-form button[type=submit]');
  await page.waitForFunction(() => /验证码不正确/.test(document.getElementById('confirm-message').textContent));
  assert.deepEqual(await accessibility_violations(page), []);
  await shot(page, 'security-2-qr');
  await log_out(page);
  await page.close();
});

test('a viewer turns it on, is asked for the code at login, and turns it off', { skip: missing }, async () => {
  const page = await desk.context.newPage();
  const { enrolled, state } = await sign_in_staff(page, { base, username: 'e2eviewer', password: viewer_password,
    next: '/admin/security' });
  assert.ok(!enrolled); // optional for viewers
  await page.waitForFunction(() => /未开启（可选）/.test(document.getElementById('totp-status').textContent));
  await enrol_in_page(page, state);
  await log_out(page);

  await page.fill('#username', 'e2eviewer');
  await page.fill('#password', viewer_password);
  await page.click('#login button[type=submit]');
  await page.waitForSelector('#second-step:not([hidden]) #totp');
  assert.match(await page.textContent('#message'), /两步验证码/);
  assert.deepEqual(await accessibility_violations(page), []);
  await shot(page, 'security-3-code');
  await page.fill('#totp', '000000');
  await page.click('#login button[type=submit]');
  await page.waitForFunction(() => /验证码不正确/.test(document.getElementById('message').textContent));
  await page.fill('#totp', await next_code(state));
  await page.click('#login button[type=submit]');
  await page.waitForURL(on('/admin/security'));

  await page.waitForSelector('#disable-form:not([hidden])');
  await page.fill('#disable-password', viewer_password);
  await page.click('#disable-form button[type=submit]');
  await page.waitForFunction(() => /两步验证已关闭/.test(document.getElementById('setup-message').textContent));
  assert.match(await page.textContent('#totp-status'), /未开启（可选）/);
  await page.close();
  assert.deepEqual(desk.problems.filter((p) => !/Failed to load resource/.test(p)), []);
});
