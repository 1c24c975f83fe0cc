#include <doctest/doctest.h>

#include "redis/script.hpp"

TEST_CASE("script: sha is the SHA1 Redis computes for SCRIPT LOAD") {
    CHECK(pingyi::redis::sha1_hex("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d");
    pingyi::redis::script s("one", "return 1");
    CHECK(s.name() == "one");
    CHECK(s.sha() == "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
}
