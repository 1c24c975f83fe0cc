#include "server/password_hashing.hpp"

#include <algorithm>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "server/password.hpp"

namespace pingyi::server {

namespace asio = boost::asio;

namespace {

// An empty hash stands for the dummy one, made here rather than on the I/O thread.
asio::awaitable<bool> matches_any_task(std::string password, std::vector<std::string> hashes) {
    co_return std::any_of(hashes.begin(), hashes.end(), [&](const std::string& h) {
        return verify_password(password, h.empty() ? dummy_password_hash() : h);
    });
}

asio::awaitable<std::string> hash_task(std::string password) { co_return hash_password(password); }

}  // namespace

password_hasher::password_hasher() : pool_(std::make_unique<asio::thread_pool>(1)) {
    // Made now, so that the first unknown name does not take longer than the rest.
    asio::post(*pool_, [] { dummy_password_hash(); });
}

password_hasher::~password_hasher() = default;

asio::awaitable<bool> password_hasher::verify(std::string password, std::string hash) {
    std::vector<std::string> hashes{std::move(hash)};
    auto matched = co_await asio::co_spawn(*pool_, matches_any_task(std::move(password), std::move(hashes)),
                                           asio::use_awaitable);
    co_return matched;
}

asio::awaitable<bool> password_hasher::matches_any(std::string password, std::vector<std::string> hashes) {
    auto matched = co_await asio::co_spawn(*pool_, matches_any_task(std::move(password), std::move(hashes)),
                                           asio::use_awaitable);
    co_return matched;
}

asio::awaitable<std::string> password_hasher::hash(std::string password) {
    auto hashed = co_await asio::co_spawn(*pool_, hash_task(std::move(password)), asio::use_awaitable);
    co_return hashed;
}

}  // namespace pingyi::server
