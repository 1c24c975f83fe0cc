// /admin/audit: the staff audit trail for auditors and admins: the entries
// (newest first, filtered), its exports, and the server's verification of
// its hash chain.
import { escape_html } from '../shared/http.js';
import { init_large_text } from '../shared/large_text.js';
import { staff_request, to_login } from './common.js';

const $ = (id) => document.getElementById(id);
const trail_path = '/api/v1/admin/audit-trail';
// More rows than this make the page slow; the exports have them all.
const shown_at_most = 500;
const default_days = 30;

const role_names = { admin: '管理员', auditor: '审计员', viewer: '只读' };
const action_names = {
  login: '登录',
  'login.failed': '登录失败',
  logout: '退出登录',
  'user.create': '新建账号',
  'user.role': '更改账号角色',
  'account.locked': '账号被锁定',
  'password.change': '修改密码',
  'totp.enable': '开启两步验证',
  'totp.disable': '关闭两步验证',
  'totp.reset': '重置两步验证',
  'totp.recovery_used': '使用恢复码登录',
  'audit.export': '查看或导出审计记录',
  'audit.trim': '清理超过保存期限的审计记录',
  'campaign.create': '新建评议',
  'campaign.update': '修改评议',
  'campaign.open': '开始投票',
  'campaign.close': '结束投票',
  'campaign.purge': '删除到期的个人信息',
  'unit.status': '设置单位状态',
  'scores.panel.replace': '录入评委评分',
  'scores.peer.replace': '录入单位互评',
  'results.publish': '发布结果',
  'scoring.links': '生成评分链接',
  'signal.review': '处理异常信号',
};

let entries = [];

// The date input's day at 00:00 Beijing time, as RFC 3339.
function since_param() {
  const day = $('since').value;
  return day ? `${day}T00:00:00+08:00` : '';
}

function query(format) {
  const q = new URLSearchParams();
  if (format) q.set('format', format);
  if (since_param()) q.set('since', since_param());
  const text = q.toString();
  return text ? `${trail_path}?${text}` : trail_path;
}

function matches(e) {
  const has = (value, id) => String(value || '').toLowerCase().includes($(id).value.trim().toLowerCase());
  return has(e.who, 'who-filter') && (has(e.action, 'action-filter') || has(action_names[e.action], 'action-filter'))
    && has(e.campaign, 'campaign-filter');
}

// The server writes Beijing time: shown as it is, to the second.
const beijing_time = (rfc3339) => String(rfc3339).slice(0, 19).replace('T', ' ');

function row(e) {
  const label = action_names[e.action];
  const action = label ? `${escape_html(label)}<br><small>${escape_html(e.action)}</small>` : escape_html(e.action);
  return `<tr><td>${e.seq}</td><td>${escape_html(beijing_time(e.time))}</td><td>${escape_html(e.who)}</td>
    <td>${action}</td><td>${escape_html(e.campaign)}</td><td><code>${escape_html(JSON.stringify(e.detail))}</code></td>
    <td><code title="${escape_html(e.hash)}">${escape_html(String(e.hash).slice(0, 12))}…</code></td></tr>`;
}

function render() {
  const found = entries.filter(matches).reverse();
  $('entries').innerHTML = found.slice(0, shown_at_most).map(row).join('');
  const since = since_param() ? `自 ${$('since').value} 起` : '全部';
  let status = `${since}共 ${entries.length} 条，符合条件 ${found.length} 条`;
  if (found.length > shown_at_most) status += `，显示最新 ${shown_at_most} 条（全部记录请导出）`;
  $('trail-status').textContent = `${status}。`;
  $('export-ndjson').href = query('');
  $('export-csv').href = query('csv');
}

// The export is NDJSON: its first line is the anchor the chain continues from.
async function load_trail() {
  $('trail-status').textContent = '正在读取…';
  let res;
  try {
    res = await fetch(query(''), { credentials: 'same-origin', headers: { Accept: 'application/x-ndjson' } });
  } catch {
    $('trail-status').textContent = '网络连接失败，请重试。';
    return;
  }
  if (res.status === 401) {
    to_login();
    return;
  }
  const text = await res.text().catch(() => '');
  if (!res.ok) {
    let message = '';
    try {
      message = JSON.parse(text).error.message;
    } catch {
      message = `HTTP ${res.status}`;
    }
    $('trail-status').textContent = `无法读取审计记录：${message}`;
    return;
  }
  entries = text.split('\n').filter((line) => line.trim()).map((line) => JSON.parse(line)).filter((e) => !e.anchor);
  render();
}

async function verify() {
  const out = $('verify-result');
  out.className = '';
  out.textContent = '正在核验…';
  const res = await staff_request('GET', `${trail_path}/verify`).catch(() => null);
  if (!res || !res.ok || !res.data) {
    out.textContent = `核验未能完成：${(res && res.error && res.error.message) || '网络连接失败'}`;
    return;
  }
  const r = res.data;
  const from = r.anchor.seq ? `（此前的 ${r.anchor.seq} 条已超过保存期限被清理，起点校验值 ${r.anchor.hash}）` : '';
  if (r.ok) {
    out.className = 'message message_ok';
    out.textContent = `一致：共 ${r.count} 条记录${from}，链头 ${r.head}。`;
  } else {
    out.className = 'message';
    out.textContent = `不一致：${r.problem}`;
  }
}

async function load_who() {
  const res = await staff_request('GET', '/api/v1/admin/me');
  if (!res.ok || !res.data) return;
  $('who').textContent = `${res.data.user}（${role_names[res.data.role] || res.data.role}）`;
  // Auditors see this page only; admins go back to the campaigns from here.
  $('home').hidden = res.data.role !== 'admin';
}

init_large_text();
$('action-names').innerHTML = Object.entries(action_names).map(([code, label]) => `<option value="${escape_html(code)}">${escape_html(label)}</option>`).join('');
$('since').value = new Date(Date.now() + 8 * 3600 * 1000 - default_days * 86400 * 1000).toISOString().slice(0, 10);
$('filters').addEventListener('submit', (event) => {
  event.preventDefault();
  load_trail();
});
$('filters').addEventListener('reset', () => setTimeout(load_trail));
for (const id of ['who-filter', 'action-filter', 'campaign-filter']) $(id).addEventListener('input', render);
$('verify').addEventListener('click', verify);
$('logout').addEventListener('click', async () => {
  await staff_request('POST', '/admin/logout').catch(() => null);
  to_login();
});
load_who().catch(() => null);
load_trail();
