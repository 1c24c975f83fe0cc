// Any bytes as what units and staff upload: an indicator CSV (an accepted one
// round-trips through the CSV and the JSON the server stores), a filing
// roster CSV, and a file whose type is told by its content and whose name is
// made safe. Never a crash; a safe name never holds a path separator or a
// control byte and never exceeds its limit.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "server/file_type.hpp"
#include "server/filings.hpp"
#include "vote/indicators.hpp"

namespace {

void indicators(std::string_view text) {
    auto parsed = pingyi::vote::indicators_from_csv(text);
    const auto* system = std::get_if<pingyi::vote::indicator_system>(&parsed);
    if (!system) return;
    auto again = pingyi::vote::indicators_from_csv(pingyi::vote::indicators_csv(*system));
    const auto* reparsed = std::get_if<pingyi::vote::indicator_system>(&again);
    if (!reparsed || !(*reparsed == *system)) std::abort();
    auto stored = pingyi::vote::indicators_from_json(system->to_json());
    const auto* restored = std::get_if<pingyi::vote::indicator_system>(&stored);
    if (!restored || !(*restored == *system)) std::abort();
}

void file(std::string_view bytes) {
    auto type = pingyi::server::sniff_file_type(bytes);
    auto name = pingyi::server::safe_file_name(bytes, type ? type->extension : "pdf");
    if (name.empty() || name.size() > pingyi::server::max_file_name_bytes + 8) std::abort();
    for (unsigned char c : name)
        if (c == '/' || c == '\\' || c < 0x20 || c == 0x7f) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    indicators(input);
    (void)pingyi::server::roster_from_csv(input);
    file(input);
    return 0;
}
