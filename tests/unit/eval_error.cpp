#include <string>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "eval/error.hpp"

using namespace pingyi::eval;
using nlohmann::json;

TEST_CASE("eval error: describe shows the JSON value, shortened on a character boundary") {
  CHECK(describe(json(92.505)) == "92.505");
  CHECK(describe(json("abc")) == "\"abc\"");
  CHECK(describe(json(nullptr)) == "null");

  std::string long_text;
  for (int i = 0; i < 100; ++i) long_text += "评";
  const std::string shown = describe(json(long_text));
  CHECK(shown.size() <= 80 + 3);
  CHECK(shown.substr(0, 4) == "\"评");
  CHECK(shown.substr(shown.size() - 3) == "…");
  // Still valid UTF-8: a strict dump would throw on a cut character.
  CHECK_NOTHROW((void)json(shown).dump());
}

TEST_CASE("eval error: result holds a value or an error") {
  result<int> good = 7;
  REQUIRE(good.ok());
  CHECK(good.value() == 7);
  result<int> bad = error{"scores[0].score", "数值最多两位小数"};
  REQUIRE_FALSE(bad);
  CHECK(bad.err() == error{"scores[0].score", "数值最多两位小数"});
}
