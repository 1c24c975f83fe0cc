// The running pingyi-server that run.sh started, and the steps the tests
// against it share: the admin API with the bearer token, and signing in at
// the WeChat mock's authorize page.
export const base = process.env.PINGYI_E2E_BASE || '';
export const admin_token = process.env.PINGYI_E2E_ADMIN_TOKEN || '';
export const admin_password = process.env.PINGYI_E2E_ADMIN_PASSWORD || '';
// A viewer (read-only staff) account named e2eviewer, which run.sh creates.
export const viewer_password = process.env.PINGYI_E2E_VIEWER_PASSWORD || '';
// An auditor account named e2eauditor, which run.sh creates too.
export const auditor_password = process.env.PINGYI_E2E_AUDITOR_PASSWORD || '';
// An admin of the county e2e-county (a configured organizer), named e2ecounty, which run.sh creates too.
export const county_password = process.env.PINGYI_E2E_COUNTY_PASSWORD || '';
// An admin named e2esecurity that nothing but security.test.mjs signs in, which run.sh creates too.
export const security_password = process.env.PINGYI_E2E_SECURITY_PASSWORD || '';
export const missing = base ? false : 'PINGYI_E2E_BASE is unset: run tests/e2e/run.sh, which starts the server';

export async function admin_api(method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${admin_token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = text;
  }
  return { status: res.status, data };
}

// GET /api/v1/campaigns/<cid> until check(campaign) holds: each server
// worker caches a campaign for up to a second after another one changed it.
export async function campaign_when(cid, check) {
  const deadline = Date.now() + 5000;
  for (;;) {
    const res = await admin_api('GET', `/api/v1/campaigns/${cid}`);
    if (res.status === 200 && check(res.data)) return res.data;
    if (Date.now() > deadline) throw new Error(`campaign ${cid} never became as expected: ${JSON.stringify(res.data)}`);
    await new Promise((done) => { setTimeout(done, 100); });
  }
}

const rfc3339 = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

// A campaign open now, with three units, created through the admin API.
export async function create_open_campaign(prefix) {
  const id = `${prefix}${Date.now().toString(36)}`;
  const body = {
    id,
    title: `端到端测试评议 ${id}`,
    organizer: '测试普法办公室',
    opens_at: rfc3339(Date.now() - 3600 * 1000),
    closes_at: rfc3339(Date.now() + 24 * 3600 * 1000),
    units: [
      { id: 'u1', name: '市公安局', disclosure: { duties: '维护社会治安', measures: '普法进社区', results: '案件下降' } },
      { id: 'u2', name: '市司法局', disclosure: { duties: '法治宣传', measures: '法律援助', results: '援助三千件' } },
      { id: 'u3', name: '市税务局', disclosure: { duties: '税收征管', measures: '减税降费宣讲', results: '办税提速' } },
    ],
    rules: { per_unit_per_day: 1, per_day: 5, max_choices: 3 },
  };
  const res = await admin_api('POST', '/api/v1/campaigns', body);
  if (res.status !== 201) throw new Error(`creating campaign ${id}: ${res.status} ${JSON.stringify(res.data)}`);
  return body;
}

// The mock's authorize page is a form where the tester types (or picks) an
// openid; submitting it redirects to the server's OAuth callback.
export async function sign_in_at_mock(page, openid) {
  await page.waitForURL(/\/connect\/oauth2\/authorize/);
  await page.locator('form').first().waitFor();
  const custom = page.locator('form input[name=openid_custom]');
  const named = page.locator('form input[name=openid]:not([type=radio])');
  const typed = page.locator('form input:not([type=hidden]):not([type=submit]):not([type=button])');
  const picked = page.locator('form select');
  if (await custom.count()) await custom.first().fill(openid);
  else if (await named.count()) await named.first().fill(openid);
  else if (await typed.count()) await typed.first().fill(openid);
  else if (await picked.count()) await picked.first().selectOption({ index: 0 });
  else throw new Error('the mock authorize page has no openid field');
  await page.locator('form [type=submit], form button').first().click();
}
