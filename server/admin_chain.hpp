// The staff audit trail's hash chain, without I/O: an entry's canonical
// form, the chain followed from an anchor, the export lines (NDJSON, CSV),
// the checks that find a changed, deleted or reordered entry, and which old
// entries a retention trim may drop. Redis Lua has no SHA-256, so whoever
// reads the trail computes the chain, as for the ballot log (whose
// vote::chain_hash this uses). docs/data-model.md defines the canonical form.
#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "vote/audit_chain.hpp"

namespace pingyi::server {

struct admin_entry {
    std::uint64_t seq = 0;  // the stream ID is <seq>-0: 1, 2, 3... without gaps
    std::int64_t time_ms = 0;
    std::string who;
    std::string action;
    std::string campaign;  // empty when the action concerns no campaign
    std::string detail;    // detail_text()
};

// Where the retained trail continues from: the last entry a retention trim
// dropped (seq 0 and the genesis hash while none was).
struct chain_anchor {
    std::uint64_t seq = 0;
    std::string hash{vote::genesis_hash};
};

// who, action and campaign as stored: valid UTF-8 without control
// characters (each invalid byte or control character becomes U+FFFD), so no
// value can end its line of the canonical form early.
std::string audit_text(std::string_view text);
// The detail as stored and hashed: compact JSON, object keys sorted, UTF-8
// unescaped (what nlohmann's dump() writes).
std::string detail_text(const nlohmann::json& detail);

// "<seq>\n<time_ms>\n<who>\n<action>\n<campaign>\n<detail>\n"
std::string canonical_form(const admin_entry& e);

// One XRANGE element of the trail: its ID and field/value list.
std::optional<admin_entry> parse_admin_entry(std::string_view id, const std::vector<std::string>& fields);

// The NDJSON export: the anchor line first, then one line per entry:
// {"anchor":{"seq":0,"hash":"…"}}
// {"seq":1,"time":"2024-05-01T09:00:00+08:00","who":"…","action":"…","campaign":"…","detail":{…},"hash":"…"}
std::string anchor_line(const chain_anchor& a);
std::string ndjson_line(const admin_entry& e, std::string_view hash);
// The CSV export for Excel: a UTF-8 BOM and a Chinese header row, then rows
// ending in CRLF (the same columns as the NDJSON lines).
std::string csv_header();
std::string csv_row(const admin_entry& e, std::string_view hash);

struct trail_report {
    bool ok = true;
    std::string problem;      // 中文, what is wrong, when !ok
    std::size_t line = 0;     // verifying a file: the first bad line (1-based)
    chain_anchor anchor;      // where the chain was followed from
    std::uint64_t count = 0;  // entries checked after the anchor
    std::string head{vote::genesis_hash};  // the last entry's hash (the anchor's while none)
};

// Follows the chain from an anchor, one entry at a time in seq order.
class trail_checker {
public:
    explicit trail_checker(chain_anchor from = {});
    // The entry's hash; nullopt when its seq does not follow the last one
    // (report() says which are missing or out of order).
    std::optional<std::string> add(const admin_entry& e);
    // The trail's counter says `appended` entries were ever added: false
    // when entries after the last one checked are missing.
    bool finish(std::uint64_t appended);
    // Records a problem found by the caller; false.
    bool fail(std::string problem);
    std::uint64_t last_seq() const { return report_.anchor.seq + report_.count; }
    const trail_report& report() const { return report_; }

private:
    trail_report report_;
};

// Reads an NDJSON export line by line; stops at the first problem.
class trail_file_verifier {
public:
    // false once a problem was found (report() says where and what).
    bool add_line(std::string_view line);
    trail_report report() const;

private:
    bool fail(std::string problem);
    bool add_entry(const nlohmann::json& j);

    trail_checker checker_;
    bool anchored_ = false;
    vote::ndjson_framing framing_;
    std::size_t bad_line_ = 0;
};

trail_report verify_trail(std::istream& in);

// A retention trim drops the entries right after `from` (in seq order) that
// are older than cutoff_ms, up to the first that is not or does not follow:
// the trim never drops an entry younger than the retention, and never
// hides a gap. The new anchor is the last dropped entry's seq and hash.
struct trim_plan {
    chain_anchor anchor;
    std::size_t entries = 0;
};
std::optional<trim_plan> plan_trim(const chain_anchor& from, const std::vector<admin_entry>& oldest,
                                   std::int64_t cutoff_ms);

}  // namespace pingyi::server
