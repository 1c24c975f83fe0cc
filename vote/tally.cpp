#include "vote/tally.hpp"

#include <charconv>
#include <set>

#include "vote/keys.hpp"

namespace pingyi::vote {
namespace {

using nlohmann::json;

std::int64_t to_int(const std::string& s) {
    std::int64_t v = 0;
    std::from_chars(s.data(), s.data() + s.size(), v);
    return v;
}

std::int64_t count_of(const tally_counts& t, const std::string& field) {
    auto it = t.counts.find(field);
    return it == t.counts.end() ? 0 : it->second;
}

// bands empty: plain votes per unit.
json build(const tally_counts& t, const std::vector<std::string>& units, const std::vector<std::string>& bands) {
    json list = json::array();
    for (const auto& u : units) {
        json entry = {{"id", u}};
        if (bands.empty()) {
            entry["votes"] = count_of(t, u);
        } else {
            json ratings = json::object();
            std::int64_t total = 0;
            for (const auto& b : bands) {
                const std::int64_t n = count_of(t, u + ":" + b);
                ratings[b] = n;
                total += n;
            }
            entry["votes"] = total;
            entry["ratings"] = std::move(ratings);
        }
        list.push_back(std::move(entry));
    }
    return {{"units", std::move(list)}, {"ballots", t.ballots}, {"voters", t.voters}};
}

}  // namespace

std::vector<std::string> tally_command(std::string_view cid) { return {"HGETALL", keys::tally(cid)}; }

tally_counts parse_tally(const std::vector<std::string>& reply) {
    tally_counts t;
    for (std::size_t i = 0; i + 1 < reply.size(); i += 2) {
        const std::int64_t v = to_int(reply[i + 1]);
        if (reply[i] == "#ballots")
            t.ballots = v;
        else if (reply[i] == "#voters")
            t.voters = v;
        else if (v != 0)
            t.counts[reply[i]] = v;
    }
    return t;
}

json tally_json(const tally_counts& t, const campaign& c) {
    std::vector<std::string> units;
    for (const auto& u : c.units) units.push_back(u.id);
    return build(t, units, c.satisfaction_mode() ? c.satisfaction_bands() : std::vector<std::string>{});
}

json tally_json(const tally_counts& t) {
    std::set<std::string> units, bands;
    for (const auto& [field, n] : t.counts) {
        const auto colon = field.find(':');
        units.insert(field.substr(0, colon));
        if (colon != std::string::npos) bands.insert(field.substr(colon + 1));
    }
    return build(t, {units.begin(), units.end()}, {bands.begin(), bands.end()});
}

std::optional<tally_counts> tally_from_json(const json& j) {
    if (!j.is_object() || !j.contains("units") || !j["units"].is_array()) return std::nullopt;
    tally_counts t;
    try {
        t.ballots = j.at("ballots").get<std::int64_t>();
        t.voters = j.at("voters").get<std::int64_t>();
        for (const auto& u : j["units"]) {
            const std::string id = u.at("id").get<std::string>();
            if (auto r = u.find("ratings"); r != u.end()) {
                for (const auto& [band, n] : r->items())
                    if (n.get<std::int64_t>() != 0) t.counts[id + ":" + band] = n.get<std::int64_t>();
            } else if (const std::int64_t n = u.at("votes").get<std::int64_t>(); n != 0) {
                t.counts[id] = n;
            }
        }
    } catch (const json::exception&) {
        return std::nullopt;
    }
    return t;
}

}  // namespace pingyi::vote
