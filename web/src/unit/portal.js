// The unit's portal, /unit/<cid>?u=<uid>&t=<token>: the signed link staff
// hand each unit under evaluation (Art. 6, 7). The unit scores itself on
// every indicator with its evidence, uploads its supporting files, writes
// its disclosure (duties, measures, results), saves drafts on the server
// and submits for review; every refusal is explained where it applies.
import { escape_html, format_time, request } from '../shared/http.js';
import { init_large_text } from '../shared/large_text.js';
import { show_message } from '../shared/messages.js';

const cid = decodeURIComponent(location.pathname.split('/')[2] || '');
const query = new URLSearchParams(location.search);
const uid = query.get('u') || '';
const token = query.get('t') || '';
const api = `/api/v1/campaigns/${encodeURIComponent(cid)}/units/${encodeURIComponent(uid)}/self-assessment`;
const auth = { Authorization: `Link ${token}` };
const disclosure_fields = [['duties', '履职清单'], ['measures', '措施'], ['results', '成效']];

const $ = (id) => document.getElementById(id);
// view: the server's answer; indicators: flattened, each with its index k.
const page = { view: null, indicators: [], busy: false, dirty: false };

const state_text = {
  none: '尚未填写。',
  draft: '草稿，尚未提交。',
  submitted: '已提交，正在等待普法办审核，暂不能修改。',
  accepted: '已审核通过。履职公示内容已在投票页面公开。',
  returned: '普法办已退回，请按审核意见修改后再次提交。',
};

const refusals = {
  link_required: '请通过普法办发给本单位的链接打开本页。',
  invalid_link: '链接无效或不是本单位的链接，请向普法办索取新的链接。',
  campaign_not_found: '没有找到这项评议，请核对链接。',
  unit_not_found: '链接中的单位不在本次评议中，请向普法办核实。',
  self_assessment_submitted: '自评已提交，正在等待审核，不能再修改。',
  self_assessment_accepted: '自评已审核通过，不能再修改。',
  self_assessment_changed: '自评刚被修改（可能在另一台设备上），请刷新页面核对后再保存。',
  indicators_not_set: '普法办还没有发布指标体系，暂时不能提交。',
  redis_unavailable: '系统繁忙，请稍后再试。',
  body_too_large: '内容太长，请删减后再保存。',
};

const explain = (res) => (!res ? '网络连接失败，请检查网络后再试。'
  : refusals[res.error && res.error.code] || `${(res.error && res.error.message) || `服务器答复 ${res.status}`}`);

// Full-width digits and point, as some Chinese keyboards type them.
const ascii = (text) => text.replace(/[０-９．]/g, (c) => (c === '．' ? '.' : String.fromCharCode(c.charCodeAt(0) - 0xfee0)));
const char_count = (text) => [...text].length;
const editable = () => ['none', 'draft', 'returned'].includes(page.view.state);

// {text, error}: text is the score as sent ('' when left empty).
function check_score(raw, points) {
  const text = ascii(String(raw).trim());
  if (!text) return { text, error: '' };
  if (!/^\d{1,4}(?:\.\d)?$/.test(text)) return { text, error: `请填写 0 到 ${points} 之间的数字，最多一位小数` };
  if (Number(text) > points) return { text, error: `自评分不能超过该项分值 ${points}` };
  return { text, error: '' };
}

function show_problem(text, details = []) {
  const list = details.length ? `<ul class="problem__list">${details.map((d) => `<li>${escape_html(d)}</li>`).join('')}</ul>` : '';
  show_message('problem', `<p class="problem__text">${escape_html(text)}</p>${list}`);
}

function show_outcome(title, text) {
  show_message('outcome', `<p class="outcome__title">${escape_html(title)}</p>${text ? `<p>${escape_html(text)}</p>` : ''}`);
}

function set_error(field, text) {
  const input = $(field);
  if (!input) return;
  input.setAttribute('aria-invalid', text ? 'true' : 'false');
  $(`${field}-error`).textContent = text;
}

