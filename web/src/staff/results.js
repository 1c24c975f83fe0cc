// The results table of the dashboard and the big screen.
import { escape_html } from '../shared/http.js';

const shown = (v) => (v === null || v === undefined ? '—' : escape_html(v));
// Scores come as JSON numbers (92.5 for 92.50): shown with their two decimals.
const score = (v) => (v === null || v === undefined ? '—' : Number(v).toFixed(2));

// Ranked units first, in rank order; unranked (absent, fraud, incomplete) after.
export function ranked(results) {
  return (results.units || []).slice().sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9));
}

export function results_rows(units) {
  return units.map((u) => {
    let note = shown(u.grade);
    if (u.status === 'absent') note = '缺席评议';
    else if (u.status === 'fraud') note += '（弄虚作假）'; // its row is red too, but not by colour alone
    const warnings = (u.warnings || []).length ? `<br><small>${escape_html(u.warnings.map((w) => w.message || w).join('；'))}</small>` : '';
    return `<tr class="${u.status === 'fraud' ? 'fraud' : ''}"><td>${shown(u.rank)}</td><td>${escape_html(u.name || u.id)}</td>
      <td>${score(u.panel)}</td><td>${score(u.public)}</td><td>${score(u.peer)}</td><td class="total">${score(u.total)}</td><td>${note}${warnings}</td></tr>`;
  }).join('');
}
