// The vote page, /h5/c/<cid>: shows a campaign and its units, takes one ballot
// at a time, and explains every answer the server can give; below the
// ballot, the units' suggestions and last year's rectification reports.
import { escape_html, format_time, request } from '../shared/http.js';
import { init_large_text } from '../shared/large_text.js';
import { render_privacy } from './common.js';
import { show_suggestions } from './suggestions.js';

const bands = ['满意', '基本满意', '不满意'];
const cid = decodeURIComponent(location.pathname.replace(/\/+$/, '').split('/').pop());
const api = `/api/v1/campaigns/${encodeURIComponent(cid)}`;

const $ = (id) => document.getElementById(id);
const page = {
  campaign: null,
  me: { remaining_today: 0, voted_today: [] },
  signed_in: true,
  // The submission awaiting an answer: a retry resends it with the same key so
  // that the server counts it at most once.
  pending: null,
  busy: false,
  cooldown_until: 0,
};

function new_key() {
  if (window.crypto && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const satisfaction = () => page.campaign.scoring && page.campaign.scoring.public_method === 'satisfaction';
const rules = () => ({ per_unit_per_day: 1, per_day: 5, max_choices: 5, ...(page.campaign.rules || {}) });
const unit_name = (id) => (page.campaign.units.find((u) => u.id === id) || { name: id }).name;
// A unit cannot be chosen again today once voted for its daily number of times.
const used_up = (id) => rules().per_unit_per_day <= 1 && page.me.voted_today.includes(id);
const can_vote = () => page.campaign.state === 'open' && page.signed_in && page.me.remaining_today > 0;
const choice_limit = () => Math.min(rules().max_choices, page.me.remaining_today);
const submit_label = () => (satisfaction() ? '提交评价' : '提交投票');

function render_header() {
  const c = page.campaign;
  document.title = `${c.title} - 评议投票`;
  $('title').textContent = c.title;
  $('organizer').textContent = c.organizer ? `主办：${c.organizer}` : '';
  $('window').textContent = `投票时间：${format_time(c.opens_at)} 至 ${format_time(c.closes_at)}`;
  const r = rules();
  $('rules').textContent = satisfaction()
    ? `请对单位作出“满意”“基本满意”或“不满意”的评价。每人每天最多评价 ${r.per_day} 个单位次，每个单位每天最多 ${r.per_unit_per_day} 次，每次最多评价 ${r.max_choices} 个单位。`
    : `每人每天最多投 ${r.per_day} 票，每个单位每天最多 ${r.per_unit_per_day} 票，每次最多选 ${r.max_choices} 个单位。`;
  render_state();
  render_privacy(c.organizer);
}

function render_state() {
  const c = page.campaign;
  const note = $('state-note');
  let text = '';
  if (c.state === 'upcoming') text = `投票尚未开始，将于 ${format_time(c.opens_at)} 开始。您可以先查看各单位的公示内容。`;
  else if (c.state === 'closed') text = `投票已于 ${format_time(c.closes_at)} 结束，感谢您的关注。`;
  else if (!page.signed_in) text = '登录已失效，请重新进入本页面后投票。';
  else if (page.me.remaining_today <= 0) text = '您今天的票数已经用完，欢迎明天再来。';
  note.textContent = text;
  note.hidden = !text;
  note.className = `state-note state-note_${c.state}`;
  $('remaining').textContent = c.state === 'open' && page.signed_in ? `您今天还可以投 ${page.me.remaining_today} 票。` : '';
  $('units-legend').textContent = satisfaction() ? '请评价以下单位' : `请选择单位（最多 ${choice_limit() > 0 ? choice_limit() : rules().max_choices} 个）`;
  $('submit').hidden = !can_vote();
  $('submit').textContent = submit_label();
}

function disclosure_html(unit) {
  const d = unit.disclosure || {};
  const part = (label, text) => (text ? `<dt>${label}</dt><dd>${escape_html(text)}</dd>` : '');
  const body = part('履职清单', d.duties) + part('措施', d.measures) + part('成效', d.results);
  if (!body) return '';
  return `<details class="disclosure"><summary>查看${escape_html(unit.name)}的公示内容</summary><dl>${body}</dl></details>`;
}

function unit_html(unit) {
  const id = escape_html(unit.id);
  const done = page.me.voted_today.includes(unit.id);
  const badge = done ? '<span class="badge">今日已投</span>' : '';
  const disabled = !can_vote() || used_up(unit.id) ? ' disabled' : '';
  if (satisfaction()) {
    const options = ['不评价', ...bands].map((band, i) => `
      <label class="band"><input type="radio" name="rate-${id}" value="${i ? band : ''}"${i ? '' : ' checked'}${disabled}><span>${band}</span></label>`).join('');
    return `<div class="weui-cell unit"><fieldset class="unit__body"><legend class="unit__name">${escape_html(unit.name)}${badge}</legend>
      <div class="bands">${options}</div></fieldset>${disclosure_html(unit)}</div>`;
  }
  return `<div class="weui-cell unit">
    <label class="unit__pick" for="unit-${id}">
      <input type="checkbox" class="unit__check" id="unit-${id}" name="unit" value="${id}"${disabled}>
      <span class="unit__name">${escape_html(unit.name)}${badge}</span>
    </label>${disclosure_html(unit)}</div>`;
}

function render_units() {
  $('units').innerHTML = page.campaign.units.map(unit_html).join('');
  update_picked();
}

const count_of = (picks) => (Array.isArray(picks) ? picks.length : Object.keys(picks).length);

function chosen() {
  if (satisfaction()) {
    const ratings = {};
    for (const input of $('units').querySelectorAll('input[type=radio]:checked')) {
      if (input.value) ratings[input.name.slice('rate-'.length)] = input.value;
    }
    return ratings;
  }
  return Array.from($('units').querySelectorAll('input[name=unit]:checked'), (i) => i.value);
}

// Keeps the choice within the limit by disabling what cannot be added.
function update_picked() {
  if (!can_vote()) {
    $('picked').textContent = '';
    return;
  }
  const picks = chosen();
  const count = count_of(picks);
  const limit = choice_limit();
  const full = count >= limit;
  for (const input of $('units').querySelectorAll('input')) {
    const id = input.type === 'checkbox' ? input.value : input.name.slice('rate-'.length);
    const rated = input.type === 'radio' && Object.prototype.hasOwnProperty.call(picks, id);
    const keep = input.checked || rated || input.value === '';
    input.disabled = used_up(id) || (full && !keep);
  }
  $('picked').textContent = satisfaction() ? `已评价 ${count} 个，最多 ${limit} 个` : `已选 ${count} 个，最多 ${limit} 个`;
  // Left enabled with nothing chosen: pressing it explains what to do.
  $('submit').disabled = page.busy || Date.now() < page.cooldown_until;
}

function clear_messages() {
  $('outcome').innerHTML = '';
  $('problem').innerHTML = '';
}

// action: {label, run} for the one button the message offers, if any.
function show_problem(text, action) {
  clear_messages();
  $('problem').innerHTML = `<p class="problem__text">${escape_html(text)}</p>${action ? `<button type="button" class="weui-btn weui-btn_default problem__action">${escape_html(action.label)}</button>` : ''}`;
  if (action) $('problem').querySelector('button').addEventListener('click', action.run);
  $('problem').focus();
}

function show_receipt(answer) {
  clear_messages();
  const receipt = escape_html(answer.receipt);
  const link = `/h5/receipt/${encodeURIComponent(answer.receipt)}?c=${encodeURIComponent(cid)}`;
  const names = Array.isArray(answer.units) ? answer.units : Object.keys(answer.units || {});
  $('outcome').innerHTML = `
    <div class="receipt">
      <h2 class="receipt__title">${satisfaction() ? '评价成功' : '投票成功'}</h2>
      <p>已计入：${escape_html(names.map(unit_name).join('、'))}</p>
      <p class="receipt__label">您的回执编号（可用于核查您的选票已记录）：</p>
      <p class="receipt__code" id="receipt-code">${receipt}</p>
      <p><a class="receipt__link" href="${escape_html(link)}">查看回执</a></p>
      <p class="receipt__remaining">今天还可以投 ${Number(answer.remaining_today)} 票。</p>
    </div>`;
  $('outcome').focus();
}

async function reload_me() {
  const res = await request('GET', `${api}/me`).catch(() => null);
  if (!res) return;
  if (res.status === 401) page.signed_in = false;
  else if (res.ok && res.data) {
    page.signed_in = true;
    page.me = { remaining_today: Number(res.data.remaining_today) || 0, voted_today: res.data.voted_today || [] };
  }
}

async function reload_campaign() {
  const res = await request('GET', api).catch(() => null);
  if (res && res.ok && res.data) page.campaign = res.data;
}

async function refresh() {
  await Promise.all([reload_campaign(), reload_me()]);
  render_state();
  render_units();
}

function start_cooldown(seconds) {
  page.cooldown_until = Date.now() + seconds * 1000;
  clear_messages();
  // The seconds ticking are not read out (the alert would repeat each one); the end is.
  $('problem').innerHTML = `<p class="problem__text">操作太频繁，请稍候再试。<span id="countdown" aria-live="off"></span></p>`;
  $('problem').focus();
  const tick = () => {
    const left = Math.ceil((page.cooldown_until - Date.now()) / 1000);
    const countdown = $('countdown');
    if (left > 0) {
      if (countdown) countdown.textContent = `${left} 秒后可以重新提交。`;
      setTimeout(tick, 1000);
    } else {
      if (countdown) {
        countdown.removeAttribute('aria-live');
        countdown.textContent = '现在可以重新提交了。';
      }
      update_picked();
    }
  };
  tick();
  update_picked();
}

function set_busy(busy) {
  page.busy = busy;
  $('submit').setAttribute('aria-busy', busy ? 'true' : 'false');
  $('submit').textContent = busy ? '正在提交…' : submit_label();
  update_picked();
}

async function submit(ballot) {
  const text = JSON.stringify(ballot);
  if (!page.pending || page.pending.text !== text) page.pending = { ballot, text, key: new_key() };
  const { key } = page.pending;
  set_busy(true);
  let res;
  try {
    res = await request('POST', `${api}/ballots`, { body: ballot, headers: { 'Idempotency-Key': key } });
  } catch {
    set_busy(false);
    show_problem('网络连接失败，选票可能没有送达。请检查网络后点“重试”，重试不会重复计票。', { label: '重试', run: () => submit(ballot) });
    return;
  }
  set_busy(false);
  if (res.status >= 500) {
    const cause = res.error && res.error.code === 'redis_unavailable' ? '系统繁忙，选票暂未记录。' : '服务器暂时出错，选票可能没有记录。';
    show_problem(`${cause}请稍后点“重试”，重试不会重复计票。`, { label: '重试', run: () => submit(ballot) });
    return;
  }
  page.pending = null; // answered: the next submission is a new ballot
  if (res.status === 201 && res.data) {
    page.me.remaining_today = Number(res.data.remaining_today) || 0;
    const units = Array.isArray(res.data.units) ? res.data.units : Object.keys(res.data.units || {});
    page.me.voted_today = Array.from(new Set([...page.me.voted_today, ...units]));
    render_state();
    render_units();
    show_receipt(res.data);
    return;
  }
  const code = res.error ? res.error.code : '';
  const server_says = res.error && res.error.message ? `（${res.error.message}）` : '';
  switch (code) {
    case 'already_voted':
      await refresh();
      show_problem('您今天已经给所选的单位投过票了，本次选票没有计入。每个单位每天只能投一次，请明天再来或选择其他单位。');
      break;
    case 'daily_limit':
      await refresh();
      show_problem('这张选票超过了您今天剩余的票数，本次选票没有计入。');
      break;
    case 'not_open':
      await refresh();
      show_problem(page.campaign.state === 'upcoming' ? '投票尚未开始，本次选票没有计入。' : '投票已经结束，本次选票没有计入。');
      break;
    case 'rate_limited':
      start_cooldown(res.retry_after && res.retry_after > 0 ? res.retry_after : 10);
      break;
    case 'invalid_ballot':
      show_problem(`选票内容不符合规则，没有计入${server_says}。请重新选择后提交。`);
      break;
    case 'no_session':
      show_problem('登录已失效，选票没有计入。请重新登录后再投。', { label: '重新登录', run: () => location.reload() });
      break;
    case 'csrf':
      show_problem('页面已过期，选票没有计入。请刷新页面后再投。', { label: '刷新页面', run: () => location.reload() });
      break;
    default:
      show_problem(`提交没有成功${server_says}，选票没有计入。`);
  }
}

function on_submit(event) {
  event.preventDefault();
  if (page.busy || !can_vote()) return;
  const picks = chosen();
  if (count_of(picks) === 0) {
    show_problem(satisfaction() ? '请至少评价一个单位。' : '请至少选择一个单位。');
    return;
  }
  submit(satisfaction() ? { ratings: picks } : { units: picks });
}

async function load() {
  let campaign;
  try {
    [campaign] = await Promise.all([request('GET', api), reload_me()]);
  } catch {
    campaign = null;
  }
  if (!campaign || !campaign.ok || !campaign.data) {
    $('loading').textContent = campaign && campaign.status === 404
      ? '没有找到这项评议，请检查链接是否正确。'
      : '加载失败，请检查网络后下拉刷新或重新打开本页面。';
    $('loading').setAttribute('role', 'alert');
    render_privacy('');
    return;
  }
  page.campaign = campaign.data;
  page.campaign.units = page.campaign.units || [];
  $('loading').hidden = true;
  $('campaign').hidden = false;
  render_header();
  render_units();
  // Not needed to vote: fetched once the ballot form is on screen.
  setTimeout(() => show_suggestions(api, page.campaign, page.campaign.state === 'open' && page.signed_in), 0);
}

init_large_text();
$('units').addEventListener('change', update_picked);
$('ballot').addEventListener('submit', on_submit);
load();
