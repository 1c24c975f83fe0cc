// The pure parts of staff sign-in security: the password policy, recovery
// codes, what a session may reach while restricted, the password history
// kept, and the Redis commands the lock-out and TOTP state are made of.
#include <doctest/doctest.h>

#include <cctype>

#include "server/password_policy.hpp"
#include "server/recovery_codes.hpp"
#include "server/staff_lockout.hpp"
#include "server/staff_store.hpp"

using namespace pingyi::server;

namespace {

std::string_view problem(std::string_view password, std::string_view user = "li.wei") {
    auto v = check_password_policy(password, user);
    return v ? v->code : std::string_view("ok");
}

}  // namespace

TEST_CASE("password policy: 12 characters, three kinds of four, not the name") {
    CHECK(problem("Abcdefgh12!") == "password_too_short");     // 11
    CHECK(problem("Abcdefgh123") == "password_too_short");
    CHECK(problem("abcdefghijkl") == "password_too_simple");   // one kind
    CHECK(problem("abcdefgh1234") == "password_too_simple");   // two kinds
    CHECK(problem("ABCDEFGH-XYZ") == "password_too_simple");   // upper and other: two
    CHECK(problem("abcdefgh123!") == "ok");                    // lower, digit, other
    CHECK(problem("Abcdefgh1234") == "ok");                    // lower, upper, digit
    CHECK(problem("ABCDEFGH-xyz") == "ok");                    // upper, other, lower
    CHECK(problem("Abcdefghijkl") == "password_too_simple");
    // Characters, not bytes: 11 Chinese characters and a digit are 12, of two kinds.
    CHECK(problem("韶关司法局在线评议系统1") == "password_too_simple");
    CHECK(problem("韶关司法局在线评议a1") == "password_too_short");  // 11 characters, 29 bytes
    CHECK(problem("韶关司法局在线评议ab1") == "ok");                 // other, lower, digit
    CHECK(problem(std::string(257, 'a') + "A1") == "password_too_long");
    // Not the user name, in any case; containing it is fine.
    CHECK(problem("Li.Wei-2024-x", "li.wei-2024-X") == "password_same_as_name");
    CHECK(problem("Li.Wei-2024-x", "li.wei") == "ok");
    // Every refusal says why in Chinese.
    auto v = check_password_policy("short", "x");
    REQUIRE(v);
    CHECK(std::string(v->message).find("12") != std::string::npos);
}

TEST_CASE("recovery codes: 16 lower-case base32 characters in groups, digests that ignore how they are typed") {
    auto code = recovery_code_from_bytes(std::string(10, '\0'));
    CHECK(code == "aaaa-aaaa-aaaa-aaaa");
    auto codes = new_recovery_codes();
    REQUIRE(codes.size() == 10);
    for (const auto& c : codes) {
        CHECK(c.size() == 19);
        CHECK(c.find_first_not_of("abcdefghijklmnopqrstuvwxyz234567-") == std::string::npos);
    }
    CHECK(codes[0] != codes[1]);
    auto digest = recovery_code_digest(codes[0]);
    CHECK(digest.size() == 64);
    CHECK(digest.find(codes[0]) == std::string::npos);
    std::string shouted;
    for (char c : codes[0]) shouted += c == '-' ? ' ' : static_cast<char>(std::toupper(c));
    CHECK(recovery_code_digest(shouted) == digest);
    CHECK(recovery_code_digest(codes[1]) != digest);
}

TEST_CASE("a session's restriction: the bootstrap password first, then an admin's TOTP") {
    staff_user admin{"admin", staff_role::admin, "h"};
    CHECK(totp_required(staff_role::admin));
    CHECK_FALSE(totp_required(staff_role::viewer));
    CHECK(session_restriction(admin) == "totp_enrolment_required");
    admin.must_change_password = true;
    CHECK(session_restriction(admin) == "password_change_required");
    admin.must_change_password = false;
    admin.totp_secret = "JBSWY3DPEHPK3PXP";
    CHECK(session_restriction(admin).empty());
    staff_user viewer{"li.wei", staff_role::viewer, "h"};
    CHECK(session_restriction(viewer).empty());
    CHECK(is_restriction("totp_enrolment_required"));
    CHECK(is_restriction("password_change_required"));
    CHECK_FALSE(is_restriction("forbidden"));
    CHECK_FALSE(restriction_message("totp_enrolment_required").empty());

    // The session carries it, for authenticate() to enforce.
    auto cmds = create_session_commands("tok", staff_user{"admin", staff_role::admin, "h"}, "c", 0,
                                        std::chrono::seconds(60));
    const auto& hset = cmds.front();
    REQUIRE(hset.size() == 16);
    CHECK(hset[14] == "restricted");
    CHECK(hset[15] == "totp_enrolment_required");
    CHECK(restrict_session_command("tok", "") == std::vector<std::string>{"HDEL", staff_session_key("tok"), "restricted"});
    CHECK(restrict_session_command("tok", "password_change_required") ==
          std::vector<std::string>{"HSET", staff_session_key("tok"), "restricted", "password_change_required"});
}

