#include "vote/audit_log.hpp"

#include <algorithm>
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

std::int64_t origin_bucket_width(std::int64_t window_ms) {
    constexpr std::int64_t hour_ms = 3'600'000;
    return std::clamp<std::int64_t>(window_ms, 1, hour_ms);
}

std::int64_t origin_bucket(std::int64_t time_ms, std::int64_t window_ms) {
    const auto width = origin_bucket_width(window_ms);
    return time_ms - time_ms % width;
}

std::optional<ballot_origin> parse_origin(std::string_view value) {
    const auto first = value.find(' ');
    const auto second = first == std::string_view::npos ? first : value.find(' ', first + 1);
    if (second == std::string_view::npos || first == 0) return std::nullopt;
    return ballot_origin{std::string(value.substr(0, first)), std::string(value.substr(first + 1, second - first - 1)),
                         std::string(value.substr(second + 1))};
}

std::vector<std::string> origin_lookup_command(std::string_view cid, std::int64_t bucket_ms,
                                               const std::vector<std::uint64_t>& seqs) {
    std::vector<std::string> command{"HMGET", keys::origin(cid, bucket_ms)};
    for (auto seq : seqs) command.push_back(std::to_string(seq));
    return command;
}

}  // namespace pingyi::vote
