#include "http/client.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <variant>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "http/client_address.hpp"

namespace pingyi::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using clock_type = std::chrono::steady_clock;
using namespace asio::experimental::awaitable_operators;

namespace {

class client_category final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "pingyi.http.client"; }
    std::string message(int ev) const override {
        switch (static_cast<client_error>(ev)) {
        case client_error::bad_url: return "malformed URL";
        case client_error::insecure_scheme: return "plain http:// is allowed to loopback hosts only";
        case client_error::body_too_large: return "response body too large";
        }
        return "unknown client error";
    }
};

bool iequals(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
    });
}

// One kept-alive connection: plain TCP or TLS over TCP.
struct connection {
    explicit connection(beast::tcp_stream s) : stream(std::move(s)) {}
    connection(beast::tcp_stream s, ssl::context& tls)
        : stream(std::in_place_type<ssl::stream<beast::tcp_stream>>, std::move(s), tls) {}

    std::variant<beast::tcp_stream, ssl::stream<beast::tcp_stream>> stream;
    beast::flat_buffer buffer;
    clock_type::time_point idle_since;

    beast::tcp_stream& lowest() {
        if (auto* plain = std::get_if<beast::tcp_stream>(&stream)) return *plain;
        return std::get<ssl::stream<beast::tcp_stream>>(stream).next_layer();
    }
};

// Outcome of one attempt on one connection.
struct attempt {
    client_response response;
    bool got_some = false;   // any response byte arrived
    bool keep_alive = false;
};

template <class Stream>
asio::awaitable<attempt> exchange(Stream& stream, beast::flat_buffer& buffer, bhttp::request<bhttp::string_body>& req,
                                  std::size_t body_limit, clock_type::time_point deadline) {
    attempt out;
    error_code ec;
    beast::get_lowest_layer(stream).expires_at(deadline);
    co_await bhttp::async_write(stream, req, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
        out.response.ec = ec;
        co_return out;
    }
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(body_limit);
    if (req.method() == bhttp::verb::head) parser.skip(true);
    beast::get_lowest_layer(stream).expires_at(deadline);
    co_await bhttp::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    out.got_some = parser.got_some();
    if (ec) {
        out.response.ec = ec == bhttp::error::body_limit ? make_error_code(client_error::body_too_large) : ec;
        co_return out;
    }
    auto res = parser.release();
    out.response.status = res.result_int();
    for (const auto& f : res) out.response.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    out.response.body = std::move(res.body());
    out.keep_alive = res.keep_alive();
    co_return out;
}

}  // namespace

const boost::system::error_category& client_error_category() noexcept {
    static const client_category category;
    return category;
}

boost::system::error_code make_error_code(client_error e) noexcept {
    return {static_cast<int>(e), client_error_category()};
}

std::string client_response::header(std::string_view name) const {
    for (const auto& [k, v] : headers)
        if (iequals(k, name)) return v;
    return {};
}

std::optional<parsed_url> parse_url(std::string_view url) {
    parsed_url out;
    std::string_view rest;
    if (url.size() > 8 && iequals(url.substr(0, 8), "https://")) {
        out.tls = true;
        rest = url.substr(8);
    } else if (url.size() > 7 && iequals(url.substr(0, 7), "http://")) {
        rest = url.substr(7);
    } else {
        return std::nullopt;
    }
    rest = rest.substr(0, rest.find('#'));
    auto slash = rest.find_first_of("/?");
    std::string_view authority = rest.substr(0, slash);
    std::string_view target = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
    if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;

    std::string_view port;
    if (authority.front() == '[') {
        auto close = authority.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        out.host = authority.substr(1, close - 1);
        auto after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') return std::nullopt;
            port = after.substr(1);
        }
    } else {
        auto colon = authority.find(':');
        out.host = authority.substr(0, colon);
        if (colon != std::string_view::npos) port = authority.substr(colon + 1);
    }
    if (out.host.empty()) return std::nullopt;
    for (char c : out.host)
        if (std::isspace(static_cast<unsigned char>(c)) || c == '/' || c == '\\') return std::nullopt;
    if (port.empty()) {
        out.port = out.tls ? "443" : "80";
    } else {
        if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
            return std::nullopt;
        int n = std::stoi(std::string(port));
        if (n < 1 || n > 65535) return std::nullopt;
        out.port = std::string(port);
    }
    out.target = target.empty() ? "/" : std::string(target);
    if (out.target.front() == '?') out.target.insert(0, "/");
    for (char c : out.target)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return std::nullopt;
    return out;
}

