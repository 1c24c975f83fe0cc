// Latency samples and their percentiles.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace pingyi::bench {

class latency_record {
public:
    void add(std::chrono::nanoseconds d) { samples_.push_back(d.count()); }
    std::size_t size() const { return samples_.size(); }
    // In milliseconds; p in [0, 100]. Sorts on first use.
    double percentile_ms(double p);
    double max_ms();

private:
    std::vector<long long> samples_;
    bool sorted_ = false;
};

}  // namespace pingyi::bench
