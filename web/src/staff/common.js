// What the staff pages share: session handling and the role, the campaign id
// in the URL, and live updates over server-sent events.
import { request } from '../shared/http.js';

export function to_login() {
  location.href = `/admin/login?next=${encodeURIComponent(location.pathname + location.search)}`;
}

// A request on behalf of staff; no session sends them to the login page.
export async function staff_request(method, path, options) {
  const res = await request(method, path, options);
  if (res.status === 401) to_login();
  return res;
}

// Whether the signed-in staff member is an admin: write controls (class
// admin-only) are shown to admins only; viewers (and unknown roles) read.
// The header names them and their organizer, whose pages these are; what
// only the city level reaches (class city-only) is hidden from a county's staff.
export async function load_role() {
  const res = await staff_request('GET', '/api/v1/admin/me');
  const me = res.ok && res.data ? res.data : null;
  const admin = Boolean(me && me.role === 'admin');
  const organizer = (me && me.organizer) || { id: '', name: '' };
  if (me) document.getElementById('who').textContent = `${organizer.name ? `${organizer.name} · ` : ''}${me.user}（${admin ? '管理员' : '只读'}）`;
  for (const el of document.querySelectorAll('.admin-only')) el.hidden = !admin;
  if (organizer.id) for (const el of document.querySelectorAll('.city-only')) el.hidden = true;
  return admin;
}

// The campaign id: ?c=<cid>, else the last path segment (/screen/<cid>).
export function campaign_id() {
  const q = new URLSearchParams(location.search).get('c');
  return q || decodeURIComponent(location.pathname.replace(/\/+$/, '').split('/').pop());
}

// handlers: {event name: function of the message's JSON}; the browser reconnects by itself.
export function live(path, handlers, status_el) {
  const source = new EventSource(path, { withCredentials: true });
  source.addEventListener('open', () => {
    status_el.textContent = '实时更新中';
    status_el.className = 'live live_on';
  });
  source.addEventListener('error', () => {
    status_el.textContent = '连接中断，正在重连…';
    status_el.className = 'live live_off';
  });
  for (const [event, on_data] of Object.entries(handlers)) {
    source.addEventListener(event, (message) => {
      let data;
      try {
        data = JSON.parse(message.data);
      } catch {
        return; // a malformed frame is skipped; the next one replaces it
      }
      on_data(data);
    });
  }
  return source;
}
