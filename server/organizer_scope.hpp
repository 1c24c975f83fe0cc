// Organizers (Art. 18) as the staff see them, without I/O: which campaigns
// a staff member may see and change, which organizer a campaign they create
// or edit belongs to, and the organizers they may pick from. A staff member
// of a county (principal::organizer "county-a") sees only campaigns whose
// organizer_id is "county-a"; the city level ("") sees every campaign.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "http/types.hpp"
#include "server/auth.hpp"
#include "server/config.hpp"

namespace pingyi::server {

// What the city level is called where an organizer's name is shown.
inline constexpr std::string_view city_level_name = "市普法办（市级）";

// [A-Za-z0-9_-]{1,64}: what config "organizers" ids, campaigns'
// organizer_id and staff accounts' organizer are made of.
bool valid_organizer_id(std::string_view id);

// Whether `who` may see and change the campaigns of `organizer_id`.
bool in_scope(const principal& who, std::string_view organizer_id);

struct organizer_refusal {
    http::status status;
    std::string code;     // organizer_forbidden (403) or unknown_organizer (400)
    std::string message;  // 中文
};

// The organizer_id a campaign gets when `who` creates it (`current`
// nullopt) or edits it (`current` its stored organizer_id), given the one
// the body asks for. County staff: "" or their own gives their own, another
// one is refused (403), and on an edit the campaign stays where it is. City
// staff: "" (the city level) or any configured organizer. An organizer not
// configured is refused (400), except the one the campaign has already.
std::variant<std::string, organizer_refusal> campaign_organizer(const principal& who, std::string_view requested,
                                                                std::optional<std::string_view> current,
                                                                const config& cfg);

struct organizer_entry {
    std::string id;  // "" = the city level
    std::string name;
    bool wechat_account = false;  // has an official account of its own
};

// The organizer of that id as shown to staff: the city level for "", an id
// the configuration does not have under its own id as name.
organizer_entry describe_organizer(const config& cfg, std::string_view id);

// The organizers `who` may put a campaign under: county staff their own;
// the city level itself first, then every configured organizer.
std::vector<organizer_entry> organizers_for(const principal& who, const config& cfg);

}  // namespace pingyi::server
