// One subcommand of the pingyi CLI. main.cpp holds the table; a command
// gets the words after its own name and returns the exit status:
// 0 success, 1 failure, 2 bad usage or unreadable input.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pingyi::tools {

constexpr int exit_ok = 0;
constexpr int exit_failure = 1;
constexpr int exit_usage = 2;

struct command {
    std::vector<std::string_view> words;  // e.g. {"wechat", "send"}
    std::string_view summary;             // one line for `pingyi --help`
    std::string_view usage;               // printed for --help and on bad usage
    int (*run)(const std::vector<std::string>& args);
};

}  // namespace pingyi::tools
