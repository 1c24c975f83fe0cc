// The request and response types every handler sees, and the context a
// router hands to a handler. Beast's message types only: this header stays
// light (no Asio I/O objects), so handler files compile fast.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace pingyi::http {

namespace bhttp = boost::beast::http;
using request = bhttp::request<bhttp::string_body>;
using response = bhttp::response<bhttp::string_body>;
using verb = bhttp::verb;
using status = bhttp::status;
using field = bhttp::field;

class streamer;

// A response whose body is produced over time (Server-Sent Events): the
// session writes the head, then hands the stream to `body`, which writes
// until it returns or the client goes away.
using stream_body = std::function<boost::asio::awaitable<void>(streamer&)>;

struct reply {
    response res;
    stream_body stream;  // empty for an ordinary response

    reply() = default;
    reply(response r) : res(std::move(r)) {}  // NOLINT: a response is a reply
};

struct request_context {
    const request& req;
    std::string_view path;   // decoded-free target path, without the query
    std::string_view query;  // raw query string, without '?'
    std::vector<std::pair<std::string, std::string>> params;  // {name} captures, percent-decoded
    std::string peer_address;
    std::string client_address;  // the peer, or what a trusted proxy says
    int worker = 0;              // index of the worker thread serving this

    // The capture named `name`, or "" when the route has none.
    const std::string& param(std::string_view name) const;
};

using handler = std::function<boost::asio::awaitable<reply>(request_context&)>;

}  // namespace pingyi::http
