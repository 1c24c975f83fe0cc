// /admin/login: staff sign in; the server sets the pingyi_staff and pingyi_csrf
// cookies. An account with two-step verification is asked for the code (or a
// recovery code) when the server answers totp_required; a session that must
// first enrol it or change the password goes to /admin/security.
import { request } from '../shared/http.js';
import { init_large_text } from '../shared/large_text.js';

const $ = (id) => document.getElementById(id);
const form = $('login');
const message = $('message');
let use_recovery = false;

function show_second_step() {
  $('second-step').hidden = false;
  $('totp-step').hidden = use_recovery;
  $('recovery-step').hidden = !use_recovery;
  $(use_recovery ? 'recovery' : 'totp').focus();
}

function second_step(body) {
  if ($('second-step').hidden) return body;
  if (use_recovery) return { ...body, recovery_code: $('recovery').value.trim() };
  return { ...body, totp: $('totp').value.replace(/\s+/g, '') };
}

function refused(res) {
  const code = res.error && res.error.code;
  if (code === 'totp_required') {
    show_second_step();
    return '请输入两步验证码。';
  }
  if (code === 'totp_invalid') {
    $(use_recovery ? 'recovery' : 'totp').value = '';
    show_second_step();
    return use_recovery ? '恢复码不正确或已用过。' : '验证码不正确，请输入验证器上当前显示的数字。';
  }
  if (res.status === 401) return '用户名或密码不正确。';
  if (res.status === 429) return '尝试次数过多，请稍后再试。';
  return (res.error && res.error.message) || '登录失败，请稍后再试。';
}

for (const [id, recovery] of [['use-recovery', true], ['use-totp', false]]) {
  $(id).addEventListener('click', () => {
    use_recovery = recovery;
    show_second_step();
  });
}

// Only same-site paths, so a crafted link cannot send staff elsewhere after
// login. Auditors have one page: the audit trail.
function next_page(role) {
  const next = new URLSearchParams(location.search).get('next') || '';
  if (/^\/(?!\/)/.test(next)) return next;
  return role === 'auditor' ? '/admin/audit' : '/admin';
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  message.textContent = '';
  const body = second_step({ username: form.username.value.trim(), password: form.password.value });
  let res;
  try {
    res = await request('POST', '/admin/login', { body });
  } catch {
    message.textContent = '网络连接失败，请重试。';
    return;
  }
  if (!res.ok) message.textContent = refused(res);
  else if (res.data && res.data.restricted) location.href = '/admin/security';
  else location.href = next_page(res.data && res.data.role);
});

init_large_text();
