// The staff audit trail's hash chain without Redis: the canonical form, the
// export lines, the verifier finding a changed or deleted line, and which
// entries a retention trim may drop.
#include <doctest/doctest.h>

#include <sstream>

#include <nlohmann/json.hpp>

#include "server/admin_chain.hpp"
#include "server/admin_log.hpp"

using namespace pingyi::server;
using nlohmann::json;

namespace {

constexpr std::int64_t t0 = 1714525200000;  // 2024-05-01T09:00:00+08:00
constexpr std::int64_t day = 86'400'000;

admin_entry entry(std::uint64_t seq, std::int64_t time_ms, std::string who, std::string action,
                  std::string campaign = "", json detail = json::object()) {
    return admin_entry{seq, time_ms, std::move(who), std::move(action), std::move(campaign), detail_text(detail)};
}

std::vector<admin_entry> sample(std::uint64_t first = 1, std::uint64_t n = 4) {
    std::vector<admin_entry> out;
    for (std::uint64_t seq = first; seq < first + n; ++seq)
        out.push_back(entry(seq, t0 + static_cast<std::int64_t>(seq) * 60'000, seq % 2 ? "admin" : "auditor1",
                            seq % 2 ? "campaign.create" : "audit.export", seq % 2 ? "sg2024" : "",
                            {{"n", seq}, {"note", "第" + std::to_string(seq) + "条"}}));
    return out;
}

// The NDJSON export of entries from an anchor, one string per line.
std::vector<std::string> export_lines(const std::vector<admin_entry>& entries, chain_anchor from = {}) {
    std::vector<std::string> lines{anchor_line(from)};
    trail_checker chain(from);
    for (const auto& e : entries) lines.push_back(ndjson_line(e, *chain.add(e)));
    return lines;
}

trail_report verify(const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& l : lines) text += l + "\n";
    std::istringstream in(text);
    return verify_trail(in);
}

// The line with one field of its JSON replaced.
std::string edited(const std::string& line, const std::string& field, const json& value) {
    auto j = nlohmann::ordered_json::parse(line);
    j[field] = value;
    return j.dump();
}

}  // namespace

TEST_CASE("audit trail: the canonical form and the first hash match sha256sum") {
    auto e = entry(1, t0, "admin", "login", "", {{"address", "10.0.0.1"}});
    CHECK(canonical_form(e) == "1\n1714525200000\nadmin\nlogin\n\n{\"address\":\"10.0.0.1\"}\n");
    // printf '%s1\n1714525200000\nadmin\nlogin\n\n{"address":"10.0.0.1"}\n' 000…0 | sha256sum
    trail_checker chain;
    CHECK(*chain.add(e) == "1b726340a589d0112d7c7338ec5ce2224a4883b7ba0e01d1c430ff4b1f0da43c");
    CHECK(chain.report().count == 1);
    CHECK(chain.last_seq() == 1);
}

TEST_CASE("audit trail: each hash covers the one before it") {
    auto hashes = [](const std::vector<admin_entry>& entries) {
        trail_checker chain;
        std::vector<std::string> out;
        for (const auto& e : entries) out.push_back(*chain.add(e));
        return out;
    };
    auto entries = sample();
    auto before = hashes(entries);
    entries[1].detail = detail_text({{"n", 2}, {"note", "改过"}});
    auto after = hashes(entries);
    CHECK(after[0] == before[0]);
    CHECK(after[1] != before[1]);
    CHECK(after[2] != before[2]);  // unchanged itself, but it follows a changed entry
}

