// The audit log's hash chain and its NDJSON export, and the verifier that
// recomputes both the chain and the tally from an export. Redis Lua has no
// SHA-256, so whoever reads the log (the exporter, the digest, `pingyi
// verify`) computes the chain. docs/data-model.md defines the canonical form.
#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "vote/audit_log.hpp"
#include "vote/tally.hpp"

namespace pingyi::vote {

// hash_0: 32 zero bytes, in hex.
inline constexpr std::string_view genesis_hash = "0000000000000000000000000000000000000000000000000000000000000000";

// "<seq>\n<receipt>\n<time_ms>\n<voter>\n<units>\n", units joined by ','.
std::string canonical_form(const log_entry& e);
// hex(SHA-256(previous_hex ‖ canonical)), previous as its 64 hex characters.
std::string chain_hash(std::string_view previous_hex, std::string_view canonical);

// Feeds log entries in seq order; gives each its NDJSON line (no newline):
// {"seq":1,"receipt":"1-…","time":…,"voter":"…","units":["u1","u3"],"hash":"…"}
class log_chain {
public:
    std::string append(const log_entry& e);
    std::uint64_t count() const { return count_; }
    const std::string& head() const { return head_; }  // genesis_hash while empty

private:
    std::uint64_t count_ = 0;
    std::string head_{genesis_hash};
};

// The line framing both exports (the ballot log, the staff audit trail)
// share: a '\r' before the newline is dropped, blank lines may only end
// the file.
class ndjson_framing {
public:
    enum class line_kind { content, blank, blank_inside };
    // Classifies the next line, trimming its '\r'. line_no() then names it
    // (1-based), or for blank_inside the first blank line before it.
    line_kind next(std::string_view& line);
    std::size_t line_no() const { return line_no_; }

private:
    std::size_t line_no_ = 0;
    std::size_t blank_line_ = 0;
};

struct verify_report {
    bool ok = true;
    std::size_t line = 0;   // the first bad line (1-based) when !ok
    std::string problem;    // 中文, what is wrong there
    std::uint64_t count = 0;
    std::string head{genesis_hash};
    tally_counts tally;     // recounted from the lines read
};

// Reads an export line by line; stops at the first mismatch.
class log_verifier {
public:
    // false once a mismatch was found (report() says where and what).
    bool add_line(std::string_view line);
    const verify_report& report() const { return report_; }

private:
    bool fail(std::string problem);

    verify_report report_;
    ndjson_framing framing_;
    std::set<std::string> voters_;
};

verify_report verify_log(std::istream& in);

// nullopt when equal; else what differs first, e.g. "单位 u1：日志 12 票，公布 13 票".
std::optional<std::string> compare_tally(const tally_counts& recount, const tally_counts& published);

}  // namespace pingyi::vote
