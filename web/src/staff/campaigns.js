// /admin: the campaign list (a county's staff see their organizer's only);
// for admins, opening and closing a campaign now, and the form that creates
// a campaign or edits one, under an organizer they may pick.
import { escape_html, format_time, state_names } from '../shared/http.js';
import { init_large_text } from '../shared/large_text.js';
import { csv_from_units, units_from_csv } from './csv.js';
import { load_role, staff_request, to_login } from './common.js';

const $ = (id) => document.getElementById(id);
const api = (cid) => `/api/v1/campaigns/${encodeURIComponent(cid)}`;
const form = $('campaign-form');
let admin = false;
let campaigns = [];
// The organizers this staff member may put a campaign under ({id, name}; id
// '' is the city level): a county's staff get their own only.
let organizers = [];
// The campaign being edited as the server sent it (null: the form creates one).
let editing = null;

function actions_html(c) {
  const id = encodeURIComponent(c.id);
  const links = `<a href="/admin/dashboard?c=${id}">实时看板</a><a href="/screen/${id}">大屏</a><a href="/h5/c/${id}">投票页</a><a href="/admin/suggestions?c=${id}">建议与整改</a><a href="/admin/units?c=${id}">指标与自评</a>`;
  if (!admin) return links;
  // The row's title makes each button's name unique for screen readers.
  const button = (action, label, kind = 'secondary') => `<button type="button" class="${kind}" data-action="${action}" data-id="${escape_html(c.id)}">${label}<span class="visually-hidden">：${escape_html(c.title)}</span></button>`;
  return links + button('edit', '编辑')
    + (c.state === 'upcoming' ? button('open', '开始投票') : '')
    + (c.state !== 'closed' ? button('close', '结束投票', 'danger') : '');
}

// An organizer by id; one the list lacks (the configuration no longer has it) by its id.
const organizer_of = (id) => organizers.find((o) => o.id === id) || { id, name: id || '市级' };

function render_list() {
  $('campaigns').innerHTML = campaigns.map((c) => `<tr><td>${escape_html(c.id)}</td><td>${escape_html(c.title)}</td><td>${escape_html(c.organizer || '')}</td>
      <td>${escape_html(organizer_of(c.organizer_id || '').name)}</td><td>${escape_html(format_time(c.opens_at))}</td><td>${escape_html(format_time(c.closes_at))}</td>
      <td>${escape_html(state_names[c.state] || c.state || '')}</td>
      <td><div class="actions">${actions_html(c)}</div></td></tr>`).join('');
}

// A campaign as a write answered it: its row shows that at once, whichever
// worker (with its own cache, a second old at most) answers the next listing.
function show_campaign(c) {
  const i = campaigns.findIndex((x) => x.id === c.id);
  if (i >= 0) campaigns[i] = c;
  render_list();
}

async function load_organizers() {
  const res = await staff_request('GET', '/api/v1/organizers').catch(() => null);
  organizers = (res && res.ok && res.data && res.data.organizers) || [];
}

// The organizer choices, with `current` among them even when the
// configuration no longer has it; fixed when there is nothing to choose.
function fill_organizers(current) {
  const select = form.organizer_id;
  const choices = organizers.some((o) => o.id === current) ? organizers : [...organizers, organizer_of(current)];
  select.innerHTML = choices.map((o) => `<option value="${escape_html(o.id)}">${escape_html(o.name)}</option>`).join('');
  select.value = current;
  select.disabled = choices.length <= 1;
}

async function load_list() {
  let res;
  try {
    res = await staff_request('GET', '/api/v1/campaigns');
  } catch {
    $('list-status').textContent = '网络连接失败，请刷新页面。';
    return;
  }
  campaigns = (res.ok && res.data && res.data.campaigns) || [];
  if (!campaigns.length) $('list-status').textContent = '还没有评议活动。';
  render_list();
}

// Buttons are redrawn with the list: focus goes back to the row's edit button.
function focus_row(cid) {
  const edit = [...$('campaigns').querySelectorAll('button[data-action="edit"]')].find((b) => b.dataset.id === cid);
  if (edit) edit.focus();
}

const failure = (res) => (res ? (res.error && res.error.message) || `服务器返回 ${res.status}` : '网络连接失败');

// Open now (upcoming → open) or close now (upcoming or open → closed), after asking.
async function open_or_close(action, cid) {
  const c = campaigns.find((x) => x.id === cid);
  const question = action === 'open'
    ? `现在开始“${c.title}”的投票吗？开始后，开始时间、投票规则和评议单位编号不能再修改。`
    : `现在结束“${c.title}”的投票吗？结束后不再接受选票${c.state === 'upcoming' ? '（这项评议还没有开始，将不会收到任何选票）' : ''}。`;
  if (!window.confirm(question)) return;
  const verb = action === 'open' ? '开始投票' : '结束投票';
  const res = await staff_request('POST', `${api(cid)}/${action}`).catch(() => null);
  if (res && res.ok && res.data) {
    $('list-status').textContent = `“${c.title}”已${verb}。`;
    show_campaign(res.data);
  } else {
    $('list-status').textContent = `未能${verb}：${failure(res)}`;
  }
  focus_row(cid);
}

// datetime-local has no zone; the office works in Beijing time.
const beijing = (value) => `${value.length === 16 ? `${value}:00` : value}+08:00`;
const beijing_local = (rfc3339) => new Date(new Date(rfc3339).getTime() + 8 * 3600 * 1000).toISOString().slice(0, 16);

