#include "server/wechat_replies.hpp"

namespace pingyi::server {

namespace {

std::string trim(std::string_view s) {
    auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return std::string(s);
}

// The campaigns that answer to a keyword; the open ones first, since a
// keyword shared by an old and a running campaign means the running one.
std::vector<const vote::campaign*> matching(const std::vector<const vote::campaign*>& campaigns,
                                            const std::string& keyword, std::int64_t now_ms) {
    std::vector<const vote::campaign*> open, others;
    for (const auto* c : campaigns) {
        bool match = false;
        for (const auto& k : c->wechat.keywords) match = match || k == keyword;
        if (!match) continue;
        (c->state(now_ms) == vote::campaign_state::open ? open : others).push_back(c);
    }
    return open.empty() ? others : open;
}

std::string link_for(const std::vector<const vote::campaign*>& found, const std::string& public_url) {
    if (found.size() == 1) return public_url + "/h5/c/" + found.front()->id;
    return public_url + "/h5/";
}

std::vector<const vote::campaign*> open_campaigns(const std::vector<const vote::campaign*>& campaigns,
                                                  std::int64_t now_ms) {
    std::vector<const vote::campaign*> out;
    for (const auto* c : campaigns)
        if (c->state(now_ms) == vote::campaign_state::open) out.push_back(c);
    return out;
}

std::string vote_news(const wechat::message& m, const std::vector<const vote::campaign*>& found,
                      const std::string& public_url, std::int64_t now_ms) {
    wechat::article a;
    a.url = link_for(found, public_url);
    if (found.size() == 1) {
        const auto& w = found.front()->wechat;
        a.title = w.news_title.empty() ? found.front()->title : w.news_title;
        a.description = w.news_description;
        if (w.news_picture) a.pic_url = *w.news_picture;
    } else {
        a.title = found.empty() ? "评议投票" : "正在进行的评议投票";
        a.description = found.empty() ? "目前没有正在进行的投票，点击查看各项评议活动。" : "点击进入，选择要参加的评议活动。";
    }
    return wechat::news_reply(m, a, now_ms / 1000);
}

}  // namespace

std::optional<std::string> wechat_reply_for(const wechat::message& m,
                                            const std::vector<const vote::campaign*>& campaigns,
                                            const std::string& public_url, std::int64_t now_ms,
                                            std::string_view welcome) {
    if (m.msg_type == "text") {
        auto keyword = trim(m.content);
        if (keyword.empty()) return std::nullopt;
        auto found = matching(campaigns, keyword, now_ms);
        if (found.empty() && keyword == "投票") found = open_campaigns(campaigns, now_ms);
        if (found.empty() && keyword != "投票") return std::nullopt;
        return vote_news(m, found, public_url, now_ms);
    }
    if (m.msg_type != "event") return std::nullopt;
    if (m.event == "CLICK" && m.event_key == "VOTE") {
        auto found = open_campaigns(campaigns, now_ms);
        return vote_news(m, found, public_url, now_ms);
    }
    if (m.event == "subscribe") {
        auto found = open_campaigns(campaigns, now_ms);
        std::string text = found.size() == 1 && !found.front()->wechat.welcome.empty()
                               ? found.front()->wechat.welcome
                               : std::string(welcome);
        text += '\n';
        text += link_for(found, public_url);
        return wechat::text_reply(m, text, now_ms / 1000);
    }
    return std::nullopt;
}

}  // namespace pingyi::server
