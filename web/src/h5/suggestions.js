// The vote page's "建议与整改" section (Art. 3(6)): per unit, last year's
// rectification report when there is one, the public's suggestions that
// staff approved, and a collapsed form to leave a suggestion while the
// campaign is open. Its data is not needed to vote: it is fetched after the
// ballot form is on screen.
import { escape_html, format_time, request } from '../shared/http.js';

const min_chars = 5;
const max_chars = 500;
const $ = (id) => document.getElementById(id);
const chars = (text) => Array.from(text.trim()).length;

function previous_html(report, previous) {
  const answers = (report.items || []).map((i) => `<dt>${escape_html(i.from)}：${escape_html(i.text)}</dt>
      <dd>整改情况：${escape_html(i.answer)}</dd>`).join('');
  return `<details class="voice-part">
    <summary>上年度整改情况</summary>
    <div class="voice-part__body">
      <p class="voice-part__meta">${escape_html(previous.title)}，${escape_html(format_time(report.submitted_at))} 提交</p>
      <p class="voice-text">${escape_html(report.overall)}</p>
      ${answers ? `<dl class="voice-answers">${answers}</dl>` : ''}
    </div>
  </details>`;
}

function approved_html(list) {
  const items = list.map((s) => `<li><p class="voice-text">${escape_html(s.text)}</p>
      <p class="voice-part__meta">${escape_html(format_time(s.at))}</p></li>`).join('');
  return `<details class="voice-part">
    <summary>已公开的建议（${list.length} 条）</summary>
    <ul class="voice-list">${items}</ul>
  </details>`;
}

function form_html(unit) {
  const id = `suggest-${escape_html(unit.id)}`;
  return `<details class="voice-part">
    <summary>给该单位提建议</summary>
    <form class="suggest" data-unit="${escape_html(unit.id)}" novalidate>
      <label class="suggest__label" for="${id}">对${escape_html(unit.name)}的建议</label>
      <p id="${id}-hint" class="suggest__hint">${min_chars} 至 ${max_chars} 字。经工作人员审核后公开，不显示您的身份。</p>
      <textarea id="${id}" class="suggest__text" rows="4" maxlength="${max_chars}" aria-describedby="${id}-hint ${id}-count"></textarea>
      <p id="${id}-count" class="suggest__count">已输入 0 字</p>
      <button type="submit" class="weui-btn weui-btn_default suggest__submit">提交建议</button>
      <p class="suggest__message" role="status"></p>
    </form>
  </details>`;
}

function unit_html(unit, approved, report, previous, can_suggest) {
  if (!approved.length && !report && !can_suggest) return '';
  return `<div class="voice-unit" id="voice-${escape_html(unit.id)}">
    <h3 class="voice-unit__name">${escape_html(unit.name)}</h3>
    ${report ? previous_html(report, previous) : ''}
    ${approved.length ? approved_html(approved) : ''}
    ${can_suggest ? form_html(unit) : ''}
  </div>`;
}

const refusals = {
  suggestion_limit: '今天提的建议已达上限，请明天再来。',
  no_session: '登录已失效，建议没有提交。请重新进入本页面后再提。',
  csrf: '页面已过期，建议没有提交。请刷新页面后再提。',
  not_open: '评议不在进行中，不能再提建议。',
};

async function submit(event, api) {
  event.preventDefault();
  const form = event.target;
  const text = form.querySelector('.suggest__text');
  const message = form.querySelector('.suggest__message');
  const button = form.querySelector('.suggest__submit');
  const say = (line, ok = false) => {
    message.textContent = line;
    message.classList.toggle('suggest__message_ok', ok);
  };
  const count = chars(text.value);
  if (count < min_chars || count > max_chars) {
    text.setAttribute('aria-invalid', 'true');
    say(count < min_chars ? `建议至少需要 ${min_chars} 个字。` : `建议不能超过 ${max_chars} 个字。`);
    text.focus();
    return;
  }
  text.removeAttribute('aria-invalid');
  button.disabled = true;
  button.textContent = '正在提交…';
  const unit = encodeURIComponent(form.dataset.unit);
  const res = await request('POST', `${api}/units/${unit}/suggestions`, { body: { text: text.value } }).catch(() => null);
  button.disabled = false;
  button.textContent = '提交建议';
  if (!res) {
    say('网络连接失败，建议没有提交。请检查网络后重试。');
    return;
  }
  if (res.status === 201 && res.data) {
    text.value = '';
    update_count(text);
    say(`${res.data.message || '提交成功，审核后公开'}。今天还可以提 ${Number(res.data.left_today) || 0} 条建议。`, true);
    return;
  }
  const code = res.error && res.error.code;
  if (code === 'invalid_suggestion') text.setAttribute('aria-invalid', 'true');
  say(refusals[code] || `建议没有提交：${(res.error && res.error.message) || `服务器答复 ${res.status}`}。`);
}

function update_count(text) {
  $(`${text.id}-count`).textContent = `已输入 ${chars(text.value)} 字`;
}

// campaign: the page's campaign; can_suggest: whether this voter may leave suggestions now.
export async function show_suggestions(api, campaign, can_suggest) {
  const [suggestions, previous] = await Promise.all([
    request('GET', `${api}/suggestions`).catch(() => null),
    request('GET', `${api}/previous-rectifications`).catch(() => null),
  ]);
  const approved = new Map();
  for (const u of (suggestions && suggestions.ok && suggestions.data && suggestions.data.units) || []) approved.set(u.id, u.suggestions || []);
  const last_year = previous && previous.ok && previous.data && previous.data.previous ? previous.data : null;
  const reports = new Map(((last_year && last_year.units) || []).map((u) => [u.id, u]));
  const html = campaign.units.map((u) => unit_html(u, approved.get(u.id) || [], reports.get(u.id), last_year && last_year.previous, can_suggest)).join('');
  if (!html) return;
  $('voice-note').textContent = can_suggest
    ? '您可以给各单位提建议，经审核后公开；各单位将在下一年度评议前答复整改情况。'
    : '以下是经审核公开的建议和各单位上年度的整改情况。';
  $('voice-units').innerHTML = html;
  $('voice').hidden = false;
  for (const form of $('voice-units').querySelectorAll('.suggest')) {
    form.addEventListener('submit', (event) => submit(event, api));
    form.querySelector('.suggest__text').addEventListener('input', (event) => update_count(event.target));
  }
}
