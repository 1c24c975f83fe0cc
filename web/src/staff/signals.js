// Anomaly signals with their evidence; admins mark each one "fine" or
// "confirmed fraud" (which sets the unit's status to fraud, Art. 15), with a reason.
import { escape_html, format_time } from '../shared/http.js';
import { staff_request } from './common.js';

const $ = (id) => document.getElementById(id);

const kinds = {
  burst: '短时集中得票',
  address_share: '同一网络地址得票占比高',
  network_share: '同一网段得票占比高',
  address_voters: '同一网络地址有多个投票人',
  fresh_follow: '新关注账号集中投票',
  electorate: '票数超过合理选民数',
};
const evidence_names = {
  votes: '相关票数', unit_votes: '该单位总票数', share: '占比', address: '地址', network: '网段',
  voters: '投票人数', units: '涉及单位', baseline_per_minute: '平时每分钟票数', peak_per_minute: '高峰每分钟票数',
  other_units_share: '其他单位占比', electorate: '合理选民数',
};
const decisions = { fine: '核实无误', fraud: '认定弄虚作假' };

function evidence_html(cid, e) {
  const rows = Object.keys(evidence_names).filter((k) => e[k] !== undefined && e[k] !== null)
    .map((k) => `<dt>${evidence_names[k]}</dt><dd>${escape_html(Array.isArray(e[k]) ? e[k].join('、') : e[k])}</dd>`).join('');
  const samples = (e.samples || []).map((r) => `<a href="/h5/receipt/${encodeURIComponent(r)}?c=${encodeURIComponent(cid)}">${escape_html(r)}</a>`).join('、');
  return `<dl class="evidence"><dt>时间</dt><dd>${escape_html(format_time(e.from))} 至 ${escape_html(format_time(e.to))}</dd>${rows}
    ${samples ? `<dt>回执样本</dt><dd>${samples}</dd>` : ''}</dl>`;
}

function review_form(s, n, units) {
  const pick = s.unit === '*' ? `<label for="signal-unit-${n}">认定作假的单位（仅“认定弄虚作假”时需要）</label>
    <select id="signal-unit-${n}" class="signal__unit"><option value="">请选择</option>${units.map((u) => `<option value="${escape_html(u.id)}">${escape_html(u.name)}</option>`).join('')}</select>` : '';
  return `<form class="form signal__review" data-id="${escape_html(s.id)}" novalidate>
    <label for="signal-reason-${n}">审核理由（必填）</label>
    <textarea id="signal-reason-${n}" class="signal__reason" rows="2" required aria-describedby="signal-message-${n}"></textarea>${pick}
    <div class="buttons"><button type="submit" class="secondary" value="fine">核实无误</button>
    <button type="submit" class="danger" value="fraud">认定弄虚作假</button></div>
    <p id="signal-message-${n}" class="message" role="status"></p></form>`;
}

function signal_html(cid, s, n, units, admin) {
  const unit = s.unit === '*' ? '多个单位' : (units.find((u) => u.id === s.unit) || { name: s.unit }).name;
  const review = s.review
    ? `<p class="signal__done">已审核：<strong>${decisions[s.review.decision] || escape_html(s.review.decision)}</strong>（${escape_html(s.review.by)}，${escape_html(format_time(s.review.at))}）理由：${escape_html(s.review.reason)}</p>`
    : '<p class="signal__open">待审核</p>';
  return `<li class="signal"><h3>${escape_html(kinds[s.kind] || s.kind)} · ${escape_html(unit)}</h3>
    <p>${escape_html(s.summary)}</p>${evidence_html(cid, s.evidence || {})}${review}${admin && !s.review ? review_form(s, n, units) : ''}</li>`;
}

// Draws the list; on_change runs after a decision is recorded.
export async function load_signals(cid, api, { units, admin, on_change }) {
  const res = await staff_request('GET', `${api}/signals`);
  if (!res.ok || !res.data) {
    $('signals-status').textContent = '异常信号暂时无法读取。';
    return;
  }
  const signals = res.data.signals || [];
  const open = signals.filter((s) => !s.review).length;
  $('signals-status').textContent = signals.length
    ? `共 ${signals.length} 个异常信号，${open} 个待审核（已分析 ${res.data.analyzed} 张选票）。信号只是提示，不拦截、不改票。`
    : `已分析 ${res.data.analyzed} 张选票，没有发现异常。`;
  $('signals').innerHTML = signals.map((s, n) => signal_html(cid, s, n, units, admin)).join('');
  for (const form of $('signals').querySelectorAll('form')) {
    form.addEventListener('submit', (event) => review(event, api, on_change));
  }
}

async function review(event, api, on_change) {
  event.preventDefault();
  const form = event.target;
  const decision = event.submitter ? event.submitter.value : 'fine';
  const reason = form.querySelector('.signal__reason');
  const unit = form.querySelector('.signal__unit');
  const message = form.querySelector('.message');
  if (!reason.value.trim()) {
    message.textContent = '请先填写审核理由。';
    reason.setAttribute('aria-invalid', 'true');
    reason.focus();
    return;
  }
  if (decision === 'fraud' && unit && !unit.value) {
    message.textContent = '请选择认定作假的单位。';
    unit.focus();
    return;
  }
  if (decision === 'fraud' && !window.confirm('认定弄虚作假后，该单位的等次将定为“较差”，不参与排名。确定吗？')) return;
  const body = { decision, reason: reason.value.trim() };
  if (decision === 'fraud' && unit) body.unit = unit.value;
  const res = await staff_request('POST', `${api}/signals/${encodeURIComponent(form.dataset.id)}/review`, { body }).catch(() => null);
  if (!res || !res.ok) {
    message.textContent = `未能记录：${(res && res.error && res.error.message) || '网络连接失败'}`;
    return;
  }
  await on_change();
}
