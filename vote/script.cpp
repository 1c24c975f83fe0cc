#include "vote/script.hpp"

#include "vote/digest.hpp"

namespace pingyi::vote {
namespace {

std::vector<std::string> command(const char* verb, const std::string& script, const script_call& c) {
    std::vector<std::string> words{verb, script, std::to_string(c.keys.size())};
    words.insert(words.end(), c.keys.begin(), c.keys.end());
    words.insert(words.end(), c.args.begin(), c.args.end());
    return words;
}

}  // namespace

lua_script::lua_script(std::string text) : source(std::move(text)), sha1(sha1_hex(source)) {}

std::vector<std::string> script_call::evalsha(const lua_script& s) const { return command("EVALSHA", s.sha1, *this); }
std::vector<std::string> script_call::eval(const lua_script& s) const { return command("EVAL", s.source, *this); }

}  // namespace pingyi::vote
