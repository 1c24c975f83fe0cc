#include <doctest/doctest.h>

#include <array>
#include <string>
#include <string_view>

#include "ratelimit/gcra.hpp"

using namespace pingyi::ratelimit;

TEST_CASE("gcra: the Lua text keeps the contract other scripts rely on") {
    const std::string_view function = gcra_lua_function();
    CHECK(function.find("local function gcra(key, now_ms, max_burst, count, period_ms, quantity)\n") !=
          std::string_view::npos);
    CHECK(function.find("return {") == std::string_view::npos);  // defines, runs nothing
    CHECK(gcra_script_source().starts_with(function));
    const auto args = gcra_script_args(config{}.ballot_voter, 1'700'000'000'123, 2);
    CHECK(args == std::array<std::string, 5>{"1700000000123", "10", "20", "60000", "2"});
}
