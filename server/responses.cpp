#include "server/responses.hpp"

#include <nlohmann/json.hpp>

namespace pingyi::server {

std::string escape_html(std::string_view in) {
    std::string out;
    for (char c : in) {
        switch (c) {
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '&': out += "&amp;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

http::response json_ok(const nlohmann::json& body, http::status s) {
    return http::json_response(s, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

http::response invalid_input(std::string_view code, std::string_view path, std::string_view message) {
    nlohmann::json error = {{"code", code}, {"message", message}};
    if (!path.empty()) error["field"] = path;
    return json_ok({{"error", error}}, http::status::bad_request);
}

http::response internal_error() {
    return http::json_error(http::status::internal_server_error, "internal", "服务器内部错误");
}

http::response redis_unavailable() {
    auto res = http::json_error(http::status::service_unavailable, "redis_unavailable", "服务暂时不可用，请稍后再试");
    res.set(http::field::retry_after, "1");
    return res;
}

http::response campaign_not_found() {
    return http::json_error(http::status::not_found, "campaign_not_found", "评议活动不存在");
}

http::response html_page(http::status s, std::string body) {
    http::response res{s, 11};
    res.set(http::field::content_type, "text/html; charset=utf-8");
    res.set(http::field::cache_control, "no-store");
    res.body() = std::move(body);
    return res;
}

http::response message_page(http::status s, std::string_view title, std::string_view message,
                            std::string_view link_href, std::string_view link_text) {
    std::string body =
        "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<title>" + escape_html(title) + "</title>"
        "<link rel=\"stylesheet\" href=\"/static/h5.css\"></head>"
        "<body><main class=\"message-page\" role=\"main\"><h1>" + escape_html(title) + "</h1>"
        "<p>" + escape_html(message) + "</p>";
    if (!link_href.empty())
        body += "<p><a class=\"weui-btn weui-btn_primary\" href=\"" + escape_html(link_href) + "\">" +
                escape_html(link_text) + "</a></p>";
    body += "</main></body></html>\n";
    return html_page(s, std::move(body));
}

http::response redirect(std::string_view location) {
    http::response res{http::status::found, 11};
    res.set(http::field::location, location);
    res.set(http::field::cache_control, "no-store");
    return res;
}

}  // namespace pingyi::server
