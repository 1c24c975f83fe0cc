#include "bench/latency.hpp"

#include <algorithm>
#include <cmath>

namespace pingyi::bench {

double latency_record::percentile_ms(double p) {
    if (samples_.empty()) return 0;
    if (!sorted_) {
        std::sort(samples_.begin(), samples_.end());
        sorted_ = true;
    }
    auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(samples_.size())));
    auto i = std::clamp<std::size_t>(rank, 1, samples_.size()) - 1;
    return static_cast<double>(samples_[i]) / 1e6;
}

double latency_record::max_ms() { return percentile_ms(100); }

}  // namespace pingyi::bench
