#include "tools/args.hpp"

namespace pingyi::tools {

args::args(const std::vector<std::string>& words, std::set<std::string, std::less<>> flags) {
    for (std::size_t i = 0; i < words.size(); ++i) {
        const std::string& w = words[i];
        if (w.size() < 3 || w.compare(0, 2, "--") != 0) {
            positional_.push_back(w);
            continue;
        }
        std::string name = w.substr(2);
        auto eq = name.find('=');
        if (eq != std::string::npos) {
            values_[name.substr(0, eq)] = name.substr(eq + 1);
        } else if (flags.count(name)) {
            flags_set_.insert(name);
        } else if (i + 1 < words.size()) {
            values_[name] = words[++i];
        } else {
            error_ = "--" + name + " needs a value";
            return;
        }
    }
}

std::optional<std::string> args::value(std::string_view name) const {
    auto it = values_.find(name);
    if (it == values_.end()) return std::nullopt;
    return it->second;
}

std::string args::value_or(std::string_view name, std::string fallback) const {
    auto v = value(name);
    return v ? *v : std::move(fallback);
}

bool args::flag(std::string_view name) const { return flags_set_.count(name) > 0; }

std::string args::unknown(const std::set<std::string, std::less<>>& known) const {
    std::string out;
    auto note = [&](const std::string& name) {
        if (known.count(name)) return;
        if (!out.empty()) out += ", ";
        out += "--" + name;
    };
    for (const auto& [name, value] : values_) note(name);
    for (const auto& name : flags_set_) note(name);
    return out;
}

}  // namespace pingyi::tools
