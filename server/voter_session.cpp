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

}  // namespace

std::string voter_pseudonym(std::string_view pseudonym_key, std::string_view appid, std::string_view openid) {
    std::string data(appid);
    data += '\0';  // ‖ as a separator that neither id can contain
    data += openid;
    return http::base64url(http::hmac_sha256(pseudonym_key, data).substr(0, 16));
}

std::string user_agent_hash(std::string_view pseudonym_key, std::string_view user_agent) {
    std::string data = "user-agent";
    data += '\0';  // apart from the pseudonyms' appid ‖ openid
    data += user_agent;
    return http::base64url(http::hmac_sha256(pseudonym_key, data).substr(0, 9));
}

std::string encode_voter_session(const http::signer& s, const voter_session& v) {
    return s.sign("v1|" + v.pseudonym + "|" + std::to_string(v.expires_s));
}

std::optional<voter_session> decode_voter_session(const http::signer& s, std::string_view value, std::int64_t now_s) {
    auto payload = s.verify(value);
    if (!payload) return std::nullopt;
    auto parts = split(*payload, '|');
    if (parts.size() != 3 || parts[0] != "v1" || !token_chars(parts[1], false)) return std::nullopt;
    auto expires = to_int(parts[2]);
    if (!expires || *expires <= now_s) return std::nullopt;
    return voter_session{std::string(parts[1]), *expires};
}

std::string encode_oauth_state(const http::signer& s, const oauth_state& o) {
    return s.sign("o1|" + o.state + "|" + o.return_path + "|" + std::to_string(o.expires_s));
}

std::optional<oauth_state> decode_oauth_state(const http::signer& s, std::string_view value, std::int64_t now_s) {
    auto payload = s.verify(value);
    if (!payload) return std::nullopt;
    auto parts = split(*payload, '|');
    if (parts.size() != 4 || parts[0] != "o1" || !token_chars(parts[1], false) || !safe_return_path(parts[2]))
        return std::nullopt;
    auto expires = to_int(parts[3]);
    if (!expires || *expires <= now_s) return std::nullopt;
    return oauth_state{std::string(parts[1]), std::string(parts[2]), *expires};
}

bool safe_return_path(std::string_view path) {
    return path.size() <= 256 && path.starts_with("/h5/") && token_chars(path, true) &&
           path.find("//") == std::string_view::npos;
}

}  // namespace pingyi::server
