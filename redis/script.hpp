// A Lua script called by SHA (EVALSHA). The SHA1 is computed locally, so
// callers never wait for SCRIPT LOAD; connections load registered scripts at
// connect and reload on NOSCRIPT.
#pragma once

#include <string>

namespace pingyi::redis {

class script {
public:
    script(std::string name, std::string source);

    const std::string& name() const { return name_; }      // for logs
    const std::string& source() const { return source_; }
    const std::string& sha() const { return sha_; }        // 40 lowercase hex digits, as Redis prints it

private:
    std::string name_;
    std::string source_;
    std::string sha_;
};

// Lowercase hex SHA1 of data (what SCRIPT LOAD returns for a script).
std::string sha1_hex(const std::string& data);

}  // namespace pingyi::redis
