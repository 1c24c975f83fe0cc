#include "server/organizer_scope.hpp"

#include "vote/campaign.hpp"

namespace pingyi::server {

bool valid_organizer_id(std::string_view id) { return vote::valid_id(id); }

bool in_scope(const principal& who, std::string_view organizer_id) {
    return who.organizer.empty() || who.organizer == organizer_id;
}

std::variant<std::string, organizer_refusal> campaign_organizer(const principal& who, std::string_view requested,
                                                                std::optional<std::string_view> current,
                                                                const config& cfg) {
    std::string chosen(requested);
    if (!who.organizer.empty()) {
        if (chosen.empty()) chosen = who.organizer;
        if (chosen != who.organizer || (current && *current != chosen))
            return organizer_refusal{http::status::forbidden, "organizer_forbidden",
                                     "县区工作人员只能把评议放在本单位（" + who.organizer + "）之下"};
    }
    if (chosen.empty() || (current && *current == chosen) || find_organizer(cfg, chosen)) return chosen;
    return organizer_refusal{http::status::bad_request, "unknown_organizer",
                             "organizer_id 不是配置文件中的组织单位：" + chosen};
}

organizer_entry describe_organizer(const config& cfg, std::string_view id) {
    if (id.empty()) return {"", std::string(city_level_name), !cfg.wechat.appid.empty()};
    if (const auto* o = find_organizer(cfg, id)) return {o->id, o->name, o->wechat.has_value()};
    return {std::string(id), std::string(id), false};
}

std::vector<organizer_entry> organizers_for(const principal& who, const config& cfg) {
    if (!who.organizer.empty()) return {describe_organizer(cfg, who.organizer)};
    std::vector<organizer_entry> out{describe_organizer(cfg, "")};
    for (const auto& o : cfg.organizers) out.push_back(describe_organizer(cfg, o.id));
    return out;
}

}  // namespace pingyi::server
