// Annual filings in Redis (server/filings.hpp has the rules). Per organizer
// ("-" for the city office) and year, under one hash tag:
//
//   pingyi:filings:{<org>:<year>}:roster               STRING JSON [{"id", "name", "contact"}], the office's order
//   pingyi:filings:{<org>:<year>}:<uid>:<kind>         HASH attachment, note, submitted (ms), review
//                                                           (pending|accepted|returned), comment, reviewer,
//                                                           reviewed (ms)
//   pingyi:filings:{<org>:<year>}:<uid>:<kind>:files   the attachment store's HASH (server/attachment_store.hpp):
//                                                           the filing's key is the attachments' owner
//
// kind is "plan" or "summary". A filing is replaced whole by the next upload
// until the office accepts it; a review names the upload it saw.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include "server/filings.hpp"

namespace pingyi::redis {
class connection;
}

namespace pingyi::server {

namespace filing_keys {
std::string roster(std::string_view organizer, int year);
// The filing's HASH, and the owner of its attachments.
std::string filing(std::string_view organizer, int year, std::string_view uid, filing_kind kind);
}  // namespace filing_keys

// The roster (empty when none was set).
boost::asio::awaitable<std::vector<roster_unit>> load_roster(redis::connection& redis, std::string_view organizer,
                                                             int year, boost::system::error_code& ec);
boost::asio::awaitable<void> save_roster(redis::connection& redis, std::string_view organizer, int year,
                                         const std::vector<roster_unit>& units, boost::system::error_code& ec);

// What each of `units` filed, in one round trip.
boost::asio::awaitable<std::vector<unit_filings>> load_filings(redis::connection& redis, std::string_view organizer,
                                                               int year, const std::vector<roster_unit>& units,
                                                               boost::system::error_code& ec);

struct submit_result {
    bool stored = false;   // false: the office has accepted the filing, which stays
    std::string replaced;  // the attachment of the filing this one replaced ("" if none)
};

// Stores `f` (review pending) in place of what the unit filed before.
boost::asio::awaitable<submit_result> submit_filing(redis::connection& redis, std::string_view organizer, int year,
                                                    std::string_view uid, filing_kind kind, const filing& f,
                                                    boost::system::error_code& ec);

enum class review_outcome { reviewed, nothing_filed, changed };

// Records the office's check of the filing whose attachment is `seen`
// (changed: the unit has uploaded another since; "" checks whatever is there).
boost::asio::awaitable<review_outcome> review_filing(redis::connection& redis, std::string_view organizer, int year,
                                                     std::string_view uid, filing_kind kind, std::string_view seen,
                                                     review_state state, std::string_view comment,
                                                     std::string_view reviewer, std::int64_t at_ms,
                                                     boost::system::error_code& ec);

}  // namespace pingyi::server