TEST_CASE("a restricted session reaches its account's own pages only") {
    for (auto path : {"/api/v1/admin/me", "/api/v1/admin/security", "/api/v1/admin/password", "/api/v1/admin/totp",
                      "/api/v1/admin/totp/setup", "/api/v1/admin/totp/confirm", "/admin/logout", "/admin/security"}) {
        CAPTURE(path);
        CHECK(open_while_restricted(path));
    }
    for (auto path : {"/admin", "/admin/dashboard", "/api/v1/campaigns", "/api/v1/campaigns/c1/tally",
                      "/api/v1/admin/totpx", "/api/v1/admin/audit-log", "/admin/security/x", ""}) {
        CAPTURE(path);
        CHECK_FALSE(open_while_restricted(path));
    }
}

TEST_CASE("password history: the current hash and the four before it") {
    staff_user u{"li.wei", staff_role::viewer, "h5"};
    CHECK(recent_password_hashes(u) == std::vector<std::string>{"h5"});
    u.previous_hashes = {"h4", "h3", "h2", "h1", "h0"};
    CHECK(recent_password_hashes(u) == std::vector<std::string>{"h5", "h4", "h3", "h2", "h1"});
    auto cmd = set_password_command(u, "h6");
    REQUIRE(cmd.size() == 7);
    CHECK(cmd[0] == "EVAL");
    CHECK(cmd[3] == staff_user_key("li.wei"));
    CHECK(cmd[4] == "h5");  // only if still the current one
    CHECK(cmd[5] == "h6");
    CHECK(cmd[6] == "h5 h4 h3 h2");  // with h6, the last five
}

TEST_CASE("a user record read back: every field, and what makes one unusable") {
    using field = std::optional<std::string>;
    auto u = staff_user_from_fields("li.wei", {field("viewer"), field("scrypt$x"), field("1700000000123"),
                                               field("h2 h1"), field("1"), field("JBSWY3DP"), field("57"),
                                               field("GEZDGNBV"), field("county-a")});
    REQUIRE(u);
    CHECK(u->role == staff_role::viewer);
    CHECK(u->password_hash == "scrypt$x");
    CHECK(u->created_ms == 1700000000123);
    CHECK(u->previous_hashes == std::vector<std::string>{"h2", "h1"});
    CHECK(u->must_change_password);
    CHECK(u->totp_secret == "JBSWY3DP");
    CHECK(u->totp_step == 57);
    CHECK(u->totp_pending == "GEZDGNBV");
    CHECK(u->organizer == "county-a");
    auto plain = staff_user_from_fields("a", {field("auditor"), field("h"), {}, {}, {}, {}, {}, {}, {}});
    REQUIRE(plain);
    CHECK(plain->role == staff_role::auditor);
    CHECK(plain->previous_hashes.empty());
    CHECK_FALSE(plain->must_change_password);
    CHECK(plain->totp_secret.empty());
    CHECK(plain->organizer.empty());  // no organizer: the city level
    CHECK_FALSE(staff_user_from_fields("a", {{}, field("h"), {}, {}, {}, {}, {}, {}, {}}));  // no role: no user
    CHECK_FALSE(staff_user_from_fields("a", {field("owner"), field("h"), {}, {}, {}, {}, {}, {}, {}}));
    CHECK_FALSE(staff_user_from_fields("a", {field("viewer"), {}, {}, {}, {}, {}, {}, {}, {}}));
    CHECK(find_user_command("a").size() == 11);
    CHECK(find_user_command("a").back() == "organizer");
}

TEST_CASE("lock-out and TOTP state: keys, arguments, atomic scripts") {
    auto fail = record_login_failure_command("li.wei");
    REQUIRE(fail.size() == 7);
    CHECK(fail[0] == "EVAL");
    CHECK(fail[1].find("INCR") != std::string::npos);
    CHECK(fail[3] == "pingyi:staff:failures:li.wei");
    CHECK(fail[4] == "pingyi:staff:locked:li.wei");
    CHECK(fail[5] == "5");
    CHECK(fail[6] == "900000");  // 15 minutes
    CHECK(lock_remaining_command("li.wei") == std::vector<std::string>{"PTTL", "pingyi:staff:locked:li.wei"});
    CHECK(clear_login_failures_command("li.wei") == std::vector<std::string>{"DEL", "pingyi:staff:failures:li.wei"});
    CHECK(clear_login_failures_command("li.wei", true) ==
          std::vector<std::string>{"DEL", "pingyi:staff:failures:li.wei", "pingyi:staff:locked:li.wei"});

    auto activate = activate_totp_command("li.wei", "SECRET", 42, {"d1", "d2"});
    REQUIRE(activate.size() == 9);
    CHECK(activate[3] == staff_user_key("li.wei"));
    CHECK(activate[4] == staff_recovery_key("li.wei"));
    CHECK(std::vector<std::string>(activate.begin() + 5, activate.end()) ==
          std::vector<std::string>{"SECRET", "42", "d1", "d2"});
    auto accept = accept_totp_step_command("li.wei", "SECRET", 43);
    CHECK(std::vector<std::string>(accept.begin() + 3, accept.end()) ==
          std::vector<std::string>{staff_user_key("li.wei"), "SECRET", "43"});
    CHECK(use_recovery_code_command("li.wei", "d1") ==
          std::vector<std::string>{"SREM", "pingyi:staff:recovery:li.wei", "d1"});
    auto remove = remove_totp_commands("li.wei");
    REQUIRE(remove.size() == 2);
    CHECK(remove[1] == std::vector<std::string>{"DEL", "pingyi:staff:recovery:li.wei"});
    CHECK(set_role_command("li.wei", staff_role::auditor).back() == "auditor");
}
