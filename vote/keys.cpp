#include "vote/keys.hpp"

namespace pingyi::vote::keys {

std::string tagged(std::string_view cid, std::string_view rest) {
    std::string k = "{c:";
    k.append(cid).append("}:").append(rest);
    return k;
}

std::string pattern(std::string_view cid) { return tagged(cid, "*"); }
std::string campaign(std::string_view cid) { return tagged(cid, "campaign"); }
std::string rules(std::string_view cid) { return tagged(cid, "rules"); }
std::string tally(std::string_view cid) { return tagged(cid, "tally"); }
std::string log(std::string_view cid) { return tagged(cid, "log"); }
std::string voter(std::string_view cid, std::string_view voter) { return tagged(cid, "v:" + std::string(voter)); }
std::string idempotency(std::string_view cid, std::string_view voter, std::string_view key) {
    return tagged(cid, "idem:" + std::string(voter) + ":" + std::string(key));
}
std::string limit_voter(std::string_view cid, std::string_view voter) {
    return tagged(cid, "rl:v:" + std::string(voter));
}
std::string limit_address(std::string_view cid, std::string_view address) {
    return tagged(cid, "rl:a:" + std::string(address));
}
std::string limit_campaign(std::string_view cid) { return tagged(cid, "rl:c"); }
std::string refusals(std::string_view cid) { return tagged(cid, "refused"); }
std::string origin(std::string_view cid, std::int64_t bucket_ms) { return origin_prefix(cid) + std::to_string(bucket_ms); }
std::string origin_prefix(std::string_view cid) { return tagged(cid, "origin:"); }
std::string log_key(std::string_view cid) { return tagged(cid, "voter-key"); }

bool holds_personal_data(std::string_view cid, std::string_view key) {
    const std::string prefix = tagged(cid, "");
    if (!key.starts_with(prefix)) return false;
    const std::string_view rest = key.substr(prefix.size());
    for (std::string_view personal : {"v:", "idem:", "rl:v:", "rl:a:", "origin:"})
        if (rest.starts_with(personal)) return true;
    return key == log_key(cid);
}

}  // namespace pingyi::vote::keys
