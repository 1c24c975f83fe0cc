// What the annual-filings and attachment tests share: a pingyi-server with
// a real redis-server and its own attachments directory, the admin bearer
// token, a year's roster and unit links, and uploads as the unit page
// sends them.
#pragma once

#include <ctime>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "http/query.hpp"
#include "tests/support/campaigns.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/server_process.hpp"

namespace pingyi::test {

// A small but real PDF.
inline const std::string minimal_pdf =
    "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    "2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

// Last year in Shanghai: both its due dates have passed, whatever today is.
inline int last_year() {
    std::time_t now = std::time(nullptr) + 8 * 3600;
    std::tm shanghai{};
    gmtime_r(&now, &shanghai);
    return shanghai.tm_year + 1900 - 1;
}

struct filings_server {
    redis_server redis;
    temp_dir files;
    std::unique_ptr<server_process> server;

    // `attachments`: set PINGYI_ATTACHMENTS_DIR to files/store (created by the server).
    explicit filings_server(env_map extra = {}, std::vector<std::string> args = {}, bool attachments = true) {
        extra.emplace("PINGYI_REDIS_URL", redis.url());
        extra.emplace("PINGYI_ADMIN_TOKEN", admin_token);
        extra.emplace("PINGYI_PUBLIC_URL", "https://pingyi.example.cn");
        if (attachments) extra.emplace("PINGYI_ATTACHMENTS_DIR", store_dir());
        server = std::make_unique<server_process>(extra, args);
    }

    std::string store_dir() const { return files.path() + "/store"; }
    int port() const { return server->port(); }

    http_result call(const std::string& method, const std::string& target, const std::string& body = {},
                     const std::map<std::string, std::string>& headers = {}) const {
        return http_request(port(), method, target, body, headers);
    }

    http_result admin(const std::string& method, const std::string& target, const std::string& body = {},
                      const std::string& type = "application/json") const {
        return call(method, target, body, {{"Authorization", "Bearer " + admin_token}, {"Content-Type", type}});
    }

    // PUT the roster; REQUIREs success. `query` e.g. "?organizer=county-a".
    void set_roster(int year, const nlohmann::json& units, const std::string& query = "") const {
        auto r = admin("PUT", "/api/v1/filings/" + std::to_string(year) + "/units" + query, units.dump());
        REQUIRE_MESSAGE(r.status == 200, r.body);
    }

    // Each unit's link, by unit id.
    std::map<std::string, std::string> links(int year, const std::string& query = "") const {
        auto r = admin("POST", "/api/v1/filings/" + std::to_string(year) + "/links" + query);
        REQUIRE_MESSAGE(r.status == 200, r.body);
        const auto body = nlohmann::json::parse(r.body);
        std::map<std::string, std::string> out;
        for (const auto& l : body["links"]) out[l["unit"].get<std::string>()] = l["url"].get<std::string>();
        return out;
    }
};

// A unit link's API target: /api/v1/filings/<year>/units/<u><rest>?o=<o>&t=<t>.
inline std::string unit_api(const std::string& link, const std::string& rest = "") {
    auto query = link.substr(link.find('?') + 1);
    auto path = link.substr(0, link.find('?'));
    auto year = path.substr(path.rfind('/') + 1);
    auto param = [&](const char* name) { return http::query_param(query, name).value_or(""); };
    return "/api/v1/filings/" + year + "/units/" + param("u") + rest + "?o=" + http::url_encode(param("o")) +
           "&t=" + param("t");
}

// The upload the unit page makes: the file as the body, its name and the
// note percent-encoded in headers.
inline http_result upload(const filings_server& s, const std::string& link, const std::string& kind,
                          const std::string& bytes, const std::string& name, const std::string& note = "") {
    std::map<std::string, std::string> headers{{"Content-Type", "application/octet-stream"},
                                               {"X-File-Name", http::url_encode(name)}};
    if (!note.empty()) headers["X-Filing-Note"] = http::url_encode(note);
    return s.call("POST", unit_api(link, "/" + kind), bytes, headers);
}

}  // namespace pingyi::test
