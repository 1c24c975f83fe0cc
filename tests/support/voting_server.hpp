// A pingyi-server ready for voting, as most server tests need it: a real
// redis-server, the WeChat API mock for the OAuth login, and the server
// pointed at both, with the admin bearer token set.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/http_client.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/server_process.hpp"
#include "tools/wechat_mock_api.hpp"

namespace pingyi::test {

struct voting_server {
    redis_server redis;
    tools::mock_api mock{tools::mock_api_options{}};
    std::unique_ptr<server_process> server;

    // `extra` adds to or overrides the environment; `redis_args` go to
    // redis-server (e.g. AOF settings).
    explicit voting_server(const env_map& extra = {}, std::vector<std::string> redis_args = {});

    int port() const { return server->port(); }
    // A request with the admin bearer token (and a JSON content type).
    http_result admin(const std::string& method, const std::string& target, const std::string& body = {}) const;
    // GET with the admin token; the JSON body of a 200 (fails the test otherwise).
    nlohmann::json admin_json(const std::string& target) const;
};

}  // namespace pingyi::test
