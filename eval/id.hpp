#pragma once

#include <string_view>

namespace pingyi::eval {

// Campaign, unit, judge and rater ids: [A-Za-z0-9_-]{1,64} (CONTRACT.md).
bool is_valid_id(std::string_view id);

}  // namespace pingyi::eval
