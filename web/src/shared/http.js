// Thin fetch wrapper shared by every page: JSON in and out, the CSRF header
// from the pingyi_csrf cookie on writes, and the contract's error shape.

export function cookie(name) {
  for (const part of document.cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return '';
}

// Resolves with {status, ok, data, error, retry_after} for every HTTP answer;
// rejects only when no answer arrived (network failure), which callers retry.
export async function request(method, path, { body, headers = {} } = {}) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json', ...headers } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (method !== 'GET' && !init.headers['X-CSRF-Token']) {
    const csrf = cookie('pingyi_csrf');
    if (csrf) init.headers['X-CSRF-Token'] = csrf;
  }
  const res = await fetch(path, init);
  // A body cut off in transit rejects here, like a request that got no answer.
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  const error = !res.ok && data && data.error ? data.error : (res.ok ? null : { code: `http_${res.status}`, message: '' });
  const retry_after = Number.parseInt(res.headers.get('Retry-After') || '', 10);
  return { status: res.status, ok: res.ok, data, error, retry_after: Number.isFinite(retry_after) ? retry_after : null };
}

export function escape_html(text) {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

export function format_time(rfc3339) {
  const d = new Date(rfc3339);
  if (Number.isNaN(d.getTime())) return String(rfc3339 ?? '');
  // Shown in Asia/Shanghai time whatever the phone's zone; computed by hand
  // because old in-app browsers lack Intl time-zone data.
  const s = new Date(d.getTime() + 8 * 3600 * 1000);
  const two = (n) => String(n).padStart(2, '0');
  return `${s.getUTCFullYear()}年${s.getUTCMonth() + 1}月${s.getUTCDate()}日 ${two(s.getUTCHours())}:${two(s.getUTCMinutes())}`;
}

export const state_names = { upcoming: '未开始', open: '投票中', closed: '已结束' };
