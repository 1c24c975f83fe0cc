#include "http/metrics.hpp"

#include <cstdio>

namespace pingyi::http {

request_metrics::request_metrics(const std::vector<std::string>& routes) {
    // Slot 0 collects requests that matched no route.
    series_.push_back(std::make_unique<series>());
    series_.back()->route = "unmatched";
    for (const auto& r : routes) {
        if (by_route_.count(r)) continue;
        series_.push_back(std::make_unique<series>());
        series_.back()->route = r;
        by_route_.emplace(series_.back()->route, series_.back().get());
    }
}

void request_metrics::observe(std::string_view route, unsigned status, std::chrono::nanoseconds duration) {
    auto it = by_route_.find(route);
    series& s = it == by_route_.end() ? *series_[0] : *it->second;
    std::size_t slot = statuses.size() - 1;
    for (std::size_t i = 0; i + 1 < statuses.size(); ++i)
        if (statuses[i] == status) slot = i;
    s.by_status[slot].fetch_add(1, std::memory_order_relaxed);
    double seconds = std::chrono::duration<double>(duration).count();
    std::size_t bucket = bucket_bounds.size();
    for (std::size_t i = 0; i < bucket_bounds.size(); ++i) {
        if (seconds <= bucket_bounds[i]) {
            bucket = i;
            break;
        }
    }
    s.buckets[bucket].fetch_add(1, std::memory_order_relaxed);
    s.sum_micros.fetch_add(static_cast<unsigned long long>(seconds * 1e6), std::memory_order_relaxed);
    s.count.fetch_add(1, std::memory_order_relaxed);
}

void request_metrics::render(std::string& out) const {
    char line[512];
    out += "# HELP pingyi_http_requests_total HTTP requests answered, by route pattern and status.\n";
    out += "# TYPE pingyi_http_requests_total counter\n";
    for (const auto& s : series_) {
        for (std::size_t i = 0; i < statuses.size(); ++i) {
            auto n = s->by_status[i].load(std::memory_order_relaxed);
            if (n == 0) continue;
            std::string status = statuses[i] ? std::to_string(statuses[i]) : "other";
            std::snprintf(line, sizeof line, "pingyi_http_requests_total{route=\"%s\",status=\"%s\"} %llu\n",
                          s->route.c_str(), status.c_str(), n);
            out += line;
        }
    }
    out += "# HELP pingyi_http_request_duration_seconds Time from request head to response written.\n";
    out += "# TYPE pingyi_http_request_duration_seconds histogram\n";
    for (const auto& s : series_) {
        auto count = s->count.load(std::memory_order_relaxed);
        if (count == 0) continue;
        unsigned long long cumulative = 0;
        for (std::size_t i = 0; i <= bucket_bounds.size(); ++i) {
            cumulative += s->buckets[i].load(std::memory_order_relaxed);
            std::string le = i < bucket_bounds.size() ? std::to_string(bucket_bounds[i]) : "+Inf";
            if (i < bucket_bounds.size()) {
                std::snprintf(line, sizeof line, "%g", bucket_bounds[i]);
                le = line;
            }
            std::snprintf(line, sizeof line, "pingyi_http_request_duration_seconds_bucket{route=\"%s\",le=\"%s\"} %llu\n",
                          s->route.c_str(), le.c_str(), cumulative);
            out += line;
        }
        std::snprintf(line, sizeof line, "pingyi_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n",
                      s->route.c_str(), static_cast<double>(s->sum_micros.load(std::memory_order_relaxed)) / 1e6);
        out += line;
        std::snprintf(line, sizeof line, "pingyi_http_request_duration_seconds_count{route=\"%s\"} %llu\n",
                      s->route.c_str(), count);
        out += line;
    }
}

}  // namespace pingyi::http
