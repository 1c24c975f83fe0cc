// /admin/suggestions?c=<cid>: the public's suggestions to units, which
// admins approve (shown on the vote page and passed to the unit) or reject
// with a reason, and each unit's rectification report: draft or submitted,
// on time or not (Art. 3(6)).
import { escape_html, format_time } from '../shared/http.js';
import { init_large_text } from '../shared/large_text.js';
import { campaign_id, load_role, staff_request } from './common.js';

const cid = campaign_id();
const api = `/api/v1/campaigns/${encodeURIComponent(cid)}`;
const $ = (id) => document.getElementById(id);
let admin = false;

const state_names = { pending: '待审核', approved: '已公开', rejected: '不予公开' };
const report_states = { none: '未填写', draft: '草稿', submitted: '已提交' };
const report_status = { pending: '未到期', on_time: '按时提交', late: '逾期提交', missing: '逾期未提交' };

const failure = (res) => (res ? (res.error && res.error.message) || `服务器返回 ${res.status}` : '网络连接失败');

// The decisions an admin may take on a suggestion in its state: a decision
// already taken may be reversed (each one is in the audit trail).
function moderation_form(s) {
  const id = escape_html(s.id);
  const approve = s.state !== 'approved' ? `<button type="submit" class="primary" value="approve">公开<span class="visually-hidden">：建议 ${id}</span></button>` : '';
  const reject = s.state !== 'rejected' ? `<button type="submit" class="danger" value="reject">不予公开<span class="visually-hidden">：建议 ${id}</span></button>` : '';
  return `<form class="form suggestion__form" data-id="${id}" novalidate>
    <label for="reason-${id}">理由（不予公开时必填）</label>
    <textarea id="reason-${id}" class="suggestion__reason" rows="2" maxlength="500" aria-describedby="message-${id}"></textarea>
    <div class="buttons">${approve}${reject}</div>
    <p id="message-${id}" class="message" role="status"></p>
  </form>`;
}

function suggestion_html(s) {
  const decided = s.state === 'pending' ? ''
    : `（${escape_html(s.moderator)}，${escape_html(format_time(s.moderated_at))}）${s.reason ? `理由：${escape_html(s.reason)}` : ''}`;
  return `<li class="suggestion suggestion_${escape_html(s.state)}">
    <h3>${escape_html(s.unit_name)} <small>${escape_html(format_time(s.at))} · 编号 ${escape_html(s.id)}</small></h3>
    <p class="suggestion__text">${escape_html(s.text)}</p>
    <p class="suggestion__state">状态：<strong>${state_names[s.state] || escape_html(s.state)}</strong>${decided}</p>
    ${admin ? moderation_form(s) : ''}
  </li>`;
}

async function load_queue() {
  const status = $('status').value;
  const res = await staff_request('GET', `${api}/suggestions?status=${status}`).catch(() => null);
  if (!res || !res.ok || !res.data) {
    $('queue-status').textContent = `建议暂时无法读取：${failure(res)}`;
    return;
  }
  const { counts = {}, suggestions = [], limit } = res.data;
  const shown = suggestions.length >= limit ? `（只显示最早的 ${limit} 条，处理后再显示其余的）` : '';
  $('queue-status').textContent = `待审核 ${counts.pending || 0} 条，已公开 ${counts.approved || 0} 条，不予公开 ${counts.rejected || 0} 条。${suggestions.length ? shown : `没有${status === 'all' ? '' : state_names[status]}的建议。`}`;
  $('suggestions').innerHTML = suggestions.map(suggestion_html).join('');
  for (const form of $('suggestions').querySelectorAll('form')) form.addEventListener('submit', moderate);
}

async function moderate(event) {
  event.preventDefault();
  const form = event.target;
  const decision = event.submitter ? event.submitter.value : 'approve';
  const reason = form.querySelector('.suggestion__reason');
  const message = form.querySelector('.message');
  if (decision === 'reject' && !reason.value.trim()) {
    message.textContent = '不予公开须写明理由。';
    reason.setAttribute('aria-invalid', 'true');
    reason.focus();
    return;
  }
  const body = { decision, reason: reason.value.trim() };
  const res = await staff_request('POST', `${api}/suggestions/${encodeURIComponent(form.dataset.id)}/moderate`, { body }).catch(() => null);
  if (!res || !res.ok) {
    message.textContent = `未能记录：${failure(res)}`;
    return;
  }
  await load_queue();
  $('queue-status').textContent = `建议 ${res.data.id} 已${decision === 'approve' ? '公开' : '不予公开'}。${$('queue-status').textContent}`;
  $('queue-status').setAttribute('tabindex', '-1');
  $('queue-status').focus();
  await load_reports();
}

async function load_reports() {
  const res = await staff_request('GET', `${api}/rectifications`).catch(() => null);
  if (!res || !res.ok || !res.data) {
    $('rect-status').textContent = `整改情况暂时无法读取：${failure(res)}`;
    return;
  }
  const { due, units = [] } = res.data;
  $('rect-status').textContent = due
    ? `整改情况须在下一年度评议开始（${format_time(due)}）前提交。各单位通过本单位的填报链接填写。`
    : '还没有下一年度评议：下一年度的评议以本活动为上一年度评议（previous_campaign）后，它的开始时间就是提交期限。各单位通过本单位的填报链接填写。';
  $('rect-rows').innerHTML = units.map((u) => `<tr><td>${escape_html(u.name)}</td>
    <td>${report_states[u.state] || escape_html(u.state)}</td>
    <td>${u.saved_at ? escape_html(format_time(u.saved_at)) : '–'}</td>
    <td>${u.submitted_at ? escape_html(format_time(u.submitted_at)) : '–'}</td>
    <td>${report_status[u.status] || escape_html(u.status)}</td></tr>`).join('');
}

async function load() {
  const res = await staff_request('GET', api).catch(() => null);
  if (!res || !res.ok || !res.data) {
    $('page-status').textContent = res && res.status === 404 ? '没有找到这项评议。' : `无法读取评议：${failure(res)}`;
    return;
  }
  $('title').textContent = `建议与整改：${res.data.title}`;
  document.title = `建议与整改 - ${res.data.title}`;
  admin = await load_role();
  await Promise.all([load_queue(), load_reports()]);
}

init_large_text();
$('status').addEventListener('change', load_queue);
load();
