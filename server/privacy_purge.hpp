// Deleting voters' personal data once a campaign's retention is over
// (个人信息保护法 art. 19 and 47; docs/privacy.zh.md). What goes: every key
// naming or holding a voter or an address (voter records, idempotency keys,
// GCRA states, the ballots' origins), the signal reviews (their ids name
// addresses), who left which suggestion, and the key of the log's pseudonyms, which leaves the log's
// pseudonyms unlinkable to any account (crypto-shredding). What stays: the
// campaign, the log, the tally, the scores and the results, so the export
// still verifies with the same digest. The rules hash then carries
// purged_ms, after which the ballot script accepts nothing for the campaign.
//
// The server's first worker purges every campaign past its retention once
// an hour; `pingyi purge` does the same for one campaign on an operator's
// word, earlier if asked (never before closing).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include "vote/campaign.hpp"

namespace pingyi::redis {
class connection;
}

namespace pingyi::server {

struct worker_state;

// When the campaign's personal data was purged, nullopt if not yet.
boost::asio::awaitable<std::optional<std::int64_t>> purged_at(redis::connection& redis, std::string_view cid,
                                                              boost::system::error_code& ec);

// Deletes the campaign's personal data now and records it in the staff
// audit trail ("campaign.purge") as `who`; the caller decided that it is
// due. Deleting twice does no harm: a purge cut short is simply run again.
// Returns how many keys it deleted.
boost::asio::awaitable<std::uint64_t> purge_personal_data(redis::connection& redis, const vote::campaign& c,
                                                          std::string_view who, std::int64_t now_ms,
                                                          boost::system::error_code& ec);

// Worker 0's hourly round over every campaign (who: "system").
void start_purge_task(worker_state& w);

}  // namespace pingyi::server
