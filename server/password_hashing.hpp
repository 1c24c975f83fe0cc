// scrypt (server/password.hpp) takes tens of milliseconds by design: each
// worker runs it on a thread of its own, so that its I/O thread keeps
// serving meanwhile.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

namespace boost::asio {
class thread_pool;
}

namespace pingyi::server {

class password_hasher {
public:
    password_hasher();
    ~password_hasher();
    password_hasher(const password_hasher&) = delete;
    password_hasher& operator=(const password_hasher&) = delete;

    // True when `password` is the one `hash` was made of. An empty hash (no
    // such user) is checked against a dummy one: same answer, same time.
    boost::asio::awaitable<bool> verify(std::string password, std::string hash);
    // True when it is the password of any of `hashes` (reuse of a recent one;
    // empty hashes are never matched).
    boost::asio::awaitable<bool> matches_any(std::string password, std::vector<std::string> hashes);
    boost::asio::awaitable<std::string> hash(std::string password);

private:
    std::unique_ptr<boost::asio::thread_pool> pool_;
};

}  // namespace pingyi::server
