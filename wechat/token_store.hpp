// access_token and jsapi_ticket shared by every server instance through
// Redis, so that instances never invalidate each other's token (the classic
// 40001 of every WeChat SDK): one refresher at a time under a Redis lock,
// a re-check after taking it, storage with an expiry ahead of WeChat's,
// refresh ahead of that expiry while the old value is still served, and a
// shared back-off when WeChat says it is busy (-1).
//
// Keys: <prefix>{wechat:<appid>}:access_token (and :fresh, :lock, :bad,
// :backoff beside it; the same under jsapi_ticket). The hash tag keeps one
// account's keys in one Redis Cluster slot.
//
// Threading: one store per io_context thread, with that thread's Redis
// connection and api_client; the stores coordinate through Redis only.
#pragma once

#include <chrono>
#include <random>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "wechat/api_client.hpp"

namespace pingyi::redis {
class connection;
}

namespace pingyi::wechat {

struct token_store_options {
    std::string key_prefix = "pingyi:";
    bool use_stable_token = true;                 // else the classic /cgi-bin/token
    std::chrono::seconds expiry_margin{120};      // a value is kept for expires_in minus this
    std::chrono::seconds refresh_ahead{600};      // and refreshed this long before that
    std::chrono::seconds min_refresh_interval{60};  // however short-lived a fetched value is
    std::chrono::milliseconds lock_ttl{10000};    // longer than a refresh can take (up to 4 API calls)
    std::chrono::milliseconds wait_step{50};      // how often a waiting instance re-reads
    std::chrono::milliseconds wait_max{4000};     // then it gives up (unavailable)
    std::chrono::milliseconds busy_backoff{2000}; // no instance calls WeChat this long after a -1
};

// What wx.config needs.
struct jssdk_config {
    std::string app_id;
    std::string timestamp;  // seconds since the epoch, as text
    std::string nonce_str;
    std::string signature;
};

class token_store {
public:
    // redis and api must outlive the store.
    token_store(redis::connection& redis, api_client& api, token_store_options options = {});

    boost::asio::awaitable<api_result<std::string>> access_token();
    // Fetched with access_token(); a 40001/40014/42001 there invalidates
    // that token (if still stored) and is retried once with a new one.
    boost::asio::awaitable<api_result<std::string>> jsapi_ticket();

    // A caller whose API call failed with invalid_token() reports the token
    // it used: it is dropped only if it is still the stored one (another
    // instance may have stored a fresh one meanwhile), and the next refresh
    // forces a new token. True when it was dropped. Then call
    // access_token() again and retry once.
    boost::asio::awaitable<bool> invalidate_access_token(std::string failed);
    boost::asio::awaitable<bool> invalidate_jsapi_ticket(std::string failed);

    // wx.config for a page URL (its #fragment is ignored).
    boost::asio::awaitable<api_result<jssdk_config>> make_jssdk_config(std::string url);

private:
    enum class resource { access_token, jsapi_ticket };
    struct keys {
        std::string value, fresh, lock, bad, backoff;
    };

    keys keys_of(resource r) const;
    boost::asio::awaitable<api_result<std::string>> obtain(resource r);
    boost::asio::awaitable<api_result<expiring_value>> fetch(resource r);
    boost::asio::awaitable<api_result<expiring_value>> fetch_access_token();
    boost::asio::awaitable<api_result<expiring_value>> fetch_jsapi_ticket();
    boost::asio::awaitable<bool> invalidate(resource r, std::string failed);
    std::string random_text(std::size_t n);

    redis::connection& redis_;
    api_client& api_;
    token_store_options options_;
    std::mt19937_64 random_;
};

}  // namespace pingyi::wechat
