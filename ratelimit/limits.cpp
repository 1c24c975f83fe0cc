#include "ratelimit/limits.hpp"

#include <string>

#include <nlohmann/json.hpp>

namespace pingyi::ratelimit {

namespace {

using json = nlohmann::json;

constexpr std::array<limit config::*, 7> limit_members{
    &config::ballot_voter,  &config::ballot_address, &config::campaign,     &config::wechat_address,
    &config::login_account, &config::login_address,  &config::flood_address};

// The Lua GCRA works in microseconds on doubles: keep every product it forms
// below 2^52 so that now + that stays exact (below 2^53) for a century.
constexpr std::int64_t max_period_us_times_burst = std::int64_t{1} << 52;

[[noreturn]] void fail(const std::string& where, const std::string& what) {
    throw config_error(where + ": " + what);
}

std::int64_t integer_in(const json& v, const std::string& where, std::int64_t min, std::int64_t max) {
    bool ok = v.is_number_integer();
    if (ok && v.is_number_unsigned()) ok = v.get<std::uint64_t>() <= static_cast<std::uint64_t>(max);
    if (ok) ok = v.get<std::int64_t>() >= min && v.get<std::int64_t>() <= max;
    if (!ok)
        fail(where, "expected an integer from " + std::to_string(min) + " to " + std::to_string(max) + ", got " +
                        v.dump());
    return v.get<std::int64_t>();
}

std::string known_limit_names() {
    std::string names;
    config defaults;
    for (auto member : limit_members) {
        if (!names.empty()) names += ", ";
        names += (defaults.*member).name;
    }
    return names;
}

void parse_limit(const json& v, limit& l, const std::string& where) {
    if (!v.is_object()) fail(where, "expected an object, got " + v.dump());
    for (const auto& [field, value] : v.items()) {
        const std::string at = where + "." + field;
        if (field == "count") {
            l.count = integer_in(value, at, 1, 1'000'000'000);
        } else if (field == "period_s") {
            l.period_ms = integer_in(value, at, 1, 86'400) * 1000;
        } else if (field == "burst") {
            l.burst = integer_in(value, at, 0, 1'000'000'000);
        } else if (field == "shadow") {
            if (!value.is_boolean()) fail(at, "expected true or false, got " + value.dump());
            l.shadow = value.get<bool>();
        } else {
            fail(where, "unknown field \"" + field + "\" (known: count, period_s, burst, shadow)");
        }
    }
    if (l.count > l.period_ms * 1000)
        fail(where, "count " + std::to_string(l.count) + " per " + std::to_string(l.period_ms / 1000) +
                        " s is more than one a microsecond");
    if (l.period_ms * 1000 > max_period_us_times_burst / (l.burst + 2))
        fail(where, "period_s × (burst + 2) is too large (at most 2^52 microseconds)");
}

}  // namespace

std::array<const limit*, 7> config::all() const {
    std::array<const limit*, 7> out{};
    for (std::size_t i = 0; i < limit_members.size(); ++i) out[i] = &(this->*limit_members[i]);
    return out;
}

mode parse_mode(std::string_view text, std::string_view where) {
    if (text == "enforce") return mode::enforce;
    if (text == "shadow") return mode::shadow;
    if (text == "off") return mode::off;
    throw config_error(std::string(where) + ": \"" + std::string(text) + "\" is not one of enforce, shadow, off");
}

std::string_view to_string(mode m) {
    switch (m) {
    case mode::enforce: return "enforce";
    case mode::shadow: return "shadow";
    case mode::off: return "off";
    }
    return "enforce";
}

config parse_config(const json& section) {
    config c;
    if (!section.is_object()) fail("ratelimit", "expected an object, got " + section.dump());
    for (const auto& [field, value] : section.items()) {
        if (field == "mode") {
            if (!value.is_string()) fail("ratelimit.mode", "expected a string, got " + value.dump());
            c.global = parse_mode(value.get<std::string>(), "ratelimit.mode");
        } else if (field == "limits") {
            if (!value.is_object()) fail("ratelimit.limits", "expected an object, got " + value.dump());
            for (const auto& [name, spec] : value.items()) {
                limit* target = nullptr;
                for (auto member : limit_members)
                    if ((c.*member).name == name) target = &(c.*member);
                if (!target)
                    fail("ratelimit.limits", "unknown limit \"" + name + "\" (known: " + known_limit_names() + ")");
                parse_limit(spec, *target, "ratelimit.limits." + name);
            }
        } else {
            fail("ratelimit", "unknown field \"" + field + "\" (known: mode, limits)");
        }
    }
    return c;
}

mode effective_mode(mode global, const limit& l) {
    if (global == mode::enforce && l.shadow) return mode::shadow;
    return global;
}

decision decide(mode global, const limit& l, const answer& a) {
    const mode m = effective_mode(global, l);
    if (m == mode::off || !a.limited) return {};
    return {true, m == mode::enforce, retry_after_seconds(a.retry_after_ms)};
}

std::int64_t retry_after_seconds(std::int64_t retry_after_ms) {
    if (retry_after_ms <= 1000) return 1;
    return (retry_after_ms + 999) / 1000;
}

}  // namespace pingyi::ratelimit
