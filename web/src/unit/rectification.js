// A unit's rectification page, /unit/<cid>/rectification?u=<uid>&t=<token>
// (the unit's portal link, Art. 3(6)): the public's approved suggestions and
// the panel's comments on the unit, each with a field for what the unit
// did, an overall account, drafts kept on the server, and one submission.
import { escape_html, format_time, request } from '../shared/http.js';
import { init_large_text } from '../shared/large_text.js';
import { show_message } from '../shared/messages.js';

const cid = decodeURIComponent(location.pathname.split('/')[2] || '');
const query = new URLSearchParams(location.search);
const uid = query.get('u') || '';
const token = query.get('t') || '';
const api = `/api/v1/campaigns/${encodeURIComponent(cid)}/units/${encodeURIComponent(uid)}`;
const auth = { Authorization: `Link ${token}` };

const $ = (id) => document.getElementById(id);
const page = { items: [], report: null, busy: false };
const status_names = { pending: '尚未到期', on_time: '按时提交', late: '逾期提交', missing: '逾期未提交' };

const refusals = {
  link_required: '请通过工作人员发给本单位的链接打开本页。',
  invalid_link: '链接无效或不是本单位的链接，请向工作人员索取新的链接。',
  campaign_not_found: '没有找到这项评议，请核对链接。',
  unit_not_found: '链接中的单位不在本次评议中，请向工作人员核实。',
  already_submitted: '整改情况已经提交，不能再修改。',
  no_draft: '请先保存草稿，再提交。',
  incomplete: '请填写整改情况总体说明后再提交。',
  changed: '整改情况刚被修改（可能在另一台设备上），请刷新页面核对后再提交。',
  redis_unavailable: '系统繁忙，请稍后再试。',
};

// Why a request failed, as a sentence.
const explain = (res) => (!res ? '网络连接失败，请检查网络后再试。'
  : refusals[res.error && res.error.code] || `${(res.error && res.error.message) || `服务器答复 ${res.status}`}。`);

function show_problem(text) {
  show_message('problem', `<p class="problem__text">${escape_html(text)}</p>`);
}

function show_outcome(text) {
  show_message('outcome', `<p class="outcome__title">${escape_html(text)}</p>`);
}

function item_html(item, answer, readonly) {
  const id = `answer-${escape_html(item.id)}`;
  return `<section class="answer" aria-labelledby="${id}-from">
    <p id="${id}-from" class="answer__from">${escape_html(item.from)}</p>
    <p class="answer__question">${escape_html(item.text)}</p>
    <label class="answer__label" for="${id}">整改情况</label>
    <textarea id="${id}" class="answer__text" rows="3" maxlength="2000" aria-describedby="${id}-error"${readonly ? ' disabled' : ''}>${escape_html(answer)}</textarea>
    <p id="${id}-error" class="field-error"></p>
  </section>`;
}

function render_status(r) {
  $('due').textContent = r.due
    ? `提交期限：${format_time(r.due)} 前（下一年度评议开始时）。`
    : '提交期限：下一年度评议开始前（日期尚未确定）。';
  const state = r.state === 'submitted' ? `已于 ${format_time(r.submitted_at)} 提交` : r.state === 'draft' ? `草稿，最后保存于 ${format_time(r.saved_at)}` : '尚未填写';
  $('state').textContent = `${state}（${status_names[r.status] || r.status}）。`;
  $('state').className = `remaining status-line status_${r.status}`;
}

function render(feedback, r) {
  page.report = r;
  const submitted = r.state === 'submitted';
  // Once submitted, what it answered as it was then; before, what there is to answer now.
  page.items = submitted ? r.items : feedback.items;
  const c = feedback.campaign || {};
  document.title = `${c.title || '评议'} - 整改情况填报`;
  $('title').textContent = c.title || '整改情况填报';
  $('unit').textContent = `填报单位：${feedback.unit.name}`;
  render_status(r);
  const notes = [];
  if (!page.items.length) notes.push(submitted ? '整改情况中没有逐条答复。' : '暂未收到经审核公开的建议或评语。');
  if (!submitted && !feedback.comments_published) notes.push('评议结果公布后，这里还会列出评议团的评语。');
  $('items-note').textContent = notes.join('');
  $('items').innerHTML = page.items.map((i) => item_html(i, submitted ? i.answer : (r.answers || {})[i.id] || '', submitted)).join('');
  $('overall').value = r.overall || '';
  $('overall').disabled = submitted;
  $('submit-bar').hidden = submitted;
  $('loading').hidden = true;
  $('sheet').hidden = false;
}

