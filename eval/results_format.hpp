#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "eval/config.hpp"
#include "eval/engine.hpp"

namespace pingyi::eval {

// GET results: {"published": bool, "units": [{"id", "name", "panel",
// "public", "peer", "total", "grade", "rank", "status", "warnings"}]}, the
// scores as JSON numbers with exactly 2 decimals (92.50), null where null;
// warnings as [{"code", "message"}].
std::string results_json(const std::vector<unit_result>& units, bool published);

// GET results.csv: the same table for Excel: UTF-8 with a BOM, Chinese
// headers and status, RFC 4180 quoting, CRLF line ends. Text cells that
// would start a spreadsheet formula (= + - @) get a leading apostrophe.
std::string results_csv(const std::vector<unit_result>& units);

// One CSV cell as results_csv writes it: quoted when needed, a leading
// apostrophe before = + - @ (also used by the staff audit trail's CSV).
std::string csv_text(std::string_view text);

// GET public-scores: {"method": "max", "units": [{"id", "votes", "score"}]}.
std::string public_scores_json(public_method method, const std::vector<unit_result>& units);

}  // namespace pingyi::eval
