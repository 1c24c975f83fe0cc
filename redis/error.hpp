// Error codes of the Redis client, in the Boost.Redis pattern: an enum plus
// make_error_code, so they travel in boost::system::error_code.
// A Redis error reply ("-ERR ...") is not one of these: it is a reply.
#pragma once

#include <type_traits>

#include <boost/system/error_code.hpp>

namespace pingyi::redis {

enum class error {
    not_connected = 1,  // exec while the connection is down: fails at once
    timeout,            // the oldest in-flight command got no reply in time
    connection_lost,    // the socket failed or was closed under a request
    protocol,           // hiredis's reader rejected the bytes, or a reply nobody asked for
    handshake,          // AUTH, SELECT or SCRIPT LOAD failed at connect
    stopped,            // connection::stop() was called
};

const boost::system::error_category& error_category() noexcept;
boost::system::error_code make_error_code(error e) noexcept;

}  // namespace pingyi::redis

template <>
struct boost::system::is_error_code_enum<pingyi::redis::error> : std::true_type {};
