// `pingyi verify` as a journalist would run it: on exported files.
#include <doctest/doctest.h>

#include <fstream>

#include <sys/wait.h>

#include "tests/support/process.hpp"
#include "tests/support/server_process.hpp"
#include "vote/audit_chain.hpp"

using namespace pingyi::test;

namespace {

int run_verify(const std::vector<std::string>& args, const std::string& out_path) {
    std::vector<std::string> argv{bin_dir() + "/pingyi", "verify"};
    argv.insert(argv.end(), args.begin(), args.end());
    child_process p(argv, {}, out_path);
    int status = p.wait_exit(10000);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// Three ballots' log lines, as the server exports them.
std::vector<std::string> sample_log() {
    pingyi::vote::log_chain chain;
    std::vector<std::string> lines;
    const char* units[] = {"u1,u2", "u2", "u1,u3"};
    for (int i = 0; i < 3; ++i) {
        pingyi::vote::log_entry e;
        e.seq = static_cast<std::uint64_t>(i + 1);
        e.time_ms = 1577000000000 + i * 1000;
        e.nonce = "n" + std::to_string(i);
        e.voter = "voter" + std::to_string(i % 2);
        e.units = units[i];
        lines.push_back(chain.append(e));
    }
    return lines;
}

void write_lines(const std::string& path, const std::vector<std::string>& lines) {
    std::ofstream out(path);
    for (const auto& l : lines) out << l << "\n";
}

}  // namespace

TEST_CASE("pingyi verify: a good log and its tally check out, tampering is caught") {
    temp_dir dir;
    std::string log = dir.path() + "/log.ndjson";
    std::string tally = dir.path() + "/tally.json";
    std::string out = dir.path() + "/out.txt";
    auto lines = sample_log();
    write_lines(log, lines);
    std::ofstream(tally) << R"({"units":[{"id":"u1","votes":2},{"id":"u2","votes":2},{"id":"u3","votes":1}],"ballots":3,"voters":2})";
    CHECK(run_verify({log, "--tally", tally}, out) == 0);
    CHECK(slurp(out).find("OK") != std::string::npos);

    // A published tally that claims one vote more.
    std::ofstream(tally) << R"({"units":[{"id":"u1","votes":3},{"id":"u2","votes":2},{"id":"u3","votes":1}],"ballots":3,"voters":2})";
    CHECK(run_verify({log, "--tally", tally}, out) == 1);

    // A changed vote, a deleted line, swapped lines.
    auto changed = lines;
    changed[1].replace(changed[1].find("\"u2\""), 4, "\"u3\"");
    write_lines(log, changed);
    CHECK(run_verify({log}, out) == 1);
    write_lines(log, {lines[0], lines[2]});
    CHECK(run_verify({log}, out) == 1);
    write_lines(log, {lines[1], lines[0], lines[2]});
    CHECK(run_verify({log}, out) == 1);

    // Bad usage and unreadable input.
    CHECK(run_verify({}, out) == 2);
    CHECK(run_verify({dir.path() + "/missing.ndjson"}, out) == 2);
    write_lines(log, lines);
    std::ofstream(tally) << "not json";
    CHECK(run_verify({log, "--tally", tally}, out) == 2);
}
