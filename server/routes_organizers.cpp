// Organizers (Art. 18): the list staff may pick from, and whose campaigns a staff member sees.
#include "server/app.hpp"

namespace pingyi::server {

void add_organizer_routes(http::router&, worker_state&) {}

}  // namespace pingyi::server
