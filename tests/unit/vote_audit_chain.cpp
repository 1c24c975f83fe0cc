#include <doctest/doctest.h>

#include <sstream>

#include <nlohmann/json.hpp>

#include "vote/audit_chain.hpp"

using namespace pingyi::vote;

namespace {

log_entry entry(std::uint64_t seq, std::string voter, std::string units) {
    log_entry e;
    e.seq = seq;
    e.time_ms = 1576803600000 + static_cast<std::int64_t>(seq) * 1000;
    e.nonce = "n" + std::to_string(seq * 7919);
    e.voter = std::move(voter);
    e.units = std::move(units);
    e.address = "10.0.0.1";
    return e;
}

std::vector<std::string> export_lines() {
    log_chain chain;
    std::vector<std::string> lines;
    lines.push_back(chain.append(entry(1, "alice", "u1,u3")));
    lines.push_back(chain.append(entry(2, "bob", "u1")));
    lines.push_back(chain.append(entry(3, "alice", "u2")));
    lines.push_back(chain.append(entry(4, "carol", "u1,u2,u3")));
    return lines;
}

verify_report verify(const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& l : lines) text += l + "\n";
    std::istringstream in(text);
    return verify_log(in);
}

}  // namespace

TEST_CASE("vote: the canonical form and the first hash match sha256sum") {
    log_entry e;
    e.seq = 1;
    e.time_ms = 1576803600000;
    e.nonce = "n0nce";
    e.voter = "AAAAAAAAAAAAAAAAAAAAAA";
    e.units = "u1,u3";
    CHECK(canonical_form(e) == "1\n1-n0nce\n1576803600000\nAAAAAAAAAAAAAAAAAAAAAA\nu1,u3\n");
    // printf '%s1\n1-n0nce\n...' 000...0 | sha256sum
    CHECK(chain_hash(genesis_hash, canonical_form(e)) ==
          "560629375364ba57f20ea8ccedead96f02b216aa60fde818275963e73d664b43");
}

TEST_CASE("vote: an export has no IP and verifies, with its recount") {
    const auto lines = export_lines();
    const auto first = nlohmann::json::parse(lines[0]);
    CHECK(first["seq"] == 1);
    CHECK(first["receipt"] == "1-n7919");
    CHECK(first["voter"] == "alice");
    CHECK(first["units"] == nlohmann::json{"u1", "u3"});
    CHECK(first["time"] == 1576803601000);
    CHECK(lines[0].find("10.0.0.1") == std::string::npos);
    CHECK(lines[0].find("abcd1234") == std::string::npos);

    const verify_report r = verify(lines);
    CHECK(r.ok);
    CHECK(r.count == 4);
    CHECK(r.head == nlohmann::json::parse(lines[3])["hash"]);
    CHECK(r.tally.ballots == 4);
    CHECK(r.tally.voters == 3);
    CHECK(r.tally.counts == std::map<std::string, std::int64_t>{{"u1", 3}, {"u2", 2}, {"u3", 2}});
}

TEST_CASE("vote: the verifier finds a changed, deleted, reordered or inserted line") {
    auto lines = export_lines();
    SUBCASE("changed") {
        auto j = nlohmann::json::parse(lines[1]);
        j["units"] = {"u2"};
        lines[1] = j.dump();
        const auto r = verify(lines);
        CHECK_FALSE(r.ok);
        CHECK(r.line == 2);
        CHECK(r.problem.find("哈希") != std::string::npos);
    }
    SUBCASE("changed voter") {
        auto j = nlohmann::json::parse(lines[2]);
        j["voter"] = "mallory";
        lines[2] = j.dump();
        CHECK(verify(lines).line == 3);
    }
    SUBCASE("deleted") {
        lines.erase(lines.begin() + 1);
        const auto r = verify(lines);
        CHECK_FALSE(r.ok);
        CHECK(r.line == 2);
    }
    SUBCASE("reordered") {
        std::swap(lines[1], lines[2]);
        const auto r = verify(lines);
        CHECK_FALSE(r.ok);
        CHECK(r.line == 2);
    }
    SUBCASE("inserted, renumbered") {
        log_chain other;
        other.append(entry(1, "alice", "u1,u3"));
        lines.insert(lines.begin() + 1, other.append(entry(2, "mallory", "u2")));
        const auto r = verify(lines);
        CHECK_FALSE(r.ok);
        CHECK(r.line == 3);  // line 2 is a valid continuation; line 3 then breaks
    }
    SUBCASE("inserted copy") {
        lines.insert(lines.begin() + 2, lines[1]);
        CHECK(verify(lines).line == 3);
    }
    SUBCASE("malformed and blank lines") {
        lines[2] = "{\"seq\": 3}";
        CHECK(verify(lines).line == 3);
        lines[2] = "";
        CHECK(verify(lines).line == 3);
    }
    SUBCASE("a trailing blank line is fine") {
        lines.push_back("");
        CHECK(verify(lines).ok);
    }
}

TEST_CASE("vote: the recount is compared with a published tally") {
    const verify_report r = verify(export_lines());
    tally_counts published = r.tally;
    CHECK_FALSE(compare_tally(r.tally, published));
    published.counts["u2"] = 3;
    auto diff = compare_tally(r.tally, published);
    REQUIRE(diff);
    CHECK(diff->find("u2") != std::string::npos);
    published = r.tally;
    published.voters = 4;
    CHECK(compare_tally(r.tally, published));

    auto back = tally_from_json(tally_json(r.tally));
    REQUIRE(back);
    CHECK(*back == r.tally);
}
