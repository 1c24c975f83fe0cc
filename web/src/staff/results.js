// The results table of the dashboard and the big screen.
import { escape_html } from '../shared/http.js';

const shown = (v) => (v === null || v === undefined ? '—' : escape_html(v));

// Ranked units first, in rank order; unranked (absent, fraud, incomplete) after.
export function ranked(results) {
  return (results.units || []).slice().sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9));
}

export function results_rows(units) {
  return units.map((u) => {
    const note = u.status === 'absent' ? '缺席评议' : shown(u.grade);
    const warnings = (u.warnings || []).length ? `<br><small>${escape_html(u.warnings.join('；'))}</small>` : '';
    return `<tr class="${u.status === 'fraud' ? 'fraud' : ''}"><td>${shown(u.rank)}</td><td>${escape_html(u.name || u.id)}</td>
      <td>${shown(u.panel)}</td><td>${shown(u.public)}</td><td>${shown(u.peer)}</td><td class="total">${shown(u.total)}</td><td>${note}${warnings}</td></tr>`;
  }).join('');
}
