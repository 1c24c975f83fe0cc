#include "server/admin_chain.hpp"

#include <charconv>

#include <nlohmann/json.hpp>

#include "eval/results_format.hpp"
#include "vote/time.hpp"

namespace pingyi::server {

namespace {

using nlohmann::json;

constexpr std::string_view replacement_character = "\xEF\xBF\xBD";

// The length of the valid UTF-8 sequence at s[i] (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF), 0 when there is none.
std::size_t utf8_length(std::string_view s, std::size_t i) {
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = byte(i);
    if (c < 0x80) return 1;
    std::size_t n = 0;
    unsigned char low = 0x80, high = 0xBF;  // the second byte's range
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0) low = 0xA0;   // overlong below U+0800
        if (c == 0xED) high = 0x9F;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0) low = 0x90;   // overlong below U+10000
        if (c == 0xF4) high = 0x8F;  // above U+10FFFF
    } else {
        return 0;
    }
    if (i + n > s.size() || byte(i + 1) < low || byte(i + 1) > high) return 0;
    for (std::size_t k = 2; k < n; ++k)
        if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
    return n;
}

// C0 controls, DEL, and C1 controls (U+0080..U+009F, written C2 80..C2 9F).
bool is_control(std::string_view s, std::size_t i, std::size_t n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (n == 1) return c < 0x20 || c == 0x7F;
    return n == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) <= 0x9F;
}

std::optional<std::int64_t> integer(std::string_view s) {
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size() || s.empty()) return std::nullopt;
    return v;
}

bool is_hash(const std::string& h) {
    return h.size() == 64 && h.find_first_not_of("0123456789abcdef") == std::string::npos;
}

json detail_json(const admin_entry& e) {
    auto detail = json::parse(e.detail, nullptr, false);
    return detail.is_discarded() ? json(e.detail) : detail;
}

}  // namespace

std::string audit_text(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t n = utf8_length(text, i);
        if (n == 0 || is_control(text, i, n)) {
            out += replacement_character;
            i += n == 0 ? 1 : n;
            continue;
        }
        out.append(text.substr(i, n));
        i += n;
    }
    return out;
}

std::string detail_text(const json& detail) { return detail.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string canonical_form(const admin_entry& e) {
    return std::to_string(e.seq) + "\n" + std::to_string(e.time_ms) + "\n" + e.who + "\n" + e.action + "\n" +
           e.campaign + "\n" + e.detail + "\n";
}

std::optional<admin_entry> parse_admin_entry(std::string_view id, const std::vector<std::string>& fields) {
    if (id.size() < 3 || id.substr(id.size() - 2) != "-0") return std::nullopt;
    auto seq = integer(id.substr(0, id.size() - 2));
    if (!seq || *seq <= 0) return std::nullopt;
    admin_entry e;
    e.seq = static_cast<std::uint64_t>(*seq);
    int found = 0;
    for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
        const std::string& f = fields[i];
        const std::string& v = fields[i + 1];
        if (f == "time") {
            auto t = integer(v);
            if (!t) return std::nullopt;
            e.time_ms = *t;
        } else if (f == "who") {
            e.who = audit_text(v);
        } else if (f == "action") {
            e.action = audit_text(v);
        } else if (f == "campaign") {
            e.campaign = audit_text(v);
        } else if (f == "detail") {
            auto detail = json::parse(v, nullptr, false);
            if (detail.is_discarded()) return std::nullopt;
            e.detail = detail_text(detail);
        } else {
            continue;
        }
        ++found;
    }
    if (found != 5) return std::nullopt;
    return e;
}

std::string anchor_line(const chain_anchor& a) {
    nlohmann::ordered_json line = {{"anchor", {{"seq", a.seq}, {"hash", a.hash}}}};
    return line.dump();
}

