// Any bytes as a ballot body, against a plain and a satisfaction campaign:
// a ballot or an invalid_ballot error, and an accepted ballot names only
// known units, each once, within max_choices.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string_view>

#include "vote/ballot.hpp"
#include "vote/campaign.hpp"

namespace {

const pingyi::vote::campaign& campaign(bool satisfaction) {
    static const auto make = [](bool sat) {
        std::string body = R"({"id":"f","title":"t","opens_at":"2019-12-20T09:00:00+08:00",
            "closes_at":"2019-12-27T18:00:00+08:00","rules":{"max_choices":3},
            "units":[{"id":"u1","name":"a"},{"id":"u2","name":"b"},{"id":"u3","name":"c"},{"id":"u4","name":"d"}])";
        if (sat) body += R"(,"scoring":{"public_method":"satisfaction"})";
        body += "}";
        return std::get<pingyi::vote::campaign>(pingyi::vote::parse_campaign(body));
    };
    static const auto plain = make(false);
    static const auto rated = make(true);
    return satisfaction ? rated : plain;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view body(reinterpret_cast<const char*>(data), size);
    for (bool sat : {false, true}) {
        const auto& c = campaign(sat);
        auto parsed = pingyi::vote::parse_ballot(body, c);
        auto* b = std::get_if<pingyi::vote::ballot>(&parsed);
        if (!b) continue;
        std::set<std::string> seen;
        if (b->units.empty() || b->units.size() > static_cast<std::size_t>(c.rules.max_choices)) std::abort();
        for (const auto& u : b->units)
            if (!c.find_unit(u) || !seen.insert(u).second) std::abort();
        if (sat != b->rated()) std::abort();
    }
    return 0;
}
