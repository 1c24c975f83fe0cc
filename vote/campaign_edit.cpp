#include "vote/campaign_edit.hpp"

#include <algorithm>

namespace pingyi::vote {
namespace {

error locked(std::string path, const std::string& what) {
    return {"campaign_locked", std::move(path), "投票已经开始，不能再修改" + what};
}

}  // namespace

std::optional<error> locked_change(const campaign& before, const campaign& after, std::int64_t now_ms) {
    if (before.state(now_ms) == campaign_state::upcoming) return std::nullopt;
    if (after.opens_ms != before.opens_ms) return locked("opens_at", "开始时间");
    if (after.units.size() != before.units.size()) return locked("units", "评议单位的数量");
    for (std::size_t i = 0; i < before.units.size(); ++i)
        if (after.units[i].id != before.units[i].id)
            return locked("units[" + std::to_string(i) + "].id", "评议单位的编号和顺序");
    if (after.rules.per_unit_per_day != before.rules.per_unit_per_day ||
        after.rules.per_day != before.rules.per_day || after.rules.max_choices != before.rules.max_choices)
        return locked("rules", "投票规则");
    if (after.satisfaction_mode() != before.satisfaction_mode() ||
        after.satisfaction_bands() != before.satisfaction_bands())
        return locked("scoring", "选票的形式（满意度档次）");
    return std::nullopt;
}

std::optional<campaign> opened_now(campaign c, std::int64_t now_ms) {
    switch (c.state(now_ms)) {
    case campaign_state::upcoming: c.opens_ms = now_ms; return c;
    case campaign_state::open: return c;
    case campaign_state::closed: return std::nullopt;
    }
    return std::nullopt;
}

campaign closed_now(campaign c, std::int64_t now_ms) {
    switch (c.state(now_ms)) {
    case campaign_state::upcoming:
        // The window must stay non-empty; it lies wholly in the past, when
        // the campaign was still upcoming, so no ballot falls into it.
        c.opens_ms = now_ms - 1000;
        c.closes_ms = now_ms;
        break;
    case campaign_state::open: c.closes_ms = std::max(now_ms, c.opens_ms + 1); break;
    case campaign_state::closed: break;
    }
    return c;
}

}  // namespace pingyi::vote
