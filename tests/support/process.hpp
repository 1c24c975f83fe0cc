// A child process owned by a test: started with fork/exec, killed with
// SIGKILL when the test process dies (PR_SET_PDEATHSIG), so a crashed test
// never leaves servers behind.
#pragma once

#include <string>
#include <vector>

#include <sys/types.h>

namespace pingyi::test {

class child_process {
public:
    child_process() = default;
    child_process(const std::vector<std::string>& argv, const std::vector<std::string>& env_extra = {},
                  const std::string& stdout_path = {});
    ~child_process();
    child_process(child_process&& other) noexcept;
    child_process& operator=(child_process&& other) noexcept;
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    pid_t pid() const { return pid_; }
    bool running() const { return pid_ > 0; }
    void signal(int sig) const;
    // Sends sig, then waits up to timeout_ms; SIGKILL after that. Returns
    // the exit status as waitpid reports it.
    int stop(int sig, int timeout_ms = 5000);
    // Waits for exit up to timeout_ms; -1 if still running.
    int wait_exit(int timeout_ms);

private:
    pid_t pid_ = -1;
};

// A TCP port on 127.0.0.1 that was free a moment ago.
int free_port();

// A fresh directory under /tmp, removed with everything in it on destruction.
class temp_dir {
public:
    temp_dir();
    ~temp_dir();
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

// Polls connect() until something listens on 127.0.0.1:port.
bool wait_for_port(int port, int timeout_ms);

}  // namespace pingyi::test
