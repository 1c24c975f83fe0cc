// The units' portal (Art. 6, 7): indicators, self-assessments, disclosures, and their review by staff.
#include "server/app.hpp"

namespace pingyi::server {

void add_unit_routes(http::router&, worker_state&) {}

}  // namespace pingyi::server
