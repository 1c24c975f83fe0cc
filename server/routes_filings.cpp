// Annual filings (Art. 17): work plans and year-end summaries of the units not evaluated this year.
#include "server/app.hpp"

namespace pingyi::server {

void add_filing_routes(http::router&, worker_state&) {}

}  // namespace pingyi::server