function set_error(field, text) {
  const el = $(field);
  if (!el) return;
  el.setAttribute('aria-invalid', text ? 'true' : 'false');
  $(`${field}-error`).textContent = text;
}

function body() {
  const answers = {};
  for (const item of page.items) {
    const text = $(`answer-${item.id}`).value.trim();
    if (text) answers[item.id] = text;
  }
  return { overall: $('overall').value, answers };
}

// The server's 400 names the field: overall or answers.<item id>.
function mark_refused(res) {
  const field = (res && res.error && res.error.field) || '';
  const target = field === 'overall' ? 'overall' : field.startsWith('answers.') ? `answer-${field.slice('answers.'.length)}` : '';
  if (!target || !$(target)) return false;
  set_error(target, res.error.message || '请核对');
  show_problem(`没有保存：${res.error.message || '填写有误'}`);
  $(target).focus();
  return true;
}

function set_busy(busy, label) {
  page.busy = busy;
  $('save').disabled = busy;
  $('submit').disabled = busy;
  $('submit').textContent = busy && label ? label : '提交整改情况';
}

async function save() {
  for (const field of document.querySelectorAll('.answer__text')) set_error(field.id, '');
  const res = await request('PUT', `${api}/rectification`, { body: body(), headers: auth }).catch(() => null);
  if (res && res.ok && res.data) {
    page.report = res.data;
    render_status(res.data);
    return res;
  }
  if (!(res && res.status === 400 && mark_refused(res))) show_problem(`没有保存：${explain(res)}`);
  return null;
}

async function on_save() {
  if (page.busy) return;
  set_busy(true);
  const saved = await save();
  set_busy(false);
  if (saved) show_outcome(`草稿已于 ${format_time(saved.data.saved_at)} 保存，尚未提交。`);
}

async function on_submit(event) {
  event.preventDefault();
  if (page.busy) return;
  if (!$('overall').value.trim()) {
    set_error('overall', '请填写整改情况总体说明');
    show_problem(refusals.incomplete);
    $('overall').focus();
    return;
  }
  if (!window.confirm('提交后不能再修改。确定提交整改情况吗？')) return;
  set_busy(true, '正在提交…');
  const saved = await save();
  const res = saved ? await request('POST', `${api}/rectification/submit`, { headers: auth }).catch(() => null) : null;
  set_busy(false);
  if (!saved) return;
  if (!res || !res.ok || !res.data) {
    show_problem(`草稿已保存，但没有提交：${explain(res)}`);
    return;
  }
  const feedback = { campaign: res.data.campaign, unit: res.data.unit, items: [], comments_published: true };
  render(feedback, res.data);
  show_outcome(`整改情况已于 ${format_time(res.data.submitted_at)} 提交，将在下一年度评议时公开。`);
}

async function load() {
  if (!uid || !token) {
    $('loading').hidden = true;
    show_problem(refusals.link_required);
    return;
  }
  const [feedback, report] = await Promise.all([
    request('GET', `${api}/feedback`, { headers: auth }).catch(() => null),
    request('GET', `${api}/rectification`, { headers: auth }).catch(() => null),
  ]);
  const bad = [feedback, report].find((res) => !res || !res.ok || !res.data);
  if (bad !== undefined) {
    $('loading').hidden = true;
    show_problem(`无法打开：${explain(bad)}`);
    return;
  }
  render(feedback.data, report.data);
}

init_large_text();
$('save').addEventListener('click', on_save);
$('report').addEventListener('submit', on_submit);
load();
