#include "server/rectification_store.hpp"

#include <algorithm>
#include <charconv>

#include <nlohmann/json.hpp>

#include "redis/connection.hpp"
#include "redis/script.hpp"
#include "server/log.hpp"
#include "server/store_result.hpp"

namespace pingyi::server {

namespace asio = boost::asio;
using boost::system::error_code;
using nlohmann::json;

namespace {

constexpr std::string_view submitted_suffix = "#submitted";

std::string submitted_field(std::string_view uid) { return std::string(uid).append(submitted_suffix); }

std::string_view kind_name(feedback_kind k) { return k == feedback_kind::suggestion ? "suggestion" : "comment"; }

// KEYS: the reports. ARGV: unit, report.
const redis::script& save_script() {
    static const redis::script s("rectification_save", R"lua(
if redis.call('HEXISTS', KEYS[1], ARGV[1] .. '#submitted') == 1 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
)lua");
    return s;
}

// KEYS: the reports. ARGV: unit, the draft as the caller read it, now (ms).
const redis::script& submit_script() {
    static const redis::script s("rectification_submit", R"lua(
if redis.call('HEXISTS', KEYS[1], ARGV[1] .. '#submitted') == 1 then return 0 end
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return -1 end
redis.call('HSET', KEYS[1], ARGV[1] .. '#submitted', ARGV[3])
return 1
)lua");
    return s;
}

bool failed(const redis::result& r, error_code& ec) { return command_failed(r, ec, "rectification"); }

std::optional<std::int64_t> parse_ms(std::string_view text) {
    std::int64_t ms = 0;
    auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), ms);
    if (err != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return ms;
}

vote::error refusal(std::string path, std::string message) {
    return {"invalid_rectification", std::move(path), std::move(message)};
}

}  // namespace

std::string rectification_key(std::string_view cid) {
    std::string k = "{c:";
    k.append(cid).append("}:rectification");
    return k;
}

std::vector<feedback_item> feedback_items(const std::vector<suggestion>& suggestions,
                                          const std::vector<std::string>& comments) {
    std::vector<feedback_item> items;
    for (const auto& s : suggestions) items.push_back({"s" + s.id, feedback_kind::suggestion, "公众建议", s.text});
    for (std::size_t n = 1; n <= comments.size(); ++n)
        items.push_back({"c" + std::to_string(n), feedback_kind::comment, "评议团成员 " + std::to_string(n),
                         comments[n - 1]});
    return items;
}

std::string encode_report(const rectification_report& r) {
    json items = json::array();
    for (const auto& a : r.items)
        items.push_back({{"id", a.item.id},
                         {"kind", kind_name(a.item.kind)},
                         {"from", a.item.from},
                         {"text", a.item.text},
                         {"answer", a.answer}});
    return json{{"overall", r.overall}, {"items", std::move(items)}, {"at", r.saved_ms}}.dump();
}

std::optional<rectification_report> decode_report(std::string_view text) {
    auto j = json::parse(text, nullptr, false);
    if (!j.is_object() || !j.contains("overall") || !j["overall"].is_string() || !j.contains("items") ||
        !j["items"].is_array())
        return std::nullopt;
    rectification_report r;
    r.overall = j["overall"].get<std::string>();
    r.saved_ms = j.value("at", std::int64_t{0});
    for (const auto& i : j["items"]) {
        if (!i.is_object()) return std::nullopt;
        for (const char* name : {"id", "kind", "from", "text", "answer"})
            if (!i.contains(name) || !i[name].is_string()) return std::nullopt;
        const auto kind = i["kind"].get<std::string>();
        if (kind != "suggestion" && kind != "comment") return std::nullopt;
        r.items.push_back({{i["id"].get<std::string>(),
                            kind == "suggestion" ? feedback_kind::suggestion : feedback_kind::comment,
                            i["from"].get<std::string>(), i["text"].get<std::string>()},
                           i["answer"].get<std::string>()});
    }
    return r;
}

std::variant<rectification_report, vote::error> parse_rectification(std::string_view body,
                                                                    const std::vector<feedback_item>& items,
                                                                    std::int64_t now_ms) {
    auto j = json::parse(body, nullptr, false);
    if (j.is_discarded()) return vote::error{"invalid_json", "", "请求体须为有效的 JSON"};
    if (!j.is_object()) return refusal("", "请求体须为对象 {\"overall\", \"answers\"}");
    for (const auto& field : j.items())
        if (field.key() != "overall" && field.key() != "answers") return refusal(field.key(), "未知字段：" + field.key());
    rectification_report r;
    r.saved_ms = now_ms;
    if (auto overall = j.find("overall"); overall != j.end()) {
        if (!overall->is_string()) return refusal("overall", "overall 须为文字");
        auto checked = check_free_text(overall->get<std::string>(), 0, rectification_overall_max_chars);
        if (!checked.problem.empty()) return refusal("overall", "整改情况总体说明" + checked.problem);
        r.overall = std::move(checked.text);
    }
    auto answers = j.find("answers");
    if (answers == j.end()) return r;
    if (!answers->is_object()) return refusal("answers", "answers 须为对象 {\"<条目编号>\": \"答复\"}");
    for (const auto& answer : answers->items()) {
        const auto path = "answers." + answer.key();
        auto item = std::find_if(items.begin(), items.end(), [&](const feedback_item& i) { return i.id == answer.key(); });
        if (item == items.end()) return refusal(path, "没有这条建议或评语：" + answer.key());
        if (!answer.value().is_string()) return refusal(path, "答复须为文字");
        auto checked = check_free_text(answer.value().get<std::string>(), 0, rectification_answer_max_chars);
        if (!checked.problem.empty()) return refusal(path, "答复" + checked.problem);
        if (!checked.text.empty()) r.items.push_back({*item, std::move(checked.text)});
    }
    // In the order the unit was given them, whatever the body's order.
    auto place = [&](const answered_item& a) {
        return std::find(items.begin(), items.end(), a.item) - items.begin();
    };
    std::sort(r.items.begin(), r.items.end(), [&](const auto& a, const auto& b) { return place(a) < place(b); });
    return r;
}

