#include <cctype>
#include <string>

#include <doctest/doctest.h>

#include "wechat/signature.hpp"

using namespace pingyi::wechat;

TEST_CASE("wechat signature: wrong signatures are refused")
{
    const std::string good = request_signature("AAAAA", "1714037059", "486452656");
    REQUIRE(good == "899cf89e464efb63f54ddac96b0a0a235f53aa78");
    CHECK(check_signature("AAAAA", "1714037059", "486452656", good));
    CHECK_FALSE(check_signature("AAAAB", "1714037059", "486452656", good));
    CHECK_FALSE(check_signature("AAAAA", "1714037060", "486452656", good));
    CHECK_FALSE(check_signature("AAAAA", "1714037059", "486452657", good));
    CHECK_FALSE(check_signature("AAAAA", "1714037059", "486452656", good.substr(0, 39)));
    CHECK_FALSE(check_signature("AAAAA", "1714037059", "486452656", good + "0"));
    CHECK_FALSE(check_signature("AAAAA", "1714037059", "486452656", ""));
    std::string upper = good;
    for (auto& c : upper) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    CHECK_FALSE(check_signature("AAAAA", "1714037059", "486452656", upper));
}

TEST_CASE("wechat signature: msg_signature covers the ciphertext")
{
    const std::string sig = msg_signature("token", "1", "2", "ciphertext");
    CHECK(check_msg_signature("token", "1", "2", "ciphertext", sig));
    CHECK_FALSE(check_msg_signature("token", "1", "2", "ciphertexT", sig));
    CHECK_FALSE(check_msg_signature("token", "1", "3", "ciphertext", sig));
    // A common bug: checking msg_signature as if it were signature.
    CHECK_FALSE(check_msg_signature("token", "1", "2", "ciphertext", request_signature("token", "1", "2")));
    CHECK_FALSE(check_signature("token", "1", "2", sig));
}

TEST_CASE("wechat signature: parts are sorted bytewise, not as signed chars")
{
    // "\xe4" sorts after "z" as unsigned bytes: sorted concatenation is "z\xe4".
    CHECK(request_signature("\xe4", "z", "") == request_signature("z", "", "\xe4"));
    CHECK(request_signature("\xe4", "z", "") == "d8b411489217a9d745de1126b282bd6a37929f2f");
}

TEST_CASE("wechat signature: JS-SDK drops the fragment")
{
    const auto sig = jssdk_signature("t", "n", "1", "https://a.example/p?q=1");
    CHECK(jssdk_signature("t", "n", "1", "https://a.example/p?q=1#/vote") == sig);
    CHECK(jssdk_signature("t", "n", "1", "https://a.example/p?q=2") != sig);
}
