// The ballot script's EVALSHA exactly as the server sends it (vote::ballot_call)
// for redis-benchmark: the command's words, NUL-separated, with the voter
// written as __rand_int__ so that redis-benchmark draws a voter per call.
// With --source FILE it also writes the script, for SCRIPT LOAD.
//
// bench_ballot_command --cid C [--unit u01] [--ratelimit shadow] [--source FILE]
#include <fstream>
#include <iostream>

#include "bench/options.hpp"
#include "vote/ballot_script.hpp"
#include "vote/log_pseudonym.hpp"

namespace pingyi::bench {
namespace {

int run(const options& o) {
    vote::ballot_request q;
    q.campaign_id = o.text("cid");
    // 22 characters once redis-benchmark puts 12 digits in place of __rand_int__.
    q.voter = "rb__rand_int__00000000";
    q.client_address = "127.0.0.1";
    q.user_agent_hash = "0123456789ab";
    q.nonce = "rn__rand_int__";
    // A fixed log key without NUL bytes (none of its characters is '6' or '\\'),
    // so that the words stay NUL-separable.
    q.log_key = vote::log_key_from("pingyi-bench-log-key");
    vote::ballot b;
    b.units = {o.text("unit", "u01")};
    ratelimit::config limits;
    limits.global = ratelimit::parse_mode(o.text("ratelimit", "shadow"), "--ratelimit");
    auto words = vote::ballot_call(q, b, limits).evalsha(vote::ballot_script());
    for (const auto& w : words) std::cout << w << '\0';
    auto source = o.text("source", "");
    if (!source.empty()) std::ofstream(source) << vote::ballot_script().source;
    return std::cout ? 0 : 1;
}

}  // namespace
}  // namespace pingyi::bench

int main(int argc, char** argv) { return pingyi::bench::run_tool("bench_ballot_command", argc, argv, pingyi::bench::run); }
