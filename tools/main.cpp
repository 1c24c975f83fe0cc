// pingyi: the operator's command-line tool. Each subcommand is one row of
// the table below; a command gets the words after its own name.
#include <iostream>
#include <string>
#include <vector>

#include "tools/command.hpp"
#include "tools/purge.hpp"
#include "tools/user_add.hpp"
#include "tools/user_manage.hpp"
#include "tools/verify.hpp"
#include "tools/verify_audit.hpp"
#include "tools/wechat_mock_api.hpp"
#include "tools/wechat_send.hpp"

namespace {

using pingyi::tools::command;

const std::vector<command>& commands() {
    static const std::vector<command> table{
        {{"wechat", "send"}, "send a signed WeChat message to a /wechat endpoint", pingyi::tools::wechat_send_usage,
         pingyi::tools::run_wechat_send},
        {{"wechat", "mock-api"}, "serve a stand-in for WeChat's API", pingyi::tools::wechat_mock_api_usage,
         pingyi::tools::run_wechat_mock_api},
        {{"verify"}, "recompute a ballot log's hash chain and tally", pingyi::tools::verify_usage,
         pingyi::tools::run_verify},
        {{"verify-audit"}, "recompute a staff audit trail export's hash chain", pingyi::tools::verify_audit_usage,
         pingyi::tools::run_verify_audit},
        {{"purge"}, "delete a closed campaign's personal data of voters", pingyi::tools::purge_usage,
         pingyi::tools::run_purge},
        {{"user", "add"}, "create a staff account", pingyi::tools::user_add_usage, pingyi::tools::run_user_add},
        {{"user", "passwd"}, "set a staff account's password", pingyi::tools::user_passwd_usage,
         pingyi::tools::run_user_passwd},
        {{"user", "role"}, "give a staff account another role", pingyi::tools::user_role_usage,
         pingyi::tools::run_user_role},
        {{"user", "organizer"}, "put a staff account under an organizer, or the city level",
         pingyi::tools::user_organizer_usage, pingyi::tools::run_user_organizer},
        {{"user", "totp-reset"}, "remove a staff account's TOTP (a lost phone)", pingyi::tools::user_totp_reset_usage,
         pingyi::tools::run_user_totp_reset},
    };
    return table;
}

void print_help(std::ostream& out) {
    out << "usage: pingyi COMMAND [OPTIONS]   (pingyi COMMAND --help for its options)\n\ncommands:\n";
    for (const auto& c : commands()) {
        std::string name;
        for (auto w : c.words) name += std::string(name.empty() ? "" : " ") + std::string(w);
        out << "  " << name << std::string(name.size() < 20 ? 20 - name.size() : 1, ' ') << c.summary << "\n";
    }
}

bool matches(const command& c, const std::vector<std::string>& words) {
    if (words.size() < c.words.size()) return false;
    for (std::size_t i = 0; i < c.words.size(); ++i)
        if (words[i] != c.words[i]) return false;
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> words(argv + 1, argv + argc);
    if (words.empty() || words[0] == "--help" || words[0] == "-h" || words[0] == "help") {
        print_help(words.empty() ? std::cerr : std::cout);
        return words.empty() ? pingyi::tools::exit_usage : pingyi::tools::exit_ok;
    }
    for (const auto& c : commands()) {
        if (!matches(c, words)) continue;
        std::vector<std::string> rest(words.begin() + static_cast<std::ptrdiff_t>(c.words.size()), words.end());
        for (const auto& w : rest) {
            if (w == "--help" || w == "-h") {
                std::cout << c.usage;
                return pingyi::tools::exit_ok;
            }
        }
        return c.run(rest);
    }
    std::cerr << "unknown command\n";
    print_help(std::cerr);
    return pingyi::tools::exit_usage;
}
