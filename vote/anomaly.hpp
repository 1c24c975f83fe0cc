// Anomaly signals of a campaign's ballot log (DESIGN.md "Evidence over
// blocking"). The analyzer is fed the log in seq order, keeps counts per
// unit by minute, address and network, and answers the current signals with
// their evidence; staff decide what they mean. Pure: the caller reads the
// log, gives each entry its address's network and looks up when each new
// voter followed the account. docs/integrity.md explains every signal and
// threshold.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "vote/audit_log.hpp"
#include "vote/campaign.hpp"

namespace pingyi::vote {

struct anomaly_config {
    // (a) burst: some window of burst_window_minutes gave a unit at least
    // burst_min_votes votes, at burst_factor times the unit's median votes
    // per active minute or more.
    std::int64_t burst_window_minutes = 5;
    std::uint64_t burst_min_votes = 30;
    double burst_factor = 8.0;
    // (b) concentration: one address, or one /24 (IPv6 /48), gave at least
    // this share of a unit's votes and at least this many votes.
    double address_share = 0.25;
    std::uint64_t address_min_votes = 20;
    double network_share = 0.40;
    std::uint64_t network_min_votes = 30;
    // (c) at least this many distinct voters behind one address.
    std::uint64_t address_min_voters = 50;
    // (d) fresh followers: votes cast within fresh_minutes after the voter
    // followed the account, flagged when at least fresh_min_votes, at least
    // fresh_share of the unit's votes, and at least fresh_ratio times the
    // fresh share of the other units' votes.
    std::int64_t fresh_minutes = 10;
    double fresh_share = 0.5;
    double fresh_ratio = 2.0;
    std::uint64_t fresh_min_votes = 20;
    // Receipts shown as evidence per signal.
    std::size_t samples = 5;
};

enum class signal_kind { burst, address_share, network_share, address_voters, fresh_follow, electorate };

// "burst", "address_share", "network_share", "address_voters", "fresh_follow", "electorate"
std::string_view to_string(signal_kind k);

struct signal {
    std::string id;  // "<kind>:<unit>:<subject>"; the same log gives the same ids
    signal_kind kind = signal_kind::burst;
    std::string unit;     // "*" for address_voters, which spans units
    std::string subject;  // the address, the network, the burst's first minute (Shanghai, "20191220T0905"), or "total"
    std::int64_t first_ms = 0;  // the votes concerned: first and last
    std::int64_t last_ms = 0;
    std::uint64_t votes = 0;       // the votes concerned
    std::uint64_t unit_votes = 0;  // all the unit's votes (address_voters: the address's ballots)
    std::string address;           // address_share, address_voters
    std::string network;           // network_share, and the network of an address
    std::uint64_t voters = 0;      // address_voters: distinct voters behind the address
    std::vector<std::pair<std::string, std::uint64_t>> units;  // address_voters: its votes per unit, in campaign order
    double baseline_per_minute = 0;  // burst: the unit's median votes per active minute
    double peak_per_minute = 0;      // burst: the busiest window's votes per minute
    double reference_share = 0;      // fresh_follow: the fresh share of the other units' votes
    std::optional<std::int64_t> electorate;
    std::vector<std::string> samples;  // receipts "<seq>-<nonce>" of votes concerned, earliest kept first
};

class analyzer {
public:
    explicit analyzer(const std::vector<unit>& units, anomaly_config config = {});

    // False for a voter not seen yet: the caller looks up their follow time
    // before adding their first entry.
    bool knows(std::string_view voter) const;
    // The next entry in seq order (an entry at or below last_seq() is
    // ignored). network: the /24 or /48 of e.address ("" when none);
    // followed_at_s: when the voter followed the account, used with the
    // voter's first entry only.
    void add(const log_entry& e, std::string_view network, std::optional<std::int64_t> followed_at_s);
    std::uint64_t last_seq() const { return last_seq_; }
    const anomaly_config& config() const { return config_; }

    // Every current signal, ordered by kind, unit (campaign order) and subject.
    std::vector<signal> signals() const;

private:
    // Votes of one kind: how many, when, and the first receipts.
    struct evidence {
        std::uint64_t votes = 0;
        std::int64_t first_ms = 0;
        std::int64_t last_ms = 0;
        std::vector<std::string> samples;
    };
    struct unit_state {
        std::string id;
        std::optional<std::int64_t> electorate;
        evidence all;
        evidence beyond_electorate;
        evidence fresh;
        std::map<std::int64_t, evidence> minutes;  // minute since the epoch -> votes
        std::unordered_map<std::string, evidence> addresses;
        std::unordered_map<std::string, evidence> networks;
    };
    struct address_state {
        std::string network;
        evidence ballots;
        std::uint64_t voters = 0;  // distinct
    };
    struct voter_state {
        std::optional<std::int64_t> followed_at_s;
    };

    // Samples are kept from the keep_from-th vote on: most addresses give a
    // unit one vote and most minutes are quiet, and never show as evidence.
    void count(evidence& ev, const log_entry& e, std::uint64_t keep_from = 1) const;
    void burst_signals(const unit_state& u, std::vector<signal>& out) const;
    void concentration_signals(const unit_state& u, std::vector<signal>& out) const;
    void fresh_signal(const unit_state& u, std::vector<signal>& out) const;
    void electorate_signal(const unit_state& u, std::vector<signal>& out) const;
    void address_voter_signals(std::vector<signal>& out) const;

    anomaly_config config_;
    std::vector<unit_state> units_;
    std::unordered_map<std::string, std::size_t> unit_index_;
    std::unordered_map<std::string, address_state> addresses_;
    std::unordered_map<std::uint64_t, voter_state> voters_;  // keyed by a 64-bit hash of the pseudonym
    std::unordered_set<std::uint64_t> address_voters_;         // hashes of (address, voter) pairs seen
    std::uint64_t unit_votes_ = 0;   // every unit-vote of the campaign
    std::uint64_t fresh_votes_ = 0;  // of which by fresh followers
    std::uint64_t last_seq_ = 0;
};

}  // namespace pingyi::vote
