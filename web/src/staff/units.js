// /admin/units?c=<cid>: the campaign's indicator system (edited in a table,
// imported from the office's CSV, the example template to start from), the
// units' portal links with QR codes, every unit's self-assessment progress,
// and one unit's self-assessment opened for review (accept publishes its
// disclosure on the vote page; return sends it back with a comment).
import { cookie, escape_html, format_time } from '../shared/http.js';
import { init_large_text } from '../shared/large_text.js';
import { campaign_id, load_role, staff_request, to_login } from './common.js';
import { qr_svg } from './qr.js';

const cid = campaign_id();
const api = `/api/v1/campaigns/${encodeURIComponent(cid)}`;
const $ = (id) => document.getElementById(id);
const columns = [['category', '类别'], ['id', '指标编号'], ['name', '指标名称'], ['points', '分值'], ['standard', '评分标准']];
const state_names = { none: '未开始', draft: '填写中', submitted: '待审核', accepted: '已通过', returned: '已退回' };
let admin = false;
let locked = false;
// The table's rows: {category, id, name, points, standard}, points as typed.
let rows = [];
// The unit whose self-assessment is open below, with its answer.
let open_unit = null;

const failure = (res) => (res ? (res.error && res.error.message) || `服务器返回 ${res.status}` : '网络连接失败');

function say(id, text, ok = false) {
  $(id).textContent = text;
  $(id).classList.toggle('message_ok', ok);
}

function rows_of(indicators) {
  const out = [];
  for (const c of indicators.categories || []) {
    for (const i of c.indicators) out.push({ category: c.name, id: i.id, name: i.name, points: String(i.points), standard: i.standard || '' });
  }
  return out;
}

function cell_html(row, k, [field, label]) {
  const value = escape_html(row[field]);
  if (!admin || locked) return `<td>${value}</td>`;
  const name = `第 ${k + 1} 行${label}`;
  const input = field === 'standard' || field === 'name'
    ? `<textarea rows="2" data-row="${k}" data-field="${field}" aria-label="${name}">${value}</textarea>`
    : `<input data-row="${k}" data-field="${field}" aria-label="${name}" value="${value}"${field === 'points' ? ' inputmode="decimal"' : ''}>`;
  return `<td>${input}</td>`;
}

function render_rows() {
  const editing = admin && !locked;
  $('indicator-rows').innerHTML = rows.length ? rows.map((row, k) => `<tr>${columns.map((c) => cell_html(row, k, c)).join('')}${editing
    ? `<td><button type="button" class="danger" data-remove="${k}">删除<span class="visually-hidden">第 ${k + 1} 行</span></button></td>` : ''}</tr>`).join('')
    : `<tr><td colspan="${editing ? 6 : 5}">还没有设置指标体系。可以导入 CSV 文件，或点“添加指标”逐项填写。</td></tr>`;
  for (const el of document.querySelectorAll('.indicator-table .admin-only')) el.hidden = !editing;
  $('add-row').hidden = !editing;
  $('save-indicators').hidden = !editing;
  $('import-form').hidden = !editing;
}

function show_indicators(indicators) {
  locked = Boolean(indicators.locked);
  rows = rows_of(indicators);
  const count = indicators.indicator_count || 0;
  $('indicators-status').textContent = count
    ? `共 ${indicators.categories.length} 个类别、${count} 项指标，总分 ${indicators.total_points} 分${indicators.updated_at ? `；${format_time(indicators.updated_at)}${indicators.updated_by ? ` 由 ${indicators.updated_by}` : ''} 保存` : ''}。${locked ? '已有单位提交自评，指标体系已锁定。' : ''}`
    : '还没有设置指标体系。';
  $('indicators-csv').parentElement.hidden = !count;
  render_rows();
}

async function load_indicators() {
  const res = await staff_request('GET', `${api}/indicators`).catch(() => null);
  if (!res || !res.ok || !res.data) {
    $('indicators-status').textContent = `指标体系暂时无法读取：${failure(res)}`;
    return;
  }
  show_indicators(res.data);
}

// The table as the API's body: categories in order of first appearance.
function indicators_body() {
  const categories = [];
  for (const row of rows) {
    const name = row.category.trim();
    let category = categories.find((c) => c.name === name);
    if (!category) {
      category = { name, indicators: [] };
      categories.push(category);
    }
    const points = Number(row.points.trim());
    category.indicators.push({ id: row.id.trim(), name: row.name.trim(), points: Number.isFinite(points) ? points : row.points, standard: row.standard.trim() });
  }
  return { categories };
}

