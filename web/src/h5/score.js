// The scoring page, /h5/score/<cid>?as=judge:<id>|unit:<id>&t=<token>: the
// signed link a judge or a unit opens on a phone at the meeting (Art. 10).
// Lists the units with a 0–100 score (and, for judges, a comment), keeps a
// draft on the phone until it is submitted, and explains every refusal.
import { escape_html, format_time, request } from '../shared/http.js';
import { init_large_text } from '../shared/large_text.js';
import { show_message } from '../shared/messages.js';

const cid = decodeURIComponent(location.pathname.replace(/\/+$/, '').split('/').pop());
const query = new URLSearchParams(location.search);
const as = query.get('as') || '';
const token = query.get('t') || '';
const api = `/api/v1/campaigns/${encodeURIComponent(cid)}`;
const draft_key = `pingyi.score_draft.${cid}.${as}`;
const comment_limit = 6000; // bytes, as the API counts them

const $ = (id) => document.getElementById(id);
const page = { form: null, busy: false };
const status_names = { absent: '缺席评议', fraud: '弄虚作假' };

// Full-width digits and point, as some Chinese keyboards type them.
const ascii = (text) => text.replace(/[０-９．]/g, (c) => (c === '．' ? '.' : String.fromCharCode(c.charCodeAt(0) - 0xfee0)));

// {text, error}: text is the score as sent ('' when left empty).
function check_score(raw) {
  const text = ascii(String(raw).trim());
  if (!text) return { text, error: '' };
  if (!/^\d{1,3}(?:\.\d+)?$/.test(text)) return { text, error: '请填写 0 到 100 之间的数字' };
  if (Number(text) > 100) return { text, error: '分数不能超过 100' };
  if (/\.\d{3,}$/.test(text)) return { text, error: '分数最多保留两位小数' };
  return { text, error: '' };
}

const byte_length = (text) => new TextEncoder().encode(text).length;

function read_draft() {
  try {
    const draft = JSON.parse(localStorage.getItem(draft_key) || 'null');
    return draft && draft.units ? draft : null;
  } catch {
    return null; // storage disabled or damaged: start from the saved scores
  }
}

function write_draft() {
  const units = {};
  for (const u of page.form.units) units[u.id] = { score: $(`score-${u.id}`).value, comment: comment_of(u.id) };
  try {
    localStorage.setItem(draft_key, JSON.stringify({ saved_at: Date.now(), units }));
  } catch {
    // not kept on the phone, but the form still works
  }
}

function drop_draft() {
  try {
    localStorage.removeItem(draft_key);
  } catch {
    // nothing stored
  }
}

const comment_of = (id) => (page.form.comments ? $(`comment-${id}`).value : '');
const shown_score = (score) => (score === null || score === undefined ? '' : String(score));

function show_problem(text) {
  show_message('problem', `<p class="problem__text">${escape_html(text)}</p>`);
}

function show_outcome(html) {
  show_message('outcome', html);
}

function unit_html(unit) {
  const id = escape_html(unit.id);
  const badge = status_names[unit.status] ? `<span class="badge badge_note">${status_names[unit.status]}</span>` : '';
  const comment = page.form.comments ? `
    <label class="score-unit__label" for="comment-${id}">评语和建议</label>
    <textarea id="comment-${id}" class="score-unit__comment" rows="3" aria-describedby="comment-${id}-error"></textarea>
    <p id="comment-${id}-error" class="field-error"></p>` : '';
  return `<fieldset class="score-unit">
    <legend class="score-unit__name">${escape_html(unit.name)}${badge}</legend>
    <label class="score-unit__label" for="score-${id}">分数（0–100）</label>
    <input id="score-${id}" class="score-unit__input" type="text" inputmode="decimal" autocomplete="off" maxlength="8" aria-describedby="score-${id}-error">
    <p id="score-${id}-error" class="field-error"></p>${comment}
  </fieldset>`;
}

function set_error(field, text) {
  const input = $(field);
  input.setAttribute('aria-invalid', text ? 'true' : 'false');
  $(`${field}-error`).textContent = text;
}

function update_progress() {
  const units = page.form.units;
  const done = units.filter((u) => $(`score-${u.id}`).value.trim()).length;
  $('progress').textContent = `已打分 ${done} 个单位，共 ${units.length} 个`;
}

