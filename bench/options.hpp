// Command-line options of the benchmark tools: --name value pairs.
#pragma once

#include <functional>
#include <map>
#include <string>

namespace pingyi::bench {

class options {
public:
    // Throws std::invalid_argument on anything but "--name value" pairs.
    options(int argc, char** argv);
    std::string text(const std::string& name, const std::string& fallback) const;
    std::string text(const std::string& name) const;  // required
    long long number(const std::string& name, long long fallback) const;

private:
    std::map<std::string, std::string> values_;
};

// A tool's main(): parses the options and runs `run`; an exception becomes
// "<name>: <what>" on stderr and exit status 2.
int run_tool(const char* name, int argc, char** argv, const std::function<int(const options&)>& run);

}  // namespace pingyi::bench
