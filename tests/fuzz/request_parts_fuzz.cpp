// Any bytes as a Cookie header, a signed cookie, a query string or a path:
// no crash, and a session that verifies is one the server signed.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/cookies.hpp"
#include "http/query.hpp"
#include "http/router.hpp"
#include "server/voter_session.hpp"

namespace {

const pingyi::http::router& routes() {
    static const auto r = [] {
        pingyi::http::router r;
        // Only matching is fuzzed: the handlers are never called, so none is given
        // (a coroutine here would hit a clang 14 bug with sanitizers).
        r.add(pingyi::http::verb::get, "/api/v1/campaigns/{cid}/receipts/{receipt}", {});
        r.add(pingyi::http::verb::get, "/static/{*path}", {});
        return r;
    }();
    return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    static const pingyi::http::signer signer("fuzz-secret-fuzz-secret-fuzz-secret!");
    (void)pingyi::http::cookie_value(in, "pingyi_session");
    if (auto s = pingyi::server::decode_voter_session(signer, in, 0)) {
        // Only what we signed verifies: re-signing gives the same bytes.
        if (pingyi::server::encode_voter_session(signer, *s) != in) std::abort();
    }
    (void)pingyi::server::decode_oauth_state(signer, in, 0);
    (void)pingyi::http::query_param(in, "code");
    (void)pingyi::http::percent_decode(in, true);
    (void)pingyi::http::base64url_decode(in);
    (void)pingyi::server::safe_return_path(in);
    auto m = routes().match(pingyi::http::verb::get, in);
    (void)m;
    return 0;
}