function indicator_html(i) {
  const k = i.k;
  const standard = i.standard
    ? `<details class="indicator__standard"><summary>评分标准</summary><p>${escape_html(i.standard)}</p></details>` : '';
  return `<fieldset class="score-unit" id="indicator-${k}">
    <legend class="score-unit__name indicator__name">${escape_html(i.id)} ${escape_html(i.name)}<span class="indicator__points">分值 ${escape_html(i.points)}</span></legend>
    ${standard}
    <label class="score-unit__label" for="score-${k}">自评分（0–${escape_html(i.points)}）</label>
    <input id="score-${k}" class="score-unit__input" type="text" inputmode="decimal" autocomplete="off" maxlength="8" aria-describedby="score-${k}-error">
    <p id="score-${k}-error" class="field-error"></p>
    <label class="score-unit__label" for="evidence-${k}">自评说明（做了什么、佐证材料在哪里）</label>
    <textarea id="evidence-${k}" class="score-unit__comment" rows="4" aria-describedby="evidence-${k}-count evidence-${k}-error"></textarea>
    <p id="evidence-${k}-count" class="char-count"></p>
    <p id="evidence-${k}-error" class="field-error"></p>
  </fieldset>`;
}

function indicators_html(categories) {
  return categories.map((c) => `<h2 class="category-title">${escape_html(c.name)} <small>（${escape_html(c.points)} 分）</small></h2>
    ${c.indicators.map((i) => indicator_html(page.indicators.find((x) => x.id === i.id))).join('')}`).join('');
}

function update_counts() {
  const limit = page.view.limits.evidence_chars;
  for (const i of page.indicators) $(`evidence-${i.k}-count`).textContent = `${char_count($(`evidence-${i.k}`).value)} / ${limit} 字`;
}

function update_progress() {
  let filled = 0;
  let total = 0;
  for (const i of page.indicators) {
    const { text, error } = check_score($(`score-${i.k}`).value, i.points);
    if (text && !error) total += Math.round(Number(text) * 10);
    if (text && !error && $(`evidence-${i.k}`).value.trim()) filled += 1;
  }
  const points = page.view.indicators.total_points;
  $('progress').textContent = `已填写 ${filled} / ${page.indicators.length} 项，自评总分 ${total / 10} / ${points} 分`;
}

// The body to save, or the fields to fix (each marked where it is).
function collect() {
  const items = [];
  const bad = [];
  const limit = page.view.limits.evidence_chars;
  for (const i of page.indicators) {
    const { text, error } = check_score($(`score-${i.k}`).value, i.points);
    set_error(`score-${i.k}`, error);
    if (error) bad.push(`score-${i.k}`);
    const evidence = $(`evidence-${i.k}`).value;
    const too_long = char_count(evidence) > limit ? `自评说明不能超过 ${limit} 字` : '';
    set_error(`evidence-${i.k}`, too_long);
    if (too_long) bad.push(`evidence-${i.k}`);
    if ((text && !error) || evidence.trim()) items.push({ indicator: i.id, score: text && !error ? Number(text) : null, evidence });
  }
  const disclosure = {};
  for (const [field, label] of disclosure_fields) {
    disclosure[field] = $(field).value;
    const too_long = char_count(disclosure[field]) > page.view.limits.disclosure_chars ? `${label}不能超过 ${page.view.limits.disclosure_chars} 字` : '';
    set_error(field, too_long);
    if (too_long) bad.push(field);
  }
  return { body: { items, disclosure }, bad };
}

function set_busy(busy) {
  page.busy = busy;
  $('save').disabled = busy;
  $('submit').disabled = busy;
}

// Saves the form; true when the server has it.
async function save() {
  const { body, bad } = collect();
  if (bad.length) {
    show_problem(`有 ${bad.length} 处填写需要修改，请按提示更正。`);
    $(bad[0]).focus();
    return false;
  }
  const res = await request('PUT', api, { body, headers: auth }).catch(() => null);
  if (res && res.ok) {
    page.dirty = false;
    page.view.state = res.data.state;
    show_state();
    return true;
  }
  const field = res && res.error && res.error.field;
  const m = /^items\[(\d+)\]\.(score|evidence)/.exec(field || '');
  const item = m && body.items[Number(m[1])];
  const target = item && page.indicators.find((i) => i.id === item.indicator);
  if (target) {
    set_error(`${m[2]}-${target.k}`, res.error.message);
    show_problem(`没有保存：${res.error.message}`);
    $(`${m[2]}-${target.k}`).focus();
  } else {
    show_problem(`没有保存：${explain(res)}`);
  }
  if (res && ['self_assessment_submitted', 'self_assessment_accepted'].includes(res.error && res.error.code)) load();
  return false;
}

