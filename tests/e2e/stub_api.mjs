// A stand-in for pingyi-server that serves web/dist at the server's routes,
// with its CSP, and answers the voter, staff and live API as CONTRACT.md
// describes. It lets the page tests force answers the real server gives only
// under load or failure (503, 429, a dropped connection) without it.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { randomBytes } from 'node:crypto';
import { root } from './lib.mjs';

const dist = join(root, 'web/dist');
const csp = "default-src 'self'; style-src 'self' 'unsafe-inline'";
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };
const pages = [
  [/^\/h5\/?$/, 'h5/index.html'], [/^\/h5\/c\/[^/]+$/, 'h5/vote.html'], [/^\/h5\/receipt\/[^/]+$/, 'h5/receipt.html'],
  [/^\/admin\/login$/, 'admin/login.html'], [/^\/admin\/?$/, 'admin/index.html'], [/^\/admin\/dashboard$/, 'admin/dashboard.html'],
  [/^\/screen\/[^/]+$/, 'screen.html'], [/^\/h5\/score\/[^/]+$/, 'h5/score.html'], [/^\/h5\/results\/[^/]+$/, 'h5/results.html'],
];
// The scoring links' tokens: the stub's stand-in for the server's HMAC.
export const link_token = (as) => `tok-${as}`;

function campaign(id, state, extra = {}) {
  const hour = 3600 * 1000;
  const at = (h) => new Date(Date.now() + h * hour).toISOString();
  return {
    id, title: `测试评议 ${id}`, organizer: '测试普法办公室', organizer_id: '', state,
    opens_at: state === 'upcoming' ? at(24) : at(-24), closes_at: state === 'closed' ? at(-1) : at(48),
    units: [
      { id: 'u1', name: '市公安局', disclosure: { duties: '维护社会治安', measures: '开展普法进社区', results: '案件下降 10%' } },
      { id: 'u2', name: '市司法局', disclosure: { duties: '法治宣传', measures: '法律援助', results: '援助 3000 件' } },
      { id: 'u3', name: '市税务局', disclosure: { duties: '税收征管', measures: '减税降费宣讲', results: '办税时间缩短' } },
    ],
    rules: { per_unit_per_day: 1, per_day: 5, max_choices: 2 },
    scoring: { public_method: 'max' },
    ...extra,
  };
}

