// /h5/privacy[?c=<cid>]: the privacy notice (个人信息保护法). The page reads
// without script; this fills in the operator's settings (how long addresses
// are kept, whom to contact) and, for a campaign, when its voters' personal
// data is deleted.
import { escape_html, format_time, request } from '../shared/http.js';
import { init_large_text } from '../shared/large_text.js';

const cid = new URLSearchParams(location.search).get('c') || '';
const $ = (id) => document.getElementById(id);

// 604800 s → "7 天", 7200 s → "2 小时", 90 s → "2 分钟".
function duration(seconds) {
  if (seconds >= 86400) return `${Math.ceil(seconds / 86400)} 天`;
  if (seconds >= 3600) return `${Math.ceil(seconds / 3600)} 小时`;
  return `${Math.max(1, Math.ceil(seconds / 60))} 分钟`;
}

function show(notice) {
  $('window').textContent = duration(notice.anomaly_window_s);
  const c = notice.campaign;
  $('retention').textContent = `${c ? c.retention_days : notice.retention_days} 天`;
  const organizer = c && c.organizer ? `（${escape_html(c.organizer)}）` : '';
  if (notice.contact) {
    $('contact').innerHTML = `对个人信息处理有疑问，或要行使上面的权利，请联系：<strong>${escape_html(notice.contact)}</strong>`;
  } else {
    $('contact').innerHTML = `对个人信息处理有疑问，请联系本次评议的主办单位${organizer}。`
      + '（运营方尚未填写联系方式：请在配置文件中设置 privacy_contact。）';
  }
  if (!c) return;
  $('scope').innerHTML = `本说明适用于：<strong>${escape_html(c.title)}</strong>${c.organizer ? `，主办单位：${escape_html(c.organizer)}` : ''}。`;
  $('delete-after').textContent = c.purged_at
    ? `（本次评议已于 ${format_time(c.purged_at)} 删除）`
    : `（本次评议：${format_time(c.delete_after)} 后删除）`;
  $('back').href = `/h5/c/${encodeURIComponent(c.id)}`;
  $('back-line').hidden = false;
}

async function load() {
  const path = cid ? `/api/v1/privacy?campaign=${encodeURIComponent(cid)}` : '/api/v1/privacy';
  let res;
  try {
    res = await request('GET', path);
    // An unknown campaign: the general notice still applies.
    if (res.status === 404 && cid) res = await request('GET', '/api/v1/privacy');
  } catch {
    return; // the page's text stands without the settings
  }
  if (res.ok && res.data) show(res.data);
}

init_large_text();
load();
