// An outbound HTTP/1.1 client for calling other services (WeChat's API):
// HTTPS with certificate and host-name verification on by default, plain
// http:// only to loopback hosts (tests, the WeChat mock), keep-alive
// connections pooled per host, a deadline on every request.
//
// Threading: no locks. One client per io_context thread; construct, use and
// destroy it on that thread. Many coroutines may call request() at once:
// each takes an idle pooled connection or opens its own.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/system/error_code.hpp>

namespace pingyi::http {

enum class client_error {
    bad_url = 1,       // not http(s)://host[:port][/path]
    insecure_scheme,   // http:// to a host that is not loopback
    body_too_large,    // the response body exceeds client_options::body_limit
};

const boost::system::error_category& client_error_category() noexcept;
boost::system::error_code make_error_code(client_error e) noexcept;

struct client_options {
    std::size_t body_limit = 1024 * 1024;
    std::size_t max_idle_per_host = 4;
    // A pooled connection idle longer than this is closed instead of reused
    // (servers drop idle keep-alive connections after a while).
    std::chrono::milliseconds max_idle{30000};
    // Off only for tests against a self-signed server; never in production.
    bool verify_peer = true;
    // Extra CA certificates (PEM file) trusted besides the system store.
    std::string ca_file;
    // Lets http:// reach any host (an operator's tool on a trusted network).
    bool allow_plain_http = false;
};

using header_list = std::vector<std::pair<std::string, std::string>>;

struct client_response {
    // Set when no complete response arrived: bad URL, DNS, connect, TLS,
    // timeout (asio::error::timed_out), connection lost, body too large.
    boost::system::error_code ec;
    unsigned status = 0;
    header_list headers;
    std::string body;

    // The first header of that name (case-insensitive), or "".
    std::string header(std::string_view name) const;
};

struct parsed_url {
    bool tls = false;
    std::string host;  // without brackets for IPv6 literals
    std::string port;  // "443" / "80" when absent
    std::string target;  // path and query, "/" when absent; no fragment
};

// http(s)://host[:port][/path][?query][#fragment]; nullopt otherwise.
std::optional<parsed_url> parse_url(std::string_view url);
// localhost, 127.0.0.0/8 and ::1.
bool is_loopback_host(std::string_view host);

class client {
public:
    // Throws boost::system::system_error when options.ca_file cannot be read.
    explicit client(boost::asio::any_io_executor ex, client_options options = {});
    ~client();
    client(const client&) = delete;
    client& operator=(const client&) = delete;

    // One request, bounded as a whole by timeout (resolve, connect, TLS
    // handshake, write and read). A failure on a reused connection before
    // any response byte (the server closed it meanwhile) is retried once on
    // a new connection.
    boost::asio::awaitable<client_response> request(boost::beast::http::verb method, std::string url,
                                                    std::string body = {}, header_list headers = {},
                                                    std::chrono::milliseconds timeout = std::chrono::seconds(5));

    // Connections opened so far (pool reuse is visible as this not growing).
    std::size_t connections_opened() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace pingyi::http

template <>
struct boost::system::is_error_code_enum<pingyi::http::client_error> : std::true_type {};
