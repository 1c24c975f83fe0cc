// The built front end's pages as the routes serve them.
#pragma once

#include <string_view>

#include "http/types.hpp"

namespace pingyi::server {

struct worker_state;

// The page (revalidated on every load), or a 503 page in Chinese when the
// front end has not been built.
http::response serve_page(const worker_state& w, const http::request_context& ctx, std::string_view file);

// A page opened by a signed link (a judge's, a unit's): the link is checked
// by the API the page calls, not here, and the token in the URL must not
// leak through caches or referrers.
http::response serve_link_page(const worker_state& w, const http::request_context& ctx, std::string_view file);

}  // namespace pingyi::server
