// /h5/: the campaigns a voter can open.
import { escape_html, format_time, request, state_names } from '../shared/http.js';
import { init_large_text } from '../shared/large_text.js';
import { render_privacy } from './common.js';

async function load() {
  const status = document.getElementById('status');
  let res;
  try {
    res = await request('GET', '/api/v1/campaigns');
  } catch {
    res = null;
  }
  if (!res || !res.ok || !res.data) {
    status.textContent = '加载失败，请检查网络后刷新页面。';
    return;
  }
  const campaigns = res.data.campaigns || [];
  // Open ones first, then upcoming; closed ones stay listed for their receipts.
  const order = { open: 0, upcoming: 1, closed: 2 };
  campaigns.sort((a, b) => (order[a.state] ?? 3) - (order[b.state] ?? 3));
  status.textContent = campaigns.length ? '' : '目前没有正在进行的评议。';
  status.hidden = campaigns.length > 0;
  document.getElementById('campaigns').innerHTML = campaigns.map((c) => `
    <li><a class="weui-cell weui-cell_access" href="/h5/c/${encodeURIComponent(c.id)}">
      <span class="weui-cell__bd"><span class="unit__name">${escape_html(c.title)}</span><br>
        <span class="page-meta">${escape_html(c.organizer || '')} 截止 ${escape_html(format_time(c.closes_at))}</span></span>
      <span class="state">${escape_html(state_names[c.state] || c.state || '')}</span>
    </a></li>`).join('');
}

init_large_text();
render_privacy('');
load();
