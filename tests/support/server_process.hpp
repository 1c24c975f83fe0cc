// pingyi-server started as a real process on a free port for a test, with
// the environment the test gives (PINGYI_DEV=1 and the port by default).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "tests/support/process.hpp"

namespace pingyi::test {

// Where the built programs are, and the project's source tree.
std::string bin_dir();
std::string source_dir();

using env_map = std::map<std::string, std::string>;

class server_process {
public:
    // env: extra PINGYI_* settings; args: extra command-line arguments.
    explicit server_process(std::map<std::string, std::string> env = {}, std::vector<std::string> args = {});
    int port() const { return port_; }
    std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    const std::string& log_path() const { return log_path_; }
    std::string log() const;
    child_process& process() { return process_; }
    // Starts again on the same port with the same settings.
    void restart();

private:
    void launch();
    int port_;
    std::map<std::string, std::string> env_;
    std::vector<std::string> args_;
    temp_dir dir_;
    std::string log_path_;
    child_process process_;
};

// Runs pingyi-server to completion with the given environment, for start-up
// errors; returns its exit status and fills `output`.
int run_server_expecting_exit(const std::map<std::string, std::string>& env, const std::vector<std::string>& args,
                              std::string& output);

}  // namespace pingyi::test
