// The answers pingyi's handlers share: JSON bodies, the contract's error
// shape, and the common refusals.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "http/server.hpp"

namespace pingyi::server {

// Text made safe for HTML element content and attribute values.
std::string escape_html(std::string_view in);

http::response json_ok(const nlohmann::json& body, http::status s = http::status::ok);
// 400 naming where in the body the problem is ("field" when path is set).
http::response invalid_input(std::string_view code, std::string_view path, std::string_view message);
http::response redis_unavailable();
// 500: something the server should never meet (and logged it).
http::response internal_error();
http::response campaign_not_found();
http::response html_page(http::status s, std::string body);
// A small Chinese page for voters: a title, a message, and a link.
http::response message_page(http::status s, std::string_view title, std::string_view message,
                            std::string_view link_href, std::string_view link_text);
http::response redirect(std::string_view location);

}  // namespace pingyi::server