export async function start_stub() {
  const campaigns = new Map([
    ['open1', campaign('open1', 'open')],
    ['later', campaign('later', 'upcoming')],
    ['done', campaign('done', 'closed')],
    ['happy', campaign('happy', 'open', { scoring: { public_method: 'satisfaction' } })],
    // Edited, opened and closed from /admin; with fields the form does not show.
    ['draft', campaign('draft', 'upcoming', {
      tally_visibility: 'public', wechat: { keywords: ['评议'], welcome: '欢迎参加评议' },
      scoring: { public_method: 'rank', rank_step: 3, weights: { panel: 50, public: 30, peer: 20 } },
    })],
    // The evaluation meeting: voting over, judges and units scoring.
    ['meet', campaign('meet', 'closed', {
      units: [{ id: 'u1', name: '市公安局' }, { id: 'u2', name: '市司法局' }, { id: 'u3', name: '市税务局' }, { id: 'u4', name: '市环保局' }],
      scoring: { public_method: 'max', weights: { panel: 40, public: 40, peer: 20 } },
    })],
  ]);
  campaigns.get('draft').units[0].electorate = 5000;
  const stub = {
    // What the next ballot POSTs get instead of the normal answer: 'drop' (close
    // the connection), or {status, body, headers}.
    forced: [],
    ballot_requests: [],
    accepted: [],
    voted: new Map(), // cid -> Set of unit ids voted today (one voter)
    answers: new Map(), // idempotency key -> first answer
    sse: new Set(),
    // The evaluation: sheets by 'judge:<id>' / 'unit:<id>' -> {items, at}.
    sheets: new Map(),
    judges: ['j1', 'j2'],
    statuses: new Map([['u3', { status: 'absent', reason: '未到会' }]]),
    score_requests: [],
    reviews: [],
    // Campaign writes from /admin: {method, cid, body}.
    campaign_writes: [],
    // The dashboard's refused ballots, GET …/refusals and SSE `refusals`.
    refusals: { rate_limited: { ballot_voter: 3 }, shadow_limited: {}, already_voted: 2, daily_limit: 0, not_open: 1 },
    signals: [{
      id: 'address_share:u2:10.0.0.7', kind: 'address_share', unit: 'u2', subject: '10.0.0.7',
      summary: '市司法局 62% 的票来自同一网络地址 10.0.0.7',
      evidence: { from: '2026-11-20T09:00:00+08:00', to: '2026-11-20T09:30:00+08:00', votes: 31, unit_votes: 50, share: 0.62, address: '10.0.0.7', samples: ['12-aaaa', '15-bbbb'] },
      review: null,
    }, {
      id: 'burst:u1:20261120T1000', kind: 'burst', unit: 'u1', subject: '20261120T1000',
      summary: '市公安局 10:00 起 5 分钟内得票为平时的 20 倍',
      evidence: { from: '2026-11-20T10:00:00+08:00', to: '2026-11-20T10:05:00+08:00', votes: 80, unit_votes: 120, baseline_per_minute: 0.8, peak_per_minute: 16, samples: ['40-cccc'] },
      review: { decision: 'fine', reason: '单位组织集中学习后投票', by: 'admin', at: '2026-11-20T12:00:00+08:00' },
    }],
  };

  const json = (res, status, body, headers = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const error = (res, status, code, message, headers) => json(res, status, { error: { code, message } }, headers);
  const me = (cid) => {
    const c = campaigns.get(cid);
    const voted = [...(stub.voted.get(cid) || [])];
    return { remaining_today: c.rules.per_day - voted.length, voted_today: voted };
  };
  const tally = (cid) => ({
    units: campaigns.get(cid).units.map((u) => ({ id: u.id, votes: stub.accepted.filter((b) => b.cid === cid && b.units.includes(u.id)).length })),
    ballots: stub.accepted.filter((b) => b.cid === cid).length,
    voters: stub.accepted.some((b) => b.cid === cid) ? 1 : 0,
  });
  stub.push_refusals = () => {
    for (const client of stub.sse) client.write(`event: refusals\ndata: ${JSON.stringify(stub.refusals)}\n\n`);
  };
  stub.push_tally = (cid) => {
    for (const client of stub.sse) client.write(`event: tally\ndata: ${JSON.stringify(tally(cid))}\n\n`);
  };

  function ballot(req, response, cid, body) {
    let res = response;
    const key = req.headers['idempotency-key'] || '';
    stub.ballot_requests.push({ cid, key, body, csrf: req.headers['x-csrf-token'] });
    const forced = stub.forced.shift();
    if (forced === 'drop') {
      // The ballot counts, then the connection dies mid-answer: the voter
      // cannot know whether it counted.
      const cut = res;
      res = {
        writeHead: (status, headers) => cut.writeHead(status, { ...headers, 'Content-Length': '200' }),
        end: (text) => {
          cut.write(text.slice(0, 5));
          setTimeout(() => req.socket.destroy(), 50);
        },
      };
    } else if (forced) {
      json(res, forced.status, forced.body, forced.headers);
      return;
    }
    if (!/pingyi_session=/.test(req.headers.cookie || '')) return error(res, 401, 'no_session', '请先登录');
    if (!req.headers['x-csrf-token'] || !(req.headers.cookie || '').includes(`pingyi_csrf=${req.headers['x-csrf-token']}`)) {
      return error(res, 403, 'csrf', '校验失败');
    }
    if (stub.answers.has(key)) return json(res, 201, stub.answers.get(key));
    const c = campaigns.get(cid);
    const units = body.units || Object.keys(body.ratings || {});
    if (!units.length || units.length > c.rules.max_choices) return error(res, 400, 'invalid_ballot', '选择的单位数不对');
    if (c.state !== 'open') return error(res, 403, 'not_open', '不在投票时间内');
    const voted = stub.voted.get(cid) || new Set();
    if (units.some((u) => voted.has(u))) return error(res, 409, 'already_voted', '今天已经投过');
    units.forEach((u) => voted.add(u));
    stub.voted.set(cid, voted);
    const answer = { receipt: randomBytes(8).toString('hex'), units: body.units || body.ratings, remaining_today: me(cid).remaining_today };
    stub.answers.set(key, answer);
    stub.accepted.push({ cid, units, receipt: answer.receipt, seq: stub.accepted.length + 1 });
    json(res, 201, answer);
    stub.push_tally(cid);
  }

  // The scoring link presented: Authorization: Link <t>, else ?t=.
  const presented = (req, url) => {
    const m = /^Link (.+)$/.exec(req.headers.authorization || '');
    return m ? m[1] : url.searchParams.get('t');
  };
  const staff_role = (req) => {
    const m = /pingyi_staff=(\w+)/.exec(req.headers.cookie || '');
    return m ? (m[1] === 'v' ? 'viewer' : 'admin') : null;
  };
  // A staff write: an admin's session with the CSRF token; else the refusal sent.
  const staff_write = (req, res) => {
    const role = staff_role(req);
    if (!role) return error(res, 401, 'unauthorized', '请先登录'), false;
    if (req.headers['x-csrf-token'] !== 'staffcsrf') return error(res, 403, 'csrf', '校验失败'), false;
    if (role !== 'admin') return error(res, 403, 'forbidden', '只读账号不能修改'), false;
    return true;
  };
  const status_of = (uid) => (stub.statuses.get(uid) || { status: 'present' }).status;
  const expected = (c) => ({ judge: c.units.length, unit: c.units.length - 1 });

  function scoring_form(req, res, url, c) {
    const as = url.searchParams.get('as') || '';
    const m = /^(judge|unit):([A-Za-z0-9_-]{1,64})$/.exec(as);
    if (!m) return error(res, 400, 'invalid_scorer', '参数 as 须为 judge:<评委编号> 或 unit:<单位编号>');
    const token = presented(req, url);
    if (!token) return error(res, 401, 'link_required', '请通过评分链接打开');
    if (token !== link_token(as)) return error(res, 403, 'invalid_link', '评分链接无效');
    const judge = m[1] === 'judge';
    const self = judge ? null : c.units.find((u) => u.id === m[2]);
    if (!judge && !self) return error(res, 404, 'unit_not_found', '没有这个单位');
    const sheet = stub.sheets.get(as);
    const units = c.units.filter((u) => u !== self).map((u) => {
      const item = sheet && sheet.items.find((i) => i.unit === u.id);
      const entry = { id: u.id, name: u.name, status: status_of(u.id), score: item ? item.score : null };
      if (judge) entry.comment = item && item.comment ? item.comment : '';
      return entry;
    });
    return json(res, 200, {
      campaign: { id: c.id, title: c.title, organizer: c.organizer, state: c.state }, as, role: m[1],
      holder: { id: m[2], name: self ? self.name : null }, comments: judge, published: Boolean(c.published),
      submitted_at: sheet ? sheet.at : null,
      submit: { method: 'PUT', url: `/api/v1/campaigns/${c.id}/${judge ? 'panel-scores' : 'peer-scores'}/${m[2]}` },
      units,
    });
  }

  function put_sheet(req, res, url, c, kind, owner, body) {
    const as = `${kind}:${owner}`;
    stub.score_requests.push({ as, body, authorization: req.headers.authorization || '' });
    if (presented(req, url) !== link_token(as)) return error(res, 403, 'invalid_link', '评分链接无效');
    if (c.published) return error(res, 409, 'published', '结果已发布，评分不能再更改');
    const items = (body && body.scores) || [];
    for (const [i, item] of items.entries()) {
      const bad = (field, message) => json(res, 400, { error: { code: 'invalid_scores', message, field: `scores[${i}].${field}` } });
      if (!c.units.some((u) => u.id === item.unit)) return bad('unit', '没有这个单位');
      if (kind === 'unit' && item.unit === owner) return bad('unit', '单位不能给自己评分');
      if (typeof item.score !== 'number' || item.score < 0 || item.score > 100) return bad('score', '分数须在 0–100 之间');
      if (Math.abs(Math.round(item.score * 100) - item.score * 100) > 1e-6) return bad('score', '分数至多两位小数');
      if (kind === 'unit' && item.comment !== undefined) return bad('comment', '互评没有评语');
    }
    const at = new Date().toISOString();
    stub.sheets.set(as, { items, at });
    return json(res, 200, { [kind === 'judge' ? 'judge' : 'rater']: owner, scores: items.length, submitted_at: at });
  }

  function progress(c) {
    const entry = (as, id) => {
      const sheet = stub.sheets.get(as);
      return { id, submitted: Boolean(sheet), scores: sheet ? sheet.items.length : 0, submitted_at: sheet ? sheet.at : null };
    };
    return {
      published: Boolean(c.published), expected_scores: expected(c),
      judges: stub.judges.map((j) => ({ ...entry(`judge:${j}`, j), linked: true })),
      units: c.units.map((u) => ({ ...entry(`unit:${u.id}`, u.id), name: u.name, status: status_of(u.id) })),
    };
  }

  // 'meet' has an absent unit (u3) and a cheating one (u4); others a plain ranking.
  function results(c) {
    if (c.id !== 'meet') {
      return c.units.map((u, i) => ({ id: u.id, name: u.name, panel: '90.00', public: '80.00', peer: '85.00', total: (86 - i).toFixed(2), grade: '良好', rank: i + 1, status: 'present', warnings: [] }));
    }
    return [
      { id: 'u1', name: '市公安局', panel: 92.5, public: 100, peer: 88, total: 94.6, grade: '优秀', rank: 1, status: 'present', warnings: [] },
      { id: 'u2', name: '市司法局', panel: 85, public: 80, peer: 90, total: 84, grade: '良好', rank: 2, status: 'present', warnings: [{ code: 'uniform_judge', message: '评委 j2 给所有单位的分数相同' }] },
      { id: 'u3', name: '市税务局', panel: 70, public: 50, peer: 60, total: null, grade: null, rank: null, status: 'absent', warnings: [] },
      { id: 'u4', name: '市环保局', panel: 80, public: 95, peer: 85, total: 87, grade: '较差', rank: null, status: 'fraud', warnings: [] },
    ];
  }

  // As the server: once open, only titles, names, disclosures, closes_at,
  // scoring and the like may change (here: opens_at, rules and unit ids are checked).
  function edit_campaign(req, res, c, body) {
    if (!staff_write(req, res)) return undefined;
    stub.campaign_writes.push({ method: 'PUT', cid: c.id, body });
    if (!body || !body.title || !Array.isArray(body.units) || (body.id && body.id !== c.id)) return error(res, 400, 'invalid_campaign', '评议活动内容不完整');
    if (c.state !== 'upcoming') {
      const ids = (units) => units.map((u) => u.id).join(',');
      if (body.opens_at !== c.opens_at) return error(res, 409, 'campaign_locked', '投票已开始，不能修改开始时间');
      if (JSON.stringify(body.rules) !== JSON.stringify(c.rules)) return error(res, 409, 'campaign_locked', '投票已开始，不能修改投票规则');
      if (ids(body.units) !== ids(c.units)) return error(res, 409, 'campaign_locked', '投票已开始，不能增删评议单位或修改单位编号');
    }
    Object.assign(c, body, { id: c.id, state: c.state });
    return json(res, 200, c);
  }

  function open_or_close(req, res, c, action) {
    if (!staff_write(req, res)) return undefined;
    stub.campaign_writes.push({ method: 'POST', cid: c.id, action });
    const now = new Date().toISOString();
    if (action === 'open') {
      if (c.state === 'closed') return error(res, 409, 'campaign_closed', '活动已结束，如需延长请修改截止时间');
      if (c.state === 'upcoming') Object.assign(c, { state: 'open', opens_at: now });
    } else if (c.state !== 'closed') {
      if (c.state === 'upcoming') c.opens_at = now;
      Object.assign(c, { state: 'closed', closes_at: now });
    }
    return json(res, 200, c);
  }

  const city_level = { id: '', name: '市普法办（市级）' };

  async function api(req, res, path, body, url) {
    if (path === '/api/v1/admin/me') {
      const role = staff_role(req);
      return role ? json(res, 200, { user: role === 'admin' ? 'admin' : 'viewer', role, organizer: city_level }) : error(res, 401, 'unauthorized', '请先登录');
    }
    if (path === '/api/v1/organizers') {
      return staff_role(req) ? json(res, 200, { organizers: [{ ...city_level, wechat_account: true }] }) : error(res, 401, 'unauthorized', '请先登录');
    }
    if (path === '/api/v1/campaigns') {
      return json(res, 200, { campaigns: [...campaigns.values()].map(({ id, title, organizer, organizer_id, opens_at, closes_at, state }) => ({ id, title, organizer, organizer_id, opens_at, closes_at, state })) });
    }
    const m = path.match(/^\/api\/v1\/campaigns\/([^/]+)(?:\/(.*))?$/);
    const c = m && campaigns.get(m[1]);
    if (!c) return error(res, 404, 'not_found', '没有这项评议');
    const [cid, rest] = [m[1], m[2] || ''];
    if (!rest && req.method === 'PUT') return edit_campaign(req, res, c, body);
    if (!rest) return json(res, 200, c);
    if ((rest === 'open' || rest === 'close') && req.method === 'POST') return open_or_close(req, res, c, rest);
    if (rest === 'refusals') return staff_role(req) ? json(res, 200, stub.refusals) : error(res, 401, 'unauthorized', '请先登录');
    if (rest === 'me') return json(res, 200, me(cid));
    if (rest === 'ballots' && req.method === 'POST') return ballot(req, res, cid, body);
    if (rest === 'tally') return json(res, 200, tally(cid));
    const receipt = rest.match(/^receipts\/(.+)$/);
    if (receipt) {
      const b = stub.accepted.find((a) => a.receipt === receipt[1]);
      return b ? json(res, 200, { receipt: b.receipt, seq: b.seq, time: new Date().toISOString(), units: b.units, hash: 'ab'.repeat(32) })
        : error(res, 404, 'not_found', '没有这张回执');
    }
    if (rest === 'results/publish' && req.method === 'POST') {
      if (req.headers['x-csrf-token'] !== 'staffcsrf') return error(res, 403, 'csrf', '校验失败');
      c.published = true;
      return json(res, 200, { published: true });
    }
    if (rest === 'results') {
      // Before publication only staff may read them.
      if (!c.published && !staff_role(req)) return error(res, 401, 'unauthorized', '结果尚未公布');
      return json(res, 200, { published: Boolean(c.published), units: results(c) });
    }
    if (rest === 'scoring-form') return scoring_form(req, res, url, c);
    const sheet = rest.match(/^(panel|peer)-scores\/([^/]+)$/);
    if (sheet && req.method === 'PUT') return put_sheet(req, res, url, c, sheet[1] === 'panel' ? 'judge' : 'unit', sheet[2], body);
    if (rest === 'comments') {
      const as = url.searchParams.get('as') || '';
      if (presented(req, url) !== link_token(as) || !as.startsWith('unit:')) return error(res, 403, 'invalid_link', '评分链接无效');
      if (!c.published) return error(res, 409, 'not_published', '结果发布后才能查看');
      const uid = as.slice(5);
      const comments = [...stub.sheets.entries()].filter(([who]) => who.startsWith('judge:'))
        .flatMap(([, s]) => s.items.filter((i) => i.unit === uid && i.comment)).map((i, n) => ({ judge: `评议员${n + 1}`, comment: i.comment }));
      return json(res, 200, { unit: { id: uid, name: (c.units.find((u) => u.id === uid) || {}).name }, comments });
    }
    if (rest === 'audit-log/digest') return json(res, 200, { count: stub.accepted.filter((b) => b.cid === cid).length, head: 'cd'.repeat(32) });
    if (rest === 'scoring-progress') return staff_role(req) ? json(res, 200, progress(c)) : error(res, 401, 'unauthorized', '请先登录');
    if (rest === 'scoring-links' && req.method === 'POST') {
      if (!staff_write(req, res)) return undefined;
      stub.judges = (body && body.judges) || [];
      const link = (as, id, extra = {}) => ({ id, as, token: link_token(as), url: `${stub.base}/h5/score/${cid}?as=${as}&t=${link_token(as)}`, ...extra });
      return json(res, 200, {
        judges: stub.judges.map((j) => link(`judge:${j}`, j)),
        units: c.units.map((u) => link(`unit:${u.id}`, u.id, { name: u.name })),
      });
    }
    const unit_status = rest.match(/^units\/([^/]+)\/status$/);
    if (unit_status && req.method === 'PUT') {
      if (!staff_write(req, res)) return undefined;
      if (c.published) return error(res, 409, 'published', '结果已发布');
      if (!['present', 'absent', 'fraud'].includes(body && body.status)) return error(res, 400, 'invalid_status', '状态不对');
      if (body.status !== 'present' && !(body.reason || '').trim()) return error(res, 400, 'invalid_status', '须写明原因');
      stub.statuses.set(unit_status[1], { status: body.status, reason: body.reason || '' });
      return json(res, 200, { id: unit_status[1], status: body.status, reason: body.reason || '', updated_at: new Date().toISOString() });
    }
    if (rest === 'signals') {
      return staff_role(req) ? json(res, 200, { campaign: cid, analyzed: 230, thresholds: {}, signals: stub.signals }) : error(res, 401, 'unauthorized', '请先登录');
    }
    const review = rest.match(/^signals\/([^/]+)\/review$/);
    if (review && req.method === 'POST') {
      if (!staff_write(req, res)) return undefined;
      const signal = stub.signals.find((s) => s.id === decodeURIComponent(review[1]));
      if (!signal) return error(res, 404, 'signal_not_found', '没有这个信号');
      if (!['fine', 'fraud'].includes(body && body.decision) || !(body.reason || '').trim()) return error(res, 400, 'invalid_review', '须写明理由');
      stub.reviews.push({ id: signal.id, ...body });
      signal.review = { decision: body.decision, reason: body.reason, by: 'admin', at: new Date().toISOString() };
      if (body.decision === 'fraud') stub.statuses.set(signal.unit, { status: 'fraud', reason: body.reason });
      return json(res, 200, { id: signal.id, review: signal.review });
    }
    if (rest === 'events') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
      res.write(': hello\n\n');
      stub.sse.add(res);
      req.on('close', () => stub.sse.delete(res));
      return undefined;
    }
    return error(res, 404, 'not_found', '没有这个接口');
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://stub');
    const path = url.pathname;
    let raw = '';
    for await (const chunk of req) raw += chunk;
    let body = null;
    try {
      body = raw ? JSON.parse(raw) : null;
    } catch {
      return error(res, 400, 'invalid_ballot', 'JSON 无效');
    }
    if (path.startsWith('/api/')) return api(req, res, path, body, url);
    if (path === '/admin/login' && req.method === 'POST') {
      if (body && body.username === 'admin' && body.password === 'admin-password') {
        return json(res, 200, { csrf: 'staffcsrf' }, { 'Set-Cookie': ['pingyi_staff=s; Path=/; HttpOnly', 'pingyi_csrf=staffcsrf; Path=/'] });
      }
      return error(res, 401, 'unauthorized', '用户名或密码不正确');
    }
    let file = null;
    if (path.startsWith('/static/')) file = normalize(path).replace(/^\/+/, '');
    else {
      const page = pages.find(([re]) => re.test(path));
      if (page) file = page[1];
    }
    if (!file || file.includes('..')) return error(res, 404, 'not_found', '');
    try {
      const content = await readFile(join(dist, file));
      const headers = { 'Content-Type': types[extname(file)] || 'application/octet-stream', 'Content-Security-Policy': csp };
      // The real server sets these at the OAuth callback; here every voter page signs in.
      if (file.startsWith('h5/')) headers['Set-Cookie'] = ['pingyi_session=voter; Path=/; HttpOnly', 'pingyi_csrf=votercsrf; Path=/'];
      res.writeHead(200, headers);
      res.end(content);
    } catch {
      error(res, 404, 'not_found', '');
    }
    return undefined;
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  stub.base = `http://127.0.0.1:${server.address().port}`;
  stub.campaigns = campaigns;
  stub.close = () => new Promise((ok) => {
    for (const client of stub.sse) client.end();
    server.closeAllConnections();
    server.close(ok);
  });
  return stub;
}
