#include "server/staff_store.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include "redis/connection.hpp"
#include "server/password_policy.hpp"

namespace pingyi::server {

namespace {

// KEYS[1] the user; ARGV field, value, ... One script so that the existence
// check and the write cannot interleave with another creator's.
constexpr std::string_view create_user_script =
    "if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end\n"
    "redis.call('HSET', KEYS[1], unpack(ARGV))\n"
    "return 1\n";

// KEYS[1] the user; ARGV the hash the password must still have, the new
// hash, the new history.
constexpr std::string_view set_password_script =
    "if redis.call('HGET', KEYS[1], 'password') ~= ARGV[1] then return 0 end\n"
    "redis.call('HSET', KEYS[1], 'password', ARGV[2], 'history', ARGV[3])\n"
    "redis.call('HDEL', KEYS[1], 'must_change')\n"
    "return 1\n";

// KEYS[1] the user; ARGV[1] the role. Only an existing user (a role alone
// would make a record nobody can sign in with, and block creating it).
constexpr std::string_view set_role_script =
    "local old = redis.call('HGET', KEYS[1], 'role')\n"
    "if not old then return nil end\n"
    "redis.call('HSET', KEYS[1], 'role', ARGV[1])\n"
    "return old\n";

// KEYS[1] the user; ARGV[1] the organizer, "" for the city level (no field).
constexpr std::string_view set_organizer_script =
    "if not redis.call('HGET', KEYS[1], 'role') then return nil end\n"
    "local old = redis.call('HGET', KEYS[1], 'organizer') or ''\n"
    "if ARGV[1] == '' then redis.call('HDEL', KEYS[1], 'organizer')\n"
    "else redis.call('HSET', KEYS[1], 'organizer', ARGV[1]) end\n"
    "return old\n";

// KEYS[1] the user, KEYS[2] its recovery codes; ARGV the secret, the step,
// then the codes' digests.
constexpr std::string_view activate_totp_script =
    "if redis.call('HGET', KEYS[1], 'totp_pending') ~= ARGV[1] then return 0 end\n"
    "redis.call('HSET', KEYS[1], 'totp', ARGV[1], 'totp_step', ARGV[2])\n"
    "redis.call('HDEL', KEYS[1], 'totp_pending')\n"
    "redis.call('DEL', KEYS[2])\n"
    "redis.call('SADD', KEYS[2], unpack(ARGV, 3))\n"
    "return 1\n";

// KEYS[1] the user; ARGV the secret, the step.
constexpr std::string_view accept_totp_step_script =
    "if redis.call('HGET', KEYS[1], 'totp') ~= ARGV[1] then return 0 end\n"
    "if (tonumber(redis.call('HGET', KEYS[1], 'totp_step')) or 0) >= tonumber(ARGV[2]) then return 0 end\n"
    "redis.call('HSET', KEYS[1], 'totp_step', ARGV[2])\n"
    "return 1\n";

constexpr std::string_view password_change_required = "password_change_required";
constexpr std::string_view totp_enrolment_required = "totp_enrolment_required";

std::vector<std::string> split_words(const std::string& text) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at < text.size()) {
        auto end = std::min(text.find(' ', at), text.size());
        if (end > at) out.push_back(text.substr(at, end - at));
        at = end + 1;
    }
    return out;
}

template <typename Number>
Number parse_or_zero(const std::string& text) {
    Number n = 0;
    std::from_chars(text.data(), text.data() + text.size(), n);
    return n;
}

boost::system::error_code redis_error() {
    return boost::system::errc::make_error_code(boost::system::errc::io_error);
}

}  // namespace

std::string staff_user_key(std::string_view name) { return "pingyi:staff:user:" + std::string(name); }
std::string staff_recovery_key(std::string_view name) { return "pingyi:staff:recovery:" + std::string(name); }
std::string staff_sessions_key(std::string_view name) { return "pingyi:staff:sessions:" + std::string(name); }

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
    if (text == "auditor") return staff_role::auditor;
    return std::nullopt;
}

