// Redis key names of a campaign. Every key carries the hash tag {c:<cid>}
// so that a campaign lives in one slot (one Lua script may touch them all).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace pingyi::vote::keys {

// {c:<cid>}:<rest>: a key in the campaign's slot (for the stores outside vote/ too).
std::string tagged(std::string_view cid, std::string_view rest);

std::string pattern(std::string_view cid);      // every key of the campaign, as a SCAN MATCH pattern
std::string campaign(std::string_view cid);     // STRING: the campaign JSON
std::string rules(std::string_view cid);        // HASH: what the ballot script reads
std::string tally(std::string_view cid);        // HASH: unit (or unit:band) -> count, #ballots, #voters
std::string log(std::string_view cid);          // STREAM: the audit log, IDs <seq>-0
std::string voter(std::string_view cid, std::string_view voter);  // HASH: today's de-dup record
std::string idempotency(std::string_view cid, std::string_view voter, std::string_view key);  // STRING
std::string limit_voter(std::string_view cid, std::string_view voter);     // GCRA state
std::string limit_address(std::string_view cid, std::string_view address);  // GCRA state
std::string limit_campaign(std::string_view cid);                          // GCRA state
std::string refusals(std::string_view cid);  // HASH: refused ballots by reason (and limit name)
// HASH seq -> where that ballot came from (vote/audit_log.hpp, ballot_origin),
// one per time bucket starting at bucket_ms, expiring after the anomaly window.
std::string origin(std::string_view cid, std::int64_t bucket_ms);
std::string origin_prefix(std::string_view cid);  // origin() without the bucket: the ballot script appends it
std::string log_key(std::string_view cid);        // STRING: the key of the log's pseudonyms (vote/log_pseudonym.hpp)

// The keys the purge deletes once a campaign's retention is over: those
// naming or holding a voter or an address (records, idempotency keys, GCRA
// states), the origin buckets and the log's pseudonym key.
bool holds_personal_data(std::string_view cid, std::string_view key);

}  // namespace pingyi::vote::keys
