// /screen/<cid>: the meeting's big screen, results updated as scores arrive.
import { request } from '../shared/http.js';
import { init_large_text } from '../shared/large_text.js';
import { bar_chart } from './chart.js';
import { campaign_id, live } from './common.js';
import { ranked, results_rows } from './results.js';

const cid = campaign_id();
const api = `/api/v1/campaigns/${encodeURIComponent(cid)}`;
const $ = (id) => document.getElementById(id);
const draw = bar_chart($('chart'), { horizontal: true, font: 20, max: 100 });

function show_results(results) {
  const units = ranked(results);
  $('status').textContent = results.published ? '结果已公布' : '计分进行中，结果以最终公布为准';
  $('rows').innerHTML = results_rows(units);
  const scored = units.filter((u) => u.total !== null && u.total !== undefined);
  draw(scored.map((u) => u.name || u.id), [{ name: '总分', data: scored.map((u) => Number(u.total)) }]);
}

async function load() {
  const [campaign, results] = await Promise.all([request('GET', api), request('GET', `${api}/results`)]);
  if (campaign.ok && campaign.data) {
    $('title').textContent = campaign.data.title;
    document.title = `${campaign.data.title} - 评议结果`;
  }
  if (results.ok && results.data) show_results(results.data);
  else if (results.status === 401 || results.status === 403) $('status').textContent = '结果尚未公布，请工作人员登录后打开本页。';
  live(`${api}/events`, { results: show_results }, $('live'));
}

init_large_text();
$('fullscreen').addEventListener('click', () => {
  if (document.fullscreenElement) document.exitFullscreen();
  else document.documentElement.requestFullscreen().catch(() => null);
});
load().catch(() => {
  $('status').textContent = '加载失败，请刷新页面。';
});
