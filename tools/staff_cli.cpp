#include "tools/staff_cli.hpp"

#include <chrono>
#include <cstdlib>
#include <iostream>

#include <nlohmann/json.hpp>
#include <termios.h>
#include <unistd.h>

#include "server/admin_log.hpp"
#include "tools/args.hpp"

namespace pingyi::tools {

namespace {

// One line; without echo when it comes from a terminal.
std::optional<std::string> read_secret(const char* prompt, bool terminal) {
    termios saved{};
    if (terminal) {
        std::cerr << prompt << std::flush;
        tcgetattr(STDIN_FILENO, &saved);
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    std::string line;
    bool got = static_cast<bool>(std::getline(std::cin, line));
    if (terminal) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        std::cerr << "\n";
    }
    if (!got) return std::nullopt;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

std::string text_of(const redisReply* r) { return std::string(r->str, r->len); }

}  // namespace

reply_ptr run_command(redisContext& c, const std::vector<std::string>& words) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    for (const auto& w : words) {
        argv.push_back(w.data());
        lengths.push_back(w.size());
    }
    return reply_ptr(static_cast<redisReply*>(
        redisCommandArgv(&c, static_cast<int>(argv.size()), argv.data(), lengths.data())));
}

bool failed(const reply_ptr& r) { return !r || r->type == REDIS_REPLY_ERROR; }

std::string error_text(redisContext& c, const reply_ptr& r) {
    if (r && r->type == REDIS_REPLY_ERROR) return text_of(r.get());
    return c.errstr;
}

std::optional<redis::endpoint_config> redis_endpoint(const args& a, std::string& error) {
    const char* env_url = std::getenv("PINGYI_REDIS_URL");
    auto url_text = a.value_or("redis-url", env_url ? env_url : "redis://127.0.0.1:6379/0");
    auto url = redis::parse_url(url_text, error);
    if (!url) {
        error = "--redis-url: " + error;
        return std::nullopt;
    }
    if (url->is_sentinel()) {
        error = "--redis-url: give the master as redis://host:port";
        return std::nullopt;
    }
    return url->endpoint;
}

context_ptr connect(const redis::endpoint_config& e) {
    timeval timeout{5, 0};
    context_ptr c(redisConnectWithTimeout(e.host.c_str(), e.port, timeout));
    if (!c || c->err) {
        std::cerr << "cannot connect to Redis at " << e.host << ":" << e.port << ": "
                  << (c ? c->errstr : "out of memory") << "\n";
        return nullptr;
    }
    redisSetTimeout(c.get(), timeout);
    std::vector<std::vector<std::string>> setup;
    if (!e.password.empty()) {
        if (e.username.empty()) setup.push_back({"AUTH", e.password});
        else setup.push_back({"AUTH", e.username, e.password});
    }
    if (e.db != 0) setup.push_back({"SELECT", std::to_string(e.db)});
    for (const auto& words : setup) {
        auto r = run_command(*c, words);
        if (failed(r)) {
            std::cerr << "Redis refused " << words[0] << ": " << error_text(*c, r) << "\n";
            return nullptr;
        }
    }
    return c;
}

std::optional<std::string> read_password() {
    bool terminal = isatty(STDIN_FILENO) == 1;
    auto first = read_secret("密码 (password): ", terminal);
    if (!first) return std::nullopt;
    if (!terminal) return first;
    auto again = read_secret("再次输入 (again): ", terminal);
    if (!again || *again != *first) {
        std::cerr << "the two passwords differ\n";
        return std::nullopt;
    }
    return first;
}

std::optional<server::staff_user> find_user(redisContext& c, const std::string& name, bool& error) {
    auto r = run_command(c, server::find_user_command(name));
    if (failed(r) || r->type != REDIS_REPLY_ARRAY) {
        std::cerr << "Redis refused to read the account: " << error_text(c, r) << "\n";
        error = true;
        return std::nullopt;
    }
    std::vector<std::optional<std::string>> fields;
    for (std::size_t i = 0; i < r->elements; ++i) {
        const auto* e = r->element[i];
        if (e->type == REDIS_REPLY_STRING) fields.emplace_back(text_of(e));
        else fields.emplace_back();
    }
    return server::staff_user_from_fields(name, fields);
}

std::size_t end_sessions(redisContext& c, std::string_view name) {
    std::size_t ended = 0;
    std::string cursor = "0";
    do {
        auto page = run_command(c, {"SCAN", cursor, "MATCH", "pingyi:staff:session:*", "COUNT", "1000"});
        if (failed(page) || page->type != REDIS_REPLY_ARRAY || page->elements != 2) {
            std::cerr << "warning: could not list the sessions: " << error_text(c, page) << "\n";
            return ended;
        }
        cursor = text_of(page->element[0]);
        const auto* keys = page->element[1];
        for (std::size_t i = 0; i < keys->elements; ++i) {
            auto key = text_of(keys->element[i]);
            auto user = run_command(c, {"HGET", key, "user"});
            if (failed(user) || user->type != REDIS_REPLY_STRING || text_of(user.get()) != name) continue;
            auto gone = run_command(c, {"DEL", key});
            if (!failed(gone) && gone->integer == 1) ++ended;
        }
    } while (cursor != "0");
    return ended;
}

std::string operator_name() {
    const char* user = std::getenv("USER");
    return std::string("cli:") + (user && *user ? user : "unknown");
}

void log_admin_action(redisContext& c, std::string_view action, const nlohmann::json& detail) {
    auto logged = run_command(c, server::admin_append_command(now_ms(), operator_name(), action, "", detail));
    if (failed(logged)) std::cerr << "warning: the admin log did not take the entry: " << error_text(c, logged) << "\n";
}

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace pingyi::tools
