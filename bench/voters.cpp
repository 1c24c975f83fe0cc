#include "bench/voters.hpp"

#include <fstream>
#include <stdexcept>

namespace pingyi::bench {

std::vector<voter_cookies> read_voters(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::vector<voter_cookies> out;
    std::string line;
    while (std::getline(in, line)) {
        auto tab = line.find('\t');
        if (tab == std::string::npos) continue;
        out.push_back({line.substr(0, tab), line.substr(tab + 1)});
    }
    if (out.empty()) throw std::runtime_error("no voters in " + path);
    return out;
}

std::string cookie_header(const voter_cookies& v) {
    return "pingyi_session=" + v.session + "; pingyi_csrf=" + v.csrf;
}

}  // namespace pingyi::bench
