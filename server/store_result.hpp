// How the Redis stores of server/ read a command's outcome: no reply (the
// connection's error) and an error reply (a script bug or a full Redis,
// logged) are both failures the caller answers with 503.
#pragma once

#include <string_view>

#include <boost/system/error_code.hpp>

#include "redis/connection.hpp"

namespace pingyi::server {

// True when `r` failed; then ec says why. `store` names the store in the log.
bool command_failed(const redis::result& r, boost::system::error_code& ec, std::string_view store);

}  // namespace pingyi::server
