// Command-line options of the pingyi subcommands: `--name value`,
// `--name=value` and bare flags, nothing else.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace pingyi::tools {

class args {
public:
    // `flags` names the options that take no value; every other `--name`
    // takes one. error() is set on a malformed command line.
    args(const std::vector<std::string>& words, std::set<std::string, std::less<>> flags = {});

    const std::string& error() const { return error_; }
    std::optional<std::string> value(std::string_view name) const;
    std::string value_or(std::string_view name, std::string fallback) const;
    bool flag(std::string_view name) const;
    const std::vector<std::string>& positional() const { return positional_; }
    // Names given that are not in `known` (typos), comma-separated; "" if none.
    std::string unknown(const std::set<std::string, std::less<>>& known) const;

private:
    std::map<std::string, std::string, std::less<>> values_;
    std::set<std::string, std::less<>> flags_set_;
    std::vector<std::string> positional_;
    std::string error_;
};

}  // namespace pingyi::tools