async function save_indicators() {
  const blank = rows.findIndex((r) => !r.category.trim());
  if (blank >= 0) {
    say('indicators-message', `第 ${blank + 1} 行缺少类别。`);
    return;
  }
  say('indicators-message', '正在保存…', true);
  const res = await staff_request('PUT', `${api}/indicators`, { body: indicators_body() }).catch(() => null);
  if (res && res.ok && res.data) {
    show_indicators(res.data);
    say('indicators-message', '指标体系已保存。', true);
  } else {
    say('indicators-message', `没有保存：${failure(res)}`);
  }
}

// Excel saves "CSV" in GBK on Chinese Windows and "CSV UTF-8" with a BOM; both are sent as UTF-8.
async function import_file() {
  const file = $('import-file').files[0];
  if (!file) return;
  const bytes = await file.arrayBuffer();
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder('gbk').decode(bytes);
  }
  say('indicators-message', `正在导入“${file.name}”…`, true);
  let res = null;
  try {
    const answer = await fetch(`${api}/indicators`, {
      method: 'PUT',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'text/csv; charset=utf-8', Accept: 'application/json', 'X-CSRF-Token': cookie('pingyi_csrf') },
      body: text,
    });
    if (answer.status === 401) to_login();
    res = { ok: answer.ok, status: answer.status, ...(await answer.json().catch(() => ({}))) };
  } catch {
    res = null;
  }
  $('import-file').value = '';
  if (res && res.ok) {
    show_indicators(res);
    say('indicators-message', `已从“${file.name}”导入 ${res.indicator_count} 项指标。`, true);
  } else {
    say('indicators-message', `没有导入：${failure(res)}`);
  }
}

async function make_links() {
  say('links-message', '正在生成…', true);
  const res = await staff_request('POST', `${api}/unit-links`).catch(() => null);
  if (!res || !res.ok || !res.data) {
    say('links-message', `生成失败：${failure(res)}`);
    return;
  }
  const links = res.data.links || [];
  $('unit-links').innerHTML = links.map((l) => `<li class="link-card">
    <div class="link-card__qr" role="img" aria-label="${escape_html(l.name)}的填报链接二维码">${qr_svg(l.url)}</div>
    <div class="link-card__text"><p class="link-card__who">${escape_html(l.name)}</p>
    <p class="link-card__url"><a href="${escape_html(l.url)}">${escape_html(l.url)}</a></p></div></li>`).join('');
  $('print-links').hidden = !links.length;
  say('links-message', `已生成 ${links.length} 个单位的填报链接。`, true);
}

function progress_row(u) {
  return `<tr><th scope="row">${escape_html(u.name)}</th>
    <td>${escape_html(state_names[u.state] || u.state)}</td>
    <td>${escape_html(u.filled)} / ${escape_html(u.indicator_count)}</td>
    <td>${escape_html(u.self_score)} / ${escape_html(u.total_points)}</td>
    <td>${escape_html(u.attachments)}</td>
    <td>${u.disclosure_filled ? '已填写' : '未填完'}</td>
    <td>${u.submitted_at ? escape_html(format_time(u.submitted_at)) : '—'}</td>
    <td><button type="button" class="secondary" data-unit="${escape_html(u.id)}">查看<span class="visually-hidden">${escape_html(u.name)}的自评</span></button></td></tr>`;
}

async function load_progress() {
  const res = await staff_request('GET', `${api}/self-assessments`).catch(() => null);
  if (!res || !res.ok || !res.data) {
    $('progress-status').textContent = `自评进度暂时无法读取：${failure(res)}`;
    return;
  }
  const { states = {}, units = [] } = res.data;
  $('progress-status').textContent = `共 ${units.length} 个单位：已通过 ${states.accepted || 0}，待审核 ${states.submitted || 0}，已退回 ${states.returned || 0}，填写中 ${states.draft || 0}，未开始 ${states.none || 0}。`;
  $('progress-rows').innerHTML = units.map(progress_row).join('');
}

function detail_items(view) {
  const items = new Map((view.items || []).map((i) => [i.indicator, i]));
  const out = [];
  for (const c of view.indicators.categories || []) {
    for (const i of c.indicators) {
      const item = items.get(i.id) || {};
      const score = item.score === null || item.score === undefined ? '—' : item.score;
      out.push(`<tr><th scope="row">${escape_html(i.id)} ${escape_html(i.name)}</th><td>${escape_html(i.points)}</td>
        <td>${escape_html(score)}</td><td class="pre-line">${escape_html(item.evidence || '—')}</td></tr>`);
    }
  }
  return out.join('');
}

