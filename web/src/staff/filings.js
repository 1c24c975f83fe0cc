// /admin/filings?year=<year>&organizer=<id>: the annual filings (Art. 17).
// Each unit on the year's roster files a work plan by 31 March and a
// year-end summary by 31 December through its own link; staff see which are
// on time, late, missing or not due yet, admins review them, set the roster
// and hand out the links, and anyone may export the units to remind.
import { cookie, escape_html, format_time } from '../shared/http.js';
import { init_large_text } from '../shared/large_text.js';
import { parse_csv } from './csv.js';
import { load_role, staff_request, to_login } from './common.js';
import { qr_svg } from './qr.js';

const $ = (id) => document.getElementById(id);
const query = new URLSearchParams(location.search);
const page = { year: 0, organizer: query.get('organizer') || '', admin: false, units: [], reviewing: null };

const failure = (res) => (res ? (res.error && res.error.message) || `服务器返回 ${res.status}` : '网络连接失败');

// This year in Beijing time.
const this_year = () => new Date(Date.now() + 8 * 3600 * 1000).getUTCFullYear();

const api = (rest = '') => {
  const base = `/api/v1/filings/${page.year}${rest}`;
  const sep = base.includes('?') ? '&' : '?';
  return page.organizer ? `${base}${sep}organizer=${encodeURIComponent(page.organizer)}` : base;
};

function badge(kind, label) {
  return `<span class="badge badge_${escape_html(kind)}">${escape_html(label)}</span>`;
}

function filing_cell(unit, f) {
  const parts = [badge(f.timing, f.timing_label)];
  if (f.filed) {
    parts.push(badge(f.review, f.review_label));
    parts.push(`<p>${escape_html(format_time(f.submitted_at))} 提交</p>`);
    if (f.note) parts.push(`<p>说明：${escape_html(f.note)}</p>`);
    if (f.comment) parts.push(`<p>意见：${escape_html(f.comment)}</p>`);
    const file = api(`/units/${encodeURIComponent(unit.id)}/${f.kind}/attachments/${encodeURIComponent(f.attachment)}`);
    parts.push(`<p class="actions"><a href="${escape_html(file)}">下载<span class="visually-hidden">${escape_html(unit.name)}的${escape_html(f.label)}</span></a>${
      page.admin ? `<button type="button" class="secondary review-open" data-unit="${escape_html(unit.id)}" data-kind="${escape_html(f.kind)}">审核<span class="visually-hidden">${escape_html(unit.name)}的${escape_html(f.label)}</span></button>` : ''}</p>`);
  } else {
    parts.push(`<p>截止 ${escape_html(format_time(f.due_at))}</p>`);
  }
  return `<div class="filing">${parts.join(' ')}</div>`;
}

function counts_text(counts, kind, label) {
  const c = counts[kind] || {};
  return `${label}：按时 ${c.on_time || 0}，逾期 ${c.late || 0}，未交 ${c.missing || 0}，待提交 ${c.not_due_yet || 0}`;
}

async function load() {
  $('page-status').textContent = '正在读取…';
  const res = await staff_request('GET', api()).catch(() => null);
  if (!res || !res.ok || !res.data) {
    $('page-status').textContent = `无法读取：${failure(res)}`;
    $('rows').innerHTML = '';
    return;
  }
  const d = res.data;
  page.units = d.units;
  $('title').textContent = `${d.year} 年度备案：${d.organizer.name}`;
  document.title = `${d.year} 年度备案 - 评议`;
  $('page-status').textContent = d.units.length
    ? `共 ${d.units.length} 个单位。${counts_text(d.counts, 'plan', '工作计划')}；${counts_text(d.counts, 'summary', '年终总结')}。需催报 ${d.reminders} 项。`
    : '本年度还没有备案单位名单。';
  $('rows').innerHTML = d.units.map((u) => `<tr><th scope="row">${escape_html(u.name)}<br><small>${escape_html(u.id)}</small></th>
    <td>${escape_html(u.contact)}</td><td>${filing_cell(u, u.plan)}</td><td>${filing_cell(u, u.summary)}</td></tr>`).join('');
  for (const button of document.querySelectorAll('.review-open')) button.addEventListener('click', open_review);
  $('export-reminders').href = api('/reminders.csv');
  $('roster-csv').value = roster_csv(d.units);
}

// The roster as the textarea shows it: a header row, then one unit a line.
function roster_csv(units) {
  const field = (text) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  return ['单位编号,单位名称,联系人', ...units.map((u) => [u.id, u.name, u.contact].map(field).join(','))].join('\n');
}

function open_review(event) {
  const { unit, kind } = event.currentTarget.dataset;
  const u = page.units.find((x) => x.id === unit);
  const f = u && u[kind];
  if (!f) return;
  page.reviewing = { unit, kind, attachment: f.attachment };
  $('review-what').textContent = `${u.name}的${f.label}（${f.review_label}，${format_time(f.submitted_at)} 提交）`;
  $('review-comment').value = f.comment || '';
  $('review-message').textContent = '';
  $('review-panel').hidden = false;
  $('review-title').focus();
}

