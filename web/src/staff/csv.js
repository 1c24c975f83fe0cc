// Parses CSV as Excel writes it (RFC 4180 quoting, CRLF, a UTF-8 BOM) into rows.
export function parse_csv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i += 1) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((f) => f.trim() !== ''));
}

// Rows of id,name,duties,measures,results; a header row (编号/id first) is skipped.
export function units_from_csv(text) {
  const rows = parse_csv(text);
  if (rows.length && /^(id|编号)$/i.test(rows[0][0].trim())) rows.shift();
  return rows.map(([id = '', name = '', duties = '', measures = '', results = '']) => ({
    id: id.trim(), name: name.trim(), disclosure: { duties: duties.trim(), measures: measures.trim(), results: results.trim() },
  }));
}

// The inverse, for editing in a textarea: units as CSV with the header row,
// quoted as Excel quotes, lines ending in \n (a textarea keeps no \r).
export function csv_from_units(units) {
  const field = (text) => {
    const s = String(text ?? '');
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const rows = units.map((u) => {
    const d = u.disclosure || {};
    return [u.id, u.name, d.duties, d.measures, d.results].map(field).join(',');
  });
  return ['编号,名称,履职清单,措施,成效', ...rows].join('\n');
}
