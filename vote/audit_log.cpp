#include "vote/audit_log.hpp"

#include <charconv>

#include <openssl/crypto.h>

#include "vote/keys.hpp"

namespace pingyi::vote {
namespace {

template <class T>
std::optional<T> number(std::string_view s) {
    T v{};
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size() || s.empty()) return std::nullopt;
    return v;
}

std::string stream_id(std::uint64_t seq) { return std::to_string(seq) + "-0"; }

}  // namespace

std::string log_entry::receipt() const { return std::to_string(seq) + "-" + nonce; }

std::vector<std::string> log_entry::items() const {
    std::vector<std::string> out;
    std::string_view rest = units;
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        out.emplace_back(rest.substr(0, comma));
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    return out;
}

std::vector<std::string> log_range_command(std::string_view cid, std::uint64_t first_seq, std::uint64_t last_seq,
                                           std::size_t count) {
    return {"XRANGE", keys::log(cid), stream_id(first_seq), last_seq == 0 ? "+" : stream_id(last_seq), "COUNT",
            std::to_string(count)};
}

std::optional<log_entry> parse_log_entry(std::string_view id, const std::vector<std::string>& fields) {
    if (id.size() < 3 || id.substr(id.size() - 2) != "-0") return std::nullopt;
    auto seq = number<std::uint64_t>(id.substr(0, id.size() - 2));
    if (!seq) return std::nullopt;
    log_entry e;
    e.seq = *seq;
    bool has_time = false;
    for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
        const std::string& f = fields[i];
        const std::string& v = fields[i + 1];
        if (f == "time") {
            auto t = number<std::int64_t>(v);
            if (!t) return std::nullopt;
            e.time_ms = *t;
            has_time = true;
        } else if (f == "nonce") {
            e.nonce = v;
        } else if (f == "voter") {
            e.voter = v;
        } else if (f == "units") {
            e.units = v;
        } else if (f == "ip") {
            e.address = v;
        } else if (f == "ua") {
            e.user_agent_hash = v;
        }
    }
    if (!has_time || e.nonce.empty() || e.units.empty()) return std::nullopt;
    return e;
}

std::optional<receipt_ref> parse_receipt(std::string_view receipt) {
    const auto dash = receipt.find('-');
    if (dash == std::string_view::npos || dash + 1 >= receipt.size() || receipt.size() > 128) return std::nullopt;
    auto seq = number<std::uint64_t>(receipt.substr(0, dash));
    if (!seq || *seq == 0) return std::nullopt;
    return receipt_ref{*seq, std::string(receipt.substr(dash + 1))};
}

std::vector<std::string> receipt_lookup_command(std::string_view cid, const receipt_ref& r) {
    return {"XRANGE", keys::log(cid), stream_id(r.seq), stream_id(r.seq)};
}

bool receipt_matches(const receipt_ref& r, const log_entry& e) {
    return r.seq == e.seq && r.nonce.size() == e.nonce.size() &&
           CRYPTO_memcmp(r.nonce.data(), e.nonce.data(), e.nonce.size()) == 0;
}

}  // namespace pingyi::vote
