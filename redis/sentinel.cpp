#include "redis/sentinel.hpp"

#include <array>
#include <charconv>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "redis/command.hpp"
#include "redis/error.hpp"
#include "redis/reader.hpp"

namespace pingyi::redis {

namespace asio = boost::asio;
using asio::awaitable;
using asio::ip::tcp;
using boost::system::error_code;
using namespace asio::experimental::awaitable_operators;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

master_address failed(sentinel_error why) {
    master_address out;
    out.ec = why;
    return out;
}

class category final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "pingyi.redis.sentinel"; }
    std::string message(int ev) const override {
        switch (static_cast<sentinel_error>(ev)) {
            case sentinel_error::unreachable: return "no redis sentinel answered";
            case sentinel_error::unknown_master: return "the sentinels know no master by that name";
            case sentinel_error::not_master: return "the redis server reached is not a master";
        }
        return "unknown sentinel error";
    }
};

// One question to one sentinel, on its own short-lived connection: a
// sentinel is asked rarely (at connect), so there is nothing to keep open.
awaitable<master_address> ask(tcp::socket& socket, const endpoint_config& sentinel, const std::string& master_name) {
    tcp::resolver resolver(socket.get_executor());
    auto [resolve_ec, endpoints] = co_await resolver.async_resolve(sentinel.host, std::to_string(sentinel.port), use_tuple);
    if (resolve_ec) co_return failed(sentinel_error::unreachable);
    auto [connect_ec, endpoint] = co_await asio::async_connect(socket, endpoints, use_tuple);
    if (connect_ec) co_return failed(sentinel_error::unreachable);
    std::string out;
    append_command(out, {"SENTINEL", "get-master-addr-by-name", master_name});
    auto [write_ec, written] = co_await asio::async_write(socket, asio::buffer(out), use_tuple);
    if (write_ec) co_return failed(sentinel_error::unreachable);
    reader in;
    reply r;
    std::array<char, 1024> buffer{};
    for (;;) {
        auto status = in.next(r);
        if (status == reader::status::reply) break;
        if (status == reader::status::error) co_return failed(sentinel_error::unreachable);
        auto [read_ec, n] = co_await socket.async_read_some(asio::buffer(buffer), use_tuple);
        if (read_ec) co_return failed(sentinel_error::unreachable);
        in.feed({buffer.data(), n});
    }
    co_return parse_master_address(r);
}

awaitable<master_address> ask_with_deadline(asio::any_io_executor ex, const endpoint_config& sentinel,
                                            const std::string& master_name, std::chrono::milliseconds timeout) {
    tcp::socket socket(ex);
    asio::steady_timer deadline(ex);
    deadline.expires_after(timeout);
    auto outcome = co_await (ask(socket, sentinel, master_name) || deadline.async_wait(use_tuple));
    if (outcome.index() == 1) co_return failed(sentinel_error::unreachable);
    co_return std::get<0>(outcome);
}

}  // namespace

const boost::system::error_category& sentinel_category() noexcept {
    static const category instance;
    return instance;
}

error_code make_error_code(sentinel_error e) noexcept { return {static_cast<int>(e), sentinel_category()}; }

awaitable<master_address> discover_master(asio::any_io_executor ex, const sentinel_options& opts) {
    // "Unknown master" from any sentinel outranks "unreachable": it tells
    // the operator the name is wrong, not the network.
    master_address last = failed(sentinel_error::unreachable);
    for (const auto& sentinel : opts.sentinels) {
        master_address found = co_await ask_with_deadline(ex, sentinel, opts.master_name, opts.timeout);
        if (!found.ec) co_return found;
        if (found.ec == sentinel_error::unknown_master) last = found;
    }
    co_return last;
}

master_address parse_master_address(const reply& r) {
    if (r.is_nil()) return failed(sentinel_error::unknown_master);
    // Anything else but ["host", "port"] (an error reply, say: not a
    // sentinel, or one that wants a password) counts as no answer.
    const auto& e = r.elements();
    if (!r.is_array() || e.size() != 2 || !e[0].is_string() || !e[1].is_string() || e[0].str().empty())
        return failed(sentinel_error::unreachable);
    master_address out;
    const auto& port = e[1].str();
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), out.port);
    if (ec != std::errc() || end != port.data() + port.size() || out.port < 1 || out.port > 65535)
        return failed(sentinel_error::unreachable);
    out.host = e[0].str();
    return out;
}

bool is_master_role(const reply& r) {
    return r.is_array() && !r.elements().empty() && r.elements().front().is_string() &&
           r.elements().front().str() == "master";
}

bool is_not_master_error(const reply& r) {
    return r.is_error() && (r.str().starts_with("READONLY") || r.str().starts_with("MASTERDOWN"));
}

}  // namespace pingyi::redis
