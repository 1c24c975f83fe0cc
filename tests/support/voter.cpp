#include "tests/support/voter.hpp"

#include <stdexcept>

namespace pingyi::test {

url_parts split_url(const std::string& url) {
    auto scheme = url.find("://");
    if (scheme == std::string::npos) throw std::invalid_argument("not a URL: " + url);
    auto host_start = scheme + 3;
    auto path = url.find('/', host_start);
    std::string host = url.substr(host_start, path - host_start);
    auto colon = host.rfind(':');
    url_parts out;
    out.port = colon == std::string::npos ? 80 : std::stoi(host.substr(colon + 1));
    out.target = path == std::string::npos ? "/" : url.substr(path);
    auto hash = out.target.find('#');
    if (hash != std::string::npos) out.target.resize(hash);
    return out;
}

voter::voter(int server_port, std::string openid) : port_(server_port), openid_(std::move(openid)) {}

std::string voter::cookie_header() const {
    std::string out;
    for (const auto& [k, v] : cookies_) {
        if (!out.empty()) out += "; ";
        out += k + "=" + v;
    }
    return out;
}

void voter::keep_cookies(const http_result& r) {
    auto all = r.header("set-cookie");
    std::size_t i = 0;
    while (i < all.size()) {
        auto end = all.find('\n', i);
        if (end == std::string::npos) end = all.size();
        auto line = all.substr(i, end - i);
        auto eq = line.find('=');
        auto semi = line.find(';');
        if (eq != std::string::npos) cookies_[line.substr(0, eq)] = line.substr(eq + 1, semi - eq - 1);
        i = end + 1;
    }
}

int voter::login(const std::string& cid, bool snapshot_user) {
    auto start = get("/h5/c/" + cid);
    if (start.status != 302) return start.status;
    auto authorize = split_url(start.header("location"));
    authorize.target += "&openid=" + openid_ + (snapshot_user ? "&snapshot=1" : "");
    auto picked = http_request(authorize.port, "GET", authorize.target);
    if (picked.status != 302) return picked.status;
    callback_target_ = split_url(picked.header("location")).target;
    return replay_callback().status;
}

http_result voter::replay_callback() {
    auto r = get(callback_target_);
    return r;
}

http_result voter::get(const std::string& target) {
    std::map<std::string, std::string> headers;
    if (!cookies_.empty()) headers["Cookie"] = cookie_header();
    auto r = http_request(port_, "GET", target, {}, headers);
    keep_cookies(r);
    return r;
}

http_result voter::ballot(const std::string& cid, const std::string& body, const std::string& idempotency_key) {
    std::map<std::string, std::string> headers{{"Content-Type", "application/json"},
                                               {"X-CSRF-Token", cookie("pingyi_csrf")},
                                               {"User-Agent", "Mozilla/5.0 MicroMessenger/8.0"}};
    if (!cookies_.empty()) headers["Cookie"] = cookie_header();
    if (!idempotency_key.empty()) headers["Idempotency-Key"] = idempotency_key;
    return http_request(port_, "POST", "/api/v1/campaigns/" + cid + "/ballots", body, headers);
}

std::string voter::cookie(const std::string& name) const {
    auto it = cookies_.find(name);
    return it == cookies_.end() ? std::string{} : it->second;
}

}  // namespace pingyi::test
