#include "server/staff_store.hpp"

#include <charconv>

#include "redis/connection.hpp"

namespace pingyi::server {

namespace {

// KEYS[1] the user; ARGV field, value, ... One script so that the existence
// check and the write cannot interleave with another creator's.
constexpr std::string_view create_user_script =
    "if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end\n"
    "redis.call('HSET', KEYS[1], unpack(ARGV))\n"
    "return 1\n";

boost::system::error_code redis_error() {
    return boost::system::errc::make_error_code(boost::system::errc::io_error);
}

}  // namespace

std::string staff_user_key(std::string_view name) { return "pingyi:staff:user:" + std::string(name); }

bool valid_staff_name(std::string_view name) {
    if (name.empty() || name.size() > 64) return false;
    for (char c : name) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                  c == '.' || c == '-';
        if (!ok) return false;
    }
    return true;
}

std::optional<staff_role> parse_staff_role(std::string_view text) {
    if (text == "admin") return staff_role::admin;
    if (text == "viewer") return staff_role::viewer;
    return std::nullopt;
}

std::string_view to_string(staff_role role) { return role == staff_role::admin ? "admin" : "viewer"; }

std::vector<std::string> create_user_command(const staff_user& user) {
    return {"EVAL",     std::string(create_user_script), "1",
            staff_user_key(user.name),
            "role",     std::string(to_string(user.role)),
            "password", user.password_hash,
            "created",  std::to_string(user.created_ms)};
}

std::vector<std::vector<std::string>> create_session_commands(std::string_view token, const staff_user& user,
                                                              std::string_view csrf, std::int64_t now_ms,
                                                              std::chrono::milliseconds idle) {
    auto key = staff_session_key(token);
    std::vector<std::string> hset{"HSET",    key,
                                  "user",    user.name,
                                  "role",    std::string(to_string(user.role)),
                                  "csrf",    std::string(csrf),
                                  "expires", std::to_string(now_ms + staff_session_absolute.count()),
                                  "created", std::to_string(now_ms)};
    std::vector<std::string> expire{"PEXPIRE", key, std::to_string(idle.count())};
    return {std::move(hset), std::move(expire)};
}

boost::asio::awaitable<std::optional<staff_user>> find_staff_user(redis::connection& redis, std::string name,
                                                                  boost::system::error_code& ec) {
    std::vector<std::string> command{"HMGET", staff_user_key(name), "role", "password", "created"};
    auto r = co_await redis.exec(std::move(command));
    if (!r.ok()) {
        ec = r.ec ? r.ec : redis_error();
        co_return std::nullopt;
    }
    const auto& f = r.value.elements();
    if (f.size() != 3 || f[0].is_nil() || f[1].is_nil()) co_return std::nullopt;
    auto role = parse_staff_role(f[0].str());
    if (!role) co_return std::nullopt;
    staff_user user{std::move(name), *role, f[1].str(), 0};
    const auto& created = f[2].str();
    std::from_chars(created.data(), created.data() + created.size(), user.created_ms);
    co_return user;
}

boost::asio::awaitable<bool> create_staff_user(redis::connection& redis, const staff_user& user,
                                               boost::system::error_code& ec) {
    auto command = create_user_command(user);
    auto r = co_await redis.exec(std::move(command));
    if (!r.ok()) {
        ec = r.ec ? r.ec : redis_error();
        co_return false;
    }
    co_return r.value.integer() == 1;
}

}  // namespace pingyi::server
