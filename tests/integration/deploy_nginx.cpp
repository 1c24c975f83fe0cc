// deploy/nginx as nginx itself reads it: `nginx -t` on the site and the
// upstream files (in an http {} block, as Debian's nginx.conf includes
// them), with a throwaway certificate in place of the Let's Encrypt one.
// A typo in a location's regex or a directive in the wrong place fails here,
// not on the production host at reload.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include <sys/wait.h>

#include "tests/support/process.hpp"
#include "tests/support/server_process.hpp"

using namespace pingyi::test;

namespace {

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void write_text(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// `text` with its one occurrence of `from` replaced (REQUIREd to be there).
std::string replaced(std::string text, const std::string& from, const std::string& to) {
    auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

// Runs argv to its end with stdout and stderr in `log`; its exit status.
int run(const std::vector<std::string>& argv, const std::string& log) {
    child_process p(argv, {}, log);
    int status = p.wait_exit(60000);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("deploy/nginx: nginx accepts the site and upstream files") {
    temp_dir dir;
    const std::string d = dir.path();
    const std::string log = d + "/nginx.log";
    REQUIRE(run({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", d + "/key.pem", "-out",
                 d + "/cert.pem", "-days", "1", "-subj", "/CN=vote.example.gov.cn"},
                log) == 0);
    auto site = read_text(source_dir() + "/deploy/nginx/pingyi.conf");
    site = replaced(site, "/etc/letsencrypt/live/vote.example.gov.cn/fullchain.pem", d + "/cert.pem");
    site = replaced(site, "/etc/letsencrypt/live/vote.example.gov.cn/privkey.pem", d + "/key.pem");
    write_text(d + "/site.conf", site);
    write_text(d + "/nginx.conf", "pid " + d + "/nginx.pid;\nerror_log " + log + ";\nevents {}\nhttp {\n"
                                  "  include /etc/nginx/mime.types;\n  include " + source_dir() +
                                  "/deploy/nginx/upstream.conf;\n  include " + d + "/site.conf;\n}\n");
    int status = run({"nginx", "-t", "-q", "-p", d, "-c", d + "/nginx.conf"}, log);
    INFO(read_text(log));
    CHECK(status == 0);
}