std::string_view to_string(staff_role role) {
    switch (role) {
    case staff_role::admin: return "admin";
    case staff_role::auditor: return "auditor";
    case staff_role::viewer: break;
    }
    return "viewer";
}

bool totp_required(staff_role role) { return role == staff_role::admin; }

std::string_view session_restriction(const staff_user& user) {
    if (user.must_change_password) return password_change_required;
    if (totp_required(user.role) && user.totp_secret.empty()) return totp_enrolment_required;
    return {};
}

bool is_restriction(std::string_view code) {
    return code == password_change_required || code == totp_enrolment_required;
}

std::string_view restriction_message(std::string_view code) {
    if (code == password_change_required) return "请先修改初始密码";
    return "管理员须先设置两步验证";
}

bool open_while_restricted(std::string_view path) {
    constexpr std::array<std::string_view, 5> exact{"/api/v1/admin/me", "/api/v1/admin/security",
                                                    "/api/v1/admin/password", "/admin/logout", "/admin/security"};
    constexpr std::string_view totp = "/api/v1/admin/totp";
    return std::find(exact.begin(), exact.end(), path) != exact.end() || path == totp ||
           (path.starts_with(totp) && path[totp.size()] == '/');
}

std::vector<std::string> create_user_command(const staff_user& user) {
    std::vector<std::string> command{"EVAL",     std::string(create_user_script), "1",
                                     staff_user_key(user.name),
                                     "role",     std::string(to_string(user.role)),
                                     "password", user.password_hash,
                                     "created",  std::to_string(user.created_ms)};
    if (user.must_change_password) command.insert(command.end(), {"must_change", "1"});
    if (!user.organizer.empty()) command.insert(command.end(), {"organizer", user.organizer});
    return command;
}

std::vector<std::string> recent_password_hashes(const staff_user& user) {
    std::vector<std::string> out{user.password_hash};
    for (const auto& h : user.previous_hashes) {
        if (out.size() == password_reuse_depth) break;
        out.push_back(h);
    }
    return out;
}

std::vector<std::string> set_password_command(const staff_user& user, std::string_view new_hash) {
    auto kept = recent_password_hashes(user);
    kept.resize(std::min(kept.size(), password_reuse_depth - 1));
    std::string history;
    for (const auto& h : kept) history += (history.empty() ? "" : " ") + h;
    return {"EVAL", std::string(set_password_script), "1", staff_user_key(user.name),
            user.password_hash, std::string(new_hash), history};
}

std::vector<std::string> set_role_command(std::string_view name, staff_role role) {
    return {"EVAL", std::string(set_role_script), "1", staff_user_key(name), std::string(to_string(role))};
}

std::vector<std::string> set_organizer_command(std::string_view name, std::string_view organizer) {
    return {"EVAL", std::string(set_organizer_script), "1", staff_user_key(name), std::string(organizer)};
}

std::vector<std::string> set_pending_totp_command(std::string_view name, std::string_view secret) {
    return {"HSET", staff_user_key(name), "totp_pending", std::string(secret)};
}

std::vector<std::string> activate_totp_command(std::string_view name, std::string_view secret, std::uint64_t step,
                                               const std::vector<std::string>& recovery_digests) {
    std::vector<std::string> command{"EVAL", std::string(activate_totp_script), "2", staff_user_key(name),
                                     staff_recovery_key(name), std::string(secret), std::to_string(step)};
    command.insert(command.end(), recovery_digests.begin(), recovery_digests.end());
    return command;
}

std::vector<std::string> accept_totp_step_command(std::string_view name, std::string_view secret, std::uint64_t step) {
    return {"EVAL", std::string(accept_totp_step_script), "1", staff_user_key(name), std::string(secret),
            std::to_string(step)};
}