// The scores to send, or the fields to fix (each marked where it is).
function collect() {
  const items = [];
  const bad = [];
  for (const u of page.form.units) {
    const { text, error } = check_score($(`score-${u.id}`).value);
    set_error(`score-${u.id}`, error);
    if (error) bad.push(`score-${u.id}`);
    if (!page.form.comments) {
      if (text && !error) items.push({ unit: u.id, score: Number(text) });
      continue;
    }
    const comment = comment_of(u.id).trim();
    let comment_error = '';
    if (byte_length(comment) > comment_limit) comment_error = '评语太长，请控制在 2000 字以内';
    else if (comment && !text) comment_error = '填写了评语，请同时给这个单位打分';
    set_error(`comment-${u.id}`, comment_error);
    if (comment_error) bad.push(`comment-${u.id}`);
    if (text && !error) items.push(comment ? { unit: u.id, score: Number(text), comment } : { unit: u.id, score: Number(text) });
  }
  return { items, bad };
}

function freeze(note) {
  for (const field of $('units').querySelectorAll('input, textarea')) field.disabled = true;
  $('submit-bar').hidden = true;
  $('submitted').textContent = note;
}

const refusals = {
  published: '评议结果已经公布，评分已冻结，不能再修改。',
  invalid_link: '评分链接无效或已失效，请向工作人员索取新的评分链接。',
  link_required: '请通过工作人员发给您的评分链接打开本页。',
  invalid_scorer: '评分链接不完整，请向工作人员索取新的评分链接。',
  campaign_not_found: '没有找到这项评议，请核对评分链接。',
  unit_not_found: '评分链接中的单位不在本次评议中，请向工作人员核实。',
  redis_unavailable: '系统繁忙，评分没有提交。草稿已保存在本手机上，请稍后再点“提交评分”。',
  body_too_large: '评语太长，请删减后再提交。',
};

async function submit(event) {
  event.preventDefault();
  if (page.busy) return;
  const { items, bad } = collect();
  if (bad.length) {
    show_problem(`有 ${bad.length} 处填写需要修改，请按提示更正后再提交。`);
    $(bad[0]).focus();
    return;
  }
  if (!items.length) {
    show_problem('还没有给任何单位打分。');
    return;
  }
  write_draft();
  page.busy = true;
  $('submit').disabled = true;
  $('submit').textContent = '正在提交…';
  let res;
  try {
    res = await request('PUT', page.form.submit && page.form.submit.url ? page.form.submit.url : submit_path(),
      { body: { scores: items }, headers: { Authorization: `Link ${token}` } });
  } catch {
    res = null;
  }
  page.busy = false;
  $('submit').disabled = false;
  $('submit').textContent = '提交评分';
  if (!res) {
    show_problem('网络连接失败，评分没有提交。草稿已保存在本手机上，请检查网络后再点“提交评分”。');
    return;
  }
  if (res.ok) {
    drop_draft();
    const at = res.data && res.data.submitted_at;
    const missing = page.form.units.length - items.length;
    $('submitted').textContent = `已于 ${format_time(at)} 提交。`;
    show_outcome(`<p class="outcome__title">评分已提交</p>
      <p>已提交 ${items.length} 个单位的评分${missing ? `，还有 ${missing} 个单位没有打分` : ''}。</p>
      <p>结果公布前可以修改后再次提交，以最后一次提交为准。</p>`);
    return;
  }
  const code = res.error && res.error.code;
  if (code === 'published') {
    freeze(refusals.published);
    show_problem(refusals.published);
    return;
  }
  if (code === 'invalid_scores') {
    // field: scores[<i>].score or scores[<i>].comment, in the order sent.
    const m = /^scores\[(\d+)\]\.(score|comment)/.exec((res.error && res.error.field) || '');
    const item = m && items[Number(m[1])];
    if (item) {
      const field = `${m[2] === 'comment' && page.form.comments ? 'comment' : 'score'}-${item.unit}`;
      set_error(field, res.error.message || '请核对');
      show_problem(`评分没有提交：${res.error.message || '填写有误'}`);
      $(field).focus();
      return;
    }
  }
  show_problem(refusals[code] || `评分没有提交：${(res.error && res.error.message) || `服务器答复 ${res.status}`}。草稿已保存在本手机上，请稍后重试。`);
}

