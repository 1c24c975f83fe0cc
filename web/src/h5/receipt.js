// /h5/receipt/<receipt>?c=<cid>: tells a voter whether their ballot is in the log.
import { escape_html, format_time, request } from '../shared/http.js';
import { init_large_text } from '../shared/large_text.js';
import { render_privacy } from './common.js';

const receipt = decodeURIComponent(location.pathname.replace(/\/+$/, '').split('/').pop());
const cid = new URLSearchParams(location.search).get('c') || '';

function show(html) {
  document.getElementById('result').innerHTML = html;
}

async function load() {
  if (!cid) {
    show('<p class="problem">链接不完整（缺少评议编号），无法核查。</p>');
    return;
  }
  const base = `/api/v1/campaigns/${encodeURIComponent(cid)}`;
  document.getElementById('back').href = `/h5/c/${encodeURIComponent(cid)}`;
  let found;
  let campaign;
  let digest;
  try {
    [found, campaign, digest] = await Promise.all([
      request('GET', `${base}/receipts/${encodeURIComponent(receipt)}`),
      request('GET', base),
      request('GET', `${base}/audit-log/digest`),
    ]);
  } catch {
    show('<p class="problem">网络连接失败，请稍后刷新页面重试。</p>');
    return;
  }
  if (digest.ok && digest.data) {
    document.getElementById('digest').innerHTML = `目前日志共 ${escape_html(digest.data.count)} 条，最后一条的校验值为 <code>${escape_html(digest.data.head)}</code>。`;
  }
  const units = campaign.ok && campaign.data ? campaign.data.units || [] : [];
  render_privacy(campaign.ok && campaign.data ? campaign.data.organizer : '');
  const name = (id) => (units.find((u) => u.id === id) || { name: id }).name;
  if (found.status === 404) {
    show(`<div class="problem"><p class="problem__text">没有找到回执 <strong>${escape_html(receipt)}</strong> 对应的选票。</p>
      <p class="problem__text">请核对回执编号；如确认已投票成功却查不到，请联系主办单位。</p></div>`);
    return;
  }
  if (!found.ok || !found.data) {
    show('<p class="problem">暂时无法核查，请稍后刷新页面重试。</p>');
    return;
  }
  const r = found.data;
  // The log names units as "u1", or "u1:满意" in satisfaction mode.
  const voted = (r.units || []).map((item) => {
    const colon = item.indexOf(':');
    return colon < 0 ? name(item) : `${name(item.slice(0, colon))}（${item.slice(colon + 1)}）`;
  }).join('、');
  show(`<div class="receipt">
    <h2 class="receipt__title">您的选票已记录在投票日志中</h2>
    <p class="receipt__label">回执编号</p><p class="receipt__code">${escape_html(r.receipt)}</p>
    <p>投票时间：${escape_html(format_time(r.time !== undefined ? r.time : r.time_ms))}</p>
    <p>所投单位：${escape_html(voted)}</p>
    <p>日志序号：第 ${escape_html(r.seq)} 条</p>
    <p class="receipt__label">记录校验值（可与公开的投票日志比对）：</p>
    <p class="receipt__code">${r.hash ? escape_html(r.hash) : '（暂无）'}</p>
  </div>`);
}

init_large_text();
load();
