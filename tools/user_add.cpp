#include "tools/user_add.hpp"

#include <iostream>

#include <nlohmann/json.hpp>

#include "server/password.hpp"
#include "server/organizer_scope.hpp"
#include "server/password_policy.hpp"
#include "server/staff_store.hpp"
#include "tools/args.hpp"
#include "tools/command.hpp"
#include "tools/staff_cli.hpp"

namespace pingyi::tools {

const char* const user_add_usage =
    "usage: pingyi user add NAME --role admin|viewer|auditor [--organizer ID] [--redis-url URL]\n"
    "  Creates a staff account (NAME: letters, digits, _ . -, up to 64). The password is\n"
    "  prompted twice without echo, or read from the first line of stdin when it is not a\n"
    "  terminal; it must have at least 12 characters of at least three kinds (lower case,\n"
    "  upper case, digits, others) and not contain the name. An admin enrols TOTP at the\n"
    "  first login.\n"
    "  --organizer: the account belongs to that organizer (the id of one of the config file's\n"
    "  \"organizers\": letters, digits, _ -, up to 64) and sees only its campaigns; without it,\n"
    "  the city level, which sees every organizer's. Auditors are always city level.\n"
    "  --redis-url defaults to $PINGYI_REDIS_URL, else redis://127.0.0.1:6379/0.\n"
    "  Exit 1 when the account exists already.\n";

int run_user_add(const std::vector<std::string>& words) {
    args a(words);
    auto usage_error = [](const std::string& why) {
        std::cerr << why << "\n" << user_add_usage;
        return exit_usage;
    };
    if (!a.error().empty()) return usage_error(a.error());
    if (auto unknown = a.unknown({"role", "organizer", "redis-url"}); !unknown.empty())
        return usage_error("unknown option: " + unknown);
    if (a.positional().size() != 1) return usage_error("give exactly one user name");
    const auto& name = a.positional().front();
    if (!server::valid_staff_name(name)) return usage_error("invalid user name: " + name);
    auto role = server::parse_staff_role(a.value_or("role", ""));
    if (!role) return usage_error("--role must be admin, viewer or auditor");
    auto organizer = a.value("organizer");
    if (organizer && !server::valid_organizer_id(*organizer))
        return usage_error("invalid organizer id (letters, digits, _ -, up to 64): " + *organizer);
    if (organizer && *role == server::staff_role::auditor)
        return usage_error("an auditor reads every organizer's audit trail: it is city level, without --organizer");
    std::string url_error;
    auto endpoint = redis_endpoint(a, url_error);
    if (!endpoint) return usage_error(url_error);

    auto password = read_password();
    if (!password) return usage_error("no password given");
    if (auto violation = server::check_password_policy(*password, name))
        return usage_error(std::string(violation->message) + " (" + std::string(violation->code) + ")");

    auto c = connect(*endpoint);
    if (!c) return exit_failure;
    server::staff_user user{name, *role, server::hash_password(*password), now_ms()};
    user.organizer = organizer.value_or("");
    auto created = run_command(*c, server::create_user_command(user));
    if (failed(created) || created->type != REDIS_REPLY_INTEGER) {
        std::cerr << "Redis refused the account: " << error_text(*c, created) << "\n";
        return exit_failure;
    }
    if (created->integer == 0) {
        std::cerr << "user " << name << " exists already\n";
        return exit_failure;
    }
    nlohmann::json detail = {{"user", name}, {"role", server::to_string(*role)}, {"via", "pingyi user add"}};
    if (organizer) detail["organizer"] = *organizer;
    log_admin_action(*c, "user.create", detail);
    std::cout << "created " << server::to_string(*role) << " " << name;
    if (organizer) std::cout << " of organizer " << *organizer;
    std::cout << "\n";
    return exit_ok;
}

}  // namespace pingyi::tools
