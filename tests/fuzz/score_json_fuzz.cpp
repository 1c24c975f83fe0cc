// Any bytes as a panel or peer score body: scores or an error; accepted
// scores are in range and never a unit rating itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include "eval/score_body.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto body = nlohmann::json::parse(std::string_view(reinterpret_cast<const char*>(data), size), nullptr, false);
    if (body.is_discarded()) return 0;
    static const std::vector<pingyi::eval::unit> units = {
        {"u1", "a", pingyi::eval::unit_status::present, std::nullopt},
        {"u2", "b", pingyi::eval::unit_status::present, std::nullopt}};
    auto panel = pingyi::eval::parse_panel_scores(body, units);
    if (panel)
        for (const auto& s : panel.value())
            if (s.score.hundredths() < 0 || s.score.hundredths() > 10000) std::abort();
    auto peer = pingyi::eval::parse_peer_scores(body, units);
    if (peer)
        for (const auto& s : peer.value())
            if (s.rater == s.unit || s.score.hundredths() < 0 || s.score.hundredths() > 10000) std::abort();
    (void)pingyi::eval::parse_judge_scores(body, "j1", units);
    (void)pingyi::eval::parse_rater_scores(body, "u1", units);
    return 0;
}
