#include "wechat/token_store.hpp"

#include <algorithm>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "redis/connection.hpp"
#include "wechat/signature.hpp"

namespace pingyi::wechat {

namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {

// Deletes the lock only while it still holds our id: a lock that expired
// and was taken by another instance is not ours to release.
const redis::script release_lock_script("wechat_release_lock", R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
)lua");

// Drops the stored value only if it is the one that failed, and remembers
// it as bad so that the next refresh forces a new one.
const redis::script invalidate_script("wechat_invalidate", R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1], KEYS[2])
  redis.call('SET', KEYS[3], ARGV[1], 'EX', 7200)
  return 1
end
return 0
)lua");

api_error redis_failure(const redis::result& r) {
    api_error e;
    e.type = api_error::kind::unavailable;
    e.ec = r.ec;
    e.errmsg = "redis: " + (r.ec ? r.ec.message() : r.value.str());
    return e;
}

api_error busy_error() {
    api_error e;
    e.type = api_error::kind::unavailable;
    e.errcode = -1;
    e.errmsg = "WeChat busy: backing off";
    return e;
}

asio::awaitable<void> sleep_for(milliseconds d) {
    asio::steady_timer timer(co_await asio::this_coro::executor, d);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

long long ms(milliseconds d) { return d.count(); }

}  // namespace

token_store::token_store(redis::connection& redis, api_client& api, token_store_options options)
    : redis_(redis), api_(api), options_(std::move(options)), random_(std::random_device{}()) {}

token_store::keys token_store::keys_of(resource r) const {
    std::string base = options_.key_prefix + "{wechat:" + api_.options().appid + "}:" +
                       (r == resource::access_token ? "access_token" : "jsapi_ticket");
    return {base, base + ":fresh", base + ":lock", base + ":bad", base + ":backoff"};
}

std::string token_store::random_text(std::size_t n) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    std::uniform_int_distribution<std::size_t> pick(0, sizeof(alphabet) - 2);
    std::string out(n, ' ');
    for (auto& c : out) c = alphabet[pick(random_)];
    return out;
}

asio::awaitable<api_result<std::string>> token_store::access_token() {
    co_return co_await obtain(resource::access_token);
}

asio::awaitable<api_result<std::string>> token_store::jsapi_ticket() {
    co_return co_await obtain(resource::jsapi_ticket);
}

asio::awaitable<bool> token_store::invalidate_access_token(std::string failed) {
    co_return co_await invalidate(resource::access_token, std::move(failed));
}

asio::awaitable<bool> token_store::invalidate_jsapi_ticket(std::string failed) {
    co_return co_await invalidate(resource::jsapi_ticket, std::move(failed));
}

asio::awaitable<bool> token_store::invalidate(resource r, std::string failed) {
    auto k = keys_of(r);
    std::vector<std::string> key_args{k.value, k.fresh, k.bad};
    std::vector<std::string> args{std::move(failed)};
    auto res = co_await redis_.eval(invalidate_script, std::move(key_args), std::move(args));
    co_return res.ok() && res.value.integer() == 1;
}

