#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <hiredis/hiredis.h>

#include "redis/command.hpp"
#include "redis/reader.hpp"

using pingyi::redis::append_command;
using pingyi::redis::reader;
using pingyi::redis::reply;
using namespace std::string_literals;

namespace {

std::vector<reply> drain(reader& r) {
    std::vector<reply> out;
    reply next;
    while (r.next(next) == reader::status::reply) out.push_back(next);
    return out;
}

const std::string mixed_stream =
    "+OK\r\n"
    ":-42\r\n"
    "$7\r\nhe\0l\r\no\r\n"s
    "$-1\r\n"
    "-ERR wrong type\r\n"
    "*3\r\n$1\r\na\r\n*2\r\n:1\r\n$0\r\n\r\n*-1\r\n";

void check_mixed(const std::vector<reply>& replies) {
    REQUIRE(replies.size() == 6);
    CHECK(replies[0] == reply(reply::kind::status, "OK"));
    CHECK(replies[1].type() == reply::kind::integer);
    CHECK(replies[1].integer() == -42);
    CHECK(replies[2] == reply(reply::kind::string, "he\0l\r\no"s));
    CHECK(replies[3].is_nil());
    CHECK(replies[4].is_error());
    CHECK(replies[4].str() == "ERR wrong type");
    REQUIRE(replies[5].is_array());
    const auto& e = replies[5].elements();
    REQUIRE(e.size() == 3);
    CHECK(e[0].str() == "a");
    REQUIRE(e[1].elements().size() == 2);
    CHECK(e[1].elements()[0].integer() == 1);
    CHECK(e[1].elements()[1] == reply(reply::kind::string, ""));
    CHECK(e[2].is_nil());  // RESP2 null array
}

}  // namespace

TEST_CASE("reader: one feed holding many replies yields them all, in order") {
    reader r;
    r.feed(mixed_stream);
    check_mixed(drain(r));
    reply extra;
    CHECK(r.next(extra) == reader::status::incomplete);
}

TEST_CASE("reader: the same stream trickled byte by byte") {
    reader r;
    std::vector<reply> replies;
    for (char c : mixed_stream) {
        r.feed(std::string_view(&c, 1));
        for (auto& rep : drain(r)) replies.push_back(std::move(rep));
    }
    check_mixed(replies);
}

TEST_CASE("reader: a reply split in the middle of a bulk string is incomplete until its last byte") {
    reader r;
    reply out;
    r.feed("$10\r\n01234");
    CHECK(r.next(out) == reader::status::incomplete);
    r.feed("56789\r");
    CHECK(r.next(out) == reader::status::incomplete);
    r.feed("\n");
    REQUIRE(r.next(out) == reader::status::reply);
    CHECK(out.str() == "0123456789");
}

TEST_CASE("reader: bytes that are not RESP are a protocol error") {
    reader r;
    reply out;
    r.feed("?what\r\n");
    CHECK(r.next(out) == reader::status::error);
    CHECK_FALSE(r.error_message().empty());
}

TEST_CASE("reply: to_string is readable") {
    reply r(std::vector<reply>{reply(reply::kind::status, "OK"), reply(3), reply(), reply(reply::kind::error, "ERR x")});
    CHECK(r.to_string() == "[OK, 3, (nil), (error) ERR x]");
}

TEST_CASE("command: encoding is binary-safe RESP") {
    std::string out;
    append_command(out, {"SET", "k\0\r\n"s, ""});
    CHECK(out == "*3\r\n$3\r\nSET\r\n$4\r\nk\0\r\n\r\n$0\r\n\r\n"s);
}

TEST_CASE("command: commands append into one pipeline buffer that decodes back to the arguments") {
    std::vector<std::vector<std::string>> cmds{{"INCR", "a"}, {"SET", "bin", "\r\n$3\r\n\0\0"s}, {"PING"}};
    std::string out;
    for (const auto& c : cmds) append_command(out, c);
    // A command is a RESP array of bulk strings, so the reply reader parses it.
    reader r;
    r.feed(out);
    auto decoded = drain(r);
    REQUIRE(decoded.size() == cmds.size());
    for (std::size_t i = 0; i < cmds.size(); ++i) {
        REQUIRE(decoded[i].elements().size() == cmds[i].size());
        for (std::size_t j = 0; j < cmds[i].size(); ++j) CHECK(decoded[i].elements()[j].str() == cmds[i][j]);
    }
}

TEST_CASE("command: the encoding is byte for byte hiredis's redisFormatCommandArgv") {
    std::vector<std::vector<std::string>> cmds{
        {"PING"}, {"SET", "", std::string(1000, 'x')}, {"EVALSHA", "abc", "2", "{c:1}:k", "\0\r\n"s, "-1", "9"}};
    std::vector<std::string> many{"RPUSH", "list"};
    for (int i = 0; i < 1200; ++i) many.push_back(std::string(static_cast<std::size_t>(i % 17), static_cast<char>(i)));
    cmds.push_back(many);
    for (const auto& c : cmds) {
        std::vector<const char*> argv;
        std::vector<size_t> lens;
        for (const auto& a : c) {
            argv.push_back(a.data());
            lens.push_back(a.size());
        }
        char* raw = nullptr;
        const int len = redisFormatCommandArgv(&raw, static_cast<int>(c.size()), argv.data(), lens.data());
        REQUIRE(len > 0);
        const std::string expected(raw, static_cast<std::size_t>(len));
        redisFreeCommand(raw);
        std::string out = "before";
        append_command(out, c);
        CHECK(out == "before" + expected);
    }
}

TEST_CASE("command: an empty command is refused (Redis would not answer it)") {
    std::string out;
    CHECK_THROWS_AS(append_command(out, {}), std::invalid_argument);
    CHECK(out.empty());
}
