#include <doctest/doctest.h>

#include <fstream>

#include <sys/stat.h>

#include "server/config.hpp"
#include "tests/support/process.hpp"

using namespace pingyi::server;

namespace {

const std::string key32 = "0123456789abcdef0123456789abcdef";

config load(std::map<std::string, std::string> env, std::vector<std::string>* warnings = nullptr,
            std::optional<std::string> file = std::nullopt) {
    std::vector<std::string> w;
    auto c = load_config(file, env, w);
    if (warnings) *warnings = w;
    return c;
}

std::string error_of(std::map<std::string, std::string> env, std::optional<std::string> file = std::nullopt) {
    try {
        load(std::move(env), nullptr, std::move(file));
    } catch (const config_error& e) {
        return e.what();
    }
    return {};
}

}  // namespace

TEST_CASE("production start needs long secrets") {
    auto err = error_of({});
    CHECK(err.find("PINGYI_SECRET") != std::string::npos);
    CHECK(err.find("PINGYI_PSEUDONYM_KEY") != std::string::npos);
    err = error_of({{"PINGYI_SECRET", "short"}, {"PINGYI_PSEUDONYM_KEY", key32}});
    CHECK(err.find("PINGYI_SECRET 太短") != std::string::npos);
    CHECK(error_of({{"PINGYI_SECRET", key32}, {"PINGYI_PSEUDONYM_KEY", key32}}).empty());
}

TEST_CASE("development mode fills in keys") {
    auto c = load({{"PINGYI_DEV", "1"}});
    CHECK(c.dev);
    CHECK(c.secret.size() >= 32);
    CHECK(c.pseudonym_key.size() >= 32);
}

TEST_CASE("environment values are parsed and checked") {
    auto c = load({{"PINGYI_DEV", "1"},
                   {"PINGYI_LISTEN", "0.0.0.0:9000"},
                   {"PINGYI_THREADS", "3"},
                   {"PINGYI_PUBLIC_URL", "https://vote.example.cn/"},
                   {"PINGYI_RATELIMIT", "shadow"}});
    CHECK(c.listen_host == "0.0.0.0");
    CHECK(c.listen_port == 9000);
    CHECK(c.threads == 3);
    CHECK(c.public_url == "https://vote.example.cn");
    CHECK(c.ratelimit_mode == "shadow");
    CHECK(c.redis_min_replicas == 0);

    CHECK(error_of({{"PINGYI_DEV", "1"}, {"PINGYI_LISTEN", "nonsense"}}).find("PINGYI_LISTEN") != std::string::npos);
    CHECK(error_of({{"PINGYI_DEV", "1"}, {"PINGYI_THREADS", "0"}}).find("PINGYI_THREADS") != std::string::npos);
    CHECK(error_of({{"PINGYI_DEV", "1"}, {"PINGYI_RATELIMIT", "maybe"}}).find("PINGYI_RATELIMIT") != std::string::npos);
    CHECK(error_of({{"PINGYI_DEV", "1"}, {"PINGYI_REDIS_URL", "http://x"}}).find("PINGYI_REDIS_URL") != std::string::npos);
    CHECK(error_of({{"PINGYI_DEV", "1"}, {"PINGYI_WECHAT_AES_KEY", "tooshort"}}).find("43") != std::string::npos);
}

TEST_CASE("sentinel URLs default to one replica") {
    auto c = load({{"PINGYI_DEV", "1"}, {"PINGYI_REDIS_URL", "sentinel://127.0.0.1:26379/mymaster"}});
    CHECK(c.redis_min_replicas == 1);
}

TEST_CASE("unknown PINGYI_ variables are warnings, not errors") {
    std::vector<std::string> warnings;
    load({{"PINGYI_DEV", "1"}, {"PINGYI_TYPO", "x"}, {"HOME", "/root"}}, &warnings);
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].find("PINGYI_TYPO") != std::string::npos);
}