// Serve the stored value while it is fresh; past its refresh time, one
// instance (the lock holder) refreshes while the others keep serving it;
// with nothing stored, the others wait for the holder's result.
asio::awaitable<api_result<std::string>> token_store::obtain(resource r) {
    auto k = keys_of(r);
    auto give_up = std::chrono::steady_clock::now() + options_.wait_max;
    for (;;) {
        std::vector<std::vector<std::string>> reads{{"GET", k.value}, {"EXISTS", k.fresh}, {"EXISTS", k.backoff}};
        auto state = co_await redis_.exec_many(std::move(reads));
        for (const auto& s : state)
            if (!s.ok()) co_return redis_failure(s);
        bool stored = state[0].value.is_string();
        std::string current = stored ? state[0].value.str() : std::string{};
        if (stored && state[1].value.integer() == 1) co_return current;
        if (state[2].value.integer() == 1) {
            if (stored) co_return current;
            co_return busy_error();
        }

        std::string lock_id = random_text(24);
        std::vector<std::string> take{"SET", k.lock, lock_id, "NX", "PX", std::to_string(ms(options_.lock_ttl))};
        auto locked = co_await redis_.exec(std::move(take));
        if (!locked.ok()) co_return redis_failure(locked);
        if (locked.value.is_nil()) {
            if (stored) co_return current;
            if (std::chrono::steady_clock::now() >= give_up) {
                api_error e;
                e.errmsg = "timed out waiting for another instance's refresh";
                co_return e;
            }
            co_await sleep_for(options_.wait_step);
            continue;
        }

        // Another instance may have refreshed between our read and our lock.
        std::vector<std::vector<std::string>> recheck{{"GET", k.value}, {"EXISTS", k.fresh}};
        auto again = co_await redis_.exec_many(std::move(recheck));
        api_result<std::string> outcome = current;
        if (!again[0].ok() || !again[1].ok()) {
            outcome = redis_failure(again[0].ok() ? again[1] : again[0]);
        } else if (again[0].value.is_string() && again[1].value.integer() == 1) {
            outcome = again[0].value.str();
        } else {
            auto fetched = co_await fetch(r);
            if (fetched) {
                auto life = fetched.value().expires_in;
                auto keep = life > 2 * options_.expiry_margin ? life - options_.expiry_margin : life / 2;
                auto fresh_for = std::max(keep - options_.refresh_ahead, options_.min_refresh_interval);
                std::vector<std::vector<std::string>> store{
                    {"SET", k.value, fetched.value().value, "EX", std::to_string(std::max<long long>(keep.count(), 1))},
                    {"SET", k.fresh, "1", "EX", std::to_string(fresh_for.count())}};
                // Not stored (Redis failed just now)? The value is still good to use.
                co_await redis_.exec_many(std::move(store));
                outcome = fetched.value().value;
            } else {
                if (fetched.error().busy()) {
                    std::vector<std::string> backoff{"SET", k.backoff, "1", "PX", std::to_string(ms(options_.busy_backoff))};
                    co_await redis_.exec(std::move(backoff));
                }
                // A still-valid old value beats an error.
                if (!stored) outcome = fetched.error();
            }
        }
        std::vector<std::string> lock_keys{k.lock};
        std::vector<std::string> lock_args{lock_id};
        co_await redis_.eval(release_lock_script, std::move(lock_keys), std::move(lock_args));
        co_return outcome;
    }
}

asio::awaitable<api_result<expiring_value>> token_store::fetch(resource r) {
    if (r == resource::access_token) co_return co_await fetch_access_token();
    co_return co_await fetch_jsapi_ticket();
}

asio::awaitable<api_result<expiring_value>> token_store::fetch_access_token() {
    if (!options_.use_stable_token) co_return co_await api_.token();
    auto got = co_await api_.stable_token(false);
    if (!got) co_return got;
    // stable_token keeps answering the same token while WeChat deems it
    // valid; one that failed for us must be replaced by force.
    std::vector<std::string> read_bad{"GET", keys_of(resource::access_token).bad};
    auto bad = co_await redis_.exec(std::move(read_bad));
    if (bad.ok() && bad.value.is_string() && bad.value.str() == got.value().value) {
        auto forced = co_await api_.stable_token(true);
        co_return forced;
    }
    co_return got;
}

asio::awaitable<api_result<expiring_value>> token_store::fetch_jsapi_ticket() {
    auto token = co_await access_token();
    if (!token) co_return token.error();
    auto ticket = co_await api_.jsapi_ticket(token.value());
    if (ticket || !ticket.error().invalid_token()) co_return ticket;
    co_await invalidate_access_token(token.value());
    auto retry_token = co_await access_token();
    if (!retry_token) co_return retry_token.error();
    auto retried = co_await api_.jsapi_ticket(retry_token.value());
    co_return retried;
}

asio::awaitable<api_result<jssdk_config>> token_store::make_jssdk_config(std::string url) {
    auto ticket = co_await jsapi_ticket();
    if (!ticket) co_return ticket.error();
    jssdk_config out;
    out.app_id = api_.options().appid;
    out.timestamp = std::to_string(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    out.nonce_str = random_text(16);
    out.signature = jssdk_signature(ticket.value(), out.nonce_str, out.timestamp, url);
    co_return out;
}

}  // namespace pingyi::wechat
