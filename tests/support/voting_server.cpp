#include "tests/support/voting_server.hpp"

#include <doctest/doctest.h>

#include "tests/support/campaigns.hpp"

namespace pingyi::test {

voting_server::voting_server(const env_map& extra, std::vector<std::string> redis_args)
    : redis(std::move(redis_args)) {
    mock.start();
    const int port = free_port();
    env_map env{{"PINGYI_REDIS_URL", redis.url()},
                {"PINGYI_ADMIN_TOKEN", admin_token},
                {"PINGYI_WECHAT_APPID", "wxdev0000000000000"},
                {"PINGYI_WECHAT_SECRET", "devsecret"},
                {"PINGYI_WECHAT_API_BASE", mock.base_url()},
                {"PINGYI_WECHAT_OPEN_BASE", mock.base_url()},
                {"PINGYI_PUBLIC_URL", "http://127.0.0.1:" + std::to_string(port)},
                {"PINGYI_LISTEN", "127.0.0.1:" + std::to_string(port)}};
    for (const auto& [k, v] : extra) env[k] = v;
    server = std::make_unique<server_process>(env);
}

http_result voting_server::admin(const std::string& method, const std::string& target, const std::string& body) const {
    return http_request(port(), method, target, body,
                        {{"Authorization", "Bearer " + admin_token}, {"Content-Type", "application/json"}});
}

nlohmann::json voting_server::admin_json(const std::string& target) const {
    auto r = admin("GET", target);
    REQUIRE_MESSAGE(r.status == 200, target << " answered " << r.status << ": " << r.body);
    return nlohmann::json::parse(r.body);
}

}  // namespace pingyi::test
