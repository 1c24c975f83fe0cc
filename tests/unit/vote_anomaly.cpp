// The anomaly analyzer on synthetic logs: what must be flagged (a burst
// from one /24, concentrated addresses, many voters behind one address,
// fresh followers, an exceeded electorate) and what must not (ordinary
// traffic over hours, a campus NAT at a moderate share).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>

#include "http/client_address.hpp"
#include "vote/anomaly.hpp"

using namespace pingyi::vote;

namespace {

constexpr std::int64_t t0 = 1576803600000;  // 2019-12-20T09:00:00+08:00
constexpr std::int64_t minute = 60'000;

// A log under construction, with a deterministic random source.
struct log_builder {
    std::vector<log_entry> entries;
    std::map<std::string, std::int64_t> followed_s;  // voter -> when they followed
    std::uint64_t state = 0x9E3779B97F4A7C15ull;
    int voters = 0;

    std::uint64_t next() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    }
    double uniform() { return static_cast<double>(next() % 1'000'000) / 1'000'000.0; }
    std::string random_address() {
        return std::to_string(20 + next() % 180) + "." + std::to_string(next() % 256) + "." +
               std::to_string(next() % 256) + "." + std::to_string(1 + next() % 254);
    }
    std::string new_voter() { return "voter" + std::to_string(++voters); }

    void vote(std::int64_t ms, const std::string& voter, const std::string& units, const std::string& address) {
        log_entry e;
        e.seq = entries.size() + 1;
        e.time_ms = ms;
        e.nonce = "n" + std::to_string(e.seq * 7919);
        e.voter = voter;
        e.units = units;
        e.address = address;
        entries.push_back(std::move(e));
    }

    // 1 to 3 distinct units of u01..u0n.
    std::string random_units(int n) {
        int choices = 1 + static_cast<int>(next() % 3);
        std::string out;
        int first = static_cast<int>(next() % static_cast<std::uint64_t>(n));
        for (int k = 0; k < choices && k < n; ++k) {
            if (!out.empty()) out += ',';
            out += "u0" + std::to_string(1 + (first + k) % n);
        }
        return out;
    }

    // `minutes` of traffic from random addresses, on average rate(m) ballots
    // in minute m; fresh_share of the voters followed the account just before.
    template <class Rate>
    void ordinary(std::int64_t start_ms, int minutes, Rate rate, int units, double fresh_share = 0.1) {
        for (int m = 0; m < minutes; ++m) {
            double p = rate(m) / 50.0;
            for (int k = 0; k < 50; ++k) {
                if (uniform() >= p) continue;
                auto ms = start_ms + m * minute + static_cast<std::int64_t>(next() % 60'000);
                auto voter = new_voter();
                if (uniform() < fresh_share) followed_s[voter] = ms / 1000 - 120;
                vote(ms, voter, random_units(units), random_address());
            }
        }
        sort_by_time();
    }

    // The log is in seq order and time order: renumber after mixing.
    void sort_by_time() {
        std::stable_sort(entries.begin(), entries.end(),
                         [](const log_entry& a, const log_entry& b) { return a.time_ms < b.time_ms; });
        for (std::size_t i = 0; i < entries.size(); ++i) {
            entries[i].seq = i + 1;
            entries[i].nonce = "n" + std::to_string((i + 1) * 7919);
        }
    }

    void feed(analyzer& a, std::size_t from = 0, std::size_t to = SIZE_MAX) const {
        for (std::size_t i = from; i < std::min(to, entries.size()); ++i) {
            const auto& e = entries[i];
            std::optional<std::int64_t> followed;
            if (!a.knows(e.voter)) {
                auto f = followed_s.find(e.voter);
                if (f != followed_s.end()) followed = f->second;
            }
            a.add(e, pingyi::http::network_of(e.address).value_or(""), followed);
        }
    }
};

std::vector<unit> units_of(int n, std::map<std::string, std::int64_t> electorates = {}) {
    std::vector<unit> out;
    for (int i = 1; i <= n; ++i) {
        unit u;
        u.id = "u0" + std::to_string(i);
        u.name = "单位" + std::to_string(i);
        if (auto e = electorates.find(u.id); e != electorates.end()) u.electorate = e->second;
        out.push_back(u);
    }
    return out;
}

std::vector<std::string> ids(const std::vector<signal>& signals) {
    std::vector<std::string> out;
    for (const auto& s : signals) out.push_back(s.id);
    return out;
}

const signal* find_kind(const std::vector<signal>& signals, signal_kind k, const std::string& unit) {
    for (const auto& s : signals)
        if (s.kind == k && s.unit == unit) return &s;
    return nullptr;
}

// A working day: quiet morning, busy noon, an evening peak.
double daily_rate(int m, double scale) {
    return scale * (1.0 + 0.8 * std::sin(static_cast<double>(m) / 60.0) + 0.5 * std::sin(static_cast<double>(m) / 17.0));
}

}  // namespace

