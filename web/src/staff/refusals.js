// The dashboard's refused ballots: those over a rate limit (by limit), those
// a limit in shadow mode only counted, and the other refusals. Figures with
// their names in words, redrawn from GET …/refusals and each SSE `refusals`.
import { escape_html } from '../shared/http.js';

const $ = (id) => document.getElementById(id);

const limit_names = { ballot_voter: '每个投票人', ballot_address: '每个地址', campaign: '整个活动' };
const other_names = { already_voted: '今天已给所选单位投过票', daily_limit: '超过当天票数', not_open: '不在投票时间内' };

const count = (n) => Number(n) || 0;

function figures(entries) {
  return `<dl class="figures">${entries.map(([label, n]) => `<div class="figure${count(n) ? ' figure_nonzero' : ''}">
    <dt>${escape_html(label)}</dt><dd>${count(n)}</dd></div>`).join('')}</dl>`;
}

// The three ballot limits always, in this order; any other name the server reports after them.
function by_limit(counts = {}) {
  const names = [...Object.keys(limit_names), ...Object.keys(counts).filter((n) => !(n in limit_names))];
  return names.map((n) => [limit_names[n] || n, counts[n]]);
}

const total = (counts = {}) => Object.values(counts).reduce((sum, n) => sum + count(n), 0);

export function show_refusals(r) {
  const limited = total(r.rate_limited);
  const shadow = total(r.shadow_limited);
  const others = Object.keys(other_names).reduce((sum, k) => sum + count(r[k]), 0);
  $('refusals-status').textContent = `共拒绝 ${limited + others} 张选票：${limited} 张超过频率限制，${others} 张因其他原因。`;
  $('refusals').innerHTML = `
    <h3 class="figures-title">超过频率限制（已拒绝）</h3>${figures(by_limit(r.rate_limited))}
    ${shadow ? `<h3 class="figures-title">超过频率限制，但只记录未拒绝（试运行的限制）</h3>${figures(by_limit(r.shadow_limited))}` : ''}
    <h3 class="figures-title">其他原因</h3>${figures(Object.entries(other_names).map(([k, label]) => [label, r[k]]))}`;
}
