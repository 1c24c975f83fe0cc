// `pingyi verify LOG.ndjson [--tally TALLY.json]`: recomputes the ballot
// log's hash chain and the tally from an export, so that anyone holding the
// published files can check them. Exit 0: all checks out; 1: the first
// mismatch is printed; 2: bad usage or unreadable input.
#pragma once

#include <string>
#include <vector>

namespace pingyi::tools {

int run_verify(const std::vector<std::string>& args);
extern const char* const verify_usage;

}  // namespace pingyi::tools
