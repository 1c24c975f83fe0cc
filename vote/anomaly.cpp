#include "vote/anomaly.hpp"

#include <algorithm>
#include <tuple>

#include "vote/time.hpp"

namespace pingyi::vote {

namespace {

constexpr std::int64_t minute_ms = 60'000;

// FNV-1a, chainable: stable 64-bit keys for pseudonyms and (address, voter)
// pairs, so a million voters cost a million integers, not a million strings.
std::uint64_t fnv1a(std::string_view voter, std::uint64_t h = 14695981039346656037ull) {
    for (unsigned char c : voter) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

// Ids travel in URL paths: keep them to characters that need no escaping.
std::string path_safe(std::string_view text) {
    std::string out(text);
    for (auto& c : out) {
        bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                     c == '-' || c == ':' || c == '_';
        if (!plain) c = '_';
    }
    return out;
}

// "2019-12-20T09:05:00+08:00" -> "20191220T0905".
std::string shanghai_minute(std::int64_t ms) {
    auto t = format_rfc3339_shanghai(ms);
    return t.substr(0, 4) + t.substr(5, 2) + t.substr(8, 2) + "T" + t.substr(11, 2) + t.substr(14, 2);
}

double share(std::uint64_t part, std::uint64_t whole) {
    return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

std::string_view unit_of(std::string_view item) { return item.substr(0, item.find(':')); }

}  // namespace

std::string_view to_string(signal_kind k) {
    switch (k) {
    case signal_kind::burst: return "burst";
    case signal_kind::address_share: return "address_share";
    case signal_kind::network_share: return "network_share";
    case signal_kind::address_voters: return "address_voters";
    case signal_kind::fresh_follow: return "fresh_follow";
    case signal_kind::electorate: return "electorate";
    }
    return "burst";
}

analyzer::analyzer(const std::vector<unit>& units, anomaly_config config) : config_(config) {
    for (const auto& u : units) {
        unit_index_.emplace(u.id, units_.size());
        auto& state = units_.emplace_back();
        state.id = u.id;
        state.electorate = u.electorate;
    }
}

bool analyzer::knows(std::string_view voter) const { return voters_.contains(fnv1a(voter)); }

void analyzer::count(evidence& ev, const log_entry& e, std::uint64_t keep_from) const {
    if (ev.votes == 0) ev.first_ms = e.time_ms;
    ++ev.votes;
    ev.last_ms = e.time_ms;
    if (ev.votes >= keep_from && ev.samples.size() < config_.samples) ev.samples.push_back(e.receipt());
}

void analyzer::add(const log_entry& e, std::string_view network, std::optional<std::int64_t> followed_at_s) {
    if (e.seq <= last_seq_) return;
    last_seq_ = e.seq;
    auto key = fnv1a(e.voter);
    auto [voter, first_seen] = voters_.try_emplace(key);
    if (first_seen) voter->second.followed_at_s = followed_at_s;
    bool fresh = false;
    if (auto followed = voter->second.followed_at_s) {
        auto since = e.time_ms - *followed * 1000;
        fresh = since >= 0 && since <= config_.fresh_minutes * minute_ms;
    }
    address_state* from = nullptr;
    if (!e.address.empty()) {
        from = &addresses_[e.address];
        if (from->ballots.votes == 0) from->network = std::string(network);
        count(from->ballots, e, 2);
        if (address_voters_.insert(fnv1a(e.voter, fnv1a(e.address))).second) ++from->voters;
    }
    for (const auto& item : e.items()) {
        auto found = unit_index_.find(std::string(unit_of(item)));
        if (found == unit_index_.end()) continue;
        auto& u = units_[found->second];
        count(u.all, e);
        ++unit_votes_;
        if (u.electorate && u.all.votes > static_cast<std::uint64_t>(std::max<std::int64_t>(*u.electorate, 0)))
            count(u.beyond_electorate, e);
        if (fresh) {
            count(u.fresh, e);
            ++fresh_votes_;
        }
        // A minute's samples start where a burst minute could start (the
        // factor times the lowest baseline, 1 vote a minute).
        count(u.minutes[e.time_ms / minute_ms], e, static_cast<std::uint64_t>(config_.burst_factor));
        if (from) {
            count(u.addresses[e.address], e, 2);
            if (!network.empty()) count(u.networks[std::string(network)], e, 2);
        }
    }
}

namespace {

signal make_signal(signal_kind kind, std::string_view unit, std::string subject, std::uint64_t unit_votes,
                   std::int64_t first_ms, std::int64_t last_ms, std::uint64_t votes, std::vector<std::string> samples) {
    signal s;
    s.kind = kind;
    s.unit = std::string(unit);
    s.id = std::string(to_string(kind)) + ":" + s.unit + ":" + path_safe(subject);
    s.subject = std::move(subject);
    s.unit_votes = unit_votes;
    s.first_ms = first_ms;
    s.last_ms = last_ms;
    s.votes = votes;
    s.samples = std::move(samples);
    return s;
}

}  // namespace

// Windows of burst_window_minutes ending at each active minute; flagged
// windows that overlap make one episode, trimmed to the minutes that are
// themselves far above the baseline.
void analyzer::burst_signals(const unit_state& u, std::vector<signal>& out) const {
    if (u.minutes.empty()) return;
    std::vector<std::uint64_t> per_minute;
    for (const auto& [minute, ev] : u.minutes) per_minute.push_back(ev.votes);
    auto middle = per_minute.begin() + static_cast<std::ptrdiff_t>(per_minute.size() / 2);
    std::nth_element(per_minute.begin(), middle, per_minute.end());
    double baseline = static_cast<double>(*middle);
    double minute_threshold = config_.burst_factor * baseline;
    double window_threshold = minute_threshold * static_cast<double>(config_.burst_window_minutes);

    struct episode {
        std::int64_t first = 0;
        std::int64_t last = 0;
        std::uint64_t peak = 0;
    };
    std::vector<episode> episodes;
    auto left = u.minutes.begin();
    std::uint64_t in_window = 0;
    for (auto right = u.minutes.begin(); right != u.minutes.end(); ++right) {
        in_window += right->second.votes;
        while (left->first <= right->first - config_.burst_window_minutes) {
            in_window -= left->second.votes;
            ++left;
        }
        bool flagged = in_window >= config_.burst_min_votes && static_cast<double>(in_window) >= window_threshold;
        if (!flagged) continue;
        if (!episodes.empty() && left->first <= episodes.back().last) {
            episodes.back().last = right->first;
            episodes.back().peak = std::max(episodes.back().peak, in_window);
        } else {
            episodes.push_back({left->first, right->first, in_window});
        }
    }
    for (const auto& ep : episodes) {
        auto first = u.minutes.find(ep.first);
        auto end = std::next(u.minutes.find(ep.last));
        auto busy = [&](const auto& m) { return static_cast<double>(m.second.votes) >= minute_threshold; };
        auto trimmed_first = std::find_if(first, end, busy);
        if (trimmed_first != end) {
            first = trimmed_first;
            while (!busy(*std::prev(end))) --end;
        }
        evidence ev;
        for (auto m = first; m != end; ++m) {
            if (ev.votes == 0) ev.first_ms = m->second.first_ms;
            ev.votes += m->second.votes;
            ev.last_ms = m->second.last_ms;
            for (const auto& r : m->second.samples)
                if (ev.samples.size() < config_.samples) ev.samples.push_back(r);
        }
        auto s = make_signal(signal_kind::burst, u.id, shanghai_minute(ev.first_ms), u.all.votes, ev.first_ms,
                             ev.last_ms, ev.votes, std::move(ev.samples));
        s.baseline_per_minute = baseline;
        s.peak_per_minute = static_cast<double>(ep.peak) / static_cast<double>(config_.burst_window_minutes);
        out.push_back(std::move(s));
    }
}

void analyzer::concentration_signals(const unit_state& u, std::vector<signal>& out) const {
    std::vector<std::pair<std::string, std::uint64_t>> flagged;  // network, votes of a flagged address
    for (const auto& [address, ev] : u.addresses) {
        if (ev.votes < config_.address_min_votes || share(ev.votes, u.all.votes) < config_.address_share) continue;
        auto s = make_signal(signal_kind::address_share, u.id, address, u.all.votes, ev.first_ms, ev.last_ms, ev.votes,
                             ev.samples);
        s.address = address;
        s.network = addresses_.at(address).network;
        flagged.emplace_back(s.network, ev.votes);
        out.push_back(std::move(s));
    }
    for (const auto& [network, ev] : u.networks) {
        if (ev.votes < config_.network_min_votes || share(ev.votes, u.all.votes) < config_.network_share) continue;
        // A network whose votes all come from one flagged address says nothing new.
        if (std::find(flagged.begin(), flagged.end(), std::pair{network, ev.votes}) != flagged.end()) continue;
        auto s = make_signal(signal_kind::network_share, u.id, network, u.all.votes, ev.first_ms, ev.last_ms, ev.votes,
                             ev.samples);
        s.network = network;
        out.push_back(std::move(s));
    }
}

void analyzer::fresh_signal(const unit_state& u, std::vector<signal>& out) const {
    const auto& ev = u.fresh;
    double own = share(ev.votes, u.all.votes);
    double others = share(fresh_votes_ - ev.votes, unit_votes_ - u.all.votes);
    if (ev.votes < config_.fresh_min_votes || own < config_.fresh_share || own < config_.fresh_ratio * others) return;
    auto s = make_signal(signal_kind::fresh_follow, u.id, "total", u.all.votes, ev.first_ms, ev.last_ms, ev.votes,
                         ev.samples);
    s.reference_share = others;
    out.push_back(std::move(s));
}

void analyzer::electorate_signal(const unit_state& u, std::vector<signal>& out) const {
    const auto& ev = u.beyond_electorate;
    if (ev.votes == 0) return;
    auto s = make_signal(signal_kind::electorate, u.id, "total", u.all.votes, ev.first_ms, ev.last_ms, u.all.votes,
                         ev.samples);
    s.electorate = u.electorate;
    out.push_back(std::move(s));
}

void analyzer::address_voter_signals(std::vector<signal>& out) const {
    for (const auto& [address, a] : addresses_) {
        if (a.voters < config_.address_min_voters) continue;
        auto s = make_signal(signal_kind::address_voters, "*", address, a.ballots.votes, a.ballots.first_ms,
                             a.ballots.last_ms, a.ballots.votes, a.ballots.samples);
        s.address = address;
        s.network = a.network;
        s.voters = a.voters;
        for (const auto& u : units_)
            if (auto votes = u.addresses.find(address); votes != u.addresses.end())
                s.units.emplace_back(u.id, votes->second.votes);
        out.push_back(std::move(s));
    }
}

std::vector<signal> analyzer::signals() const {
    std::vector<signal> out;
    for (const auto& u : units_) {
        burst_signals(u, out);
        concentration_signals(u, out);
        fresh_signal(u, out);
        electorate_signal(u, out);
    }
    address_voter_signals(out);
    auto rank = [this](const signal& s) {
        auto found = unit_index_.find(s.unit);
        std::size_t unit = found == unit_index_.end() ? units_.size() : found->second;
        return std::tuple{static_cast<int>(s.kind), unit, std::string_view(s.subject)};
    };
    std::sort(out.begin(), out.end(), [&](const signal& a, const signal& b) { return rank(a) < rank(b); });
    return out;
}

}  // namespace pingyi::vote
