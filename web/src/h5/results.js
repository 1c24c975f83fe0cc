// The public results, /h5/results/<cid>: once published, every unit's panel,
// public and peer components, total, grade and rank (Art. 11); absent units
// are listed as 缺席评议 (Art. 14), cheating ones graded 较差 unranked (Art. 15).
import { escape_html, request } from '../shared/http.js';
import { init_large_text } from '../shared/large_text.js';
import { render_privacy } from './common.js';

const cid = decodeURIComponent(location.pathname.replace(/\/+$/, '').split('/').pop());
const api = `/api/v1/campaigns/${encodeURIComponent(cid)}`;
const $ = (id) => document.getElementById(id);

// Scores come as JSON numbers (92.5 for 92.50): shown with their two decimals.
const score = (v) => (v === null || v === undefined ? '—' : Number(v).toFixed(2));

function status_text(text) {
  $('status').innerHTML = `<p class="state-note">${escape_html(text)}</p>`;
}

function standing(u) {
  if (u.status === 'absent') return '<span class="badge badge_note">缺席评议</span>';
  if (u.status === 'fraud') return '<span class="badge badge_warn">弄虚作假，不参与排名</span>';
  if (u.rank === null || u.rank === undefined) return '<span class="badge badge_note">不参与排名</span>';
  return `<span class="result__rank">第 ${escape_html(u.rank)} 名</span>`;
}

function unit_html(u) {
  const grade = u.status === 'absent' ? '缺席评议' : (u.grade || '—');
  const notes = (u.warnings || []).map((w) => escape_html(w.message || w)).join('；');
  return `<li class="result">
    <h3 class="result__name">${escape_html(u.name || u.id)}</h3>
    <p class="result__standing">${standing(u)}</p>
    <dl class="result__scores">
      <div><dt>评议团评分</dt><dd>${score(u.panel)}</dd></div>
      <div><dt>网络评议得分</dt><dd>${score(u.public)}</dd></div>
      <div><dt>单位互评评分</dt><dd>${score(u.peer)}</dd></div>
      <div><dt>总分</dt><dd class="result__total">${score(u.total)}</dd></div>
      <div><dt>等次</dt><dd>${escape_html(grade)}</dd></div>
    </dl>${notes ? `<p class="result__notes">说明：${notes}</p>` : ''}
  </li>`;
}

// Ranked units in rank order, then the others (incomplete, fraud, absent).
function ordered(units) {
  const group = (u) => (u.rank !== null && u.rank !== undefined ? 0 : { present: 1, fraud: 2, absent: 3 }[u.status] || 1);
  return units.slice().sort((a, b) => group(a) - group(b) || (a.rank || 0) - (b.rank || 0));
}

async function load() {
  $('csv').href = `${api}/results.csv`;
  $('report').href = `${api}/report`;
  let results;
  let campaign;
  try {
    [results, campaign] = await Promise.all([request('GET', `${api}/results`), request('GET', api)]);
  } catch {
    status_text('网络连接失败，请稍后刷新页面重试。');
    return;
  }
  const c = campaign.ok && campaign.data ? campaign.data : null;
  render_privacy(c ? c.organizer : '');
  if (c) {
    document.title = `${c.title} - 评议结果`;
    $('title').textContent = `${c.title}：评议结果`;
    $('organizer').textContent = c.organizer ? `主办：${c.organizer}` : '';
    const w = (c.scoring && c.scoring.weights) || null;
    if (w) $('formula').textContent = `总分 = 评议团评分 × ${w.panel}% + 网络评议得分 × ${w.public}% + 单位互评评分 × ${w.peer}%（各项与总分均保留两位小数）。`;
  }
  if (results.status === 404) {
    status_text('没有找到这项评议，请核对链接。');
    return;
  }
  if (results.status === 401 || results.status === 403 || (results.ok && results.data && !results.data.published)) {
    status_text('结果尚未公布，请关注主办单位的通知。');
    return;
  }
  if (!results.ok || !results.data) {
    status_text('暂时无法读取结果，请稍后刷新页面重试。');
    return;
  }
  const units = ordered(results.data.units || []);
  $('units').innerHTML = units.map(unit_html).join('');
  $('status').innerHTML = `<p class="page-meta">结果已公布，共 ${units.length} 个单位。</p>`;
  $('results').hidden = false;
}

init_large_text();
load();
