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
  [/^\/screen\/[^/]+$/, 'screen.html'],
];

function campaign(id, state, extra = {}) {
  const hour = 3600 * 1000;
  const at = (h) => new Date(Date.now() + h * hour).toISOString();
  return {
    id, title: `测试评议 ${id}`, organizer: '测试普法办公室', state,
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
  ]);
  const stub = {
    // What the next ballot POSTs get instead of the normal answer: 'drop' (close
    // the connection), or {status, body, headers}.
    forced: [],
    ballot_requests: [],
    accepted: [],
    voted: new Map(), // cid -> Set of unit ids voted today (one voter)
    answers: new Map(), // idempotency key -> first answer
    sse: new Set(),
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

  async function api(req, res, path, body) {
    if (path === '/api/v1/campaigns') {
      return json(res, 200, { campaigns: [...campaigns.values()].map(({ id, title, organizer, opens_at, closes_at, state }) => ({ id, title, organizer, opens_at, closes_at, state })) });
    }
    const m = path.match(/^\/api\/v1\/campaigns\/([^/]+)(?:\/(.*))?$/);
    const c = m && campaigns.get(m[1]);
    if (!c) return error(res, 404, 'not_found', '没有这项评议');
    const [cid, rest] = [m[1], m[2] || ''];
    if (!rest) return json(res, 200, c);
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
      return json(res, 200, {
        published: Boolean(c.published),
        units: c.units.map((u, i) => ({ id: u.id, name: u.name, panel: '90.00', public: '80.00', peer: '85.00', total: (86 - i).toFixed(2), grade: '良好', rank: i + 1, status: 'present', warnings: [] })),
      });
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
    if (path.startsWith('/api/')) return api(req, res, path, body);
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
