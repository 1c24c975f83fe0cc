// Sets a unit's status: present, absent (Art. 14) or fraud (Art. 15); the
// latter two need a reason, which the server audit-logs.
import { escape_html } from '../shared/http.js';
import { staff_request } from './common.js';

const $ = (id) => document.getElementById(id);

export function fill_units(select, units) {
  select.innerHTML = units.map((u) => `<option value="${escape_html(u.id)}">${escape_html(u.name)}</option>`).join('');
}

export async function save_status(api, on_change) {
  const uid = $('status-unit').value;
  const status = $('status-value').value;
  const reason = $('status-reason').value.trim();
  if (status !== 'present' && !reason) {
    $('status-message').className = 'message';
    $('status-message').textContent = '设为缺席评议或弄虚作假时必须写明原因。';
    $('status-reason').focus();
    return;
  }
  const body = reason ? { status, reason } : { status };
  const res = await staff_request('PUT', `${api}/units/${encodeURIComponent(uid)}/status`, { body }).catch(() => null);
  if (!res || !res.ok) {
    $('status-message').className = 'message';
    $('status-message').textContent = `未能保存：${(res && res.error && res.error.message) || '网络连接失败'}`;
    return;
  }
  $('status-message').className = 'message message_ok';
  $('status-message').textContent = `已保存：${$('status-unit').selectedOptions[0].textContent} → ${$('status-value').selectedOptions[0].textContent}。`;
  $('status-reason').value = '';
  await on_change();
}
