#include "http/query.hpp"

#include "http/router.hpp"

namespace pingyi::http {

std::optional<std::string> query_param(std::string_view query, std::string_view name) {
    std::size_t i = 0;
    while (i <= query.size()) {
        auto amp = query.find('&', i);
        if (amp == std::string_view::npos) amp = query.size();
        std::string_view pair = query.substr(i, amp - i);
        auto eq = pair.find('=');
        std::string_view key = pair.substr(0, eq);
        if (key == name) {
            if (eq == std::string_view::npos) return std::string{};
            return percent_decode(pair.substr(eq + 1), true);
        }
        i = amp + 1;
    }
    return std::nullopt;
}

std::string url_encode(std::string_view in) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(in.size() * 3);
    for (unsigned char c : in) {
        bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                          c == '.' || c == '_' || c == '~';
        if (unreserved) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

}  // namespace pingyi::http
