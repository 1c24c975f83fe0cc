#include "tools/purge.hpp"

#include <chrono>
#include <iostream>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "redis/connection.hpp"
#include "server/privacy_purge.hpp"
#include "tools/args.hpp"
#include "tools/command.hpp"
#include "tools/staff_cli.hpp"
#include "vote/campaign_store.hpp"
#include "vote/time.hpp"

namespace pingyi::tools {

namespace asio = boost::asio;
using boost::system::error_code;

const char* const purge_usage =
    "用法 (usage): pingyi purge --campaign CID [--early] [--redis-url URL]\n"
    "  删除已结束评议的投票人个人信息（投票记录、幂等键、限流状态、来源地址、异常信号审核记录），\n"
    "  并销毁投票日志匿名编号的密钥；投票日志、票数和结果保留，pingyi verify 照样通过。\n"
    "  Deletes a closed campaign's personal data of voters and destroys the key of its log's\n"
    "  pseudonyms; the log, the tally and the results stay and still verify.\n"
    "  保存期限（closes_at + privacy.retention_days）未到时须加 --early (before the retention ends: --early).\n"
    "  --redis-url defaults to $PINGYI_REDIS_URL, else redis://127.0.0.1:6379/0.\n"
    "  退出码 (exit): 0 已删除或早已删除 (purged, now or before)，1 未删除 (refused or failed)，2 用法错误 (bad usage)\n";

namespace {

struct purge_request {
    std::string cid;
    bool early = false;
    std::string redis;  // host:port, for messages
};

asio::awaitable<bool> wait_until_up(redis::connection& redis) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (int i = 0; i < 50 && !redis.is_up(); ++i) {
        timer.expires_after(std::chrono::milliseconds(100));
        co_await timer.async_wait(asio::use_awaitable);
    }
    co_return redis.is_up();
}

asio::awaitable<int> purge(redis::connection& redis, const purge_request& q) {
    if (!co_await wait_until_up(redis)) {
        std::cerr << "无法连接 Redis (cannot connect to Redis): " << q.redis << "\n";
        co_return exit_failure;
    }
    auto command = vote::get_campaign_command(q.cid);
    auto stored = co_await redis.exec(std::move(command));
    if (!stored.ok()) {
        std::cerr << "Redis 没有应答 (Redis did not answer)\n";
        co_return exit_failure;
    }
    if (!stored.value.is_string()) {
        std::cerr << "没有这个评议活动 (no such campaign): " << q.cid << "\n";
        co_return exit_failure;
    }
    auto parsed = vote::parse_campaign(stored.value.str());
    const auto* c = std::get_if<vote::campaign>(&parsed);
    if (!c) {
        std::cerr << "评议活动无法读取 (unreadable campaign): " << q.cid << "\n";
        co_return exit_failure;
    }
    const auto now = now_ms();
    error_code ec;
    if (auto done = co_await server::purged_at(redis, c->id, ec); done || ec) {
        if (ec) std::cerr << "Redis 没有应答 (Redis did not answer)\n";
        else std::cout << "评议 " << c->id << " 的投票人个人信息已于 " << vote::format_rfc3339_shanghai(*done)
                       << " 删除 (purged before)\n";
        co_return ec ? exit_failure : exit_ok;
    }
    if (c->state(now) != vote::campaign_state::closed) {
        std::cerr << "评议尚未结束（截止 " << vote::format_rfc3339_shanghai(c->closes_ms)
                  << "），不能删除投票人的个人信息 (the campaign is not closed)\n";
        co_return exit_failure;
    }
    if (now < c->personal_data_until_ms() && !q.early) {
        std::cerr << "保存期限到 " << vote::format_rfc3339_shanghai(c->personal_data_until_ms())
                  << " 为止；要提前删除，请加 --early (the retention is not over: add --early)\n";
        co_return exit_failure;
    }
    auto deleted = co_await server::purge_personal_data(redis, *c, operator_name(), now, ec);
    if (ec) {
        std::cerr << "删除未完成，请重试 (the purge did not finish, run it again): " << ec.message() << "\n";
        co_return exit_failure;
    }
    std::cout << "已删除评议 " << c->id << " 的投票人个人信息：" << deleted << " 个键 (purged: " << deleted
              << " keys)\n";
    co_return exit_ok;
}

}  // namespace

int run_purge(const std::vector<std::string>& words) {
    args a(words, {"early"});
    auto usage_error = [](const std::string& why) {
        std::cerr << why << "\n" << purge_usage;
        return exit_usage;
    };
    if (!a.error().empty()) return usage_error(a.error());
    if (auto unknown = a.unknown({"campaign", "early", "redis-url"}); !unknown.empty())
        return usage_error("unknown option: " + unknown);
    if (!a.positional().empty()) return usage_error("unexpected argument: " + a.positional().front());
    std::string url_error;
    auto endpoint = redis_endpoint(a, url_error);
    if (!endpoint) return usage_error(url_error);
    purge_request q{a.value_or("campaign", ""), a.flag("early"), endpoint->host + ":" + std::to_string(endpoint->port)};
    if (!vote::valid_id(q.cid)) return usage_error("--campaign must name a campaign id");

    asio::io_context ioc;
    redis::connection_options options;
    options.endpoint = *endpoint;
    redis::connection redis(ioc.get_executor(), options);
    redis.start();
    int status = exit_failure;
    asio::co_spawn(ioc, purge(redis, q), [&](std::exception_ptr failure, int result) {
        status = failure ? exit_failure : result;
        redis.stop();
    });
    ioc.run();
    return status;
}

}  // namespace pingyi::tools
