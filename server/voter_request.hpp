// What a voter's write carries, as every voter route checks it (ballots,
// suggestions): the pingyi_session cookie, valid now and issued through the
// campaign's official account (server/wechat_accounts.hpp), and the CSRF
// double submit: the X-CSRF-Token header equal to the pingyi_csrf cookie.
#pragma once

#include <optional>

#include "http/types.hpp"
#include "server/voter_session.hpp"
#include "vote/campaign.hpp"

namespace pingyi::server {

struct worker_state;

// The voter session the request presents, if it is valid now.
std::optional<voter_session> voter_session_of(const worker_state& w, const http::request_context& ctx);

// A session counts for a campaign only when it came through the campaign's
// account: its pseudonym is of that account's appid.
bool session_for_campaign(const worker_state& w, const voter_session& session, const vote::campaign& campaign);

bool voter_csrf_ok(const http::request_context& ctx);

}  // namespace pingyi::server