bool is_loopback_host(std::string_view host) {
    if (iequals(host, "localhost")) return true;
    auto ip = parse_ip(host);
    if (!ip) return false;
    if (!ip->v6) return ip->bytes[0] == 127;
    static constexpr std::array<std::uint8_t, 16> v6_loopback{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    return ip->bytes == v6_loopback;
}

struct client::impl {
    asio::any_io_executor ex;
    client_options options;
    ssl::context tls{ssl::context::tlsv12_client};
    std::map<std::string, std::vector<std::unique_ptr<connection>>> idle;  // "scheme|host|port" -> connections
    std::size_t opened = 0;

    impl(asio::any_io_executor e, client_options o) : ex(std::move(e)), options(std::move(o)) {
        tls.set_default_verify_paths();
        if (!options.ca_file.empty()) tls.load_verify_file(options.ca_file);
        tls.set_verify_mode(options.verify_peer ? ssl::verify_peer : ssl::verify_none);
    }

    std::unique_ptr<connection> take_idle(const std::string& key) {
        auto it = idle.find(key);
        if (it == idle.end()) return nullptr;
        auto& list = it->second;
        auto now = clock_type::now();
        while (!list.empty()) {
            auto c = std::move(list.back());
            list.pop_back();
            if (now - c->idle_since < options.max_idle && c->lowest().socket().is_open()) return c;
        }
        return nullptr;
    }

    void put_idle(const std::string& key, std::unique_ptr<connection> c) {
        auto& list = idle[key];
        if (list.size() >= options.max_idle_per_host) return;
        c->idle_since = clock_type::now();
        list.push_back(std::move(c));
    }

    asio::awaitable<std::unique_ptr<connection>> open(const parsed_url& url, clock_type::time_point deadline,
                                                      error_code& ec) {
        tcp::resolver resolver(ex);
        asio::steady_timer timer(ex, deadline);
        tcp::resolver::results_type endpoints;
        auto resolved = co_await (resolver.async_resolve(url.host, url.port, asio::redirect_error(asio::use_awaitable, ec)) ||
                                  timer.async_wait(asio::use_awaitable));
        if (resolved.index() == 1) {
            ec = asio::error::timed_out;
            co_return nullptr;
        }
        if (ec) co_return nullptr;
        endpoints = std::get<0>(resolved);

        // A name that is loopback by policy must not resolve elsewhere.
        std::vector<tcp::endpoint> allowed;
        for (const auto& e : endpoints)
            if (url.tls || options.allow_plain_http || e.endpoint().address().is_loopback()) allowed.push_back(e.endpoint());
        if (allowed.empty()) {
            ec = make_error_code(client_error::insecure_scheme);
            co_return nullptr;
        }

        beast::tcp_stream tcp_stream(ex);
        tcp_stream.expires_at(deadline);
        co_await tcp_stream.async_connect(allowed, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return nullptr;
        ++opened;
        if (!url.tls) co_return std::make_unique<connection>(std::move(tcp_stream));

        auto c = std::make_unique<connection>(std::move(tcp_stream), tls);
        auto& stream = std::get<ssl::stream<beast::tcp_stream>>(c->stream);
        if (!SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str())) {
            ec = error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category());
            co_return nullptr;
        }
        if (options.verify_peer) stream.set_verify_callback(ssl::host_name_verification(url.host));
        stream.next_layer().expires_at(deadline);
        co_await stream.async_handshake(ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return nullptr;
        co_return c;
    }

    // A connection the server asked to close: end TLS politely, briefly.
    asio::awaitable<void> close(std::unique_ptr<connection> c) {
        auto* stream = std::get_if<ssl::stream<beast::tcp_stream>>(&c->stream);
        if (!stream) co_return;
        error_code ec;
        stream->next_layer().expires_after(std::chrono::seconds(1));
        co_await stream->async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
        // stream_truncated: the peer closed without close_notify; harmless here.
    }

    asio::awaitable<attempt> exchange_on(connection& c, bhttp::request<bhttp::string_body>& req,
                                         clock_type::time_point deadline) {
        if (auto* plain = std::get_if<beast::tcp_stream>(&c.stream))
            co_return co_await exchange(*plain, c.buffer, req, options.body_limit, deadline);
        co_return co_await exchange(std::get<ssl::stream<beast::tcp_stream>>(c.stream), c.buffer, req,
                                    options.body_limit, deadline);
    }
};

client::client(asio::any_io_executor ex, client_options options)
    : impl_(std::make_unique<impl>(std::move(ex), std::move(options))) {}

client::~client() = default;

std::size_t client::connections_opened() const { return impl_->opened; }

asio::awaitable<client_response> client::request(bhttp::verb method, std::string url, std::string body,
                                                  header_list headers, std::chrono::milliseconds timeout) {
    client_response failed;
    auto parsed = parse_url(url);
    if (!parsed) {
        failed.ec = make_error_code(client_error::bad_url);
        co_return failed;
    }
    if (!parsed->tls && !impl_->options.allow_plain_http && !is_loopback_host(parsed->host)) {
        failed.ec = make_error_code(client_error::insecure_scheme);
        co_return failed;
    }
    auto deadline = clock_type::now() + timeout;
    std::string key = (parsed->tls ? "https|" : "http|") + parsed->host + "|" + parsed->port;

    bhttp::request<bhttp::string_body> req{method, parsed->target, 11};
    bool default_port = parsed->port == (parsed->tls ? "443" : "80");
    std::string host_header = parsed->host.find(':') != std::string::npos ? "[" + parsed->host + "]" : parsed->host;
    if (!default_port) host_header += ":" + parsed->port;
    req.set(bhttp::field::host, host_header);
    req.set(bhttp::field::user_agent, "pingyi");
    for (auto& [name, value] : headers) req.set(name, value);
    req.keep_alive(true);
    if (!body.empty() || method == bhttp::verb::post || method == bhttp::verb::put) {
        req.body() = std::move(body);
        req.prepare_payload();
    }

    // Two tries at most: a reused connection may have been closed by the
    // server while idle; a new one gets no second chance.
    for (int tries = 0; tries < 2; ++tries) {
        auto c = tries == 0 ? impl_->take_idle(key) : nullptr;
        bool reused = c != nullptr;
        if (!c) {
            error_code ec;
            c = co_await impl_->open(*parsed, deadline, ec);
            if (ec) {
                failed.ec = ec == beast::error::timeout ? error_code(asio::error::timed_out) : ec;
                co_return failed;
            }
        }
        auto result = co_await impl_->exchange_on(*c, req, deadline);
        auto& ec = result.response.ec;
        if (ec == beast::error::timeout) ec = asio::error::timed_out;
        if (!ec) {
            if (result.keep_alive) {
                impl_->put_idle(key, std::move(c));
            } else {
                co_await impl_->close(std::move(c));
            }
            co_return std::move(result.response);
        }
        if (!(reused && !result.got_some && ec != asio::error::timed_out)) co_return std::move(result.response);
    }
    failed.ec = asio::error::connection_aborted;
    co_return failed;
}

}  // namespace pingyi::http
