#include "http/client_address.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <stdexcept>

namespace pingyi::http {

namespace {

constexpr std::array<std::uint8_t, 12> v4_mapped_prefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

std::string_view trim(std::string_view s) {
    const auto blank = [](char c) { return c == ' ' || c == '\t'; };
    while (!s.empty() && blank(s.front())) s.remove_prefix(1);
    while (!s.empty() && blank(s.back())) s.remove_suffix(1);
    return s;
}

// The address as written, IPv4-mapped IPv6 not yet folded to IPv4.
std::optional<ip_address> parse_literal(std::string_view text) {
    if (text.empty() || text.size() > INET6_ADDRSTRLEN) return std::nullopt;
    const std::string z(text);  // inet_pton wants a terminated string
    ip_address a;
    if (inet_pton(AF_INET, z.c_str(), a.bytes.data()) == 1) return a;
    a.v6 = true;
    if (inet_pton(AF_INET6, z.c_str(), a.bytes.data()) == 1) return a;
    return std::nullopt;
}

bool is_v4_mapped(const ip_address& a) {
    return a.v6 && std::equal(v4_mapped_prefix.begin(), v4_mapped_prefix.end(), a.bytes.begin());
}

ip_address fold_v4_mapped(ip_address a) {
    if (!is_v4_mapped(a)) return a;
    ip_address v4;
    std::copy_n(a.bytes.begin() + 12, 4, v4.bytes.begin());
    return v4;
}

ip_address masked(const ip_address& a, int prefix) {
    ip_address m = a;
    for (int i = 0; i < 16; ++i) {
        const int keep = std::clamp(prefix - 8 * i, 0, 8);
        m.bytes[i] &= static_cast<std::uint8_t>(0xff00 >> keep);
    }
    return m;
}

// An X-Forwarded-For or X-Real-IP entry: an address, maybe with a port
// ("1.2.3.4:80", "[2001:db8::1]:443", "[2001:db8::1]").
std::optional<ip_address> parse_forwarded_entry(std::string_view entry) {
    entry = trim(entry);
    const auto digits = [](std::string_view s) {
        return !s.empty() && s.size() <= 5 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (entry.starts_with('[')) {
        const auto close = entry.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        const auto rest = entry.substr(close + 1);
        if (!rest.empty() && !(rest.front() == ':' && digits(rest.substr(1)))) return std::nullopt;
        auto a = parse_literal(entry.substr(1, close - 1));
        if (!a || !a->v6) return std::nullopt;
        return fold_v4_mapped(*a);
    }
    const auto colon = entry.find(':');
    if (colon != std::string_view::npos && entry.find(':', colon + 1) == std::string_view::npos) {
        if (!digits(entry.substr(colon + 1))) return std::nullopt;
        auto a = parse_literal(entry.substr(0, colon));
        if (!a || a->v6) return std::nullopt;
        return a;
    }
    return parse_ip(entry);
}

ip_network parse_network(std::string_view entry) {
    const auto slash = entry.find('/');
    const auto address_text = entry.substr(0, slash);
    auto literal = parse_literal(address_text);
    if (!literal) throw std::invalid_argument("not an IPv4 or IPv6 address");
    const int width = literal->v6 ? 128 : 32;
    int prefix = width;
    if (slash != std::string_view::npos) {
        const auto digits = entry.substr(slash + 1);
        if (digits.empty() || digits.size() > 3 ||
            !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
            throw std::invalid_argument("prefix length must be a number from 0 to " + std::to_string(width));
        prefix = std::stoi(std::string(digits));
        if (prefix > width)
            throw std::invalid_argument("prefix length must be a number from 0 to " + std::to_string(width));
    }
    if (masked(*literal, prefix) != *literal)
        throw std::invalid_argument("host bits are set (did you mean " + to_string(masked(*literal, prefix)) + "/" +
                                    std::to_string(prefix) + "?)");
    if (is_v4_mapped(*literal)) {
        if (prefix < 96) throw std::invalid_argument("an IPv4-mapped network needs a prefix of at least 96");
        return {fold_v4_mapped(*literal), prefix - 96};
    }
    return {*literal, prefix};
}

}  // namespace

std::optional<ip_address> parse_ip(std::string_view text) {
    auto a = parse_literal(text);
    if (!a) return std::nullopt;
    return fold_v4_mapped(*a);
}

std::string to_string(const ip_address& a) {
    char text[INET6_ADDRSTRLEN];
    inet_ntop(a.v6 ? AF_INET6 : AF_INET, a.bytes.data(), text, sizeof text);
    return text;
}

bool ip_network::contains(const ip_address& a) const {
    return a.v6 == base.v6 && masked(a, prefix) == base;
}

trusted_proxies trusted_proxies::parse(std::string_view list) {
    trusted_proxies t;
    if (trim(list).empty()) return t;
    std::size_t number = 1;
    while (true) {
        const auto comma = list.find(',');
        const auto entry = trim(list.substr(0, comma));
        try {
            if (entry.empty()) throw std::invalid_argument("empty entry");
            t.networks_.push_back(parse_network(entry));
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument("PINGYI_TRUSTED_PROXIES: entry " + std::to_string(number) + " \"" +
                                        std::string(entry) + "\": " + e.what());
        }
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
        ++number;
    }
    return t;
}

bool trusted_proxies::contains(const ip_address& a) const {
    return std::any_of(networks_.begin(), networks_.end(), [&](const ip_network& n) { return n.contains(a); });
}

std::string client_address(std::string_view peer, std::string_view x_forwarded_for, std::string_view x_real_ip,
                           const trusted_proxies& trusted) {
    const auto peer_address = parse_ip(peer);
    if (!peer_address) return std::string(peer);
    const std::string peer_text = to_string(*peer_address);
    if (!trusted.contains(*peer_address)) return peer_text;

    if (!trim(x_forwarded_for).empty()) {
        std::optional<ip_address> client;
        while (true) {
            const auto comma = x_forwarded_for.rfind(',');
            const auto entry = comma == std::string_view::npos ? x_forwarded_for : x_forwarded_for.substr(comma + 1);
            client = parse_forwarded_entry(entry);
            if (!client) return peer_text;
            if (!trusted.contains(*client) || comma == std::string_view::npos) break;
            x_forwarded_for = x_forwarded_for.substr(0, comma);
        }
        return to_string(*client);
    }
    if (!trim(x_real_ip).empty()) {
        const auto client = parse_forwarded_entry(x_real_ip);
        return client ? to_string(*client) : peer_text;
    }
    return peer_text;
}

std::optional<std::string> network_of(std::string_view address) {
    const auto a = parse_ip(address);
    if (!a) return std::nullopt;
    const int prefix = a->v6 ? 48 : 24;
    return to_string(masked(*a, prefix)) + "/" + std::to_string(prefix);
}

}  // namespace pingyi::http