// A time field left as loaded sends the stored time exactly (it may have
// seconds), so that an edit of an open campaign does not touch opens_at.
function time_value(input) {
  return input.dataset.loaded && input.value === beijing_local(input.dataset.loaded) ? input.dataset.loaded : beijing(input.value);
}

// The form's fields over the campaign being edited: what the form does not
// show (WeChat settings, weights, grades, electorates) goes back unchanged.
function campaign_body() {
  const { state, ...base } = editing || {};
  const known = new Map((base.units || []).map((u) => [u.id, u]));
  return {
    ...base,
    id: form.id.value.trim(),
    title: form.title.value.trim(),
    organizer: form.organizer.value.trim(),
    organizer_id: form.organizer_id.value,
    opens_at: time_value(form.opens_at),
    closes_at: time_value(form.closes_at),
    units: units_from_csv(form.units.value).map((u) => ({ ...known.get(u.id), ...u })),
    rules: {
      ...base.rules,
      per_day: Number(form.per_day.value),
      per_unit_per_day: Number(form.per_unit_per_day.value),
      max_choices: Number(form.max_choices.value),
    },
    scoring: { ...base.scoring, public_method: form.public_method.value },
    privacy: { ...base.privacy, retention_days: Number(form.retention_days.value) },
  };
}

function say(text, ok = false) {
  const message = $('form-message');
  message.textContent = text;
  message.classList.toggle('message_ok', ok);
}

// What an open campaign keeps (the server refuses changes to them, 409 campaign_locked).
const locked_once_open = ['opens_at', 'per_day', 'per_unit_per_day', 'max_choices'];

function set_mode(campaign) {
  editing = campaign;
  form.reset();
  for (const input of [form.opens_at, form.closes_at]) delete input.dataset.loaded;
  const started = Boolean(campaign) && campaign.state !== 'upcoming';
  for (const name of locked_once_open) form[name].disabled = started;
  form.id.readOnly = Boolean(campaign);
  $('form-title').textContent = campaign ? `编辑评议：${campaign.title}` : '新建评议';
  $('form-submit').textContent = campaign ? '保存修改' : '创建评议';
  $('form-cancel').hidden = !campaign;
  $('form-note').hidden = !started;
  $('form-note').textContent = started
    ? '投票已经开始：开始时间、投票规则和评议单位编号不能再修改；名称、主办单位、单位名称与公示内容、截止时间、个人信息保存天数和计分方式仍可修改。'
    : '';
  fill_organizers(campaign ? campaign.organizer_id || '' : (organizers[0] || { id: '' }).id);
  if (!campaign) return;
  form.id.value = campaign.id;
  form.title.value = campaign.title;
  form.organizer.value = campaign.organizer || '';
  for (const input of [form.opens_at, form.closes_at]) {
    input.dataset.loaded = campaign[input.name];
    input.value = beijing_local(campaign[input.name]);
  }
  const rules = campaign.rules || {};
  for (const name of ['per_day', 'per_unit_per_day', 'max_choices']) form[name].value = rules[name];
  form.public_method.value = (campaign.scoring && campaign.scoring.public_method) || 'max';
  form.retention_days.value = (campaign.privacy && campaign.privacy.retention_days) || 180;
  form.units.value = csv_from_units(campaign.units || []);
}

async function start_edit(cid) {
  const res = await staff_request('GET', api(cid)).catch(() => null);
  if (!res || !res.ok || !res.data) {
    $('list-status').textContent = `未能读取评议：${failure(res)}`;
    return;
  }
  set_mode(res.data);
  say('');
  $('form-title').focus();
}

function stop_edit() {
  const cid = editing && editing.id;
  set_mode(null);
  say('');
  if (cid) focus_row(cid);
}

async function on_submit(event) {
  event.preventDefault();
  const body = campaign_body();
  if (!body.units.length) {
    say('请填写至少一个评议单位。');
    return;
  }
  const edit = Boolean(editing);
  say(edit ? '正在保存…' : '正在创建…', true);
  const res = await staff_request(edit ? 'PUT' : 'POST', edit ? api(editing.id) : '/api/v1/campaigns', { body }).catch(() => null);
  if (res && res.ok) {
    set_mode(null);
    say(edit ? `已保存对评议“${body.title}”的修改。` : `已创建评议“${body.title}”。`, true);
    if (edit && res.data) show_campaign(res.data);
    else load_list();
  } else if (!edit && res && res.status === 409) say('该编号已被使用，请换一个编号。');
  else if (res && res.status === 403 && res.error.code === 'organizer_forbidden') say(res.error.message);
  else if (res && res.status === 403) say('没有权限或页面已过期，请重新登录。');
  else say(`${edit ? '保存' : '创建'}失败：${failure(res)}`);
}

// Excel saves "CSV" in GBK on Chinese Windows and "CSV UTF-8" with a BOM; accept both.
async function on_file(event) {
  const file = event.target.files[0];
  if (!file) return;
  const bytes = await file.arrayBuffer();
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder('gbk').decode(bytes);
  }
  $('c-units').value = text;
}

$('campaigns').addEventListener('click', (event) => {
  const button = event.target.closest('button[data-action]');
  if (!button) return;
  const { action, id } = button.dataset;
  if (action === 'edit') start_edit(id);
  else open_or_close(action, id);
});
form.addEventListener('submit', on_submit);
$('form-cancel').addEventListener('click', stop_edit);
$('c-units-file').addEventListener('change', on_file);
$('logout').addEventListener('click', async () => {
  await staff_request('POST', '/admin/logout').catch(() => null);
  to_login();
});
init_large_text();
Promise.all([load_role().catch(() => false), load_organizers()]).then(([is_admin]) => {
  admin = is_admin;
  set_mode(null);
  load_list();
});
