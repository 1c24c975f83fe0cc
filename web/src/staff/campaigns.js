// /admin: the campaign list and the form that creates a campaign.
import { escape_html, format_time, state_names } from '../shared/http.js';
import { units_from_csv } from './csv.js';
import { staff_request, to_login } from './common.js';

const $ = (id) => document.getElementById(id);

async function load_list() {
  let res;
  try {
    res = await staff_request('GET', '/api/v1/campaigns');
  } catch {
    $('list-status').textContent = '网络连接失败，请刷新页面。';
    return;
  }
  const campaigns = (res.ok && res.data && res.data.campaigns) || [];
  $('list-status').textContent = campaigns.length ? '' : '还没有评议活动。';
  $('campaigns').innerHTML = campaigns.map((c) => {
    const id = encodeURIComponent(c.id);
    return `<tr><td>${escape_html(c.id)}</td><td>${escape_html(c.title)}</td><td>${escape_html(c.organizer || '')}</td>
      <td>${escape_html(format_time(c.opens_at))}</td><td>${escape_html(format_time(c.closes_at))}</td>
      <td>${escape_html(state_names[c.state] || c.state || '')}</td>
      <td><a href="/admin/dashboard?c=${id}">实时看板</a> · <a href="/screen/${id}">大屏</a> · <a href="/h5/c/${id}">投票页</a></td></tr>`;
  }).join('');
}

// datetime-local has no zone; the office works in Beijing time.
const beijing = (value) => `${value.length === 16 ? `${value}:00` : value}+08:00`;

function campaign_body(form) {
  const units = units_from_csv(form.units.value);
  return {
    id: form.id.value.trim(),
    title: form.title.value.trim(),
    organizer: form.organizer.value.trim(),
    opens_at: beijing(form.opens_at.value),
    closes_at: beijing(form.closes_at.value),
    units,
    rules: {
      per_day: Number(form.per_day.value),
      per_unit_per_day: Number(form.per_unit_per_day.value),
      max_choices: Number(form.max_choices.value),
    },
    scoring: { public_method: form.public_method.value },
  };
}

function say(text, ok = false) {
  const message = $('create-message');
  message.textContent = text;
  message.classList.toggle('message_ok', ok);
}

async function on_create(event) {
  event.preventDefault();
  const form = event.target;
  const body = campaign_body(form);
  if (!body.units.length) {
    say('请填写至少一个评议单位。');
    return;
  }
  say('正在创建…', true);
  let res;
  try {
    res = await staff_request('POST', '/api/v1/campaigns', { body });
  } catch {
    say('网络连接失败，请重试。');
    return;
  }
  if (res.status === 201) {
    say(`已创建评议“${body.title}”。`, true);
    form.reset();
    load_list();
  } else if (res.status === 409) say('该编号已被使用，请换一个编号。');
  else if (res.status === 403) say('没有权限或页面已过期，请重新登录。');
  else say(`创建失败：${(res.error && res.error.message) || res.status}`);
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

$('create').addEventListener('submit', on_create);
$('c-units-file').addEventListener('change', on_file);
$('logout').addEventListener('click', async () => {
  await staff_request('POST', '/admin/logout').catch(() => null);
  to_login();
});
load_list();
