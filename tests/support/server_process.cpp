#include "tests/support/server_process.hpp"

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <chrono>
#include <thread>

#include <sys/wait.h>

#include "tests/support/http_client.hpp"

namespace pingyi::test {

// The test binaries are built into the same folder as the programs.
std::string bin_dir() { return std::filesystem::canonical("/proc/self/exe").parent_path().string(); }

std::string source_dir() {
    const char* d = std::getenv("PINGYI_SOURCE_DIR");
    return d ? d : PINGYI_SOURCE_ROOT;
}

namespace {

std::vector<std::string> env_list(const std::map<std::string, std::string>& env) {
    std::vector<std::string> out;
    for (const auto& [k, v] : env) out.push_back(k + "=" + v);
    return out;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

server_process::server_process(std::map<std::string, std::string> env, std::vector<std::string> args)
    : port_(free_port()), env_(std::move(env)), args_(std::move(args)) {
    log_path_ = dir_.path() + "/server.log";
    env_.emplace("PINGYI_DEV", "1");
    env_.emplace("PINGYI_DEMO", "0");  // tests make their own campaigns
    env_.emplace("PINGYI_THREADS", "2");
    // A test that chose the address (to put it in PINGYI_PUBLIC_URL) keeps it.
    auto listen = env_.find("PINGYI_LISTEN");
    if (listen != env_.end()) port_ = std::stoi(listen->second.substr(listen->second.rfind(':') + 1));
    else env_["PINGYI_LISTEN"] = "127.0.0.1:" + std::to_string(port_);
    launch();
}

void server_process::launch() {
    std::vector<std::string> argv{bin_dir() + "/pingyi-server"};
    argv.insert(argv.end(), args_.begin(), args_.end());
    process_ = child_process(argv, env_list(env_), log_path_);
    if (!wait_for_port(port_, 15000)) throw std::runtime_error("pingyi-server did not start:\n" + log());
    // With Redis configured, wait until every worker's connection is up.
    if (env_.count("PINGYI_REDIS_URL")) {
        for (int i = 0; i < 500; ++i) {
            if (http_request(port_, "GET", "/readyz").status == 200) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        throw std::runtime_error("pingyi-server never became ready:\n" + log());
    }
}

void server_process::restart() {
    process_.stop(SIGTERM, 10000);
    launch();
}

std::string server_process::log() const { return read_file(log_path_); }

int run_server_expecting_exit(const std::map<std::string, std::string>& env, const std::vector<std::string>& args,
                              std::string& output) {
    temp_dir dir;
    std::string log_path = dir.path() + "/out.log";
    std::vector<std::string> argv{bin_dir() + "/pingyi-server"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto all_env = env;
    all_env.emplace("PINGYI_LISTEN", "127.0.0.1:" + std::to_string(free_port()));
    child_process p(argv, env_list(all_env), log_path);
    int status = p.wait_exit(10000);
    if (status == -1) {
        p.stop(SIGKILL);
        output = read_file(log_path);
        return -1;
    }
    output = read_file(log_path);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace pingyi::test
