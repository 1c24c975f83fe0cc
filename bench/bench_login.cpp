// Logs N voters in through the real OAuth flow, as a phone would: the
// server's redirect to the WeChat mock's authorize page, the mock's redirect
// back with a code, and the server's callback, which exchanges the code with
// the mock and sets pingyi_session and pingyi_csrf. Writes one
// "session<TAB>csrf" line per voter.
//
// bench_login --port SERVER_PORT --cid CAMPAIGN --voters N [--threads T] --out FILE
#include <atomic>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include "bench/http_fetch.hpp"
#include "bench/options.hpp"
#include "bench/voters.hpp"

namespace pingyi::bench {
namespace {

std::string cookie_from(const fetched& r, const std::string& name) {
    for (const auto& c : r.set_cookies)
        if (c.starts_with(name + "=")) return c.substr(name.size() + 1);
    return {};
}

// One voter's login; empty cookies when any step did not answer as it should.
voter_cookies login(int port, const std::string& cid, const std::string& openid) {
    auto start = fetch(port, "GET", "/h5/c/" + cid);
    if (start.status != 302) return {};
    auto [mock_port, authorize] = split_url(start.location);
    auto picked = fetch(mock_port, "GET", authorize + "&openid=" + openid);
    if (picked.status != 302) return {};
    auto oauth = cookie_from(start, "pingyi_oauth");
    auto callback = fetch(port, "GET", split_url(picked.location).second, {{"Cookie", "pingyi_oauth=" + oauth}});
    if (callback.status != 302) return {};
    return {cookie_from(callback, "pingyi_session"), cookie_from(callback, "pingyi_csrf")};
}

int run(const options& o) {
    int port = static_cast<int>(o.number("port", 0));
    auto cid = o.text("cid");
    auto n = o.number("voters", 5000);
    auto threads = o.number("threads", 16);
    std::vector<voter_cookies> voters(static_cast<std::size_t>(n));
    std::atomic<long long> next{0};
    std::atomic<long long> failed{0};
    std::vector<std::thread> pool;
    for (long long t = 0; t < threads; ++t) {
        pool.emplace_back([&] {
            for (long long i = next++; i < n; i = next++) {
                auto v = login(port, cid, "oBenchVoter" + std::to_string(i));
                if (v.session.empty() || v.csrf.empty()) ++failed;
                voters[static_cast<std::size_t>(i)] = std::move(v);
            }
        });
    }
    for (auto& t : pool) t.join();
    if (failed > 0) {
        std::cerr << failed << " of " << n << " logins failed\n";
        return 1;
    }
    std::ofstream out(o.text("out"));
    for (const auto& v : voters) out << v.session << '\t' << v.csrf << '\n';
    return out ? 0 : 1;
}

}  // namespace
}  // namespace pingyi::bench

int main(int argc, char** argv) { return pingyi::bench::run_tool("bench_login", argc, argv, pingyi::bench::run); }
