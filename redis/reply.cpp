#include "redis/reply.hpp"

namespace pingyi::redis {

std::vector<std::string> reply::strings() const {
    std::vector<std::string> out;
    out.reserve(elements_.size());
    for (const auto& e : elements_) out.push_back(e.str_);
    return out;
}

std::string reply::to_string() const {
    switch (kind_) {
        case kind::nil: return "(nil)";
        case kind::integer: return std::to_string(integer_);
        case kind::string: return '"' + str_ + '"';
        case kind::status: return str_;
        case kind::error: return "(error) " + str_;
        case kind::array: break;
    }
    std::string out = "[";
    for (std::size_t i = 0; i < elements_.size(); ++i) {
        if (i > 0) out += ", ";
        out += elements_[i].to_string();
    }
    return out + "]";
}

}  // namespace pingyi::redis
