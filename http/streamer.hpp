// The write side of a streamed response (Server-Sent Events), given to a
// stream_body by the session.
#pragma once

#include <chrono>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

namespace pingyi::http {

class streamer {
public:
    virtual ~streamer() = default;
    // Writes bytes as they are; ec set when the client is gone.
    virtual boost::asio::awaitable<void> write(std::string_view bytes, boost::system::error_code& ec) = 0;
    // Waits for `d`, or less when the server shuts down; false then.
    virtual boost::asio::awaitable<bool> sleep(std::chrono::milliseconds d) = 0;
};

}  // namespace pingyi::http
