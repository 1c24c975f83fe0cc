// What the staff pages share: session handling, the campaign id in the URL,
// and live updates over server-sent events.
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
