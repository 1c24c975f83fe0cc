#include "server/counters.hpp"

namespace pingyi::server {

namespace {

template <std::size_t N>
std::size_t index_of(const std::array<std::string_view, N>& names, std::string_view name) {
    for (std::size_t i = 0; i < N; ++i)
        if (names[i] == name) return i;
    return N;
}

template <std::size_t N>
void bump(std::array<std::atomic<unsigned long long>, N>& slots, const std::array<std::string_view, N>& names,
          std::string_view name) {
    auto i = index_of(names, name);
    if (i < N) slots[i].fetch_add(1, std::memory_order_relaxed);
}

template <std::size_t N>
void render_family(std::string& out, std::string_view metric, std::string_view label, std::string_view help,
                   const std::array<std::atomic<unsigned long long>, N>& slots,
                   const std::array<std::string_view, N>& names) {
    out += "# HELP ";
    out += metric;
    out += ' ';
    out += help;
    out += "\n# TYPE ";
    out += metric;
    out += " counter\n";
    for (std::size_t i = 0; i < N; ++i) {
        out += metric;
        out += '{';
        out += label;
        out += "=\"";
        out += names[i];
        out += "\"} ";
        out += std::to_string(slots[i].load(std::memory_order_relaxed));
        out += '\n';
    }
}

}  // namespace

void counters::ballot(std::string_view result) { bump(ballots_, ballot_results, result); }
void counters::limit_allowed(std::string_view limit) { bump(allowed_, limit_names, limit); }
void counters::limit_limited(std::string_view limit) { bump(limited_, limit_names, limit); }

void counters::render(std::string& out) const {
    render_family(out, "pingyi_ballots_total", "result", "Ballots answered, by outcome.", ballots_, ballot_results);
    render_family(out, "pingyi_ratelimit_allowed_total", "limit", "Requests a limit let through.", allowed_,
                  limit_names);
    render_family(out, "pingyi_ratelimit_limited_total", "limit",
                  "Requests a limit refused (or, in shadow mode, would have refused).", limited_, limit_names);
}

}  // namespace pingyi::server
