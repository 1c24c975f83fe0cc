// What every voter page shows: the privacy notice, in short, and the link
// to the whole of it (/h5/privacy, with this page's campaign).
import { escape_html } from '../shared/http.js';

// The campaign of the page: /h5/c/<cid>, /h5/results/<cid>, or ?c=<cid>.
function campaign_id() {
  const path = location.pathname.match(/^\/h5\/(?:c|results)\/([^/]+)/);
  if (path) return decodeURIComponent(path[1]);
  return new URLSearchParams(location.search).get('c') || '';
}

// What the vote collects and why (个人信息保护法 requires telling voters).
export function render_privacy(organizer) {
  const who = organizer ? escape_html(organizer) : '本次评议的主办单位';
  const cid = campaign_id();
  const full = `/h5/privacy${cid ? `?c=${encodeURIComponent(cid)}` : ''}`;
  document.getElementById('privacy').innerHTML = `
<details class="privacy">
  <summary>个人信息保护说明</summary>
  <p><strong>收集什么：</strong>通过微信登录时得到的您在本公众号的身份编号（我们只保存它经加密换算后的匿名编号），投票时的网络地址（IP），以及浏览器信息的摘要。我们不获取您的昵称、头像或手机号。</p>
  <p><strong>为什么：</strong>确保每人按规则投票、防止刷票，并让每一张选票都可以核查。</p>
  <p><strong>保存多久：</strong>网络地址和浏览器摘要在投票后不久自动删除；其他个人信息在评议截止后按保存期限删除，之后投票日志再也无法与任何人对应。不用于其他目的，不提供给第三方（法律另有规定的除外）。</p>
  <p><strong>联系：</strong>对个人信息处理有疑问，请联系${who}。</p>
</details>
<p class="privacy__more"><a class="page-link" href="${escape_html(full)}">查看完整的个人信息保护说明</a></p>`;
}