TEST_CASE("audit trail: stored text has no control characters and is valid UTF-8") {
    CHECK(audit_text("审计员 alice") == "审计员 alice");
    CHECK(audit_text("a\nb") == "a\xEF\xBF\xBD" "b");
    CHECK(audit_text("a\x7F") == "a\xEF\xBF\xBD");
    CHECK(audit_text("\xC2\x85") == "\xEF\xBF\xBD");            // C1 control NEL
    CHECK(audit_text("x\xE5\xAE") == "x\xEF\xBF\xBD\xEF\xBF\xBD");  // a character cut short
    CHECK(audit_text("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");    // overlong '/'
    CHECK(audit_text("\xED\xA0\x80").find('\xED') == std::string::npos);  // a surrogate
    CHECK(audit_text("\xF0\x9F\x98\x80") == "\xF0\x9F\x98\x80");  // U+1F600 stays
    CHECK(detail_text({{"b", 1}, {"a", "中\n"}}) == "{\"a\":\"中\\n\",\"b\":1}");
}

TEST_CASE("audit trail: the append keeps who, action and campaign on their lines") {
    auto command = admin_append_command(t0, "evil\n1\n2", "login", "", {{"x", 1}});
    REQUIRE(command.size() == 11);  // EVAL source 3 keys… 5 args
    CHECK(command[0] == "EVAL");
    CHECK(command[3] == "pingyi:admin-log");
    CHECK(command[6] == std::to_string(t0));
    CHECK(command[7] == "evil\xEF\xBF\xBD" "1\xEF\xBF\xBD" "2");
    CHECK(command[10] == "{\"x\":1}");
}

TEST_CASE("audit trail: a stream entry is read back as written") {
    auto e = parse_admin_entry("7-0", {"time", "1714525200000", "who", "admin", "action", "login", "campaign", "",
                                       "detail", "{ \"b\": 2, \"a\": 1 }"});
    REQUIRE(e);
    CHECK(e->seq == 7);
    CHECK(e->time_ms == t0);
    CHECK(e->who == "admin");
    CHECK(e->detail == "{\"a\":1,\"b\":2}");
    CHECK_FALSE(parse_admin_entry("1714525200000-1", {"time", "1", "who", "a", "action", "b", "campaign", "",
                                                      "detail", "{}"}));
    CHECK_FALSE(parse_admin_entry("3-0", {"time", "1", "who", "a", "action", "b", "campaign", ""}));
    CHECK_FALSE(parse_admin_entry("3-0", {"time", "x", "who", "a", "action", "b", "campaign", "", "detail", "{}"}));
    CHECK_FALSE(parse_admin_entry("3-0", {"time", "1", "who", "a", "action", "b", "campaign", "", "detail", "{"}));
}

TEST_CASE("audit trail: an export verifies, its lines in the documented shape") {
    auto lines = export_lines(sample());
    REQUIRE(lines.size() == 5);
    CHECK(lines[0] == "{\"anchor\":{\"seq\":0,\"hash\":\"" + std::string(pingyi::vote::genesis_hash) + "\"}}");
    auto second = json::parse(lines[2]);
    CHECK(second["seq"] == 2);
    CHECK(second["time"] == "2024-05-01T09:02:00+08:00");
    CHECK(second["who"] == "auditor1");
    CHECK(second["action"] == "audit.export");
    CHECK(second["campaign"] == "");
    CHECK(second["detail"] == json{{"n", 2}, {"note", "第2条"}});
    CHECK(lines[2].find("第2条") != std::string::npos);  // UTF-8, not \u escapes
    auto r = verify(lines);
    CHECK_MESSAGE(r.ok, r.problem);
    CHECK(r.count == 4);
    CHECK(r.head == json::parse(lines[4])["hash"]);
    CHECK(r.anchor.seq == 0);
}

TEST_CASE("audit trail: an edited detail fails verification at that line") {
    auto lines = export_lines(sample());
    lines[3] = edited(lines[3], "detail", {{"n", 3}, {"note", "改过"}});
    auto r = verify(lines);
    CHECK_FALSE(r.ok);
    CHECK(r.line == 4);
    CHECK(r.problem.find("哈希不符") != std::string::npos);

    auto who = export_lines(sample());
    who[1] = edited(who[1], "who", "someone");
    CHECK(verify(who).line == 2);
    auto time = export_lines(sample());
    time[2] = edited(time[2], "time", "2024-05-01T09:02:00.001+08:00");
    CHECK(verify(time).line == 3);
}

TEST_CASE("audit trail: a deleted, moved or repeated line is found") {
    auto deleted = export_lines(sample());
    deleted.erase(deleted.begin() + 2);  // seq 2
    auto r = verify(deleted);
    CHECK_FALSE(r.ok);
    CHECK(r.line == 3);
    CHECK(r.problem.find("第 2 条记录缺失") != std::string::npos);

    auto moved = export_lines(sample());
    std::swap(moved[2], moved[3]);
    CHECK(verify(moved).line == 3);

    auto repeated = export_lines(sample());
    repeated.insert(repeated.begin() + 2, repeated[1]);
    auto again = verify(repeated);
    CHECK(again.line == 3);
    CHECK(again.problem.find("序号 1 不应出现在这里") != std::string::npos);
}

TEST_CASE("audit trail: the anchor line is required and checked") {
    auto lines = export_lines(sample());
    auto no_anchor = std::vector<std::string>(lines.begin() + 1, lines.end());
    auto r = verify(no_anchor);
    CHECK_FALSE(r.ok);
    CHECK(r.line == 1);
    CHECK_FALSE(verify({}).ok);
    auto changed = lines;
    changed[0] = anchor_line({0, std::string(64, 'a')});
    CHECK(verify(changed).line == 2);  // the first entry no longer follows it
    auto bad = lines;
    bad[0] = "{\"anchor\":{\"seq\":0,\"hash\":\"xyz\"}}";
    CHECK(verify(bad).line == 1);
}

TEST_CASE("audit trail: a blank line is accepted only at the end") {
    auto lines = export_lines(sample());
    lines.push_back("");
    CHECK(verify(lines).ok);
    lines.insert(lines.begin() + 2, "");
    auto r = verify(lines);
    CHECK_FALSE(r.ok);
    CHECK(r.line == 3);
}

TEST_CASE("audit trail: entries deleted from the end are found by the counter") {
    trail_checker chain;
    for (const auto& e : sample()) chain.add(e);
    trail_checker whole = chain;
    CHECK(whole.finish(4));
    trail_checker short_of_two = chain;
    CHECK_FALSE(short_of_two.finish(6));
    CHECK(short_of_two.report().problem.find("第 5 至 6 条记录缺失") != std::string::npos);
    trail_checker counter_behind = chain;
    CHECK_FALSE(counter_behind.finish(3));
}

TEST_CASE("audit trail: a retention trim drops only old entries, and the rest still verifies") {
    auto entries = sample(1, 6);
    for (std::size_t i = 0; i < 3; ++i) entries[i].time_ms = t0 - 200 * day;  // seq 1-3 are old
    const std::int64_t cutoff = t0 - 180 * day;
    auto plan = plan_trim({}, entries, cutoff);
    REQUIRE(plan);
    CHECK(plan->entries == 3);
    CHECK(plan->anchor.seq == 3);
    trail_checker full;
    std::vector<std::string> hashes;
    for (const auto& e : entries) hashes.push_back(*full.add(e));
    CHECK(plan->anchor.hash == hashes[2]);

    // The retained part, exported from the new anchor, verifies and ends
    // on the same head as the whole trail.
    auto retained = std::vector<admin_entry>(entries.begin() + 3, entries.end());
    auto r = verify(export_lines(retained, plan->anchor));
    CHECK_MESSAGE(r.ok, r.problem);
    CHECK(r.head == full.report().head);
    CHECK(r.anchor.seq == 3);

    CHECK_FALSE(plan_trim(plan->anchor, retained, cutoff));  // nothing old is left
}

TEST_CASE("audit trail: a trim stops at the first young entry and never crosses a gap") {
    auto entries = sample(1, 5);
    entries[0].time_ms = entries[2].time_ms = entries[3].time_ms = t0 - 200 * day;  // seq 2 is young
    const std::int64_t cutoff = t0 - 180 * day;
    auto plan = plan_trim({}, entries, cutoff);
    REQUIRE(plan);
    CHECK(plan->anchor.seq == 1);

    auto gap = sample(1, 5);
    for (auto& e : gap) e.time_ms = t0 - 200 * day;
    gap.erase(gap.begin() + 2);  // seq 3 deleted
    auto up_to_gap = plan_trim({}, gap, cutoff);
    REQUIRE(up_to_gap);
    CHECK(up_to_gap->anchor.seq == 2);
    CHECK_FALSE(plan_trim({}, std::vector<admin_entry>(gap.begin() + 2, gap.end()), cutoff));
}

TEST_CASE("audit trail: the CSV has a BOM, a Chinese header and one row per entry") {
    auto header = csv_header();
    CHECK(header.starts_with("\xEF\xBB\xBF序号,时间,操作人,操作,评议活动,详情,校验值\r\n"));
    auto e = entry(2, t0, "admin", "unit.status", "sg2024", {{"reason", "拒不参加, 评议"}});
    auto row = csv_row(e, std::string(64, 'f'));
    CHECK(row == "2,2024-05-01T09:00:00+08:00,admin,unit.status,sg2024,\"{\"\"reason\"\":\"\"拒不参加, 评议\"\"}\"," +
                     std::string(64, 'f') + "\r\n");
    auto formula = entry(3, t0, "=cmd", "login");
    CHECK(csv_row(formula, "h").find(",'=cmd,") != std::string::npos);
}
