// The public's suggestions without Redis: the text check every free text
// goes through, the stored record, and the keys the purge deletes.
#include <doctest/doctest.h>

#include "server/suggestion_store.hpp"

using namespace pingyi::server;

namespace {

checked_text suggestion_text(std::string_view raw) {
    return check_free_text(raw, suggestion_min_chars, suggestion_max_chars);
}

std::string repeat(std::string_view s, std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out += s;
    return out;
}

}  // namespace

TEST_CASE("a suggestion's text is trimmed and counted in characters, not bytes") {
    auto ok = suggestion_text("  \u3000建议加强普法宣传\n\t ");
    CHECK(ok.problem.empty());
    CHECK(ok.text == "建议加强普法宣传");

    CHECK(suggestion_text("五个汉字呢").problem.empty());  // 5 characters, 15 bytes
    CHECK(suggestion_text("四个汉字").problem == "至少需要 5 个字");
    CHECK(suggestion_text("  abcd  ").problem == "至少需要 5 个字");
    CHECK(suggestion_text("").problem == "至少需要 5 个字");

    CHECK(suggestion_text(repeat("建", 500)).problem.empty());
    CHECK(suggestion_text(repeat("建", 501)).problem == "不能超过 500 个字");
    CHECK(suggestion_text(" " + repeat("a", 500) + "\n").problem.empty());  // white space around does not count
}

TEST_CASE("line breaks stay, every other control character is refused") {
    auto lines = suggestion_text("第一条建议\r\n第二条建议");
    CHECK(lines.problem.empty());
    CHECK(lines.text == "第一条建议\n第二条建议");
    const std::string nul = std::string("建议") + '\0' + "加强宣传";
    for (std::string_view bad : {std::string_view(nul), std::string_view("建议\t加强宣传"), std::string_view("建议\r加强宣传"),
                                 std::string_view("建议\x7f加强宣传"), std::string_view("建议\u0085加强宣传"),
                                 std::string_view("建议\u202e加强宣传"), std::string_view("建议\u2066加强宣传"),
                                 std::string_view("建议\x1b[31m加强")}) {
        CAPTURE(bad);
        CHECK(suggestion_text(bad).problem == "不能包含换行以外的控制字符");
    }
}

TEST_CASE("text that is not UTF-8 is refused") {
    for (std::string_view bad : {"建议加强\xff宣传", "建议加强\xc0\xaf宣传" /* overlong */, "建议加强\xed\xa0\x80宣传" /* surrogate */,
                                 "建议加强宣传\xe5\xbb" /* cut off */, "建议加强\xf4\x90\x80\x80宣传" /* > U+10FFFF */}) {
        CAPTURE(bad);
        CHECK(suggestion_text(bad).problem == "文字编码有误，请重新输入");
    }
    CHECK(suggestion_text("emoji 👍 ok").problem.empty());
}

TEST_CASE("other free text takes its own bounds") {
    CHECK(check_free_text("", 0, 10).problem.empty());
    CHECK(check_free_text(" \n ", 0, 10).text.empty());
    CHECK(check_free_text("", 1, 10).problem == "请填写内容");
    CHECK(check_free_text("12345678901", 0, 10).problem == "不能超过 10 个字");
}

TEST_CASE("a suggestion survives storage exactly, in each state") {
    suggestion pending{"7", "u1", "建议\"加强\"宣传\n谢谢", 1577000000123, suggestion_state::pending, "", "", 0};
    auto text = encode_suggestion(pending);
    CHECK(decode_suggestion("7", text) == pending);
    CHECK(text.find("\"by\"") == std::string::npos);  // no moderation fields before a decision

    suggestion rejected{"8", "u2", "无关内容无关内容", 5, suggestion_state::rejected, "admin", "与评议无关", 9};
    CHECK(decode_suggestion("8", encode_suggestion(rejected)) == rejected);

    CHECK_FALSE(decode_suggestion("1", "not json"));
    CHECK_FALSE(decode_suggestion("1", R"({"unit": "u1", "text": "x", "state": "deleted"})"));
    CHECK_FALSE(decode_suggestion("1", R"({"unit": "u1", "state": "pending"})"));
}

TEST_CASE("states by name") {
    for (auto s : {suggestion_state::pending, suggestion_state::approved, suggestion_state::rejected})
        CHECK(parse_suggestion_state(to_string(s)) == s);
    CHECK_FALSE(parse_suggestion_state("all"));
    CHECK_FALSE(parse_suggestion_state(""));
}

TEST_CASE("the keys that name voters are the purge's, the texts are not") {
    CHECK(suggestion_keys::records("c1") == "{c:c1}:suggestions");
    CHECK(suggestion_keys::by_state("c1", suggestion_state::approved) == "{c:c1}:suggestions:approved");
    CHECK(suggestion_keys::day("c1", 18250) == "{c:c1}:suggestion-day:18250");
    CHECK(suggestion_keys::holds_personal_data("c1", suggestion_keys::voters("c1")));
    CHECK(suggestion_keys::holds_personal_data("c1", suggestion_keys::day("c1", 18250)));
    CHECK_FALSE(suggestion_keys::holds_personal_data("c1", suggestion_keys::records("c1")));
    CHECK_FALSE(suggestion_keys::holds_personal_data("c1", suggestion_keys::sequence("c1")));
    CHECK_FALSE(suggestion_keys::holds_personal_data("c1", suggestion_keys::by_state("c1", suggestion_state::pending)));
    CHECK_FALSE(suggestion_keys::holds_personal_data("c1", suggestion_keys::voters("c10")));  // another campaign's
    CHECK_FALSE(suggestion_keys::holds_personal_data("c1", suggestion_keys::day("c2", 1)));
}
