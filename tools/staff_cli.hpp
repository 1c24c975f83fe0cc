// What the `pingyi user ...` commands share: a blocking hiredis connection
// to the Redis the server uses, the password prompt, reading an account,
// ending its sessions, and the admin-log entry every change leaves.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <hiredis/hiredis.h>
#include <nlohmann/json_fwd.hpp>

#include "redis/url.hpp"
#include "server/staff_store.hpp"

namespace pingyi::tools {

class args;

struct context_deleter {
    void operator()(redisContext* c) const { redisFree(c); }
};
struct reply_deleter {
    void operator()(redisReply* r) const { freeReplyObject(r); }
};
using context_ptr = std::unique_ptr<redisContext, context_deleter>;
using reply_ptr = std::unique_ptr<redisReply, reply_deleter>;

reply_ptr run_command(redisContext& c, const std::vector<std::string>& words);
// No reply, or an error reply.
bool failed(const reply_ptr& r);
std::string error_text(redisContext& c, const reply_ptr& r);

// The endpoint from --redis-url, else $PINGYI_REDIS_URL, else the default;
// nullopt with `error` set when it is not a redis:// URL.
std::optional<redis::endpoint_config> redis_endpoint(const args& a, std::string& error);
// Connected, authenticated and on the right database; nullptr (with the
// reason printed) otherwise.
context_ptr connect(const redis::endpoint_config& e);

// Prompted twice without echo on a terminal; the first line of stdin
// otherwise (scripts).
std::optional<std::string> read_password();

// The account, or nullopt when there is none; `error` when Redis failed
// (the reason printed).
std::optional<server::staff_user> find_user(redisContext& c, const std::string& name, bool& error);

// Ends every session of `name` (a SCAN of the sessions), so that a change
// to the account applies from the next login on; how many ended.
std::size_t end_sessions(redisContext& c, std::string_view name);

// Who the operator is in the admin log: "cli:<$USER>".
std::string operator_name();

// Appends to the admin log (server/admin_log.hpp) as operator_name(); a
// failure there is a warning, the change being made already.
void log_admin_action(redisContext& c, std::string_view action, const nlohmann::json& detail);

std::int64_t now_ms();

}  // namespace pingyi::tools
