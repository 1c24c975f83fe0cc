// A blocking HTTP/1.1 client for test code: one request per call on its own
// connection, or several on one keep-alive connection.
#pragma once

#include <map>
#include <memory>
#include <string>

namespace pingyi::test {

struct http_result {
    int status = 0;  // 0: no response (connection failed or closed)
    std::map<std::string, std::string> headers;  // lower-case names; Set-Cookie values joined by "\n"
    std::string body;
    std::string header(const std::string& name) const;
};

http_result http_request(int port, const std::string& method, const std::string& target, const std::string& body = {},
                         const std::map<std::string, std::string>& headers = {}, int timeout_ms = 10000);

// A raw TCP connection to 127.0.0.1:port, for slow or malformed clients.
class raw_connection {
public:
    explicit raw_connection(int port);
    ~raw_connection();
    raw_connection(const raw_connection&) = delete;
    raw_connection& operator=(const raw_connection&) = delete;
    bool send(const std::string& bytes);
    // Reads until the peer closes or timeout_ms passes; returns what came.
    std::string read_all(int timeout_ms);
    // Reads into `seen` until it holds `needle`, or timeout_ms passes.
    void read_until(const std::string& needle, std::string& seen, int timeout_ms = 10000);
    // True when the peer has closed the connection within timeout_ms.
    bool closed_within(int timeout_ms);

private:
    int fd_ = -1;
};

}  // namespace pingyi::test