const submit_path = () => `${api}/${as.startsWith('judge:') ? 'panel-scores' : 'peer-scores'}/${encodeURIComponent(as.slice(as.indexOf(':') + 1))}`;
const link_query = () => `as=${encodeURIComponent(as)}&t=${encodeURIComponent(token)}`;

async function load_feedback() {
  const res = await request('GET', `${api}/comments?${link_query()}`).catch(() => null);
  if (!res || !res.ok || !res.data) return;
  const comments = res.data.comments || [];
  $('feedback-list').innerHTML = comments.length
    ? `<dl class="feedback">${comments.map((c) => `<dt>${escape_html(c.judge)}</dt><dd>${escape_html(c.comment)}</dd>`).join('')}</dl>`
    : '<p>评议团没有对本单位留下评语。</p>';
  $('feedback').hidden = false;
}

function render(form) {
  page.form = form;
  const judge = form.role === 'judge';
  const c = form.campaign || {};
  document.title = `${c.title || '评议'} - 评议打分`;
  $('title').textContent = c.title || '评议打分';
  $('organizer').textContent = c.organizer ? `主办：${c.organizer}` : '';
  $('holder').textContent = judge ? `评委：${form.holder.id}` : `评分单位：${form.holder.name || form.holder.id}（不给本单位打分）`;
  $('how').textContent = `请给每个单位打 0 到 100 分，最多保留两位小数${judge ? '，并写下评语和建议' : ''}。填写内容会自动保存在本手机上，点“提交评分”后才送达；结果公布前可以修改后再次提交，以最后一次提交为准。`;
  $('submitted').textContent = form.submitted_at ? `已于 ${format_time(form.submitted_at)} 提交过。` : '尚未提交。';
  $('units').innerHTML = form.units.map(unit_html).join('');
  for (const u of form.units) {
    $(`score-${u.id}`).value = shown_score(u.score);
    if (judge) $(`comment-${u.id}`).value = u.comment || '';
  }
  $('loading').hidden = true;
  $('sheet').hidden = false;
  if (form.published) {
    freeze(refusals.published);
    drop_draft();
    if (!judge) load_feedback();
  } else {
    restore_draft();
  }
  update_progress();
}

// A draft that differs from what the server holds is put back, and said so.
function restore_draft() {
  const draft = read_draft();
  if (!draft) return;
  let changed = false;
  for (const u of page.form.units) {
    const saved = draft.units[u.id];
    if (!saved) continue;
    if (saved.score !== $(`score-${u.id}`).value || (page.form.comments && saved.comment !== $(`comment-${u.id}`).value)) changed = true;
    $(`score-${u.id}`).value = saved.score || '';
    if (page.form.comments) $(`comment-${u.id}`).value = saved.comment || '';
  }
  if (changed) {
    $('outcome').innerHTML = `<p>已恢复本手机上 ${escape_html(format_time(draft.saved_at))} 保存的草稿，尚未提交。核对后请点“提交评分”。</p>`;
  }
}

async function load() {
  if (!as || !token) {
    $('loading').hidden = true;
    show_problem(refusals.link_required);
    return;
  }
  let res;
  try {
    res = await request('GET', `${api}/scoring-form?${link_query()}`);
  } catch {
    res = null;
  }
  if (!res || !res.ok || !res.data) {
    $('loading').hidden = true;
    const code = res && res.error && res.error.code;
    show_problem(!res ? '网络连接失败，请稍后刷新页面重试。' : refusals[code] || `暂时无法打开评分表（${res.status}），请稍后刷新页面重试。`);
    return;
  }
  render(res.data);
}

$('scores').addEventListener('submit', submit);
$('units').addEventListener('input', (event) => {
  if (!page.form) return;
  const field = event.target;
  if (field.classList.contains('score-unit__input') && field.getAttribute('aria-invalid') === 'true') {
    set_error(field.id, check_score(field.value).error);
  }
  write_draft();
  update_progress();
});
$('units').addEventListener('focusout', (event) => {
  if (event.target.classList && event.target.classList.contains('score-unit__input')) {
    set_error(event.target.id, check_score(event.target.value).error);
  }
});
init_large_text();
load();