async function on_save() {
  if (page.busy) return;
  set_busy(true);
  const saved = await save();
  set_busy(false);
  if (saved) show_outcome('草稿已保存', `保存于 ${format_time(new Date().toISOString())}。全部填完后请点“提交审核”。`);
}

// The server's list of what is missing, marked on the form.
function mark_missing(missing) {
  const messages = [];
  let first = null;
  for (const m of missing) {
    const i = m.indicator && page.indicators.find((x) => x.id === m.indicator);
    const field = i ? `${m.field}-${i.k}` : m.field.replace('disclosure.', '');
    set_error(field, m.field === 'score' ? '请填写自评分' : m.field === 'evidence' ? '请填写自评说明' : '请填写这一项');
    first = first || field;
    messages.push(m.message);
  }
  const shown = messages.slice(0, 5);
  if (messages.length > shown.length) shown.push(`……另有 ${messages.length - shown.length} 处`);
  show_problem(`还有 ${missing.length} 处没有填写，请补全后再提交：`, shown);
  if (first && $(first)) $(first).focus();
}

async function on_submit(event) {
  event.preventDefault();
  if (page.busy) return;
  set_busy(true);
  const saved = await save();
  if (!saved) {
    set_busy(false);
    return;
  }
  const res = await request('POST', `${api}/submit`, { headers: auth }).catch(() => null);
  set_busy(false);
  if (res && res.ok) {
    await load();
    show_outcome('已提交审核', `提交于 ${format_time(res.data.submitted_at)}。普法办审核期间不能修改；如被退回，本页会显示审核意见。`);
    return;
  }
  if (res && res.error && res.error.code === 'self_assessment_incomplete') {
    mark_missing(res.error.missing || []);
    return;
  }
  show_problem(`没有提交：${explain(res)}`);
}

