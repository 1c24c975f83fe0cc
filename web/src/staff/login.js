// /admin/login: staff sign in; the server sets the pingyi_staff and pingyi_csrf cookies.
import { request } from '../shared/http.js';
import { init_large_text } from '../shared/large_text.js';

const form = document.getElementById('login');
const message = document.getElementById('message');

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
  const body = { username: form.username.value.trim(), password: form.password.value };
  let res;
  try {
    res = await request('POST', '/admin/login', { body });
  } catch {
    message.textContent = '网络连接失败，请重试。';
    return;
  }
  if (res.ok) location.href = next_page(res.data && res.data.role);
  else if (res.status === 401) message.textContent = '用户名或密码不正确。';
  else if (res.status === 429) message.textContent = '尝试次数过多，请稍后再试。';
  else message.textContent = (res.error && res.error.message) || '登录失败，请稍后再试。';
});

init_large_text();
