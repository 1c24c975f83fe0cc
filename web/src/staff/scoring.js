// The dashboard's meeting tools: who has submitted scores, and the signed
// scoring links (with QR codes) for judges and units.
import { escape_html, format_time } from '../shared/http.js';
import { staff_request } from './common.js';
import { qr_svg } from './qr.js';

const $ = (id) => document.getElementById(id);

const status_names = { present: '参加评议', absent: '缺席评议', fraud: '弄虚作假' };

function progress_rows(entries, expected, judge) {
  return entries.map((e) => `<tr><th scope="row">${escape_html(judge ? e.id : e.name || e.id)}</th>
    <td>${e.submitted ? '✔ 已提交' : '✘ 未提交'}</td>
    <td>${escape_html(e.scores)} / ${escape_html(expected)}</td>
    <td>${e.submitted_at ? escape_html(format_time(e.submitted_at)) : '—'}</td>
    <td>${judge ? (e.linked === false ? '不在名单中' : '') : escape_html(status_names[e.status] || '')}</td></tr>`).join('');
}

export async function load_progress(api) {
  const res = await staff_request('GET', `${api}/scoring-progress`);
  if (!res.ok || !res.data) {
    $('progress-status').textContent = '评分进度暂时无法读取。';
    return null;
  }
  const p = res.data;
  const expected = p.expected_scores || {};
  const done = (list) => list.filter((e) => e.submitted).length;
  $('progress-status').textContent = `评委已提交 ${done(p.judges)} / ${p.judges.length}，单位已提交 ${done(p.units)} / ${p.units.length}${p.published ? '；结果已发布，评分已冻结' : ''}。`;
  $('judge-rows').innerHTML = progress_rows(p.judges, expected.judge, true) || '<tr><td colspan="5">还没有登记评委（生成评分链接时登记）。</td></tr>';
  $('unit-rows').innerHTML = progress_rows(p.units, expected.unit, false);
  return p;
}

// "j1, j2\nj3" -> ['j1', 'j2', 'j3']; ids as the API allows them.
function parse_judges(text) {
  const ids = text.split(/[\s,，、;；]+/).filter(Boolean);
  const bad = ids.filter((id) => !/^[A-Za-z0-9_-]{1,64}$/.test(id));
  return { ids: [...new Set(ids)], bad };
}

function link_html(link, who) {
  return `<li class="link-card">
    <div class="link-card__qr" role="img" aria-label="${escape_html(who)}的评分链接二维码">${qr_svg(link.url)}</div>
    <div class="link-card__text"><p class="link-card__who">${escape_html(who)}</p>
    <p class="link-card__url"><a href="${escape_html(link.url)}">${escape_html(link.url)}</a></p></div></li>`;
}

function say(text, ok) {
  $('links-message').className = ok ? 'message message_ok' : 'message';
  $('links-message').textContent = text;
}

export async function create_links(api) {
  const { ids, bad } = parse_judges($('judges').value);
  if (bad.length) {
    say(`评委编号只能用字母、数字、“-”和“_”（1–64 个字符）：${bad.join('、')}`, false);
    $('judges').focus();
    return;
  }
  say('正在生成…', true);
  const res = await staff_request('POST', `${api}/scoring-links`, { body: { judges: ids } }).catch(() => null);
  if (!res || !res.ok || !res.data) {
    say(`生成失败：${(res && res.error && res.error.message) || '网络连接失败'}`, false);
    return;
  }
  const { judges = [], units = [] } = res.data;
  $('judge-links').innerHTML = judges.map((l) => link_html(l, `评委 ${l.id}`)).join('');
  $('unit-links').innerHTML = units.map((l) => link_html(l, `单位 ${l.name || l.id}`)).join('');
  say(`已生成 ${judges.length} 位评委和 ${units.length} 个单位的评分链接。`, true);
  $('links').hidden = false;
}
