#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "http/client_address.hpp"

using pingyi::http::client_address;
using pingyi::http::network_of;
using pingyi::http::parse_ip;
using pingyi::http::to_string;
using pingyi::http::trusted_proxies;

namespace {

std::string parse_error(std::string_view list) {
    try {
        trusted_proxies::parse(list);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST_CASE("client_address: parse_ip and canonical text") {
    CHECK(to_string(*parse_ip("203.0.113.7")) == "203.0.113.7");
    CHECK(to_string(*parse_ip("2001:DB8:0:0:0:0:0:1")) == "2001:db8::1");
    CHECK(to_string(*parse_ip("::ffff:192.0.2.1")) == "192.0.2.1");  // IPv4-mapped is IPv4
    CHECK(*parse_ip("::ffff:192.0.2.1") == *parse_ip("192.0.2.1"));
    CHECK_FALSE(parse_ip("::ffff:192.0.2.1")->v6);
    CHECK(parse_ip("::1")->v6);
    for (std::string_view bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", " 1.2.3.4", "1.2.3.4:80",
                                 "[::1]", "2001:db8::g", "unknown", "fe80::1%eth0", "1.2.3.4/32"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_ip(bad));
    }
}

TEST_CASE("client_address: PINGYI_TRUSTED_PROXIES") {
    const auto t = trusted_proxies::parse(" 10.0.0.0/8, 127.0.0.1 ,::1,fd00::/8,\t192.168.1.0/24");
    CHECK(t.contains(*parse_ip("10.255.3.4")));
    CHECK(t.contains(*parse_ip("127.0.0.1")));
    CHECK_FALSE(t.contains(*parse_ip("127.0.0.2")));
    CHECK(t.contains(*parse_ip("::1")));
    CHECK(t.contains(*parse_ip("fdab::7")));
    CHECK_FALSE(t.contains(*parse_ip("fe00::7")));
    CHECK(t.contains(*parse_ip("192.168.1.200")));
    CHECK_FALSE(t.contains(*parse_ip("192.168.2.1")));
    CHECK(t.contains(*parse_ip("::ffff:10.1.2.3")));  // what a dual-stack socket reports
    CHECK_FALSE(t.contains(*parse_ip("::a01:203")));   // ::10.1.2.3 is not IPv4-mapped

    CHECK(trusted_proxies::parse("").empty());
    CHECK(trusted_proxies::parse("  ").empty());
    CHECK(trusted_proxies::parse("0.0.0.0/0").contains(*parse_ip("8.8.8.8")));
    CHECK_FALSE(trusted_proxies::parse("0.0.0.0/0").contains(*parse_ip("2001:db8::1")));
    CHECK(trusted_proxies::parse("::ffff:10.0.0.0/104").contains(*parse_ip("10.9.9.9")));

    CHECK(parse_error("10.0.0.0/8,,::1") == "PINGYI_TRUSTED_PROXIES: entry 2 \"\": empty entry");
    CHECK(parse_error("10.0.0.0/8,") == "PINGYI_TRUSTED_PROXIES: entry 2 \"\": empty entry");
    CHECK(parse_error("10.0.0.0/33") ==
          "PINGYI_TRUSTED_PROXIES: entry 1 \"10.0.0.0/33\": prefix length must be a number from 0 to 32");
    CHECK(parse_error("::1, fd00::/129") ==
          "PINGYI_TRUSTED_PROXIES: entry 2 \"fd00::/129\": prefix length must be a number from 0 to 128");
    CHECK(parse_error("10.0.0.0/") ==
          "PINGYI_TRUSTED_PROXIES: entry 1 \"10.0.0.0/\": prefix length must be a number from 0 to 32");
    CHECK(parse_error("10.0.0.0/-8") ==
          "PINGYI_TRUSTED_PROXIES: entry 1 \"10.0.0.0/-8\": prefix length must be a number from 0 to 32");
    CHECK(parse_error("proxy.local") ==
          "PINGYI_TRUSTED_PROXIES: entry 1 \"proxy.local\": not an IPv4 or IPv6 address");
    CHECK(parse_error("10.0.0.1/8") ==
          "PINGYI_TRUSTED_PROXIES: entry 1 \"10.0.0.1/8\": host bits are set (did you mean 10.0.0.0/8?)");
    CHECK(parse_error("10.0.0.0 8") ==
          "PINGYI_TRUSTED_PROXIES: entry 1 \"10.0.0.0 8\": not an IPv4 or IPv6 address");
    CHECK(parse_error("::ffff:10.0.0.0/8") ==
          "PINGYI_TRUSTED_PROXIES: entry 1 \"::ffff:10.0.0.0/8\": host bits are set (did you mean ::/8?)");
    CHECK(parse_error("::ffff:0.0.0.0/80") ==
          "PINGYI_TRUSTED_PROXIES: entry 1 \"::ffff:0.0.0.0/80\": host bits are set (did you mean ::/80?)");
}

TEST_CASE("client_address: headers from an untrusted peer are ignored") {
    const auto t = trusted_proxies::parse("10.0.0.1");
    CHECK(client_address("198.51.100.9", "1.1.1.1", "2.2.2.2", t) == "198.51.100.9");
    CHECK(client_address("198.51.100.9", "", "", t) == "198.51.100.9");
    CHECK(client_address("::ffff:198.51.100.9", "1.1.1.1", "", t) == "198.51.100.9");
    CHECK(client_address("2001:DB8::9", "1.1.1.1", "", t) == "2001:db8::9");
    // With no trusted proxies at all, nobody's headers count.
    CHECK(client_address("10.0.0.1", "1.1.1.1", "2.2.2.2", trusted_proxies{}) == "10.0.0.1");
}

TEST_CASE("client_address: X-Forwarded-For from a trusted peer, walked from the right") {
    const auto t = trusted_proxies::parse("10.0.0.0/8, 2001:db8:ffff::/48");
    struct row {
        std::string_view peer, xff, real_ip, want;
    };
    const row table[] = {
        {"10.0.0.1", "203.0.113.5", "", "203.0.113.5"},
        {"10.0.0.1", "203.0.113.5", "198.51.100.1", "203.0.113.5"},  // XFF wins over X-Real-IP
        // A client's own (spoofed) entries stand left of what our proxies saw.
        {"10.0.0.1", "6.6.6.6, 203.0.113.5", "", "203.0.113.5"},
        {"10.0.0.1", "6.6.6.6,203.0.113.5, 10.0.0.7", "", "203.0.113.5"},
        {"10.0.0.1", "  203.0.113.5  ,10.1.1.1,10.2.2.2", "", "203.0.113.5"},
        {"10.0.0.1", "10.3.3.3, 10.1.1.1", "", "10.3.3.3"},  // all trusted: the leftmost
        {"10.0.0.1", "203.0.113.5:4711", "", "203.0.113.5"},
        {"10.0.0.1", "[2001:db8::5]:443", "", "2001:db8::5"},
        {"10.0.0.1", "[2001:db8::5]", "", "2001:db8::5"},
        {"10.0.0.1", "2001:DB8::5", "", "2001:db8::5"},
        {"10.0.0.1", "::ffff:203.0.113.5", "", "203.0.113.5"},
        {"10.0.0.1", "2001:db8::5, 2001:db8:ffff::1", "", "2001:db8::5"},
        {"2001:db8:ffff::2", "203.0.113.5", "", "203.0.113.5"},
        {"::ffff:10.0.0.1", "203.0.113.5", "", "203.0.113.5"},
        // Malformed on the way: the peer.
        {"10.0.0.1", "garbage", "", "10.0.0.1"},
        {"10.0.0.1", "unknown, 10.1.1.1", "", "10.0.0.1"},
        {"10.0.0.1", "203.0.113.5,", "", "10.0.0.1"},
        {"10.0.0.1", "203.0.113.5,,10.1.1.1", "", "10.0.0.1"},
        {"10.0.0.1", "203.0.113.5:http", "", "10.0.0.1"},
        {"10.0.0.1", "203.0.113.5:123456", "", "10.0.0.1"},
        {"10.0.0.1", "[203.0.113.5]", "", "10.0.0.1"},
        {"10.0.0.1", "[2001:db8::5", "", "10.0.0.1"},
        {"10.0.0.1", "[2001:db8::5]x", "", "10.0.0.1"},
        {"10.0.0.1", "203.0.113.5 10.1.1.1", "", "10.0.0.1"},
        // Left of the first untrusted entry nothing is read, garbage or not.
        {"10.0.0.1", "garbage, 203.0.113.5", "", "203.0.113.5"},
        // X-Real-IP when there is no X-Forwarded-For.
        {"10.0.0.1", "", "203.0.113.5", "203.0.113.5"},
        {"10.0.0.1", "   ", " 203.0.113.5 ", "203.0.113.5"},
        {"10.0.0.1", "", "[2001:db8::5]:80", "2001:db8::5"},
        {"10.0.0.1", "", "not an ip", "10.0.0.1"},
        {"10.0.0.1", "", "", "10.0.0.1"},
        // A peer that is no IP address is passed through, headers unread.
        {"unix:/run/pingyi.sock", "203.0.113.5", "", "unix:/run/pingyi.sock"},
    };
    for (const row& r : table) {
        CAPTURE(r.peer);
        CAPTURE(r.xff);
        CAPTURE(r.real_ip);
        CHECK(client_address(r.peer, r.xff, r.real_ip, t) == r.want);
    }
}

TEST_CASE("client_address: network_of gives the /24 or /48") {
    CHECK(network_of("203.0.113.77") == "203.0.113.0/24");
    CHECK(network_of("::ffff:203.0.113.77") == "203.0.113.0/24");
    CHECK(network_of("2001:db8:1234:5678::1") == "2001:db8:1234::/48");
    CHECK(network_of("2001:db8:1234:ffff:ffff:ffff:ffff:ffff") == network_of("2001:db8:1234::"));
    CHECK(network_of("::1") == "::/48");
    CHECK_FALSE(network_of("garbage"));
    CHECK_FALSE(network_of(""));
}
