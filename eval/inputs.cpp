#include "eval/inputs.hpp"

namespace pingyi::eval {

std::string_view to_string(unit_status status) {
  switch (status) {
    case unit_status::present: return "present";
    case unit_status::absent: return "absent";
    case unit_status::fraud: return "fraud";
  }
  return "present";
}

std::optional<unit_status> parse_unit_status(std::string_view text) {
  for (auto s : {unit_status::present, unit_status::absent, unit_status::fraud}) {
    if (text == to_string(s)) return s;
  }
  return std::nullopt;
}

}  // namespace pingyi::eval
