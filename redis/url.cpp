#include "redis/url.hpp"

#include <charconv>

namespace pingyi::redis {
namespace {

constexpr std::string_view redis_scheme = "redis://";
constexpr std::string_view sentinel_scheme = "sentinel://";

bool parse_int(std::string_view text, int min, int max, int& out) {
    if (text.empty()) return false;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size() && out >= min && out <= max;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool percent_decode(std::string_view text, std::string& out) {
    out.clear();
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        if (i + 2 >= text.size()) return false;
        int hi = hex_value(text[i + 1]);
        int lo = hex_value(text[i + 2]);
        if (hi < 0 || lo < 0) return false;
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    return true;
}

// "[user]:password" into the endpoint.
bool parse_userinfo(std::string_view userinfo, endpoint_config& ep, std::string& error) {
    auto colon = userinfo.find(':');
    if (colon == std::string_view::npos) {
        error = "credentials must be written as [username]:password@";
        return false;
    }
    ep.username = std::string(userinfo.substr(0, colon));
    if (!percent_decode(userinfo.substr(colon + 1), ep.password)) {
        error = "bad percent-encoding in the password";
        return false;
    }
    return true;
}

// "host[:port]" or "[ipv6][:port]".
bool parse_host_port(std::string_view text, bool port_required, endpoint_config& ep, std::string& error) {
    std::string_view host;
    std::string_view rest;
    if (!text.empty() && text.front() == '[') {
        auto close = text.find(']');
        if (close == std::string_view::npos) {
            error = "unterminated [ in host";
            return false;
        }
        host = text.substr(1, close - 1);
        rest = text.substr(close + 1);
    } else {
        auto colon = text.find(':');
        host = text.substr(0, colon);
        rest = colon == std::string_view::npos ? std::string_view() : text.substr(colon);
    }
    if (host.empty()) {
        error = "empty host";
        return false;
    }
    ep.host = std::string(host);
    if (rest.empty()) {
        if (!port_required) return true;
        error = "missing port after " + ep.host;
        return false;
    }
    if (rest.front() != ':' || !parse_int(rest.substr(1), 1, 65535, ep.port)) {
        error = "bad port in " + std::string(text);
        return false;
    }
    return true;
}

// Splits "userinfo@authority/path" and fills the credentials.
bool split_authority(std::string_view after_scheme, endpoint_config& ep, std::string_view& authority,
                     std::string_view& path, std::string& error) {
    auto slash = after_scheme.find('/');
    authority = after_scheme.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view() : after_scheme.substr(slash + 1);
    auto at = authority.rfind('@');
    if (at == std::string_view::npos) return true;
    if (!parse_userinfo(authority.substr(0, at), ep, error)) return false;
    authority = authority.substr(at + 1);
    return true;
}

std::optional<redis_url> parse_redis(std::string_view rest, std::string& error) {
    redis_url url;
    std::string_view authority;
    std::string_view path;
    if (!split_authority(rest, url.endpoint, authority, path, error)) return std::nullopt;
    if (!parse_host_port(authority, false, url.endpoint, error)) return std::nullopt;
    if (!path.empty() && !parse_int(path, 0, 1 << 20, url.endpoint.db)) {
        error = "bad database number: " + std::string(path);
        return std::nullopt;
    }
    return url;
}

std::optional<redis_url> parse_sentinel(std::string_view rest, std::string& error) {
    redis_url url;
    std::string_view authority;
    std::string_view path;
    if (!split_authority(rest, url.endpoint, authority, path, error)) return std::nullopt;
    while (!authority.empty()) {
        auto comma = authority.find(',');
        endpoint_config sentinel;
        sentinel.port = 26379;
        if (!parse_host_port(authority.substr(0, comma), true, sentinel, error)) return std::nullopt;
        url.sentinels.push_back(std::move(sentinel));
        authority = comma == std::string_view::npos ? std::string_view() : authority.substr(comma + 1);
        if (comma != std::string_view::npos && authority.empty()) {
            error = "trailing comma in the sentinel list";
            return std::nullopt;
        }
    }
    if (url.sentinels.empty()) {
        error = "no sentinel host:port";
        return std::nullopt;
    }
    if (path.empty() || path.find('/') != std::string_view::npos) {
        error = "sentinel:// needs exactly one /master_name";
        return std::nullopt;
    }
    url.master_name = std::string(path);
    return url;
}

}  // namespace

std::optional<redis_url> parse_url(std::string_view text, std::string& error) {
    if (text.find_first_of("?# \t\r\n") != std::string_view::npos) {
        error = "unexpected character (query, fragment or whitespace) in redis URL";
        return std::nullopt;
    }
    if (text.starts_with(redis_scheme)) return parse_redis(text.substr(redis_scheme.size()), error);
    if (text.starts_with(sentinel_scheme)) return parse_sentinel(text.substr(sentinel_scheme.size()), error);
    error = "redis URL must start with redis:// or sentinel://";
    return std::nullopt;
}

}  // namespace pingyi::redis
