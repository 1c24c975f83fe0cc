// Two-step verification for the browser tests: TOTP codes (RFC 6238: SHA-1,
// 30 s, 6 digits) computed with node's crypto, and signing in as an admin
// the way a person does: the password, then the code; on the first login of
// a run, enrolment at /admin/security (the server requires it of admins),
// reading the secret from the page. Test files run one after another in
// their own processes, so the secret (and the last time step used, since
// the server takes each code once) is kept in test-output/e2e/ for the
// server this run started.
import { createHmac } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const state_dir = resolve(dirname(fileURLToPath(import.meta.url)), '../../test-output/e2e');
const step_s = 30;

// RFC 4648 base32; spaces (the page shows the secret in groups) ignored.
export function base32_decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of text.replace(/[\s=]/g, '').toUpperCase()) {
    const v = alphabet.indexOf(c);
    if (v < 0) throw new Error(`not base32: ${c}`);
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

// RFC 4226: the code for a counter.
export function hotp(key, counter, digits = 6) {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(message).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = ((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
  return String(binary % 10 ** digits).padStart(digits, '0');
}

export const totp_step = (ms = Date.now()) => Math.floor(ms / 1000 / step_s);

const state_file = (username) => join(state_dir, `totp-${username}.json`);

function saved(base, username) {
  try {
    const s = JSON.parse(readFileSync(state_file(username), 'utf8'));
    return s.base === base ? s : null;
  } catch {
    return null;
  }
}

function save(state) {
  mkdirSync(state_dir, { recursive: true });
  writeFileSync(state_file(state.username), JSON.stringify(state));
}

// A code the server has not accepted yet: this step's, else the next one's
// (it takes one step either side), else after waiting for the next step.
export async function next_code(state) {
  let now = totp_step();
  if (state.last_step > now) {
    await new Promise((done) => { setTimeout(done, (now + 1) * step_s * 1000 - Date.now() + 50); });
    now = totp_step();
  }
  state.last_step = Math.max(now, state.last_step + 1);
  save(state);
  return hotp(base32_decode(state.secret), state.last_step);
}

// On /admin/security: sets TOTP up, confirms it with a code from the secret
// the page shows, and returns the recovery codes it then shows.
export async function enrol_in_page(page, state) {
  await page.click('#setup');
  await page.waitForFunction(() => document.getElementById('secret').textContent.length > 0);
  state.secret = (await page.textContent('#secret')).replace(/\s+/g, '');
  state.last_step = 0;
  await page.fill('#code', await next_code(state));
  await page.click('#confirm-form button[type=submit]');
  await page.waitForSelector('#recovery:not([hidden]) li');
  return page.locator('#recovery-codes li').allTextContents();
}

// Signs in at the login page and ends on `next` (when given; else where the
// login led). Returns {enrolled, state, recovery_codes}: enrolled is true
// when this login had to enrol TOTP first, on /admin/security (where the
// login page sends a restricted session; it sends others to /admin).
export async function sign_in_staff(page, { base, username = 'admin', password, next }) {
  const state = saved(base, username) || { base, username, secret: '', last_step: 0 };
  await page.goto(`${base}/admin/login`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  const is_login = (r) => r.url().endsWith('/admin/login') && r.request().method() === 'POST';
  // A refusal's body is read before anything else; a success navigates away.
  const submit = async () => {
    const [answer] = await Promise.all([page.waitForResponse(is_login), page.click('#login button[type=submit]')]);
    if (answer.ok()) return null;
    return { status: answer.status(), body: await answer.json() };
  };
  let refused = await submit();
  if (refused && refused.body.error.code === 'totp_required') {
    if (!state.secret) throw new Error(`${username} has TOTP but this run never saw its secret`);
    await page.fill('#totp', await next_code(state));
    refused = await submit();
  }
  if (refused) throw new Error(`signing in as ${username}: ${refused.status} ${JSON.stringify(refused.body)}`);
  await page.waitForURL((url) => url.pathname !== '/admin/login');
  const enrolled = new URL(page.url()).pathname === '/admin/security';
  const recovery_codes = enrolled ? await enrol_in_page(page, state) : [];
  if (next) await page.goto(`${base}${next}`);
  return { enrolled, state, recovery_codes };
}
