#include "wechat/api_client.hpp"

#include <nlohmann/json.hpp>

#include "http/client.hpp"
#include "http/query.hpp"

namespace pingyi::wechat {

namespace asio = boost::asio;
using json = nlohmann::json;
using verb = boost::beast::http::verb;

namespace {

api_error unavailable(std::string what, unsigned status = 0, boost::system::error_code ec = {}) {
    api_error e;
    e.type = api_error::kind::unavailable;
    e.errmsg = std::move(what);
    e.http_status = status;
    e.ec = ec;
    return e;
}

// WeChat's answer as JSON, or the failure classified. A non-zero errcode is
// a refusal, except -1 (busy), which is worth retrying.
api_result<json> classify(const http::client_response& res) {
    if (res.ec) return unavailable(res.ec.message(), 0, res.ec);
    if (res.status != 200) return unavailable("HTTP status " + std::to_string(res.status), res.status);
    json body = json::parse(res.body, nullptr, false);
    if (!body.is_object()) return unavailable("answer is not a JSON object", res.status);
    auto code = body.find("errcode");
    if (code != body.end() && !code->is_number_integer()) return unavailable("errcode is not a number", res.status);
    if (code != body.end() && code->get<long long>() != 0) {
        api_error e;
        e.errcode = code->get<long long>();
        e.type = e.busy() ? api_error::kind::unavailable : api_error::kind::refused;
        auto msg = body.find("errmsg");
        if (msg != body.end() && msg->is_string()) e.errmsg = msg->get<std::string>();
        e.http_status = res.status;
        return e;
    }
    return body;
}

std::string string_field(const json& body, const char* name) {
    auto it = body.find(name);
    return it != body.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

// The value under `name` and expires_in, both required.
api_result<expiring_value> expiring(const json& body, const char* name) {
    expiring_value out;
    out.value = string_field(body, name);
    auto expires = body.find("expires_in");
    if (out.value.empty() || expires == body.end() || !expires->is_number_integer() || expires->get<long long>() <= 0)
        return unavailable(std::string("answer lacks ") + name + " or expires_in", 200);
    out.expires_in = std::chrono::seconds(expires->get<long long>());
    return out;
}

}  // namespace

std::string api_error::describe() const {
    std::string out = refused() ? "refused" : "unavailable";
    if (errcode != 0) out += " errcode=" + std::to_string(errcode);
    if (http_status != 0 && http_status != 200) out += " status=" + std::to_string(http_status);
    if (!errmsg.empty()) out += ": " + errmsg;
    return out;
}

api_client::api_client(api_options options, http::client& http) : options_(std::move(options)), http_(http) {
    while (!options_.api_base.empty() && options_.api_base.back() == '/') options_.api_base.pop_back();
}

asio::awaitable<api_result<oauth_identity>> api_client::exchange_code(std::string code) {
    std::string url = options_.api_base + "/sns/oauth2/access_token?appid=" + http::url_encode(options_.appid) +
                      "&secret=" + http::url_encode(options_.secret) + "&code=" + http::url_encode(code) +
                      "&grant_type=authorization_code";
    auto res = co_await http_.request(verb::get, std::move(url), {}, {}, options_.timeout);
    auto body = classify(res);
    if (!body) co_return body.error();
    oauth_identity id;
    id.openid = string_field(body.value(), "openid");
    if (id.openid.empty()) co_return unavailable("answer lacks openid", 200);
    id.scope = string_field(body.value(), "scope");
    id.unionid = string_field(body.value(), "unionid");
    auto snapshot = body.value().find("is_snapshotuser");
    id.is_snapshotuser = snapshot != body.value().end() && snapshot->is_number_integer() && snapshot->get<int>() == 1;
    co_return id;
}

asio::awaitable<api_result<expiring_value>> api_client::stable_token(bool force_refresh) {
    json request = {{"grant_type", "client_credential"},
                    {"appid", options_.appid},
                    {"secret", options_.secret},
                    {"force_refresh", force_refresh}};
    http::header_list headers{{"Content-Type", "application/json; charset=utf-8"}};
    auto res = co_await http_.request(verb::post, options_.api_base + "/cgi-bin/stable_token", request.dump(),
                                      std::move(headers), options_.timeout);
    auto body = classify(res);
    if (!body) co_return body.error();
    co_return expiring(body.value(), "access_token");
}

asio::awaitable<api_result<expiring_value>> api_client::token() {
    std::string url = options_.api_base + "/cgi-bin/token?grant_type=client_credential&appid=" +
                      http::url_encode(options_.appid) + "&secret=" + http::url_encode(options_.secret);
    auto res = co_await http_.request(verb::get, std::move(url), {}, {}, options_.timeout);
    auto body = classify(res);
    if (!body) co_return body.error();
    co_return expiring(body.value(), "access_token");
}

asio::awaitable<api_result<expiring_value>> api_client::jsapi_ticket(std::string access_token) {
    std::string url = options_.api_base + "/cgi-bin/ticket/getticket?access_token=" + http::url_encode(access_token) +
                      "&type=jsapi";
    auto res = co_await http_.request(verb::get, std::move(url), {}, {}, options_.timeout);
    auto body = classify(res);
    if (!body) co_return body.error();
    co_return expiring(body.value(), "ticket");
}

}  // namespace pingyi::wechat
