#include "bench/options.hpp"

#include <iostream>
#include <stdexcept>

namespace pingyi::bench {

options::options(int argc, char** argv) {
    for (int i = 1; i < argc; i += 2) {
        std::string name = argv[i];
        if (!name.starts_with("--") || i + 1 >= argc) throw std::invalid_argument("expected --name value at " + name);
        values_[name.substr(2)] = argv[i + 1];
    }
}

std::string options::text(const std::string& name, const std::string& fallback) const {
    auto it = values_.find(name);
    return it == values_.end() ? fallback : it->second;
}

std::string options::text(const std::string& name) const {
    auto it = values_.find(name);
    if (it == values_.end()) throw std::invalid_argument("missing --" + name);
    return it->second;
}

long long options::number(const std::string& name, long long fallback) const {
    auto it = values_.find(name);
    return it == values_.end() ? fallback : std::stoll(it->second);
}

int run_tool(const char* name, int argc, char** argv, const std::function<int(const options&)>& run) {
    try {
        return run(options(argc, argv));
    } catch (const std::exception& e) {
        std::cerr << name << ": " << e.what() << '\n';
        return 2;
    }
}

}  // namespace pingyi::bench
