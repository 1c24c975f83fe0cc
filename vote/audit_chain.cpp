#include "vote/audit_chain.hpp"

#include <nlohmann/json.hpp>

#include "vote/digest.hpp"

namespace pingyi::vote {
namespace {

bool valid_item(const std::string& item) {
    if (item.empty()) return false;
    for (char c : item)
        if (c == ',' || static_cast<unsigned char>(c) < 0x20) return false;
    return true;
}

bool valid_hex_hash(const std::string& h) {
    if (h.size() != 64) return false;
    for (char c : h)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

}  // namespace

std::string canonical_form(const log_entry& e) {
    return std::to_string(e.seq) + "\n" + e.receipt() + "\n" + std::to_string(e.time_ms) + "\n" + e.voter + "\n" +
           e.units + "\n";
}

std::string chain_hash(std::string_view previous_hex, std::string_view canonical) {
    std::string data(previous_hex);
    data.append(canonical);
    return sha256_hex(data);
}

std::string log_chain::append(const log_entry& e) {
    head_ = chain_hash(head_, canonical_form(e));
    ++count_;
    nlohmann::ordered_json line = {{"seq", e.seq},   {"receipt", e.receipt()}, {"time", e.time_ms},
                                   {"voter", e.voter}, {"units", e.items()},     {"hash", head_}};
    return line.dump();
}

ndjson_framing::line_kind ndjson_framing::next(std::string_view& line) {
    ++line_no_;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) {
        if (blank_line_ == 0) blank_line_ = line_no_;
        return line_kind::blank;
    }
    if (blank_line_ == 0) return line_kind::content;
    line_no_ = blank_line_;
    return line_kind::blank_inside;
}

bool log_verifier::fail(std::string problem) {
    report_.ok = false;
    report_.line = framing_.line_no();
    report_.problem = std::move(problem);
    return false;
}

bool log_verifier::add_line(std::string_view line) {
    if (!report_.ok) return false;
    switch (framing_.next(line)) {
    case ndjson_framing::line_kind::blank: return true;
    case ndjson_framing::line_kind::blank_inside: return fail("空行（日志中间不应有空行）");
    case ndjson_framing::line_kind::content: break;
    }
    const auto j = nlohmann::json::parse(line, nullptr, false);
    log_entry e;
    std::vector<std::string> items;
    std::string receipt, hash;
    try {
        if (!j.is_object()) return fail("不是 JSON 对象");
        e.seq = j.at("seq").get<std::uint64_t>();
        receipt = j.at("receipt").get<std::string>();
        e.time_ms = j.at("time").get<std::int64_t>();
        e.voter = j.at("voter").get<std::string>();
        items = j.at("units").get<std::vector<std::string>>();
        hash = j.at("hash").get<std::string>();
    } catch (const nlohmann::json::exception&) {
        return fail("缺少字段或字段类型不对（需要 seq、receipt、time、voter、units、hash）");
    }
    if (items.empty()) return fail("units 为空");
    for (const auto& item : items) {
        if (!valid_item(item)) return fail("units 中有空项或含逗号、控制字符的项");
        e.units += (e.units.empty() ? "" : ",") + item;
    }
    if (e.seq != report_.count + 1)
        return fail("序号 seq 为 " + std::to_string(e.seq) + "，应为 " + std::to_string(report_.count + 1) +
                    "：有行被删除、插入或调换了顺序");
    const std::string prefix = std::to_string(e.seq) + "-";
    if (receipt.size() <= prefix.size() || receipt.compare(0, prefix.size(), prefix) != 0)
        return fail("回执 receipt 与序号 seq 不符");
    e.nonce = receipt.substr(prefix.size());
    if (!valid_hex_hash(hash)) return fail("hash 不是 64 位小写十六进制");
    const std::string expected = chain_hash(report_.head, canonical_form(e));
    if (hash != expected) return fail("哈希不符：本行内容被改动过（重新计算得 " + expected + "）");

    report_.head = hash;
    report_.count = e.seq;
    report_.tally.ballots = static_cast<std::int64_t>(e.seq);
    for (const auto& item : items) ++report_.tally.counts[item];
    voters_.insert(e.voter);
    report_.tally.voters = static_cast<std::int64_t>(voters_.size());
    return true;
}

verify_report verify_log(std::istream& in) {
    log_verifier v;
    std::string line;
    while (std::getline(in, line))
        if (!v.add_line(line)) break;
    return v.report();
}

std::optional<std::string> compare_tally(const tally_counts& recount, const tally_counts& published) {
    if (recount.ballots != published.ballots)
        return "选票数：日志 " + std::to_string(recount.ballots) + "，公布 " + std::to_string(published.ballots);
    if (recount.voters != published.voters)
        return "投票人数：日志 " + std::to_string(recount.voters) + "，公布 " + std::to_string(published.voters);
    auto count_in = [](const tally_counts& t, const std::string& field) {
        auto it = t.counts.find(field);
        return it == t.counts.end() ? std::int64_t{0} : it->second;
    };
    std::set<std::string> fields;
    for (const auto& [f, n] : recount.counts) fields.insert(f);
    for (const auto& [f, n] : published.counts) fields.insert(f);
    for (const auto& f : fields) {
        const std::int64_t a = count_in(recount, f), b = count_in(published, f);
        if (a != b)
            return "单位 " + f + "：日志 " + std::to_string(a) + " 票，公布 " + std::to_string(b) + " 票";
    }
    return std::nullopt;
}

}  // namespace pingyi::vote