TEST_CASE("anomaly: ordinary traffic from many addresses over hours is not flagged") {
    log_builder log;
    log.ordinary(t0, 8 * 60, [](int m) { return daily_rate(m, 10.0); }, 5);
    REQUIRE(log.entries.size() > 3000);
    analyzer a(units_of(5, {{"u01", 100000}}));
    log.feed(a);
    CHECK(a.last_seq() == log.entries.size());
    CHECK(ids(a.signals()) == std::vector<std::string>{});
}

TEST_CASE("anomaly: a quiet start followed by steady traffic is not a burst") {
    log_builder log;
    for (int i = 0; i < 6; ++i) log.vote(t0 + i * 20 * minute, log.new_voter(), "u01", log.random_address());
    log.ordinary(t0 + 2 * 60 * minute, 3 * 60, [](int) { return 6.0; }, 1);
    analyzer a(units_of(1));
    log.feed(a);
    CHECK(ids(a.signals()) == std::vector<std::string>{});
}

TEST_CASE("anomaly: a burst from one /24 is flagged against the unit's own baseline") {
    log_builder log;
    log.ordinary(t0, 4 * 60, [](int) { return 1.0; }, 3);
    // Two hours in, 150 ballots for u01 within three minutes from 203.0.113.0/24.
    auto burst_start = t0 + 2 * 60 * minute + 30'000;
    for (int i = 0; i < 150; ++i)
        log.vote(burst_start + i * 1200, log.new_voter(), "u01", "203.0.113." + std::to_string(1 + i % 60));
    log.sort_by_time();
    analyzer a(units_of(3));
    log.feed(a);
    auto signals = a.signals();

    const auto* burst = find_kind(signals, signal_kind::burst, "u01");
    REQUIRE(burst != nullptr);
    CHECK(burst->id == "burst:u01:20191220T1100");
    CHECK(burst->votes >= 150);
    CHECK(burst->votes < 170);  // the burst's minutes only, not the hours around it
    CHECK(burst->first_ms >= burst_start - minute);
    CHECK(burst->last_ms <= burst_start + 4 * minute);
    CHECK(burst->baseline_per_minute == 1.0);
    CHECK(burst->peak_per_minute >= 30.0);
    CHECK(burst->samples.size() == 5);

    const auto* network = find_kind(signals, signal_kind::network_share, "u01");
    REQUIRE(network != nullptr);
    CHECK(network->id == "network_share:u01:203.0.113.0_24");
    CHECK(network->network == "203.0.113.0/24");
    CHECK(network->votes == 150);
    CHECK(network->unit_votes == burst->unit_votes);
    CHECK(network->samples.size() == 5);
    // No single address carries it (60 addresses, 2 or 3 votes each), and
    // the other units saw nothing unusual.
    CHECK(find_kind(signals, signal_kind::address_share, "u01") == nullptr);
    for (const auto& s : signals) CHECK(s.unit == "u01");
}

TEST_CASE("anomaly: a campus NAT at a moderate share is not flagged") {
    log_builder log;
    log.ordinary(t0, 6 * 60, [](int) { return 0.5; }, 2);
    // 30 students behind the campus address, 10 more on two neighbours, over the day.
    for (int i = 0; i < 40; ++i) {
        std::string address = i < 30 ? "202.116.64.10" : (i % 2 ? "202.116.64.11" : "202.116.64.12");
        log.vote(t0 + (i * 9 + 3) * minute, log.new_voter(), i % 3 ? "u01" : "u01,u02", address);
    }
    log.sort_by_time();
    analyzer a(units_of(2));
    log.feed(a);
    CHECK(ids(a.signals()) == std::vector<std::string>{});
}

