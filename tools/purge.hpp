// `pingyi purge --campaign CID [--early] [--redis-url URL]`: deletes the
// voters' personal data of a closed campaign, as the server does by itself
// once the campaign's retention is over (server/privacy_purge.hpp): at once,
// or with --early before the retention ends (a data-subject request, an
// order). Recorded in the staff audit trail as the operator.
#pragma once

#include <string>
#include <vector>

namespace pingyi::tools {

int run_purge(const std::vector<std::string>& args);
extern const char* const purge_usage;

}  // namespace pingyi::tools
