#include "tools/user_manage.hpp"

#include <algorithm>
#include <iostream>
#include <set>
#include <variant>

#include <nlohmann/json.hpp>

#include "server/password.hpp"
#include "server/organizer_scope.hpp"
#include "server/password_policy.hpp"
#include "server/staff_lockout.hpp"
#include "server/staff_store.hpp"
#include "tools/args.hpp"
#include "tools/command.hpp"
#include "tools/staff_cli.hpp"

namespace pingyi::tools {

namespace {

// The account named by the command line, read from Redis: what every
// command here starts from.
struct target {
    context_ptr redis;
    server::staff_user user;
    std::vector<std::string> rest;  // positionals after the name
};

// The target, or the exit status to return. `flags`: the command's own
// options, which take no value (and count as no argument).
std::variant<target, int> open_target(const std::vector<std::string>& words, const char* usage, std::size_t extra,
                                      const std::set<std::string, std::less<>>& flags = {}) {
    args a(words, flags);
    auto usage_error = [usage](const std::string& why) {
        std::cerr << why << "\n" << usage;
        return exit_usage;
    };
    if (!a.error().empty()) return usage_error(a.error());
    auto known = flags;
    known.insert("redis-url");
    if (auto unknown = a.unknown(known); !unknown.empty()) return usage_error("unknown option: " + unknown);
    if (a.positional().size() != 1 + extra) return usage_error("wrong number of arguments");
    const auto& name = a.positional().front();
    if (!server::valid_staff_name(name)) return usage_error("invalid user name: " + name);
    std::string url_error;
    auto endpoint = redis_endpoint(a, url_error);
    if (!endpoint) return usage_error(url_error);
    auto c = connect(*endpoint);
    if (!c) return exit_failure;
    bool error = false;
    auto user = find_user(*c, name, error);
    if (error) return exit_failure;
    if (!user) {
        std::cerr << "no user " << name << "\n";
        return exit_failure;
    }
    return target{std::move(c), std::move(*user), {a.positional().begin() + 1, a.positional().end()}};
}

void report_sessions(std::size_t ended) {
    if (ended > 0) std::cout << "ended " << ended << " session(s)\n";
}

}  // namespace

const char* const user_passwd_usage =
    "usage: pingyi user passwd NAME [--redis-url URL]\n"
    "  Sets a staff account's password: prompted twice without echo, or the first line of\n"
    "  stdin when it is not a terminal. At least 12 characters of at least three kinds (lower\n"
    "  case, upper case, digits, others), not containing the name, none of the last 5. Lifts a\n"
    "  lock-out and ends the account's sessions.\n"
    "  --redis-url defaults to $PINGYI_REDIS_URL, else redis://127.0.0.1:6379/0.\n";

const char* const user_role_usage =
    "usage: pingyi user role NAME admin|viewer|auditor [--redis-url URL]\n"
    "  Gives a staff account another role and ends its sessions; the new role applies from\n"
    "  the next login (an admin without TOTP enrols it then).\n"
    "  --redis-url defaults to $PINGYI_REDIS_URL, else redis://127.0.0.1:6379/0.\n";

const char* const user_organizer_usage =
    "usage: pingyi user organizer NAME ID|--city [--redis-url URL]\n"
    "  Puts a staff account under an organizer (ID: one of the config file's \"organizers\",\n"
    "  letters, digits, _ -, up to 64), whose campaigns alone it then sees, or with --city at\n"
    "  the city level, which sees every organizer's; ends its sessions. Auditors stay city level.\n"
    "  --redis-url defaults to $PINGYI_REDIS_URL, else redis://127.0.0.1:6379/0.\n";

const char* const user_totp_reset_usage =
    "usage: pingyi user totp-reset NAME [--redis-url URL]\n"
    "  Removes a staff account's TOTP secret and recovery codes (a lost phone) and ends its\n"
    "  sessions; an admin enrols TOTP again at the next login.\n"
    "  --redis-url defaults to $PINGYI_REDIS_URL, else redis://127.0.0.1:6379/0.\n";

int run_user_passwd(const std::vector<std::string>& words) {
    auto opened = open_target(words, user_passwd_usage, 0);
    if (auto* status = std::get_if<int>(&opened)) return *status;
    auto& [c, user, rest] = std::get<target>(opened);
    auto password = read_password();
    if (!password) {
        std::cerr << "no password given\n";
        return exit_usage;
    }
    if (auto violation = server::check_password_policy(*password, user.name)) {
        std::cerr << violation->message << " (" << violation->code << ")\n";
        return exit_usage;
    }
    auto recent = server::recent_password_hashes(user);
    if (std::any_of(recent.begin(), recent.end(), [&](const auto& h) { return server::verify_password(*password, h); })) {
        std::cerr << "新密码不能与最近 " << server::password_reuse_depth << " 次使用的密码相同 (password_reused)\n";
        return exit_usage;
    }
    auto changed = run_command(*c, server::set_password_command(user, server::hash_password(*password)));
    if (failed(changed) || changed->type != REDIS_REPLY_INTEGER) {
        std::cerr << "Redis refused the password: " << error_text(*c, changed) << "\n";
        return exit_failure;
    }
    if (changed->integer != 1) {
        std::cerr << "the password was changed meanwhile; run the command again\n";
        return exit_failure;
    }
    auto unlocked = run_command(*c, server::clear_login_failures_command(user.name, true));
    if (failed(unlocked)) std::cerr << "warning: the lock-out was not lifted: " << error_text(*c, unlocked) << "\n";
    log_admin_action(*c, "password.change", {{"user", user.name}, {"via", "pingyi user passwd"}});
    std::cout << "password of " << user.name << " changed\n";
    report_sessions(end_sessions(*c, user.name));
    return exit_ok;
}

int run_user_role(const std::vector<std::string>& words) {
    auto opened = open_target(words, user_role_usage, 1);
    if (auto* status = std::get_if<int>(&opened)) return *status;
    auto& [c, user, rest] = std::get<target>(opened);
    auto role = server::parse_staff_role(rest.front());
    if (!role) {
        std::cerr << "the role must be admin, viewer or auditor\n" << user_role_usage;
        return exit_usage;
    }
    if (*role == server::staff_role::auditor && !user.organizer.empty()) {
        std::cerr << "an auditor is city level: first pingyi user organizer " << user.name << " --city\n";
        return exit_usage;
    }
    if (*role == user.role) {
        std::cout << user.name << " is " << server::to_string(*role) << " already\n";
        return exit_ok;
    }
    auto changed = run_command(*c, server::set_role_command(user.name, *role));
    if (failed(changed) || changed->type != REDIS_REPLY_STRING) {
        std::cerr << "Redis refused the role: " << error_text(*c, changed) << "\n";
        return exit_failure;
    }
    std::string before(changed->str, changed->len);
    log_admin_action(*c, "user.role",
                     {{"user", user.name}, {"from", before}, {"to", server::to_string(*role)}, {"via", "pingyi user role"}});
    std::cout << user.name << ": " << before << " -> " << server::to_string(*role) << "\n";
    report_sessions(end_sessions(*c, user.name));
    return exit_ok;
}

int run_user_organizer(const std::vector<std::string>& words) {
    const std::set<std::string, std::less<>> city_flag{"city"};
    const bool city = args(words, city_flag).flag("city");
    auto opened = open_target(words, user_organizer_usage, city ? 0 : 1, city_flag);
    if (auto* status = std::get_if<int>(&opened)) return *status;
    auto& [c, user, rest] = std::get<target>(opened);
    const std::string organizer = city ? "" : rest.front();
    if (!city && !server::valid_organizer_id(organizer)) {
        std::cerr << "invalid organizer id (letters, digits, _ -, up to 64): " << organizer << "\n" << user_organizer_usage;
        return exit_usage;
    }
    if (!city && user.role == server::staff_role::auditor) {
        std::cerr << "an auditor reads every organizer's audit trail: it stays city level\n";
        return exit_usage;
    }
    if (organizer == user.organizer) {
        std::cout << user.name << " is " << (city ? "city level" : "of organizer " + organizer) << " already\n";
        return exit_ok;
    }
    auto changed = run_command(*c, server::set_organizer_command(user.name, organizer));
    if (failed(changed) || changed->type != REDIS_REPLY_STRING) {
        std::cerr << "Redis refused the organizer: " << error_text(*c, changed) << "\n";
        return exit_failure;
    }
    std::string before(changed->str, changed->len);
    log_admin_action(*c, "user.organizer",
                     {{"user", user.name}, {"from", before}, {"to", organizer}, {"via", "pingyi user organizer"}});
    auto level = [](const std::string& o) { return o.empty() ? std::string("(city level)") : o; };
    std::cout << user.name << ": " << level(before) << " -> " << level(organizer) << "\n";
    report_sessions(end_sessions(*c, user.name));
    return exit_ok;
}

int run_user_totp_reset(const std::vector<std::string>& words) {
    auto opened = open_target(words, user_totp_reset_usage, 0);
    if (auto* status = std::get_if<int>(&opened)) return *status;
    auto& [c, user, rest] = std::get<target>(opened);
    for (const auto& command : server::remove_totp_commands(user.name)) {
        auto r = run_command(*c, command);
        if (failed(r)) {
            std::cerr << "Redis refused: " << error_text(*c, r) << "\n";
            return exit_failure;
        }
    }
    log_admin_action(*c, "totp.reset", {{"user", user.name}, {"via", "pingyi user totp-reset"}});
    std::cout << "TOTP of " << user.name << " removed\n";
    report_sessions(end_sessions(*c, user.name));
    return exit_ok;
}

}  // namespace pingyi::tools