const size_text = (bytes) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`);

function render_files() {
  const files = page.view.attachments || [];
  const open = editable();
  $('files').innerHTML = files.length ? files.map((f) => `<li>
      <a href="${escape_html(`${api}/attachments/${encodeURIComponent(f.id)}?t=${encodeURIComponent(token)}`)}">${escape_html(f.name)}</a>
      <span class="file-list__size">${escape_html(size_text(f.size))}</span>
      ${open ? `<button type="button" class="file-list__delete" data-id="${escape_html(f.id)}">删除<span class="visually-hidden">：${escape_html(f.name)}</span></button>` : ''}
    </li>`).join('') : '<li>还没有上传附件。</li>';
  const limits = page.view.limits;
  $('files-note').textContent = `可上传 PDF、OFD、Word、Excel、PowerPoint 或图片，每个不超过 ${size_text(limits.attachment_bytes)}，最多 ${limits.attachments} 个。`;
}

function upload_message(text, ok) {
  $('upload-message').textContent = text;
  $('upload-message').className = `upload__message ${ok ? 'upload__message_ok' : 'upload__message_error'}`;
}

async function on_file() {
  const file = $('file').files[0];
  if (!file) return;
  if (file.size > page.view.limits.attachment_bytes) {
    upload_message(`“${file.name}”太大：每个附件不超过 ${size_text(page.view.limits.attachment_bytes)}。`, false);
    return;
  }
  upload_message(`正在上传“${file.name}”…`, true);
  let res;
  try {
    const answer = await fetch(`${api}/attachments`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { ...auth, 'X-File-Name': encodeURIComponent(file.name), 'Content-Type': 'application/octet-stream' },
      body: file,
    });
    const data = await answer.json().catch(() => null);
    res = { ok: answer.ok, status: answer.status, data, error: !answer.ok && data && data.error ? data.error : null };
  } catch {
    res = null;
  }
  $('file').value = '';
  if (res && res.ok) {
    page.view.attachments = [...(page.view.attachments || []), res.data];
    render_files();
    upload_message(`已上传“${res.data.name}”。`, true);
    return;
  }
  const why = res && res.status === 413 ? `文件太大，每个附件不超过 ${size_text(page.view.limits.attachment_bytes)}。`
    : res && res.status === 415 ? `不支持这种文件：${(res.error && res.error.message) || '请上传 PDF、Word、Excel 或图片'}`
      : explain(res);
  upload_message(`没有上传：${why}`, false);
}

async function on_files_click(event) {
  const button = event.target.closest('button[data-id]');
  if (!button) return;
  const file = page.view.attachments.find((f) => f.id === button.dataset.id);
  if (!window.confirm(`删除附件“${file ? file.name : ''}”吗？`)) return;
  const res = await request('DELETE', `${api}/attachments/${encodeURIComponent(button.dataset.id)}`, { headers: auth }).catch(() => null);
  if (res && (res.ok || res.status === 404)) {
    page.view.attachments = page.view.attachments.filter((f) => f.id !== button.dataset.id);
    render_files();
    upload_message('附件已删除。', true);
    $('file').focus();
  } else {
    upload_message(`没有删除：${explain(res)}`, false);
  }
}

function show_state() {
  const v = page.view;
  const times = [v.submitted_at && `提交于 ${format_time(v.submitted_at)}`, v.reviewed_at && `审核于 ${format_time(v.reviewed_at)}`].filter(Boolean);
  $('state').textContent = `状态：${state_text[v.state] || v.state}${times.length ? `（${times.join('，')}）` : ''}`;
  $('state').className = `remaining status-line state_${v.state}`;
  $('review').hidden = !(v.review_comment && ['returned', 'accepted'].includes(v.state));
  $('review-comment').textContent = v.review_comment || '';
}

function freeze() {
  for (const field of $('assessment').querySelectorAll('input, textarea')) field.disabled = true;
  $('submit-bar').hidden = true;
  $('upload').hidden = true;
}

function render(view) {
  page.view = view;
  page.indicators = [];
  for (const c of view.indicators.categories) for (const i of c.indicators) page.indicators.push({ ...i, k: page.indicators.length });
  document.title = `${view.campaign.title} - 单位自评`;
  $('title').textContent = view.campaign.title;
  $('unit').textContent = `填报单位：${view.unit.name}`;
  $('organizer').textContent = view.campaign.organizer ? `主办：${view.campaign.organizer}` : '';
  $('indicators').innerHTML = page.indicators.length ? indicators_html(view.indicators.categories)
    : '<p class="rules">普法办还没有发布指标体系。可以先填写履职公示并上传材料，指标体系发布后再逐项自评。</p>';
  for (const item of view.items) {
    const i = page.indicators.find((x) => x.id === item.indicator);
    if (!i) continue;
    $(`score-${i.k}`).value = item.score === null || item.score === undefined ? '' : String(item.score);
    $(`evidence-${i.k}`).value = item.evidence || '';
  }
  for (const [field] of disclosure_fields) $(field).value = (view.disclosure && view.disclosure[field]) || '';
  $('rectification').href = `/unit/${encodeURIComponent(cid)}/rectification?u=${encodeURIComponent(uid)}&t=${encodeURIComponent(token)}`;
  show_state();
  render_files();
  update_counts();
  update_progress();
  $('loading').hidden = true;
  $('sheet').hidden = false;
  if (!editable()) freeze();
}

async function load() {
  if (!uid || !token) {
    $('loading').hidden = true;
    show_problem(refusals.link_required);
    return;
  }
  const res = await request('GET', api, { headers: auth }).catch(() => null);
  if (!res || !res.ok || !res.data) {
    $('loading').hidden = true;
    show_problem(`暂时无法打开自评表：${explain(res)}`);
    return;
  }
  render(res.data);
}

$('assessment').addEventListener('submit', on_submit);
$('save').addEventListener('click', on_save);
$('file').addEventListener('change', on_file);
$('files').addEventListener('click', on_files_click);
$('assessment').addEventListener('input', (event) => {
  const field = event.target;
  if (!page.view || field.id === 'file') return;
  page.dirty = true;
  const m = /^score-(\d+)$/.exec(field.id);
  if (m && field.getAttribute('aria-invalid') === 'true') set_error(field.id, check_score(field.value, page.indicators[Number(m[1])].points).error);
  update_counts();
  update_progress();
});
$('assessment').addEventListener('focusout', (event) => {
  const m = /^score-(\d+)$/.exec(event.target.id || '');
  if (m) set_error(event.target.id, check_score(event.target.value, page.indicators[Number(m[1])].points).error);
});
window.addEventListener('beforeunload', (event) => {
  if (!page.dirty) return;
  event.preventDefault();
  event.returnValue = '';
});
init_large_text();
load();
