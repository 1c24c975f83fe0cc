#include "http/router.hpp"

#include <stdexcept>

namespace pingyi::http {

namespace {

std::vector<std::string> split_path(std::string_view path) {
    std::vector<std::string> out;
    std::size_t i = 0;
    if (!path.empty() && path[0] == '/') i = 1;
    while (i <= path.size()) {
        std::size_t slash = path.find('/', i);
        if (slash == std::string_view::npos) slash = path.size();
        out.emplace_back(path.substr(i, slash - i));
        i = slash + 1;
    }
    return out;
}

bool is_capture(const std::string& seg) { return seg.size() > 2 && seg.front() == '{' && seg.back() == '}'; }
bool is_rest(const std::string& seg) { return is_capture(seg) && seg[1] == '*'; }

// Whether the path can match the pattern, judged by its literal segments
// and length alone: most routes fail here, before any capture is decoded.
bool shape_fits(const route& r, const std::vector<std::string>& path) {
    for (std::size_t i = 0; i < r.segments.size(); ++i) {
        const std::string& seg = r.segments[i];
        if (is_rest(seg)) return true;
        if (i >= path.size()) return false;
        if (!is_capture(seg) && seg != path[i]) return false;
    }
    return r.segments.size() == path.size();
}

// Matches path segments against a pattern, filling captures.
bool match_segments(const route& r, const std::vector<std::string>& path,
                    std::vector<std::pair<std::string, std::string>>& params) {
    params.clear();
    if (!shape_fits(r, path)) return false;
    for (std::size_t i = 0; i < r.segments.size(); ++i) {
        const std::string& seg = r.segments[i];
        if (is_rest(seg)) {
            std::string rest;
            for (std::size_t j = i; j < path.size(); ++j) {
                if (j > i) rest += '/';
                rest += path[j];
            }
            auto decoded = percent_decode(rest);
            if (!decoded) return false;
            params.emplace_back(seg.substr(2, seg.size() - 3), std::move(*decoded));
            return true;
        }
        if (i >= path.size()) return false;
        if (is_capture(seg)) {
            if (path[i].empty()) return false;
            auto decoded = percent_decode(path[i]);
            if (!decoded) return false;
            params.emplace_back(seg.substr(1, seg.size() - 2), std::move(*decoded));
        } else if (seg != path[i]) {
            return false;
        }
    }
    return r.segments.size() == path.size();
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

const std::string& request_context::param(std::string_view name) const {
    static const std::string none;
    for (const auto& [k, v] : params)
        if (k == name) return v;
    return none;
}

void router::add(verb method, std::string_view pattern, handler fn, route_options options) {
    if (pattern.empty() || pattern[0] != '/') throw std::invalid_argument("route pattern must start with '/'");
    auto segments = split_path(pattern);
    for (std::size_t i = 0; i < segments.size(); ++i)
        if (is_rest(segments[i]) && i + 1 != segments.size())
            throw std::invalid_argument("{*rest} must be the last segment: " + std::string(pattern));
    routes_.push_back(route{method, std::string(pattern), std::move(segments), std::move(fn), options});
}

route_match router::match(verb method, std::string_view path) const {
    route_match m;
    auto segments = split_path(path);
    std::vector<std::pair<std::string, std::string>> params;
    for (const auto& r : routes_) {
        if (!match_segments(r, segments, params)) continue;
        m.path_known = true;
        if (r.method == method || (method == verb::head && r.method == verb::get)) {
            m.matched = &r;
            m.params = std::move(params);
            return m;
        }
    }
    return m;
}

std::string router::allowed_methods(std::string_view path) const {
    std::string out;
    auto segments = split_path(path);
    std::vector<std::pair<std::string, std::string>> params;
    for (const auto& r : routes_) {
        if (!match_segments(r, segments, params)) continue;
        std::string_view name = bhttp::to_string(r.method);
        if (out.find(name) != std::string::npos) continue;
        if (!out.empty()) out += ", ";
        out += name;
    }
    return out;
}

std::optional<std::string> percent_decode(std::string_view in, bool plus_as_space) {
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c == '%') {
            if (i + 2 >= in.size()) return std::nullopt;
            int hi = hex_value(in[i + 1]);
            int lo = hex_value(in[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus_as_space) {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace pingyi::http
