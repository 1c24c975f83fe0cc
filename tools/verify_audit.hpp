// `pingyi verify-audit TRAIL.ndjson`: recomputes the staff audit trail's hash
// chain from an export (GET /api/v1/admin/audit-trail), so that an auditor
// can check a file kept offline. Exit 0: the chain holds; 1: the first
// problem is printed; 2: bad usage or unreadable input.
#pragma once

#include <string>
#include <vector>

namespace pingyi::tools {

int run_verify_audit(const std::vector<std::string>& args);
extern const char* const verify_audit_usage;

}  // namespace pingyi::tools
