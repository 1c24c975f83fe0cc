#include "tests/support/staff.hpp"

#include <chrono>
#include <thread>

#include <sys/wait.h>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "server/totp.hpp"
#include "tests/support/process.hpp"
#include "tests/support/server_process.hpp"

namespace pingyi::test {

std::vector<nlohmann::json> admin_log_entries(sync_redis& db) {
    std::vector<nlohmann::json> out;
    auto r = db.command({"XRANGE", "pingyi:admin-log", "-", "+"});
    for (std::size_t i = 0; r && i < r->elements; ++i) {
        auto* fields = r->element[i]->element[1];
        nlohmann::json entry = nlohmann::json::object();
        for (std::size_t j = 0; j + 1 < fields->elements; j += 2)
            entry[fields->element[j]->str] = std::string(fields->element[j + 1]->str, fields->element[j + 1]->len);
        out.push_back(std::move(entry));
    }
    return out;
}

std::vector<std::string> admin_log_actions(sync_redis& db) {
    std::vector<std::string> out;
    for (const auto& entry : admin_log_entries(db)) out.push_back(entry.value("action", ""));
    return out;
}

namespace {

using nlohmann::json;

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string key_of(const std::string& secret) {
    auto key = server::base32_decode(secret);
    REQUIRE(key);
    return *key;
}

}  // namespace

int add_staff_user(const std::string& redis_url, const std::string& name, const std::string& role,
                   const std::string& password) {
    std::string script = "printf '%s\\n' \"$PW\" | \"$PINGYI\" user add " + name + " --role " + role +
                         " --redis-url " + redis_url;
    child_process p({"/bin/sh", "-c", script}, {"PW=" + password, "PINGYI=" + bin_dir() + "/pingyi"});
    int status = p.wait_exit(60000);
    REQUIRE(status != -1);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string set_cookie_value(const http_result& r, const std::string& name) {
    auto all = r.header("set-cookie");
    std::size_t at = 0;
    while (at < all.size()) {
        auto end = std::min(all.find('\n', at), all.size());
        auto line = all.substr(at, end - at);
        if (line.starts_with(name + "=")) {
            auto value = line.substr(name.size() + 1);
            return value.substr(0, value.find(';'));
        }
        at = end + 1;
    }
    return {};
}

std::map<std::string, std::string> staff_session::headers(bool write) const {
    std::map<std::string, std::string> h{{"Content-Type", "application/json"},
                                         {"Cookie", "pingyi_staff=" + token + "; pingyi_csrf=" + csrf}};
    if (write) h["X-CSRF-Token"] = csrf;
    return h;
}

staff_member::staff_member(int port, std::string name, std::string password)
    : port_(port), name_(std::move(name)), password_(std::move(password)) {}

http_result staff_member::login(const std::map<std::string, std::string>& extra) const {
    json body = {{"username", name_}, {"password", password_}};
    for (const auto& [k, v] : extra) body[k] = v;
    return http_request(port_, "POST", "/admin/login", body.dump(), {{"Content-Type", "application/json"}});
}

staff_session staff_member::sign_in() {
    std::map<std::string, std::string> extra;
    if (!secret_.empty()) extra["totp"] = next_code();
    auto r = login(extra);
    REQUIRE_MESSAGE(r.status == 200, name_ << ": " << r.status << " " << r.body);
    staff_session s{set_cookie_value(r, "pingyi_staff"), json::parse(r.body).at("csrf")};
    REQUIRE(!s.token.empty());
    if (json::parse(r.body).value("restricted", "") == "totp_enrolment_required") enrol_totp(s);
    return s;
}

std::vector<std::string> staff_member::enrol_totp(const staff_session& s) {
    auto setup = http_request(port_, "POST", "/api/v1/admin/totp/setup", "{}", s.headers());
    REQUIRE_MESSAGE(setup.status == 200, setup.body);
    secret_ = json::parse(setup.body).at("secret");
    last_step_ = 0;
    auto confirm = http_request(port_, "POST", "/api/v1/admin/totp/confirm", json{{"code", next_code()}}.dump(),
                                s.headers());
    REQUIRE_MESSAGE(confirm.status == 200, confirm.body);
    return json::parse(confirm.body).at("recovery_codes").get<std::vector<std::string>>();
}

std::string staff_member::next_code() {
    REQUIRE(!secret_.empty());
    auto now = server::totp_step(unix_now());
    if (last_step_ > now) {
        // Both this step's and the next one's code are used: wait for the next step.
        std::this_thread::sleep_until(std::chrono::system_clock::time_point(std::chrono::seconds(now * 30 + 30)));
        now = server::totp_step(unix_now());
    }
    last_step_ = std::max(now, last_step_ + 1);
    return server::hotp(key_of(secret_), last_step_);
}

std::string staff_member::stale_code() const {
    return server::hotp(key_of(secret_), server::totp_step(unix_now()) - 10);
}

}  // namespace pingyi::test
