#include "server/wechat_accounts.hpp"

#include <optional>
#include <system_error>

#include "redis/connection.hpp"
#include "wechat/api_client.hpp"
#include "wechat/token_store.hpp"

namespace pingyi::server {

namespace {

// `what` names the setting in the start-up error.
std::unique_ptr<wechat::key_ring> key_ring_of(const wechat_settings& s, const std::string& what) {
    if (s.aes_key.empty()) return nullptr;
    try {
        std::optional<wechat::message_cipher> previous;
        if (!s.aes_key_previous.empty()) previous.emplace(s.aes_key_previous, s.appid);
        return std::make_unique<wechat::key_ring>(wechat::message_cipher(s.aes_key, s.appid), std::move(previous));
    } catch (const std::system_error& e) {
        throw config_error(what + ": " + e.what());
    }
}

}  // namespace

wechat_accounts::wechat_accounts(const config& c) {
    accounts_.push_back({"", c.wechat, key_ring_of(c.wechat, "PINGYI_WECHAT_AES_KEY")});
    for (const auto& o : c.organizers)
        if (o.wechat) accounts_.push_back({o.id, *o.wechat, key_ring_of(*o.wechat, "organizers: " + o.id + ".wechat.aes_key")});
}

const wechat_account* wechat_accounts::find(std::string_view id) const {
    for (const auto& a : accounts_)
        if (a.id == id) return &a;
    return nullptr;
}

const wechat_account& wechat_accounts::of_campaign(const vote::campaign& c) const {
    const auto* own = c.organizer_id.empty() ? nullptr : find(c.organizer_id);
    return own ? *own : default_account();
}

std::vector<const vote::campaign*> campaigns_of_account(const wechat_accounts& accounts, const wechat_account& account,
                                                        const std::vector<const vote::campaign*>& campaigns) {
    std::vector<const vote::campaign*> out;
    for (const auto* c : campaigns)
        if (&accounts.of_campaign(*c) == &account) out.push_back(c);
    return out;
}

wechat_clients::wechat_clients(const wechat_accounts& accounts, http::client& http, redis::connection& redis)
    : accounts_(accounts) {
    for (const auto& a : accounts.all()) {
        wechat::api_options options;
        options.api_base = a.settings.api_base;
        options.appid = a.settings.appid;
        options.secret = a.settings.secret;
        client c;
        c.api = std::make_unique<wechat::api_client>(options, http);
        // The store's Redis keys carry the appid: accounts never share a token.
        c.tokens = std::make_unique<wechat::token_store>(redis, *c.api);
        clients_.push_back(std::move(c));
    }
}

wechat_clients::~wechat_clients() = default;

wechat_clients::client& wechat_clients::of(const wechat_account& account) {
    return clients_[static_cast<std::size_t>(&account - accounts_.all().data())];
}

wechat::api_client& wechat_clients::api(const wechat_account& account) { return *of(account).api; }

wechat::token_store& wechat_clients::tokens(const wechat_account& account) { return *of(account).tokens; }

}  // namespace pingyi::server