TEST_CASE("anomaly: one address carrying a unit, and many voters behind one address") {
    log_builder log;
    log.ordinary(t0, 3 * 60, [](int) { return 0.5; }, 2);
    for (int i = 0; i < 60; ++i)
        log.vote(t0 + 30 * minute + i * 90'000, log.new_voter(), i < 40 ? "u01" : "u02,u01", "198.51.100.7");
    log.sort_by_time();
    analyzer a(units_of(2));
    log.feed(a);
    auto signals = a.signals();

    const auto* address = find_kind(signals, signal_kind::address_share, "u01");
    REQUIRE(address != nullptr);
    CHECK(address->id == "address_share:u01:198.51.100.7");
    CHECK(address->votes == 60);
    CHECK(address->network == "198.51.100.0/24");
    // The /24 says nothing more than the address: not repeated.
    CHECK(find_kind(signals, signal_kind::network_share, "u01") == nullptr);

    const auto* many = find_kind(signals, signal_kind::address_voters, "*");
    REQUIRE(many != nullptr);
    CHECK(many->id == "address_voters:*:198.51.100.7");
    CHECK(many->voters == 60);
    CHECK(many->votes == 60);
    using counts = std::vector<std::pair<std::string, std::uint64_t>>;
    CHECK(many->units == counts{{"u01", 60}, {"u02", 20}});
    // Samples start at an address's second ballot (its first is kept by nobody).
    std::vector<std::string> from_address;
    for (const auto& e : log.entries)
        if (e.address == "198.51.100.7") from_address.push_back(e.receipt());
    CHECK(many->samples == std::vector<std::string>(from_address.begin() + 1, from_address.begin() + 6));
    CHECK(many->first_ms == t0 + 30 * minute);
    CHECK(many->last_ms == t0 + 30 * minute + 59 * 90'000);
}

TEST_CASE("anomaly: votes right after following the account, relative to the other units") {
    SUBCASE("a unit carried by fresh followers is flagged") {
        log_builder log;
        log.ordinary(t0, 3 * 60, [](int) { return 2.0; }, 2, 0.1);
        // u03: 30 accounts that followed two minutes before voting, 10 others.
        for (int i = 0; i < 40; ++i) {
            auto voter = log.new_voter();
            auto ms = t0 + 60 * minute + i * minute;
            if (i < 30) log.followed_s[voter] = ms / 1000 - 120;
            if (i == 30) log.followed_s[voter] = t0 / 1000 - 86400;  // a day earlier: not fresh
            log.vote(ms, voter, "u03", log.random_address());
        }
        log.sort_by_time();
        analyzer a(units_of(3));
        log.feed(a);
        auto signals = a.signals();
        REQUIRE(ids(signals) == std::vector<std::string>{"fresh_follow:u03:total"});
        const auto& fresh = signals.front();
        CHECK(fresh.votes == 30);
        CHECK(fresh.unit_votes == 40);
        CHECK(fresh.reference_share > 0.02);
        CHECK(fresh.reference_share < 0.2);
        CHECK(fresh.samples.size() == 5);
        CHECK(fresh.first_ms == t0 + 60 * minute);
        CHECK(fresh.last_ms == t0 + 89 * minute);
    }
    SUBCASE("when every unit's voters just followed (the welcome flow), none stands out") {
        log_builder everyone;
        everyone.ordinary(t0, 3 * 60, [](int) { return 2.0; }, 3, 0.9);
        analyzer a(units_of(3));
        everyone.feed(a);
        CHECK(ids(a.signals()) == std::vector<std::string>{});
    }
}

TEST_CASE("anomaly: more votes than the plausible electorate") {
    log_builder log;
    for (int i = 0; i < 60; ++i) log.vote(t0 + i * minute, log.new_voter(), i < 40 ? "u01,u02" : "u02", log.random_address());
    analyzer a(units_of(3, {{"u01", 1000}, {"u02", 50}, {"u03", 0}}));
    log.feed(a);
    auto signals = a.signals();
    REQUIRE(ids(signals) == std::vector<std::string>{"electorate:u02:total"});
    const auto& s = signals.front();
    CHECK(s.votes == 60);
    CHECK(s.electorate == 50);
    CHECK(s.first_ms == t0 + 50 * minute);  // the 51st vote
    CHECK(s.last_ms == t0 + 59 * minute);
    CHECK(s.samples == std::vector<std::string>{log.entries[50].receipt(), log.entries[51].receipt(),
                                                log.entries[52].receipt(), log.entries[53].receipt(),
                                                log.entries[54].receipt()});
}

TEST_CASE("anomaly: deterministic and incremental, replayed entries are ignored") {
    log_builder log;
    log.ordinary(t0, 2 * 60, [](int) { return 1.0; }, 2);
    for (int i = 0; i < 80; ++i) log.vote(t0 + 50 * minute + i * 1000, log.new_voter(), "u02", "192.0.2.9");
    log.sort_by_time();

    analyzer once(units_of(2));
    log.feed(once);
    analyzer in_steps(units_of(2));
    log.feed(in_steps, 0, 100);
    log.feed(in_steps, 50, 200);  // overlaps: the repeated entries change nothing
    log.feed(in_steps, 200);
    auto a = once.signals();
    auto b = in_steps.signals();
    REQUIRE(a.size() == b.size());
    CHECK(a.size() >= 3);  // burst, address share, address voters
    for (std::size_t i = 0; i < a.size(); ++i) {
        CHECK(a[i].id == b[i].id);
        CHECK(a[i].votes == b[i].votes);
        CHECK(a[i].samples == b[i].samples);
    }
    CHECK(ids(a) == std::vector<std::string>{"burst:u02:20191220T0950", "address_share:u02:192.0.2.9",
                                             "address_voters:*:192.0.2.9"});
}

TEST_CASE("anomaly: thresholds come from the config") {
    log_builder log;
    for (int i = 0; i < 10; ++i) log.vote(t0 + i * minute, log.new_voter(), "u01", "192.0.2.1");
    anomaly_config strict;
    strict.address_min_votes = 10;
    strict.address_min_voters = 10;
    analyzer a(units_of(1), strict);
    log.feed(a);
    CHECK(ids(a.signals()) == std::vector<std::string>{"address_share:u01:192.0.2.1", "address_voters:*:192.0.2.1"});
    analyzer lenient(units_of(1));
    log.feed(lenient);
    CHECK(ids(lenient.signals()) == std::vector<std::string>{});
}
