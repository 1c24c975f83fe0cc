// Method + path pattern -> handler. Patterns are literal segments and
// `{name}` captures ("/api/v1/campaigns/{cid}/tally"); a final `{*name}`
// captures the rest of the path (static files).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/types.hpp"

namespace pingyi::http {

struct route_options {
    std::size_t body_limit = 64 * 1024;
};

struct route {
    verb method;
    std::string pattern;
    std::vector<std::string> segments;
    handler fn;
    route_options options;
};

struct route_match {
    const route* matched = nullptr;          // set when a route answers this method and path
    bool path_known = false;                 // some route has this path (then 405, not 404)
    std::vector<std::pair<std::string, std::string>> params;
};

class router {
public:
    // Throws std::invalid_argument for a malformed pattern (a start-up error).
    void add(verb method, std::string_view pattern, handler fn, route_options options = {});
    route_match match(verb method, std::string_view path) const;
    const std::vector<route>& routes() const { return routes_; }
    // The methods allowed on a path, for the Allow header of a 405.
    std::string allowed_methods(std::string_view path) const;

private:
    std::vector<route> routes_;
};

// Percent-decodes a path segment or query component; nullopt on a bad escape.
std::optional<std::string> percent_decode(std::string_view in, bool plus_as_space = false);

}  // namespace pingyi::http
