#include "server/pages.hpp"

#include "server/app.hpp"
#include "server/responses.hpp"

namespace pingyi::server {

http::response serve_page(const worker_state& w, const http::request_context& ctx, std::string_view file) {
    auto res = w.shared.web.serve(ctx.req, file, "no-cache");
    if (res.result() == http::status::not_found)
        return message_page(http::status::service_unavailable, "页面暂不可用", "前端页面尚未构建（./dev build）。", "/",
                            "返回首页");
    return res;
}

http::response serve_link_page(const worker_state& w, const http::request_context& ctx, std::string_view file) {
    auto res = serve_page(w, ctx, file);
    res.set(http::field::cache_control, "no-store");
    res.set("Referrer-Policy", "no-referrer");
    return res;
}

}  // namespace pingyi::server
