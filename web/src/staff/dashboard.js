// /admin/dashboard?c=<cid>: the live tally and refused ballots of one
// campaign, and the evaluation meeting's tools (scoring progress and links,
// unit status, anomaly signals, publishing, exports). Another organizer's
// campaign answers as a missing one (404): the page then says so and shows
// nothing else.
import { escape_html } from '../shared/http.js';
import { init_large_text } from '../shared/large_text.js';
import { bar_chart } from './chart.js';
import { campaign_id, live, load_role, staff_request } from './common.js';
import { show_refusals } from './refusals.js';
import { ranked, results_rows } from './results.js';
import { create_links, load_progress } from './scoring.js';
import { load_signals } from './signals.js';
import { fill_units, save_status } from './unit_status.js';

const cid = campaign_id();
const api = `/api/v1/campaigns/${encodeURIComponent(cid)}`;
const $ = (id) => document.getElementById(id);
const draw = bar_chart($('chart'));
let names = new Map();
let units = [];
// Write controls are shown to admins only; viewers (and unknown roles) read.
let admin = false;
// (time, ballots) samples of the last minute, for ballots per minute.
const samples = [];

function ballots_per_minute(ballots) {
  const now = Date.now();
  samples.push([now, ballots]);
  while (samples.length > 1 && now - samples[0][0] > 60000) samples.shift();
  const [t0, b0] = samples[0];
  const seconds = (now - t0) / 1000;
  return seconds >= 5 ? Math.round(((ballots - b0) * 60) / seconds) : null;
}

// Plain mode: {id, votes}; satisfaction mode adds per-band counts, {ratings: {满意: n, ...}}.
function show_tally(tally) {
  const units = tally.units || [];
  const categories = units.map((u) => names.get(u.id) || u.id);
  const bands = Object.keys((units[0] && units[0].ratings) || {});
  const series = bands.length
    ? bands.map((band) => ({ name: band, data: units.map((u) => (u.ratings || {})[band] || 0) }))
    : [{ name: '票数', data: units.map((u) => u.votes || 0) }];
  draw(categories, series);
  $('ballots').textContent = tally.ballots ?? '–';
  $('voters').textContent = tally.voters ?? '–';
  const rate = ballots_per_minute(Number(tally.ballots) || 0);
  $('rate').textContent = rate === null ? '–' : String(rate);
}

function show_results(results) {
  $('results-rows').innerHTML = results_rows(ranked(results));
  $('results-status').textContent = results.published ? '结果已发布，评分已冻结。' : '结果尚未发布。';
  $('publish').hidden = !admin || Boolean(results.published);
}

async function load_results() {
  const res = await staff_request('GET', `${api}/results`);
  if (res.ok && res.data) show_results(res.data);
}

// Publishing freezes the scores for good (Art. 10–11): ask first.
async function publish() {
  if (!window.confirm('发布后评分将被冻结、不能再修改，并向公众公开。确定发布吗？')) return;
  const res = await staff_request('POST', `${api}/results/publish`).catch(() => null);
  if (res && res.ok) await Promise.all([load_results(), load_progress(api)]);
  else $('results-status').textContent = `发布失败：${(res && res.error && res.error.message) || '网络连接失败'}`;
}

async function load_digest() {
  const res = await staff_request('GET', `${api}/audit-log/digest`);
  if (res.ok && res.data) $('digest').textContent = `共 ${res.data.count} 条，最后一条的校验值 ${res.data.head}`;
}

// After a status change or a signal decision: everything that depends on it.
async function refresh_evaluation() {
  await Promise.all([load_results(), load_progress(api), refresh_signals()]);
}

const refresh_signals = () => load_signals(cid, api, { units, admin, on_change: refresh_evaluation });

function show_no_access() {
  document.title = '无权查看或不存在 - 评议';
  $('live').hidden = true;
  $('main').innerHTML = `<section class="panel" role="alert" aria-labelledby="no-access-title">
    <h1 id="no-access-title">无权查看或不存在</h1>
    <p>评议活动“${escape_html(cid)}”不存在，或不属于您所在的单位：县区的工作人员只能查看和管理本县区的评议。</p>
    <p><a href="/admin">返回评议管理</a></p></section>`;
}

async function load() {
  $('screen-link').href = `/screen/${encodeURIComponent(cid)}`;
  $('results-csv').href = `${api}/results.csv`;
  $('report').href = `${api}/report`;
  $('audit-log').href = `${api}/audit-log`;
  $('digest-link').href = `${api}/audit-log/digest`;
  $('public-results').href = `/h5/results/${encodeURIComponent(cid)}`;
  const [campaign, tally, is_admin, refusals] = await Promise.all([staff_request('GET', api), staff_request('GET', `${api}/tally`),
    load_role(), staff_request('GET', `${api}/refusals`)]);
  admin = is_admin;
  if (refusals.status === 404) {
    show_no_access();
    return;
  }
  if (campaign.ok && campaign.data) {
    units = campaign.data.units || [];
    fill_units($('status-unit'), units);
    names = new Map(units.map((u) => [u.id, u.name]));
    $('title').innerHTML = `${escape_html(campaign.data.title)} <small>实时看板</small>`;
    document.title = `${campaign.data.title} - 实时看板`;
  }
  if (tally.ok && tally.data) show_tally(tally.data);
  if (refusals.ok && refusals.data) show_refusals(refusals.data);
  else $('refusals-status').textContent = '被拒绝的选票暂时无法读取。';
  live(`${api}/events`, { tally: show_tally, results: show_results, refusals: show_refusals }, $('live'));
  await Promise.all([load_results(), load_progress(api), refresh_signals(), load_digest()]);
}

init_large_text();
$('publish').addEventListener('click', publish);
$('progress-refresh').addEventListener('click', () => load_progress(api));
$('links-form').addEventListener('submit', (event) => {
  event.preventDefault();
  create_links(api);
});
$('print-links').addEventListener('click', () => window.print());
$('status-form').addEventListener('submit', (event) => {
  event.preventDefault();
  save_status(api, refresh_evaluation);
});
load().catch(() => {
  $('live').textContent = '加载失败，请刷新页面。';
});