std::string ndjson_line(const admin_entry& e, std::string_view hash) {
    nlohmann::ordered_json line = {{"seq", e.seq},
                                   {"time", vote::format_rfc3339_shanghai(e.time_ms)},
                                   {"who", e.who},
                                   {"action", e.action},
                                   {"campaign", e.campaign},
                                   {"detail", detail_json(e)},
                                   {"hash", hash}};
    return line.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string csv_header() { return "\xEF\xBB\xBF序号,时间,操作人,操作,评议活动,详情,校验值\r\n"; }

std::string csv_row(const admin_entry& e, std::string_view hash) {
    return std::to_string(e.seq) + "," + eval::csv_text(vote::format_rfc3339_shanghai(e.time_ms)) + "," +
           eval::csv_text(e.who) + "," + eval::csv_text(e.action) + "," + eval::csv_text(e.campaign) + "," +
           eval::csv_text(e.detail) + "," + std::string(hash) + "\r\n";
}

trail_checker::trail_checker(chain_anchor from) {
    report_.head = from.hash;
    report_.anchor = std::move(from);
}

bool trail_checker::fail(std::string problem) {
    report_.ok = false;
    report_.problem = std::move(problem);
    return false;
}

std::optional<std::string> trail_checker::add(const admin_entry& e) {
    if (!report_.ok) return std::nullopt;
    const std::uint64_t expected = last_seq() + 1;
    if (e.seq > expected) {
        std::string missing = std::to_string(expected);
        if (e.seq - 1 > expected) missing += " 至 " + std::to_string(e.seq - 1);
        fail("第 " + missing + " 条记录缺失：记录被删除了（下一条是第 " + std::to_string(e.seq) + " 条）");
        return std::nullopt;
    }
    if (e.seq < expected) {
        fail("序号 " + std::to_string(e.seq) + " 不应出现在这里（应为 " + std::to_string(expected) +
             "）：记录被插入、重复或调换了顺序");
        return std::nullopt;
    }
    report_.head = vote::chain_hash(report_.head, canonical_form(e));
    ++report_.count;
    return report_.head;
}

bool trail_checker::finish(std::uint64_t appended) {
    if (!report_.ok) return false;
    const std::uint64_t last = last_seq();
    if (appended > last) {
        std::string missing = std::to_string(last + 1);
        if (appended > last + 1) missing += " 至 " + std::to_string(appended);
        return fail("第 " + missing + " 条记录缺失：最后的记录被删除了（共追加过 " + std::to_string(appended) + " 条）");
    }
    if (appended < last)
        return fail("序号计数器为 " + std::to_string(appended) + "，小于最后一条记录的序号 " + std::to_string(last) +
                    "：计数器被改动过");
    return true;
}

bool trail_file_verifier::fail(std::string problem) {
    bad_line_ = framing_.line_no();
    return checker_.fail(std::move(problem));
}

bool trail_file_verifier::add_line(std::string_view line) {
    if (bad_line_ != 0) return false;
    switch (framing_.next(line)) {
    case vote::ndjson_framing::line_kind::blank: return true;
    case vote::ndjson_framing::line_kind::blank_inside: return fail("空行（审计记录中间不应有空行）");
    case vote::ndjson_framing::line_kind::content: break;
    }
    const auto j = json::parse(line, nullptr, false);
    if (!j.is_object()) return fail("不是 JSON 对象");
    if (anchored_) return add_entry(j);
    chain_anchor from;
    try {
        from.seq = j.at("anchor").at("seq").get<std::uint64_t>();
        from.hash = j.at("anchor").at("hash").get<std::string>();
    } catch (const json::exception&) {
        return fail("第一行应为起点行 {\"anchor\":{\"seq\":…,\"hash\":\"…\"}}");
    }
    if (!is_hash(from.hash)) return fail("起点的 hash 不是 64 位小写十六进制");
    checker_ = trail_checker(std::move(from));
    anchored_ = true;
    return true;
}

bool trail_file_verifier::add_entry(const json& j) {
    admin_entry e;
    std::string time, hash;
    try {
        e.seq = j.at("seq").get<std::uint64_t>();
        time = j.at("time").get<std::string>();
        e.who = j.at("who").get<std::string>();
        e.action = j.at("action").get<std::string>();
        e.campaign = j.at("campaign").get<std::string>();
        e.detail = detail_text(j.at("detail"));
        hash = j.at("hash").get<std::string>();
    } catch (const json::exception&) {
        return fail("缺少字段或字段类型不对（需要 seq、time、who、action、campaign、detail、hash）");
    }
    if (audit_text(e.who) != e.who || audit_text(e.action) != e.action || audit_text(e.campaign) != e.campaign)
        return fail("who、action 或 campaign 含控制字符");
    auto time_ms = vote::parse_rfc3339(time);
    if (!time_ms) return fail("time 不是 RFC 3339 时间：" + time);
    e.time_ms = *time_ms;
    auto computed = checker_.add(e);
    if (!computed) {
        bad_line_ = framing_.line_no();
        return false;
    }
    if (*computed != hash) return fail("哈希不符：本行内容被改动过（重新计算得 " + *computed + "）");
    return true;
}

trail_report trail_file_verifier::report() const {
    auto r = checker_.report();
    r.line = bad_line_;
    if (r.ok && !anchored_) {
        r.ok = false;
        r.line = 1;
        r.problem = "文件为空：缺少起点行 {\"anchor\":…}";
    }
    return r;
}

trail_report verify_trail(std::istream& in) {
    trail_file_verifier v;
    std::string line;
    while (std::getline(in, line))
        if (!v.add_line(line)) break;
    return v.report();
}

std::optional<trim_plan> plan_trim(const chain_anchor& from, const std::vector<admin_entry>& oldest,
                                   std::int64_t cutoff_ms) {
    trail_checker chain(from);
    std::size_t n = 0;
    for (const auto& e : oldest) {
        if (e.time_ms >= cutoff_ms || !chain.add(e)) break;
        ++n;
    }
    if (n == 0) return std::nullopt;
    return trim_plan{{chain.last_seq(), chain.report().head}, n};
}

}  // namespace pingyi::server
