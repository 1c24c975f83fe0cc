#include "server/demo.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include "redis/connection.hpp"
#include "server/app.hpp"
#include "server/campaign_cache.hpp"
#include "server/log.hpp"
#include "vote/campaign_store.hpp"
#include "vote/time.hpp"

namespace pingyi::server {

std::string demo_campaign_body(std::int64_t now) {
    struct demo_unit {
        const char* id;
        const char* name;
        const char* duties;
    };
    static const demo_unit units[] = {
        {"u01", "市公安局", "《治安管理处罚法》《道路交通安全法》等法律法规的普法宣传"},
        {"u02", "市司法局", "统筹全市普法工作，落实“谁执法谁普法”责任制"},
        {"u03", "市市场监督管理局", "《食品安全法》《产品质量法》等法律法规的普法宣传"},
        {"u04", "市生态环境局", "《环境保护法》《大气污染防治法》等法律法规的普法宣传"},
        {"u05", "市人力资源和社会保障局", "《劳动合同法》《社会保险法》等法律法规的普法宣传"},
        {"u06", "市税务局", "《税收征收管理法》及个人所得税政策的普法宣传"},
    };
    nlohmann::json list = nlohmann::json::array();
    for (const auto& u : units) {
        list.push_back({{"id", u.id},
                        {"name", u.name},
                        {"disclosure",
                         {{"duties", u.duties},
                          {"measures", "开展“法律进社区、进企业、进学校”活动，利用新媒体开展以案释法。"},
                          {"results", "全年开展普法活动 40 余场，受众逾 2 万人次（演示数据）。"}}}});
    }
    nlohmann::json body = {{"id", "demo"},
                           {"title", "（演示）国家机关“谁执法谁普法”履职报告评议"},
                           {"organizer", "韶关市普法办公室（演示）"},
                           {"opens_at", vote::format_rfc3339_shanghai(now - vote::day_ms)},
                           {"closes_at", vote::format_rfc3339_shanghai(now + 30 * vote::day_ms)},
                           {"units", list},
                           {"rules", {{"per_unit_per_day", 1}, {"per_day", 5}, {"max_choices", 3}}},
                           {"tally_visibility", "public"}};
    return body.dump();
}

boost::asio::awaitable<void> seed_demo_campaign(worker_state& w) {
    boost::asio::steady_timer timer(w.ioc);
    for (int attempt = 0; attempt < 600 && !w.stopping(); ++attempt) {
        if (w.redis->is_up()) {
            auto parsed = vote::parse_campaign(demo_campaign_body(now_ms()));
            const auto& campaign = std::get<vote::campaign>(parsed);
            auto call = vote::create_campaign_call(campaign);
            auto r = co_await w.redis->eval(w.shared.scripts.create_campaign, call.keys, call.args);
            if (!r.ec && !r.value.is_error()) {
                if (r.value.integer() == 1) {
                    std::vector<std::string> index{"ZADD", std::string(campaign_cache::index_key),
                                                   std::to_string(campaign.opens_ms), campaign.id};
                    co_await w.redis->exec(std::move(index));
                    log::info("demo campaign created", {{"campaign", campaign.id}});
                }
                co_return;
            }
        }
        timer.expires_after(std::chrono::milliseconds(100));
        boost::system::error_code ec;
        co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
        if (ec) co_return;
    }
}

}  // namespace pingyi::server