std::optional<std::int64_t> rectification_due(std::string_view cid,
                                              const std::vector<std::shared_ptr<const vote::campaign>>& campaigns) {
    std::optional<std::int64_t> due;
    for (const auto& c : campaigns)
        if (c && c->previous_campaign == cid && (!due || c->opens_ms < *due)) due = c->opens_ms;
    return due;
}

std::string_view to_string(rectification_status s) {
    switch (s) {
    case rectification_status::pending: return "pending";
    case rectification_status::on_time: return "on_time";
    case rectification_status::late: return "late";
    case rectification_status::missing: return "missing";
    }
    return "pending";
}

rectification_status status_of(std::optional<std::int64_t> submitted_ms, std::optional<std::int64_t> due_ms,
                               std::int64_t now_ms) {
    if (submitted_ms)
        return !due_ms || *submitted_ms <= *due_ms ? rectification_status::on_time : rectification_status::late;
    return due_ms && now_ms > *due_ms ? rectification_status::missing : rectification_status::pending;
}

asio::awaitable<std::map<std::string, rectification_report>> load_rectifications(redis::connection& redis,
                                                                                   std::string_view cid,
                                                                                   error_code& ec) {
    std::vector<std::string> command{"HGETALL", rectification_key(cid)};
    auto r = co_await redis.exec(std::move(command));
    std::map<std::string, rectification_report> out;
    if (failed(r, ec)) co_return out;
    std::map<std::string, std::int64_t> submitted;
    const auto& flat = r.value.elements();
    for (std::size_t i = 0; i + 1 < flat.size(); i += 2) {
        const auto& field = flat[i].str();
        if (field.ends_with(submitted_suffix)) {
            if (auto ms = parse_ms(flat[i + 1].str())) submitted[field.substr(0, field.size() - submitted_suffix.size())] = *ms;
        } else if (auto report = decode_report(flat[i + 1].str())) {
            out.emplace(field, std::move(*report));
        } else {  // never written by this code; skipped so one bad report cannot hide the rest
            log::error("unreadable rectification report", {{"campaign", cid}, {"unit", field}});
        }
    }
    for (auto& [uid, report] : out)
        if (auto it = submitted.find(uid); it != submitted.end()) report.submitted_ms = it->second;
    co_return out;
}

asio::awaitable<std::optional<stored_report>> load_rectification(redis::connection& redis, std::string_view cid,
                                                                 std::string_view uid, error_code& ec) {
    std::vector<std::string> command{"HMGET", rectification_key(cid), std::string(uid), submitted_field(uid)};
    auto r = co_await redis.exec(std::move(command));
    if (failed(r, ec)) co_return std::nullopt;
    const auto& parts = r.value.elements();
    if (parts.size() != 2 || parts[0].is_nil()) co_return std::nullopt;
    auto report = decode_report(parts[0].str());
    if (!report) {
        log::error("unreadable rectification report", {{"campaign", cid}, {"unit", uid}});
        co_return std::nullopt;
    }
    if (!parts[1].is_nil()) report->submitted_ms = parse_ms(parts[1].str());
    co_return stored_report{std::move(*report), parts[0].str()};
}

asio::awaitable<bool> save_rectification(redis::connection& redis, std::string_view cid, std::string_view uid,
                                         const rectification_report& report, error_code& ec) {
    std::vector<std::string> keys{rectification_key(cid)};
    std::vector<std::string> args{std::string(uid), encode_report(report)};
    auto r = co_await redis.eval(save_script(), std::move(keys), std::move(args));
    if (failed(r, ec)) co_return false;
    co_return r.value.integer() == 1;
}

asio::awaitable<submit_outcome> submit_rectification(redis::connection& redis, std::string_view cid,
                                                     std::string_view uid, std::string_view draft,
                                                     std::int64_t now_ms, error_code& ec) {
    std::vector<std::string> keys{rectification_key(cid)};
    std::vector<std::string> args{std::string(uid), std::string(draft), std::to_string(now_ms)};
    auto r = co_await redis.eval(submit_script(), std::move(keys), std::move(args));
    if (failed(r, ec)) co_return submit_outcome::changed;
    if (r.value.integer() == 0) co_return submit_outcome::already_submitted;
    if (r.value.integer() < 0) co_return submit_outcome::changed;
    co_return submit_outcome::submitted;
}

}  // namespace pingyi::server
