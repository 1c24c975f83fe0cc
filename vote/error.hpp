// A refused input: what the HTTP layer turns into a 400 body.
#pragma once

#include <string>

namespace pingyi::vote {

struct error {
    std::string code;     // machine code, e.g. "invalid_campaign", "invalid_ballot"
    std::string path;     // where in the body, e.g. "rules.per_day"; empty for the whole body
    std::string message;  // 中文说明 for the person who sent it
};

}  // namespace pingyi::vote
