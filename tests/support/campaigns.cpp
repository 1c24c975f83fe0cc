#include "tests/support/campaigns.hpp"

#include "tests/support/http_client.hpp"

namespace pingyi::test {

std::string campaign_body(const std::string& id, int units, const std::string& opens_at, const std::string& closes_at,
                          const std::string& extra) {
    std::string list;
    for (int i = 1; i <= units; ++i) {
        if (i > 1) list += ",";
        list += "{\"id\":\"u0" + std::to_string(i) + "\",\"name\":\"单位" + std::to_string(i) + "\"}";
    }
    return "{\"id\":\"" + id + "\",\"title\":\"测试评议 " + id + "\",\"opens_at\":\"" + opens_at +
           "\",\"closes_at\":\"" + closes_at + "\",\"units\":[" + list + "]" + extra + "}";
}

int create_campaign(int port, const std::string& body) {
    return http_request(port, "POST", "/api/v1/campaigns", body,
                        {{"Authorization", "Bearer " + admin_token}, {"Content-Type", "application/json"}})
        .status;
}

}  // namespace pingyi::test