async function review(event) {
  event.preventDefault();
  const r = page.reviewing;
  if (!r) return;
  const decision = event.submitter ? event.submitter.value : 'accept';
  const comment = $('review-comment').value.trim();
  if (decision === 'return' && !comment) {
    $('review-message').textContent = '退回时请写明原因。';
    $('review-comment').setAttribute('aria-invalid', 'true');
    $('review-comment').focus();
    return;
  }
  $('review-comment').removeAttribute('aria-invalid');
  const body = { decision, comment, attachment: r.attachment };
  const path = api(`/units/${encodeURIComponent(r.unit)}/${r.kind}/review`);
  const res = await staff_request('POST', path, { body }).catch(() => null);
  if (!res || !res.ok) {
    $('review-message').textContent = `未能记录：${failure(res)}`;
    return;
  }
  $('review-panel').hidden = true;
  page.reviewing = null;
  await load();
  $('page-status').textContent = `已${decision === 'accept' ? '通过' : '退回'}。${$('page-status').textContent}`;
}

async function save_roster(event) {
  event.preventDefault();
  const text = $('roster-csv').value;
  // Checked here for a quick answer; the server checks again and names the row.
  const rows = parse_csv(text);
  if (!rows.length && !window.confirm('名单为空：保存后本年度没有备案单位。确定吗？')) return;
  // As CSV, so that the server names a wrong row as Excel numbers it.
  const res = await fetch(api('/units'), {
    method: 'PUT',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'text/csv; charset=utf-8', Accept: 'application/json', 'X-CSRF-Token': cookie('pingyi_csrf') },
    body: text,
  }).catch(() => null);
  if (res && res.status === 401) to_login();
  const data = res ? await res.json().catch(() => null) : null;
  if (!res || !res.ok) {
    $('roster-message').className = 'message';
    $('roster-message').textContent = `没有保存：${failure(res && { status: res.status, error: data && data.error })}`;
    return;
  }
  $('roster-message').className = 'message message_ok';
  $('roster-message').textContent = `已保存 ${data.units.length} 个单位。`;
  await load();
}

async function read_file(event) {
  const file = event.target.files[0];
  if (file) $('roster-csv').value = (await file.text()).replace(/^\uFEFF/, '');
}

async function make_links() {
  const res = await staff_request('POST', api('/links')).catch(() => null);
  if (!res || !res.ok || !res.data) {
    $('links-status').textContent = `未能生成：${failure(res)}`;
    return;
  }
  const { links } = res.data;
  $('links-status').textContent = links.length ? `共 ${links.length} 个链接。` : '名单为空，请先保存备案单位名单。';
  $('links').innerHTML = links.map((l) => `<li class="link-card">
    <div class="link-card__qr" role="img" aria-label="${escape_html(l.name)}的备案链接二维码">${qr_svg(l.url)}</div>
    <div class="link-card__text"><p class="link-card__who">${escape_html(l.name)}（${escape_html(l.unit)}）</p>
    <p class="link-card__url">${escape_html(l.url)}</p></div></li>`).join('');
  $('print-links').hidden = !links.length;
}

async function load_organizers() {
  const res = await staff_request('GET', '/api/v1/organizers').catch(() => null);
  const organizers = (res && res.ok && res.data && res.data.organizers) || [];
  $('organizer').innerHTML = organizers.map((o) => `<option value="${escape_html(o.id)}">${escape_html(o.name)}</option>`).join('');
  if (organizers.some((o) => o.id === page.organizer)) $('organizer').value = page.organizer;
  else if (organizers.length === 1) page.organizer = organizers[0].id;
}

function pick(event) {
  event.preventDefault();
  const year = Number.parseInt($('year').value, 10);
  if (!(year >= 2000 && year <= 2100)) {
    $('page-status').textContent = '年度须为 2000 至 2100 之间的年份。';
    $('year').focus();
    return;
  }
  page.year = year;
  page.organizer = $('organizer').hidden ? page.organizer : $('organizer').value;
  const params = new URLSearchParams({ year: String(year) });
  if (page.organizer) params.set('organizer', page.organizer);
  history.replaceState(null, '', `${location.pathname}?${params}`);
  $('links').innerHTML = '';
  $('links-status').textContent = '';
  $('review-panel').hidden = true;
  load();
}

async function start() {
  init_large_text();
  page.year = Number.parseInt(query.get('year') || '', 10) || this_year();
  $('year').value = String(page.year);
  const [admin] = await Promise.all([load_role().catch(() => false), load_organizers()]);
  page.admin = admin;
  // A county's staff have their own organizer only: the picker is hidden.
  if ($('organizer').hidden) page.organizer = '';
  $('review-panel').hidden = true;
  $('pick').addEventListener('submit', pick);
  $('review').addEventListener('submit', review);
  $('review-cancel').addEventListener('click', () => { $('review-panel').hidden = true; });
  $('roster').addEventListener('submit', save_roster);
  $('roster-file').addEventListener('change', read_file);
  $('make-links').addEventListener('click', make_links);
  $('print-links').addEventListener('click', () => window.print());
  await load();
}

start();
