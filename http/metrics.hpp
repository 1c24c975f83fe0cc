// Request counters by route and status, and a latency histogram per route,
// in Prometheus text format. The routes are fixed at construction, so the
// hot path is a hash lookup and relaxed atomic increments: no locks.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pingyi::http {

class request_metrics {
public:
    explicit request_metrics(const std::vector<std::string>& routes);
    void observe(std::string_view route, unsigned status, std::chrono::nanoseconds duration);
    void render(std::string& out) const;

    static constexpr std::array<double, 12> bucket_bounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                            0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

private:
    static constexpr std::array<unsigned, 24> statuses = {200, 201, 204, 301, 302, 304, 400, 401,
                                                          403, 404, 405, 409, 413, 415, 429, 431,
                                                          500, 502, 503, 504, 101, 206, 410, 0};
    struct series {
        std::string route;
        std::array<std::atomic<unsigned long long>, statuses.size()> by_status{};
        std::array<std::atomic<unsigned long long>, bucket_bounds.size() + 1> buckets{};
        std::atomic<unsigned long long> sum_micros{0};
        std::atomic<unsigned long long> count{0};
    };
    std::vector<std::unique_ptr<series>> series_;
    std::unordered_map<std::string_view, series*> by_route_;
};

}  // namespace pingyi::http
