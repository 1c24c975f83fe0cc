// JSON log lines on stdout, one object a line: {"ts","level","msg",...}.
// Never pass secrets, openids, pseudonyms, tokens, passwords or receipts
// here; a client address only where the line is a network log (requests,
// staff logins: 网络安全法 art. 21), never a voter's beside their ballot.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace pingyi::server::log {

enum class level { debug, info, warn, error };

// "debug", "info", "warn" or "error"; anything else leaves the level as is.
void set_level(std::string_view name);
bool enabled(level l);
void write(level l, std::string_view msg, const nlohmann::json& fields = nlohmann::json::object());

inline void debug(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) { write(level::debug, m, f); }
inline void info(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) { write(level::info, m, f); }
inline void warn(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) { write(level::warn, m, f); }
inline void error(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) { write(level::error, m, f); }

}  // namespace pingyi::server::log
