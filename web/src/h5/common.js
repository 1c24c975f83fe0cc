// What every voter page shows: the privacy notice.
import { escape_html } from '../shared/http.js';

// What the vote collects and why (个人信息保护法 requires telling voters).
export function render_privacy(organizer) {
  const who = organizer ? escape_html(organizer) : '本次评议的主办单位';
  document.getElementById('privacy').innerHTML = `
<details class="privacy">
  <summary>个人信息保护说明</summary>
  <p><strong>收集什么：</strong>通过微信登录时得到的您在本公众号的身份编号（我们只保存它经加密换算后的匿名编号），投票时的网络地址（IP），以及浏览器信息的摘要。我们不获取您的昵称、头像或手机号。</p>
  <p><strong>为什么：</strong>确保每人按规则投票、防止刷票，并让每一张选票都可以核查。</p>
  <p><strong>保存多久：</strong>随本次评议的投票记录保存，用于结果核查；评议结束后按档案管理规定处理，不用于其他目的，不提供给第三方（法律另有规定的除外）。</p>
  <p><strong>联系：</strong>对个人信息处理有疑问，请联系${who}。</p>
</details>`;
}
