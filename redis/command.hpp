// RESP encoding of one command, binary-safe (arguments may hold NUL and CRLF).
#pragma once

#include <string>
#include <vector>

namespace pingyi::redis {

// Appends the encoded command to out, so a pipeline is built in one buffer.
// Throws std::invalid_argument for an empty command (Redis would not answer it).
void append_command(std::string& out, const std::vector<std::string>& args);

}  // namespace pingyi::redis
