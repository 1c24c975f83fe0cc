// Any bytes as a campaign body: parsing and validation answer with a
// campaign or an error, never a crash; an accepted campaign round-trips.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include "eval/config.hpp"
#include "vote/campaign.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view body(reinterpret_cast<const char*>(data), size);
    auto parsed = pingyi::vote::parse_campaign(body);
    auto* c = std::get_if<pingyi::vote::campaign>(&parsed);
    if (!c) return 0;
    auto scoring = pingyi::eval::parse_scoring_config(c->scoring);
    if (scoring) {
        auto again = pingyi::eval::parse_scoring_config(pingyi::eval::to_json(scoring.value()));
        if (!again || !(again.value() == scoring.value())) std::abort();
    }
    auto back = pingyi::vote::campaign_from_json(c->to_json());
    if (!std::holds_alternative<pingyi::vote::campaign>(back)) std::abort();
    (void)c->public_json(0).dump();
    return 0;
}
