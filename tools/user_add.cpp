#include "tools/user_add.hpp"

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>

#include <hiredis/hiredis.h>
#include <nlohmann/json.hpp>
#include <termios.h>
#include <unistd.h>

#include "redis/url.hpp"
#include "server/admin_log.hpp"
#include "server/password.hpp"
#include "server/staff_store.hpp"
#include "tools/args.hpp"
#include "tools/command.hpp"

namespace pingyi::tools {

namespace {

constexpr std::size_t min_password_length = 8;

struct context_deleter {
    void operator()(redisContext* c) const { redisFree(c); }
};
struct reply_deleter {
    void operator()(redisReply* r) const { freeReplyObject(r); }
};
using context_ptr = std::unique_ptr<redisContext, context_deleter>;
using reply_ptr = std::unique_ptr<redisReply, reply_deleter>;

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
    if (r && r->type == REDIS_REPLY_ERROR) return std::string(r->str, r->len);
    return c.errstr;
}

// Connected, authenticated and on the right database; nullptr (with the
// reason printed) otherwise.
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

// Prompted twice on a terminal; the first line of stdin otherwise (scripts).
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

std::string operator_name() {
    const char* user = std::getenv("USER");
    return std::string("cli:") + (user && *user ? user : "unknown");
}

}  // namespace

const char* const user_add_usage =
    "usage: pingyi user add NAME --role admin|viewer [--redis-url URL]\n"
    "  Creates a staff account (NAME: letters, digits, _ . -, up to 64). The password is\n"
    "  prompted twice without echo, or read from the first line of stdin when it is not a\n"
    "  terminal. --redis-url defaults to $PINGYI_REDIS_URL, else redis://127.0.0.1:6379/0.\n"
    "  Exit 1 when the account exists already.\n";

int run_user_add(const std::vector<std::string>& words) {
    args a(words);
    auto usage_error = [](const std::string& why) {
        std::cerr << why << "\n" << user_add_usage;
        return exit_usage;
    };
    if (!a.error().empty()) return usage_error(a.error());
    if (auto unknown = a.unknown({"role", "redis-url"}); !unknown.empty()) return usage_error("unknown option: " + unknown);
    if (a.positional().size() != 1) return usage_error("give exactly one user name");
    const auto& name = a.positional().front();
    if (!server::valid_staff_name(name)) return usage_error("invalid user name: " + name);
    auto role = server::parse_staff_role(a.value_or("role", ""));
    if (!role) return usage_error("--role must be admin or viewer");
    const char* env_url = std::getenv("PINGYI_REDIS_URL");
    auto url_text = a.value_or("redis-url", env_url ? env_url : "redis://127.0.0.1:6379/0");
    std::string url_error;
    auto url = redis::parse_url(url_text, url_error);
    if (!url) return usage_error("--redis-url: " + url_error);
    if (url->is_sentinel()) return usage_error("--redis-url: give the master as redis://host:port");

    auto password = read_password();
    if (!password) return usage_error("no password given");
    if (password->size() < min_password_length)
        return usage_error("the password must have at least " + std::to_string(min_password_length) + " characters");

    auto c = connect(url->endpoint);
    if (!c) return exit_failure;
    auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    server::staff_user user{name, *role, server::hash_password(*password), now_ms};
    auto created = run_command(*c, server::create_user_command(user));
    if (failed(created) || created->type != REDIS_REPLY_INTEGER) {
        std::cerr << "Redis refused the account: " << error_text(*c, created) << "\n";
        return exit_failure;
    }
    if (created->integer == 0) {
        std::cerr << "user " << name << " exists already\n";
        return exit_failure;
    }
    // The same entry the server's admin log takes (server/admin_log.hpp).
    nlohmann::json detail = {{"user", name}, {"role", server::to_string(*role)}, {"via", "pingyi user add"}};
    std::vector<std::string> entry{"XADD",     std::string(server::admin_log_key), "*",
                                   "time",     std::to_string(now_ms),
                                   "who",      operator_name(),
                                   "action",   "user.create",
                                   "campaign", "",
                                   "detail",   detail.dump()};
    auto logged = run_command(*c, entry);
    if (failed(logged)) std::cerr << "warning: the admin log did not take the entry: " << error_text(*c, logged) << "\n";
    std::cout << "created " << server::to_string(*role) << " " << name << "\n";
    return exit_ok;
}

}  // namespace pingyi::tools
