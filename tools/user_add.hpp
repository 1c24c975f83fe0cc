// `pingyi user add NAME --role admin|viewer|auditor [--organizer ID] [--redis-url URL]`:
// creates a staff account, writing the same record as the server (server/staff_store).
#pragma once

#include <string>
#include <vector>

namespace pingyi::tools {

int run_user_add(const std::vector<std::string>& args);
extern const char* const user_add_usage;

}  // namespace pingyi::tools
