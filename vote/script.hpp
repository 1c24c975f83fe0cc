// A Lua script with its SHA1 (for EVALSHA), and one call of it: the keys and
// arguments, turned into the command words the Redis client sends.
#pragma once

#include <string>
#include <vector>

namespace pingyi::vote {

struct lua_script {
    explicit lua_script(std::string text);
    std::string source;
    std::string sha1;  // hex, as SCRIPT LOAD answers
};

struct script_call {
    std::vector<std::string> keys;
    std::vector<std::string> args;

    // {"EVALSHA", sha1, numkeys, keys..., args...}; on NOSCRIPT send eval().
    std::vector<std::string> evalsha(const lua_script& s) const;
    // {"EVAL", source, numkeys, keys..., args...}
    std::vector<std::string> eval(const lua_script& s) const;
};

}  // namespace pingyi::vote
