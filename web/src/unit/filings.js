// A unit's annual filings, /unit/filings/<year>?o=<organizer>&u=<uid>&t=<token>
// (the unit's filing link, Art. 17): the work plan due 31 March and the
// year-end summary due 31 December, each uploaded as one file with a note,
// replaced by the next upload until the office accepts it.
import { escape_html, format_time, request } from '../shared/http.js';
import { init_large_text } from '../shared/large_text.js';
import { show_message } from '../shared/messages.js';

const year = decodeURIComponent(location.pathname.split('/')[3] || '');
const query = new URLSearchParams(location.search);
const organizer = query.get('o') || '';
const uid = query.get('u') || '';
const token = query.get('t') || '';
const api = `/api/v1/filings/${encodeURIComponent(year)}/units/${encodeURIComponent(uid)}`;
const link_query = `?o=${encodeURIComponent(organizer)}&t=${encodeURIComponent(token)}`;
const auth = { Authorization: `Link ${token}` };

const $ = (id) => document.getElementById(id);
const page = { data: null, busy: false };
const kinds = ['plan', 'summary'];

const refusals = {
  link_required: '请通过普法办发给本单位的备案链接打开本页。',
  invalid_link: '链接无效或不是本单位的链接，请向普法办索取新的链接。',
  invalid_year: '链接中的年度不正确，请向普法办核实。',
  unit_not_found: '本单位不在该年度的备案名单中，请向普法办核实。',
  filing_accepted: '该材料已审核通过，不能再替换；如需更正请联系普法办。',
  attachments_disabled: '系统暂未开放文件上传，请联系普法办。',
  body_too_large: '文件太大，请压缩后再上传。',
  redis_unavailable: '系统繁忙，请稍后再试。',
};

const explain = (res) => (!res ? '网络连接失败，请检查网络后再试。'
  : refusals[res.error && res.error.code] || `${(res.error && res.error.message) || `服务器答复 ${res.status}`}`);

function show_problem(text) {
  show_message('problem', `<p class="problem__text">${escape_html(text)}</p>`);
}

function show_outcome(text) {
  show_message('outcome', `<p class="outcome__title">${escape_html(text)}</p>`);
}

function status_text(f) {
  if (!f.filed) return f.timing === 'missing' ? '未交：已过截止时间，请尽快报送。' : '待提交。';
  const when = `已于 ${format_time(f.submitted_at)} 提交（${f.timing_label}）`;
  return `${when}，${f.review_label}。`;
}

function filing_html(f) {
  const id = escape_html(f.kind);
  const accepted = f.filed && f.review === 'accepted';
  const file = f.filed && f.attachment
    ? `<p>已上传：<a href="${escape_html(`${api}/${f.kind}/attachments/${encodeURIComponent(f.attachment.id)}${link_query}`)}">${escape_html(f.attachment.name)}</a></p>`
    : '';
  const comment = f.filed && f.comment ? `<p class="answer__question">普法办意见：${escape_html(f.comment)}</p>` : '';
  const note = f.filed && f.note ? `<p class="answer__question">说明：${escape_html(f.note)}</p>` : '';
  const form = accepted || !page.data.uploads ? '' : `<form class="upload" data-kind="${id}" novalidate>
      <label class="answer__label" for="file-${id}">${f.filed ? '重新上传（替换已上传的文件）' : '选择文件'}</label>
      <input id="file-${id}" class="upload__input" type="file" aria-describedby="${id}-error"
        accept=".pdf,.ofd,.doc,.docx,.xls,.xlsx,.pptx,.png,.jpg,.jpeg">
      <label class="answer__label" for="note-${id}">说明（选填）</label>
      <textarea id="note-${id}" class="answer__text" rows="2" maxlength="${page.data.limits.note_chars}"></textarea>
      <p id="${id}-error" class="field-error"></p>
      <div class="buttons-bar"><button type="submit" class="weui-btn weui-btn_primary">上传${escape_html(f.label)}</button></div>
    </form>`;
  return `<section class="answer" aria-labelledby="${id}-title">
    <h2 id="${id}-title" class="answer__from">${escape_html(f.label)}</h2>
    <p>截止时间：${escape_html(format_time(f.due_at))}</p>
    <p class="status-line status_${escape_html(f.filed && f.review === 'returned' ? 'missing' : f.timing)}">${escape_html(status_text(f))}</p>
    ${file}${note}${comment}${form}
  </section>`;
}

function render(data) {
  page.data = data;
  document.title = `${data.year} 年度备案 - ${data.unit.name}`;
  $('title').textContent = `${data.year} 年度备案`;
  $('unit').textContent = `报送单位：${data.unit.name}（${data.organizer.name}）`;
  const mb = Math.floor(data.limits.attachment_bytes / (1024 * 1024));
  $('types').textContent = data.uploads
    ? `可上传 ${data.limits.types}，单个文件不超过 ${mb} MB。`
    : '系统暂未开放文件上传，请联系普法办。';
  $('filings').innerHTML = kinds.map((k) => filing_html(data[k])).join('');
  for (const form of document.querySelectorAll('form.upload')) form.addEventListener('submit', upload);
  $('loading').hidden = true;
  $('sheet').hidden = false;
}

async function load() {
  const res = await request('GET', api, { headers: auth }).catch(() => null);
  if (!res || !res.ok || !res.data) {
    $('loading').hidden = true;
    show_problem(`无法打开：${explain(res)}`);
    return null;
  }
  render(res.data);
  return res.data;
}

function set_error(kind, text) {
  const input = $(`file-${kind}`);
  input.setAttribute('aria-invalid', text ? 'true' : 'false');
  $(`${kind}-error`).textContent = text;
}

async function upload(event) {
  event.preventDefault();
  if (page.busy) return;
  const form = event.target;
  const { kind } = form.dataset;
  const file = $(`file-${kind}`).files[0];
  if (!file) {
    set_error(kind, '请先选择文件');
    $(`file-${kind}`).focus();
    return;
  }
  if (file.size > page.data.limits.attachment_bytes) {
    set_error(kind, refusals.body_too_large);
    $(`file-${kind}`).focus();
    return;
  }
  set_error(kind, '');
  page.busy = true;
  const button = form.querySelector('button');
  button.disabled = true;
  button.textContent = '正在上传…';
  const headers = {
    ...auth,
    Accept: 'application/json',
    'Content-Type': 'application/octet-stream',
    'X-File-Name': encodeURIComponent(file.name),
    'X-Filing-Note': encodeURIComponent($(`note-${kind}`).value.trim()),
  };
  const res = await fetch(`${api}/${kind}`, { method: 'POST', credentials: 'same-origin', headers, body: file }).catch(() => null);
  const data = res ? await res.json().catch(() => null) : null;
  page.busy = false;
  if (!res || !res.ok) {
    const refused = res && { status: res.status, error: data && data.error };
    button.disabled = false;
    button.textContent = '重新上传';
    set_error(kind, explain(refused));
    show_problem(`没有上传：${explain(refused)}`);
    return;
  }
  const fresh = await load();
  if (fresh) show_outcome(`${data.label}已于 ${format_time(data.submitted_at)} 上传（${data.timing_label}），等待普法办审核。`);
}

init_large_text();
if (!uid || !token) {
  $('loading').hidden = true;
  show_problem(refusals.link_required);
} else {
  load();
}
