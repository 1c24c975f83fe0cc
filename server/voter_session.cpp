#include "server/voter_session.hpp"

#include <charconv>
#include <vector>

namespace pingyi::server {

namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    for (;;) {
        auto p = s.find(sep, i);
        out.push_back(s.substr(i, p == std::string_view::npos ? std::string_view::npos : p - i));
        if (p == std::string_view::npos) return out;
        i = p + 1;
    }
}

std::optional<std::int64_t> to_int(std::string_view s) {
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return v;
}

bool token_chars(std::string_view s, bool allow_slash) {
    if (s.empty()) return false;
    for (char c : s) {
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                  (allow_slash && c == '/');
        if (!ok) return false;
    }
    return true;
}

// The default account's payloads are those of the single-account server
// ("v1|…", "o1|…"), so its cookies stay valid; another account's carry its
// id in a last field ("v2|…|<account>", "o2|…|<account>").
std::string with_account(std::string_view tag, std::string payload, const std::string& account) {
    if (account.empty()) return std::string(tag) + "1|" + payload;
    return std::string(tag) + "2|" + payload + "|" + account;
}

// The fields after the tag, and the account: nullopt unless the payload is
// tag "1" with `fields` fields or tag "2" with them and an account.
std::optional<std::vector<std::string_view>> without_account(std::string_view payload, std::string_view tag,
                                                             std::size_t fields, std::string& account) {
    auto parts = split(payload, '|');
    if (parts.empty() || !parts[0].starts_with(tag) || parts[0].size() != tag.size() + 1) return std::nullopt;
    auto version = parts[0].back();
    parts.erase(parts.begin());
    if (version == '1' && parts.size() == fields) {
        account.clear();
        return parts;
    }
    if (version == '2' && parts.size() == fields + 1 && token_chars(parts.back(), false)) {
        account = std::string(parts.back());
        parts.pop_back();
        return parts;
    }
    return std::nullopt;
}

}  // namespace

std::string voter_pseudonym(std::string_view pseudonym_key, std::string_view appid, std::string_view openid) {
    std::string data(appid);
    data += '\0';  // ‖ as a separator that neither id can contain
    data += openid;
    return http::base64url(http::hmac_sha256(pseudonym_key, data).substr(0, 16));
}

std::string user_agent_hash(const http::hmac_key& pseudonym_key, std::string_view user_agent) {
    std::string data = "user-agent";
    data += '\0';  // apart from the pseudonyms' appid ‖ openid
    data += user_agent;
    return http::base64url(pseudonym_key.mac(data).substr(0, 9));
}

std::string encode_voter_session(const http::signer& s, const voter_session& v) {
    return s.sign(with_account("v", v.pseudonym + "|" + std::to_string(v.expires_s), v.account));
}

std::optional<voter_session> decode_voter_session(const http::signer& s, std::string_view value, std::int64_t now_s) {
    auto payload = s.verify(value);
    if (!payload) return std::nullopt;
    voter_session v;
    auto parts = without_account(*payload, "v", 2, v.account);
    if (!parts || !token_chars((*parts)[0], false)) return std::nullopt;
    auto expires = to_int((*parts)[1]);
    if (!expires || *expires <= now_s) return std::nullopt;
    v.pseudonym = std::string((*parts)[0]);
    v.expires_s = *expires;
    return v;
}

std::string encode_oauth_state(const http::signer& s, const oauth_state& o) {
    return s.sign(with_account("o", o.state + "|" + o.return_path + "|" + std::to_string(o.expires_s), o.account));
}

std::optional<oauth_state> decode_oauth_state(const http::signer& s, std::string_view value, std::int64_t now_s) {
    auto payload = s.verify(value);
    if (!payload) return std::nullopt;
    oauth_state o;
    auto parts = without_account(*payload, "o", 3, o.account);
    if (!parts || !token_chars((*parts)[0], false) || !safe_return_path((*parts)[1])) return std::nullopt;
    auto expires = to_int((*parts)[2]);
    if (!expires || *expires <= now_s) return std::nullopt;
    o.state = std::string((*parts)[0]);
    o.return_path = std::string((*parts)[1]);
    o.expires_s = *expires;
    return o;
}

bool safe_return_path(std::string_view path) {
    return path.size() <= 256 && path.starts_with("/h5/") && token_chars(path, true) &&
           path.find("//") == std::string_view::npos;
}

}  // namespace pingyi::server
