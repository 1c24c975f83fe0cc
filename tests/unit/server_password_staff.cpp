// Staff records as the server and `pingyi user add` both write them.
#include <doctest/doctest.h>

#include "server/staff_store.hpp"

using namespace pingyi::server;

TEST_CASE("staff names and roles") {
    CHECK(valid_staff_name("admin"));
    CHECK(valid_staff_name("li.wei_2-b"));
    CHECK(valid_staff_name(std::string(64, 'a')));
    CHECK_FALSE(valid_staff_name(""));
    CHECK_FALSE(valid_staff_name(std::string(65, 'a')));
    CHECK_FALSE(valid_staff_name("li wei"));
    CHECK_FALSE(valid_staff_name("a:b"));
    CHECK_FALSE(valid_staff_name("张三"));
    CHECK(parse_staff_role("admin") == staff_role::admin);
    CHECK(parse_staff_role("viewer") == staff_role::viewer);
    CHECK_FALSE(parse_staff_role("Admin"));
    CHECK_FALSE(parse_staff_role(""));
    CHECK(to_string(staff_role::admin) == "admin");
    CHECK(to_string(staff_role::viewer) == "viewer");
}

TEST_CASE("a user is created by one script, never overwritten") {
    staff_user u{"li.wei", staff_role::viewer, "scrypt$32768$8$1$c2FsdA$aGFzaA", 1700000000123};
    auto cmd = create_user_command(u);
    REQUIRE(cmd.size() == 10);
    CHECK(cmd[0] == "EVAL");
    CHECK(cmd[1].find("EXISTS") != std::string::npos);
    CHECK(cmd[2] == "1");
    CHECK(cmd[3] == "pingyi:staff:user:li.wei");
    std::vector<std::string> fields(cmd.begin() + 4, cmd.end());
    CHECK(fields == std::vector<std::string>{"role", "viewer", "password", u.password_hash, "created", "1700000000123"});
}

TEST_CASE("a session is stored under the token's digest, in the shape authenticate() reads") {
    staff_user u{"admin", staff_role::admin, "x", 0};
    u.totp_secret = "JBSWY3DPEHPK3PXP";  // enrolled: an unrestricted session
    auto cmds = create_session_commands("tok", u, "csrf-token", 1000, std::chrono::seconds(1800));
    REQUIRE(cmds.size() == 4);
    const auto& hset = cmds[0];
    REQUIRE(hset.size() == 14);
    CHECK(hset[0] == "HSET");
    CHECK(hset[1] == staff_session_key("tok"));
    CHECK(hset[1].find("tok") == std::string::npos);  // the token itself is never stored
    CHECK(hset[2] == "user");
    CHECK(hset[3] == "admin");
    CHECK(hset[4] == "role");
    CHECK(hset[5] == "admin");
    CHECK(hset[6] == "csrf");
    CHECK(hset[7] == "csrf-token");
    CHECK(hset[8] == "expires");
    CHECK(hset[9] == std::to_string(1000 + 12 * 3600 * 1000LL));
    CHECK(hset[12] == "organizer");
    CHECK(hset[13].empty());  // the city level
    CHECK(cmds[1] == std::vector<std::string>{"PEXPIRE", staff_session_key("tok"), "1800000"});
    // Indexed under the user, for as long as a session can live.
    CHECK(cmds[2] == std::vector<std::string>{"SADD", staff_sessions_key("admin"), staff_session_key("tok")});
    CHECK(cmds[3] == std::vector<std::string>{"PEXPIRE", staff_sessions_key("admin"), std::to_string(12 * 3600 * 1000LL)});
}

TEST_CASE("a county's account: its organizer in the record and its sessions, changed by one script") {
    staff_user u{"a.admin", staff_role::admin, "x", 1700000000123};
    u.organizer = "county-a";
    auto create = create_user_command(u);
    REQUIRE(create.size() == 12);
    CHECK(create[10] == "organizer");
    CHECK(create[11] == "county-a");
    u.totp_secret = "JBSWY3DPEHPK3PXP";
    auto hset = create_session_commands("tok", u, "csrf-token", 1000, std::chrono::seconds(1800)).front();
    REQUIRE(hset.size() == 14);
    CHECK(hset[12] == "organizer");
    CHECK(hset[13] == "county-a");

    auto move = set_organizer_command("a.admin", "county-b");
    REQUIRE(move.size() == 5);
    CHECK(move[0] == "EVAL");
    CHECK(move[1].find("HGET', KEYS[1], 'role'") != std::string::npos);  // only an existing user
    CHECK(move[3] == staff_user_key("a.admin"));
    CHECK(move[4] == "county-b");
    CHECK(set_organizer_command("a.admin", "")[4].empty());  // back to the city level
}
