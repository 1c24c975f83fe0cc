#include "server/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace pingyi::server::log {

namespace {

std::atomic<level> current{level::info};

const char* name_of(level l) {
    switch (l) {
    case level::debug: return "debug";
    case level::info: return "info";
    case level::warn: return "warn";
    case level::error: return "error";
    }
    return "info";
}

std::string timestamp() {
    auto now = std::chrono::system_clock::now();
    auto secs = std::chrono::system_clock::to_time_t(now);
    auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[80];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(millis));
    return buf;
}

}  // namespace

void set_level(std::string_view name) {
    if (name == "debug") current = level::debug;
    else if (name == "info") current = level::info;
    else if (name == "warn") current = level::warn;
    else if (name == "error") current = level::error;
}

bool enabled(level l) { return l >= current.load(std::memory_order_relaxed); }

void write(level l, std::string_view msg, const nlohmann::json& fields) {
    if (!enabled(l)) return;
    nlohmann::json line = {{"ts", timestamp()}, {"level", name_of(l)}, {"msg", msg}};
    if (fields.is_object())
        for (auto& [k, v] : fields.items()) line[k] = v;
    std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    text += '\n';
    // One fwrite per line: stdio's lock keeps lines whole across threads.
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
}

}  // namespace pingyi::server::log
