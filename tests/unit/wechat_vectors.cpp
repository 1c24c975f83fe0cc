// Every known-answer vector in tests/data/wechat_vectors.json (a copy of
// ../shared/wechat/vectors.json), whatever its shape.
#include <cstdlib>
#include <fstream>
#include <string>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "wechat/crypto.hpp"
#include "wechat/error.hpp"
#include "wechat/message.hpp"
#include "wechat/reply.hpp"
#include "wechat/signature.hpp"

namespace {

using namespace pingyi::wechat;
using nlohmann::json;

json load_vectors()
{
    const char* root = std::getenv("PINGYI_SOURCE_DIR");
    const std::string path = std::string(root ? root : ".") + "/tests/data/wechat_vectors.json";
    std::ifstream in(path);
    REQUIRE_MESSAGE(in, "cannot open " << path);
    return json::parse(in);
}

std::string str(const json& v, const char* key)
{
    return v.at(key).get<std::string>();
}

// Checks what the vector's fields allow; returns how many checks applied.
int check_vector(const json& v)
{
    int checks = 0;
    if (v.contains("jsapi_ticket")) {
        CHECK(jssdk_signature(str(v, "jsapi_ticket"), str(v, "noncestr"), str(v, "timestamp"), str(v, "url")) ==
              str(v, "signature"));
        CHECK(jssdk_signature(str(v, "jsapi_ticket"), str(v, "noncestr"), str(v, "timestamp"),
                              str(v, "url") + "#menu") == str(v, "signature"));
        return 1;
    }
    if (v.contains("signature")) {
        CHECK(request_signature(str(v, "token"), str(v, "timestamp"), str(v, "nonce")) == str(v, "signature"));
        CHECK(check_signature(str(v, "token"), str(v, "timestamp"), str(v, "nonce"), str(v, "signature")));
        ++checks;
    }
    if (v.contains("msg_signature")) {
        CHECK(msg_signature(str(v, "token"), str(v, "timestamp"), str(v, "nonce"), str(v, "encrypt")) ==
              str(v, "msg_signature"));
        CHECK(check_msg_signature(str(v, "token"), str(v, "timestamp"), str(v, "nonce"), str(v, "encrypt"),
                                  str(v, "msg_signature")));
        ++checks;
    }
    if (v.contains("encoding_aes_key")) {
        const message_cipher cipher(str(v, "encoding_aes_key"), str(v, "appid"));
        std::error_code ec;
        CHECK(cipher.decrypt(str(v, "encrypt"), ec) == str(v, "plaintext"));
        CHECK_FALSE(ec);
        CHECK(cipher.encrypt(str(v, "plaintext"), str(v, "random")) == str(v, "encrypt"));
        ++checks;
        if (v.contains("reply")) {
            const json& r = v.at("reply");
            CHECK(cipher.encrypt(str(r, "plaintext"), str(r, "random")) == str(r, "encrypt"));
            CHECK(cipher.decrypt(str(r, "encrypt"), ec) == str(r, "plaintext"));
            CHECK_FALSE(ec);
            CHECK(msg_signature(str(v, "token"), str(r, "timestamp"), str(r, "nonce"), str(r, "encrypt")) ==
                  str(r, "msg_signature"));
            const auto envelope =
                encrypted_envelope(str(r, "encrypt"), str(v, "token"), str(r, "timestamp"), str(r, "nonce"));
            CHECK(envelope.find("<MsgSignature><![CDATA[" + str(r, "msg_signature") + "]]></MsgSignature>") !=
                  std::string::npos);
            CHECK(parse_envelope(envelope, ec).encrypt == str(r, "encrypt"));
            CHECK_FALSE(ec);
            ++checks;
        }
    }
    return checks;
}

}  // namespace

TEST_CASE("wechat: every known-answer vector passes")
{
    const json vectors = load_vectors().at("vectors");
    REQUIRE(vectors.size() >= 7);
    for (const json& v : vectors) {
        const std::string name = v.at("name").get<std::string>();
        INFO("vector ", name);
        CHECK_MESSAGE(check_vector(v) > 0, "no check applies to vector " << name);
    }
}

TEST_CASE("wechat: decrypted vector messages parse")
{
    const json vectors = load_vectors().at("vectors");
    std::error_code ec;

    const json& official = vectors.at(0);
    REQUIRE(str(official, "name") == "official-python-sample-decrypt");
    const message text = parse_message(str(official, "plaintext"), ec);
    REQUIRE_FALSE(ec);
    CHECK(text.to_user == "gh_10f6c3c3ac5a");
    CHECK(text.from_user == "oyORnuP8q7ou2gfYjqLzSIWZf0rs");
    CHECK(text.create_time == 1409735668);
    CHECK(text.msg_type == "text");
    CHECK(text.content == "abcdteT");
    CHECK(text.msg_id == "6054768590064713728");

    const json& safe = vectors.at(4);
    REQUIRE(str(safe, "name") == "official-doc-safe-mode-event");
    const message event = parse_message(str(safe, "plaintext"), ec);
    REQUIRE_FALSE(ec);
    CHECK(event.msg_type == "event");
    CHECK(event.event == "debug_demo");
    CHECK(event.from_user == "o9AgO5Kd5ggOC-bXrbNODIiE3bGY");
}
