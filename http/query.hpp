// Query strings: "a=1&b=x%20y" -> values, percent-decoded, '+' as space.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pingyi::http {

// The first value of `name`; nullopt when absent or badly escaped.
std::optional<std::string> query_param(std::string_view query, std::string_view name);

// Percent-encodes everything but RFC 3986's unreserved characters.
std::string url_encode(std::string_view in);

}  // namespace pingyi::http
