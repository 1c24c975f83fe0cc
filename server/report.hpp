// The printable results notice (Art. 11): one static Chinese HTML page, a
// table of every unit with its components, total, grade and rank, absent
// units listed as 缺席评议 (Art. 14), print CSS for A4, no scripts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "eval/config.hpp"
#include "eval/engine.hpp"

namespace pingyi::server {

struct report_header {
    std::string title;
    std::string organizer;
    std::optional<std::int64_t> published_ms;  // nullopt: a draft, marked as such
};

// Ranked units first by rank, then those without a rank in input order:
// incomplete, then fraud, then absent.
std::string results_report_html(const report_header& header, const std::vector<eval::unit_result>& units,
                                const eval::scoring_config& config);

}  // namespace pingyi::server
