// The audit log as the ballot script writes it: a stream {c:<cid>}:log whose
// entry IDs are <seq>-0 (seq = 1, 2, 3...) with the fields time, nonce,
// voter, units. Reading it by range, and finding one receipt (<seq>-<nonce>)
// with a single XRANGE, no index. Where each ballot came from is kept apart,
// for the anomaly window only: the ballot origins below.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pingyi::vote {

struct log_entry {
    std::uint64_t seq = 0;
    std::int64_t time_ms = 0;
    std::string nonce;
    std::string voter;            // the campaign's pseudonym (vote/log_pseudonym.hpp)
    std::string units;            // "u1,u3", or "u1:满意,u3:不满意" in satisfaction mode
    std::string address;          // client IP from the ballot's origin while it is kept; never in the log itself

    std::string receipt() const;  // "<seq>-<nonce>"
    std::vector<std::string> items() const;  // units split at ','
};

// XRANGE from first_seq to last_seq (0: to the end), at most count entries.
std::vector<std::string> log_range_command(std::string_view cid, std::uint64_t first_seq, std::uint64_t last_seq,
                                           std::size_t count);
// One XRANGE element: its ID and its field/value list.
std::optional<log_entry> parse_log_entry(std::string_view id, const std::vector<std::string>& fields);

struct receipt_ref {
    std::uint64_t seq = 0;
    std::string nonce;
};

std::optional<receipt_ref> parse_receipt(std::string_view receipt);
// XRANGE log seq-0 seq-0: empty, or the one entry to check with receipt_matches.
std::vector<std::string> receipt_lookup_command(std::string_view cid, const receipt_ref& r);
// Same seq, and the nonce compared in constant time.
bool receipt_matches(const receipt_ref& r, const log_entry& e);

// Where a ballot came from, for the anomaly analysis: a HASH per time bucket,
// {c:<cid>}:origin:<bucket_ms>, field <seq>, value "<address> <ua> <account>",
// expiring once the anomaly window has passed over the whole bucket.
struct ballot_origin {
    std::string address;          // client IP
    std::string user_agent_hash;  // keyed hash of the User-Agent header
    std::string account;          // the session's account pseudonym, under which follow times are kept
};

// Buckets are as wide as the window, at most an hour: a ballot's origin
// lives between one window and one window plus one bucket.
std::int64_t origin_bucket_width(std::int64_t window_ms);
// The first millisecond of the bucket holding time_ms.
std::int64_t origin_bucket(std::int64_t time_ms, std::int64_t window_ms);
std::optional<ballot_origin> parse_origin(std::string_view value);
// HMGET of one bucket's seqs (its answers in the same order, nil when gone).
std::vector<std::string> origin_lookup_command(std::string_view cid, std::int64_t bucket_ms,
                                               const std::vector<std::uint64_t>& seqs);

}  // namespace pingyi::vote
