// /admin/security: the staff member's own sign-in security. Two-step
// verification: set up (QR code and secret), confirmed with a code, which
// shows the recovery codes once; turned off again by viewers (admins must
// keep it). The password change. A session the server restricts (a first
// admin login without TOTP, a bootstrap password to replace) lands here and
// is told what to do first.
import { init_large_text } from '../shared/large_text.js';
import { staff_request, to_login } from './common.js';
import { qr_svg } from './qr.js';

const $ = (id) => document.getElementById(id);

const role_names = { admin: '管理员', auditor: '审计员', viewer: '只读' };
const restriction_texts = {
  password_change_required: '这是初始密码，请先在下方修改密码，然后才能进行其他操作。',
  totp_enrolment_required: '管理员须先开启两步验证，然后才能进行其他操作。请按下面的步骤设置。',
};

let state = null;

function say(id, text, ok = false) {
  $(id).textContent = text;
  $(id).classList.toggle('message_ok', ok);
}

const error_text = (res, fallback) => (res.error && res.error.message) || fallback;

function render() {
  const { totp, restricted } = state;
  $('who').textContent = `${state.user}（${role_names[state.role] || state.role}）`;
  $('restricted').hidden = !restricted;
  $('restricted').textContent = restriction_texts[restricted] || '';
  $('home').hidden = Boolean(restricted);
  $('home').href = state.role === 'auditor' ? '/admin/audit' : '/admin';
  if (totp.active) $('totp-status').textContent = `已开启。剩余恢复码 ${totp.recovery_codes_left} 个。`;
  else $('totp-status').textContent = totp.required ? '未开启：管理员必须开启。' : '未开启（可选）。';
  $('setup').textContent = totp.active ? '更换验证器' : '设置两步验证';
  $('setup-password-field').hidden = !totp.active;
  $('disable-form').hidden = !totp.active || totp.required;
}

// The secret in groups of four, as the apps' manual entry shows it.
const grouped = (secret) => secret.replace(/(.{4})(?=.)/g, '$1 ');

// The answer's data when the request succeeded; else null, and why is said
// in the form's message.
async function send(method, path, body, message_id, failure) {
  say(message_id, '');
  const res = await staff_request(method, path, { body }).catch(() => null);
  if (!res) say(message_id, '网络连接失败，请重试。');
  else if (!res.ok) say(message_id, error_text(res, failure));
  return res && res.ok ? res.data : null;
}

async function load() {
  const data = await send('GET', '/api/v1/admin/security', undefined, 'setup-message', '读取账号信息失败，请刷新页面。');
  if (!data) return;
  state = data;
  render();
}

async function on_setup(event) {
  event.preventDefault();
  const body = state && state.totp.active ? { password: $('setup-password').value } : {};
  const data = await send('POST', '/api/v1/admin/totp/setup', body, 'setup-message', '设置失败，请稍后再试。');
  if (!data) return;
  $('setup-password').value = '';
  $('qr').innerHTML = qr_svg(data.otpauth_uri);
  $('secret').textContent = grouped(data.secret);
  $('recovery').hidden = true;
  $('enrol').hidden = false;
  $('code').value = '';
  say('confirm-message', '');
  $('code').focus();
}

async function on_confirm(event) {
  event.preventDefault();
  const body = { code: $('code').value.replace(/\s+/g, '') };
  const data = await send('POST', '/api/v1/admin/totp/confirm', body, 'confirm-message', '确认失败，请稍后再试。');
  if (!data) return;
  $('enrol').hidden = true;
  $('qr').innerHTML = '';
  $('secret').textContent = '';
  $('recovery-codes').replaceChildren(...data.recovery_codes.map((c) => {
    const item = document.createElement('li');
    item.textContent = c;
    return item;
  }));
  $('recovery').hidden = false;
  await load();
  say('setup-message', '两步验证已开启。', true);
}

async function on_disable(event) {
  event.preventDefault();
  const body = { password: $('disable-password').value };
  const data = await send('DELETE', '/api/v1/admin/totp', body, 'disable-message', '关闭失败，请稍后再试。');
  if (!data) return;
  $('disable-password').value = '';
  $('recovery').hidden = true;
  await load();
  say('setup-message', '两步验证已关闭。', true);
}

async function on_password(event) {
  event.preventDefault();
  if ($('new-password').value !== $('repeat-password').value) {
    say('password-message', '两次输入的新密码不一致。');
    return;
  }
  const body = { current: $('current-password').value, new: $('new-password').value };
  const data = await send('POST', '/api/v1/admin/password', body, 'password-message', '修改失败，请稍后再试。');
  if (!data) return;
  $('password-form').reset();
  say('password-message', '密码已修改。', true);
  await load();
}

$('setup-form').addEventListener('submit', on_setup);
$('confirm-form').addEventListener('submit', on_confirm);
$('disable-form').addEventListener('submit', on_disable);
$('password-form').addEventListener('submit', on_password);
$('logout').addEventListener('click', async () => {
  await staff_request('POST', '/admin/logout').catch(() => null);
  to_login();
});
init_large_text();
load();