TEST_CASE("config file with comments, the environment winning, secrets only in 0600 files") {
    pingyi::test::temp_dir dir;
    std::string path = dir.path() + "/pingyi.json";
    {
        std::ofstream f(path);
        f << "{\n  // listen everywhere\n  \"listen\": \"0.0.0.0:8081\",\n  \"threads\": 2,\n"
             "  \"secret\": \"" << key32 << "\", \"pseudonym_key\": \"" << key32 << "\"\n}\n";
    }
    chmod(path.c_str(), 0644);
    CHECK(error_of({}, path).find("chmod 600") != std::string::npos);
    chmod(path.c_str(), 0600);
    auto c = load({{"PINGYI_THREADS", "4"}}, nullptr, path);
    CHECK(c.listen_port == 8081);
    CHECK(c.threads == 4);

    {
        std::ofstream f(path);
        f << "{\"listne\": \"x\"}";
    }
    CHECK(error_of({{"PINGYI_DEV", "1"}}, path).find("listne") != std::string::npos);
    {
        std::ofstream f(path);
        f << "{not json";
    }
    CHECK(error_of({{"PINGYI_DEV", "1"}}, path).find("JSON") != std::string::npos);
    CHECK(error_of({{"PINGYI_DEV", "1"}}, dir.path() + "/missing.json").find("无法读取") != std::string::npos);
}

TEST_CASE("organizers come from the file, each with an optional WeChat account of its own") {
    pingyi::test::temp_dir dir;
    std::string path = dir.path() + "/pingyi.json";
    auto write = [&](const std::string& organizers) {
        std::ofstream f(path);
        f << "{\"wechat_api_base\": \"http://127.0.0.1:9/\", \"organizers\": " << organizers << "}";
    };
    const std::string aes_key(43, 'a');
    write(R"([{"id": "city", "name": "韶关市普法办"},
              {"id": "wengyuan", "name": "翁源县普法办",
               "wechat": {"appid": "wxwy", "secret": "s", "token": "t", "aes_key": ")" + aes_key + R"("}}])");
    chmod(path.c_str(), 0644);
    // An organizer's account puts its secret in the file.
    CHECK(error_of({}, path).find("chmod 600") != std::string::npos);
    chmod(path.c_str(), 0600);
    auto c = load({{"PINGYI_DEV", "1"}}, nullptr, path);
    REQUIRE(c.organizers.size() == 2);
    CHECK(c.organizers[0].id == "city");
    CHECK_FALSE(c.organizers[0].wechat);
    const auto* wengyuan = find_organizer(c, "wengyuan");
    REQUIRE(wengyuan != nullptr);
    CHECK(wengyuan->name == "翁源县普法办");
    REQUIRE(wengyuan->wechat);
    CHECK(wengyuan->wechat->appid == "wxwy");
    CHECK(wengyuan->wechat->aes_key == aes_key);
    CHECK(wengyuan->wechat->api_base == "http://127.0.0.1:9");  // the main account's bases
    CHECK(find_organizer(c, "nowhere") == nullptr);

    write(R"([{"id": "a b", "name": "x"}])");
    CHECK(error_of({{"PINGYI_DEV", "1"}}, path).find("invalid organizer id") != std::string::npos);
    write(R"([{"id": "a", "name": "x"}, {"id": "a", "name": "y"}])");
    CHECK(error_of({{"PINGYI_DEV", "1"}}, path).find("duplicate organizer id") != std::string::npos);
    write(R"([{"id": "a"}])");
    CHECK(error_of({{"PINGYI_DEV", "1"}}, path).find("name is required") != std::string::npos);
    write(R"([{"id": "a", "name": "x", "wechat": {"appid": "wx"}}])");
    CHECK(error_of({{"PINGYI_DEV", "1"}}, path).find("appid, secret and token are required") != std::string::npos);
    write(R"([{"id": "a", "name": "x", "wechat": {"appid": "wx", "secret": "s", "token": "t", "aes_key": "short"}}])");
    CHECK(error_of({{"PINGYI_DEV", "1"}}, path).find("43") != std::string::npos);
    write(R"({"id": "a"})");
    CHECK(error_of({{"PINGYI_DEV", "1"}}, path).find("must be an array") != std::string::npos);
}

TEST_CASE("attachments: a directory and a size limit") {
    auto c = load({{"PINGYI_DEV", "1"}});
    CHECK(c.attachments_dir.empty());
    CHECK(c.attachment_max_bytes == 20u * 1024 * 1024);
    c = load({{"PINGYI_DEV", "1"}, {"PINGYI_ATTACHMENTS_DIR", "/srv/files"}, {"PINGYI_ATTACHMENT_MAX_BYTES", "4096"}});
    CHECK(c.attachments_dir == "/srv/files");
    CHECK(c.attachment_max_bytes == 4096);
    CHECK(error_of({{"PINGYI_DEV", "1"}, {"PINGYI_ATTACHMENT_MAX_BYTES", "10"}}).find("ATTACHMENT_MAX_BYTES") !=
          std::string::npos);
}
