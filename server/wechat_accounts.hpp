// The official accounts (公众号) the server speaks for: the PINGYI_WECHAT_*
// account, whose id is "", and one per organizer that has its own `wechat`
// in the config file, whose id is the organizer's (callbacks at
// /wechat/<id>). A campaign belongs to its organizer's account when that
// organizer has one, else to the default account: its vote page logs in
// through that account and its voters' pseudonyms are HMAC(key, appid ‖
// openid) with that account's appid.
//
// wechat_accounts is fixed at start and shared by every worker (the
// settings and EncodingAESKey rings); wechat_clients is a worker's API
// clients and token stores, one per account.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/config.hpp"
#include "vote/campaign.hpp"
#include "wechat/crypto.hpp"

namespace pingyi::redis {
class connection;
}
namespace pingyi::http {
class client;
}
namespace pingyi::wechat {
class api_client;
class token_store;
}

namespace pingyi::server {

struct wechat_account {
    std::string id;  // "" = the PINGYI_WECHAT_* account; else its organizer's id
    wechat_settings settings;
    std::unique_ptr<wechat::key_ring> keys;  // when an EncodingAESKey is set
};

class wechat_accounts {
public:
    // Throws config_error when an EncodingAESKey is not a key.
    explicit wechat_accounts(const config& c);

    const wechat_account& default_account() const { return accounts_.front(); }
    // The account of that id, or null.
    const wechat_account* find(std::string_view id) const;
    // The account of the campaign's organizer, else the default one.
    const wechat_account& of_campaign(const vote::campaign& c) const;
    // Whether any organizer has an account of its own.
    bool several() const { return accounts_.size() > 1; }
    const std::vector<wechat_account>& all() const { return accounts_; }

private:
    std::vector<wechat_account> accounts_;  // the default one first
};

// The campaigns that belong to the account (its reply to 投票 points at
// these only).
std::vector<const vote::campaign*> campaigns_of_account(const wechat_accounts& accounts, const wechat_account& account,
                                                        const std::vector<const vote::campaign*>& campaigns);

// One worker's way to call WeChat's API as each account.
class wechat_clients {
public:
    // accounts, http and redis must outlive this.
    wechat_clients(const wechat_accounts& accounts, http::client& http, redis::connection& redis);
    ~wechat_clients();

    wechat::api_client& api(const wechat_account& account);
    wechat::token_store& tokens(const wechat_account& account);

private:
    struct client {
        std::unique_ptr<wechat::api_client> api;
        std::unique_ptr<wechat::token_store> tokens;
    };
    client& of(const wechat_account& account);

    const wechat_accounts& accounts_;
    std::vector<client> clients_;  // in the order of accounts_.all()
};

}  // namespace pingyi::server
