// Who the client is: the peer's address, or, when the peer is one of our
// trusted reverse proxies (PINGYI_TRUSTED_PROXIES), the address the proxies
// name in X-Forwarded-For / X-Real-IP. Pure: addresses come in as text.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pingyi::http {

// An IPv4 or IPv6 address. IPv4-mapped IPv6 (::ffff:a.b.c.d, what a
// dual-stack socket reports) is stored as the IPv4 address it maps.
struct ip_address {
    bool v6 = false;
    std::array<std::uint8_t, 16> bytes{};  // IPv4 uses the first 4

    friend bool operator==(const ip_address&, const ip_address&) = default;
};

// A plain address ("203.0.113.7", "2001:db8::1"), nothing around it.
std::optional<ip_address> parse_ip(std::string_view text);
// The canonical text (lower-case, compressed IPv6).
std::string to_string(const ip_address& a);

struct ip_network {
    ip_address base;  // host bits zero
    int prefix = 0;

    bool contains(const ip_address& a) const;
};

class trusted_proxies {
public:
    trusted_proxies() = default;  // none: the peer is always the client

    // "10.0.0.0/8, 127.0.0.1, ::1, fd00::/8": addresses or CIDRs separated
    // by commas; blank = none. Throws std::invalid_argument naming the entry.
    static trusted_proxies parse(std::string_view list);

    bool contains(const ip_address& a) const;
    bool empty() const { return networks_.empty(); }

private:
    std::vector<ip_network> networks_;
};

// The client address in canonical text. The headers count only when the
// peer is trusted: X-Forwarded-For (all its header lines joined with ",") is
// walked from the right, skipping trusted proxies, and the first untrusted
// entry is the client (the leftmost if all are trusted); without it,
// X-Real-IP. Entries may carry a port ("1.2.3.4:80", "[2001:db8::1]:443").
// Any malformed entry met on the way, or a malformed X-Real-IP, gives the
// peer. A peer that is not an IP address is returned as given.
std::string client_address(std::string_view peer, std::string_view x_forwarded_for, std::string_view x_real_ip,
                           const trusted_proxies& trusted);

// The /24 (IPv4) or /48 (IPv6) network of an address, as CIDR text
// ("203.0.113.0/24", "2001:db8:1::/48"): many voters from one such network
// is an integrity signal. nullopt when `address` is not an IP address.
std::optional<std::string> network_of(std::string_view address);

}  // namespace pingyi::http