std::vector<std::string> use_recovery_code_command(std::string_view name, std::string_view digest) {
    return {"SREM", staff_recovery_key(name), std::string(digest)};
}

std::vector<std::vector<std::string>> remove_totp_commands(std::string_view name) {
    return {{"HDEL", staff_user_key(name), "totp", "totp_step", "totp_pending"}, {"DEL", staff_recovery_key(name)}};
}

std::vector<std::vector<std::string>> create_session_commands(std::string_view token, const staff_user& user,
                                                              std::string_view csrf, std::int64_t now_ms,
                                                              std::chrono::milliseconds idle) {
    auto key = staff_session_key(token);
    std::vector<std::string> hset{"HSET",      key,
                                  "user",      user.name,
                                  "role",      std::string(to_string(user.role)),
                                  "csrf",      std::string(csrf),
                                  "expires",   std::to_string(now_ms + staff_session_absolute.count()),
                                  "created",   std::to_string(now_ms),
                                  "organizer", user.organizer};
    if (auto restriction = session_restriction(user); !restriction.empty())
        hset.insert(hset.end(), {"restricted", std::string(restriction)});
    std::vector<std::string> expire{"PEXPIRE", key, std::to_string(idle.count())};
    auto sessions = staff_sessions_key(user.name);
    std::vector<std::string> index{"SADD", sessions, key};
    std::vector<std::string> index_expire{"PEXPIRE", sessions, std::to_string(staff_session_absolute.count())};
    return {std::move(hset), std::move(expire), std::move(index), std::move(index_expire)};
}

std::vector<std::string> end_other_sessions_command(std::string_view name, std::string_view keep_token) {
    static constexpr std::string_view script = R"lua(
local ended = 0
for _, key in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if key ~= ARGV[1] then
    ended = ended + redis.call('DEL', key)
    redis.call('SREM', KEYS[1], key)
  end
end
return ended
)lua";
    return {"EVAL", std::string(script), "1", staff_sessions_key(name),
            keep_token.empty() ? std::string() : staff_session_key(keep_token)};
}

std::vector<std::string> restrict_session_command(std::string_view token, std::string_view restriction) {
    if (restriction.empty()) return {"HDEL", staff_session_key(token), "restricted"};
    return {"HSET", staff_session_key(token), "restricted", std::string(restriction)};
}

std::vector<std::string> find_user_command(std::string_view name) {
    return {"HMGET",       staff_user_key(name), "role",      "password",     "created", "history",
            "must_change", "totp",               "totp_step", "totp_pending", "organizer"};
}

std::optional<staff_user> staff_user_from_fields(std::string name,
                                                 const std::vector<std::optional<std::string>>& f) {
    if (f.size() != 9 || !f[0] || !f[1]) return std::nullopt;
    auto role = parse_staff_role(*f[0]);
    if (!role) return std::nullopt;
    auto text = [&](std::size_t i) { return f[i].value_or(std::string()); };
    staff_user user{std::move(name), *role, *f[1]};
    user.created_ms = parse_or_zero<std::int64_t>(text(2));
    user.previous_hashes = split_words(text(3));
    user.must_change_password = text(4) == "1";
    user.totp_secret = text(5);
    user.totp_step = parse_or_zero<std::uint64_t>(text(6));
    user.totp_pending = text(7);
    user.organizer = text(8);
    return user;
}

boost::asio::awaitable<std::optional<staff_user>> find_staff_user(redis::connection& redis, std::string name,
                                                                  boost::system::error_code& ec) {
    auto r = co_await redis.exec(find_user_command(name));
    if (!r.ok()) {
        ec = r.ec ? r.ec : redis_error();
        co_return std::nullopt;
    }
    std::vector<std::optional<std::string>> fields;
    for (const auto& e : r.value.elements()) {
        if (e.is_nil()) fields.emplace_back();
        else fields.emplace_back(e.str());
    }
    co_return staff_user_from_fields(std::move(name), fields);
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
