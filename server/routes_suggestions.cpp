// The public's suggestions to units, their moderation, and the units' rectification reports (Art. 3(6)).
#include "server/app.hpp"

namespace pingyi::server {

void add_suggestion_routes(http::router&, worker_state&) {}

}  // namespace pingyi::server