function show_detail(view) {
  open_unit = view;
  const times = [view.submitted_at && `提交于 ${format_time(view.submitted_at)}`,
    view.reviewed_at && `${view.reviewer || ''} 审核于 ${format_time(view.reviewed_at)}`].filter(Boolean);
  $('detail-title').textContent = `${view.unit.name}的自评`;
  $('detail-state').textContent = `状态：${state_names[view.state] || view.state}；已填 ${view.filled} / ${view.indicator_count} 项，自评分 ${view.self_score} / ${view.total_points}${times.length ? `；${times.join('，')}` : ''}${view.review_comment ? `；审核意见：${view.review_comment}` : ''}`;
  $('detail-items').innerHTML = detail_items(view);
  const files = view.attachments || [];
  $('detail-files').innerHTML = files.length ? files.map((f) => `<li><a href="${escape_html(`${api}/units/${encodeURIComponent(view.unit.id)}/self-assessment/attachments/${encodeURIComponent(f.id)}`)}">${escape_html(f.name)}</a></li>`).join('')
    : '<li>没有附件。</li>';
  const d = view.disclosure || {};
  $('detail-disclosure').innerHTML = [['履职清单', d.duties], ['措施', d.measures], ['成效', d.results]]
    .map(([label, text]) => `<dt>${label}</dt><dd class="pre-line">${escape_html(text || '—')}</dd>`).join('');
  $('review-form').hidden = !admin || !['submitted', 'accepted'].includes(view.state);
  $('return').hidden = view.state !== 'submitted';
  $('accept').textContent = view.state === 'accepted' ? '重新公示' : '通过并公示';
  $('review-comment').value = '';
  say('review-message', '');
  $('detail').hidden = false;
  $('detail-title').focus();
}

async function open_detail(uid) {
  const res = await staff_request('GET', `${api}/units/${encodeURIComponent(uid)}/self-assessment`).catch(() => null);
  if (!res || !res.ok || !res.data) {
    $('progress-status').textContent = `未能打开这个单位的自评：${failure(res)}`;
    return;
  }
  show_detail(res.data);
}

async function review(decision) {
  if (!open_unit) return;
  const comment = $('review-comment').value.trim();
  if (decision === 'return' && !comment) {
    say('review-message', '退回时请写明需要修改的地方。');
    $('review-comment').focus();
    return;
  }
  say('review-message', '正在提交…', true);
  const uid = open_unit.unit.id;
  const res = await staff_request('POST', `${api}/units/${encodeURIComponent(uid)}/self-assessment/review`, { body: { decision, comment } }).catch(() => null);
  if (!res || !res.ok) {
    say('review-message', `没有完成：${failure(res)}`);
    return;
  }
  await Promise.all([open_detail(uid), load_progress(), load_indicators()]);
  say('review-message', decision === 'accept' ? '已通过，履职公示内容已更新到投票页面。' : '已退回，单位可以修改后再次提交。', true);
}

async function load_campaign() {
  const res = await staff_request('GET', api).catch(() => null);
  if (!res || !res.ok || !res.data) {
    $('page-status').textContent = res && res.status === 404 ? '没有这项评议活动。' : `评议活动暂时无法读取：${failure(res)}`;
    return false;
  }
  $('title').textContent = `指标与单位自评：${res.data.title}`;
  document.title = `${res.data.title} - 指标与单位自评`;
  return true;
}

$('indicator-rows').addEventListener('input', (event) => {
  const { row, field } = event.target.dataset;
  if (row !== undefined) rows[Number(row)][field] = event.target.value;
});
$('indicator-rows').addEventListener('click', (event) => {
  const button = event.target.closest('button[data-remove]');
  if (!button) return;
  rows.splice(Number(button.dataset.remove), 1);
  render_rows();
  $('add-row').focus();
});
$('add-row').addEventListener('click', () => {
  const last = rows[rows.length - 1];
  rows.push({ category: last ? last.category : '', id: '', name: '', points: '', standard: '' });
  render_rows();
  const first = $('indicator-rows').querySelector(`[data-row="${rows.length - 1}"][data-field="${last ? 'id' : 'category'}"]`);
  if (first) first.focus();
});
$('save-indicators').addEventListener('click', save_indicators);
$('import-file').addEventListener('change', import_file);
$('make-links').addEventListener('click', make_links);
$('print-links').addEventListener('click', () => window.print());
$('progress-refresh').addEventListener('click', load_progress);
$('progress-rows').addEventListener('click', (event) => {
  const button = event.target.closest('button[data-unit]');
  if (button) open_detail(button.dataset.unit);
});
$('accept').addEventListener('click', () => review('accept'));
$('return').addEventListener('click', () => review('return'));
$('indicators-csv').href = `${api}/indicators.csv`;
init_large_text();
load_role().catch(() => false).then(async (is_admin) => {
  admin = is_admin;
  if (!(await load_campaign())) return;
  await Promise.all([load_indicators(), load_progress()]);
});
