// An owning Redis reply (RESP2): nil, integer, bulk string, status, error or
// array. Built from hiredis's redisReply by the reader, then independent of it.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace pingyi::redis {

class reply {
public:
    enum class kind { nil, integer, string, status, error, array };

    reply() = default;  // nil
    explicit reply(long long value) : kind_(kind::integer), integer_(value) {}
    // kind must be string, status or error.
    reply(kind k, std::string text) : kind_(k), str_(std::move(text)) {}
    explicit reply(std::vector<reply> elements) : kind_(kind::array), elements_(std::move(elements)) {}

    kind type() const { return kind_; }
    bool is_nil() const { return kind_ == kind::nil; }
    bool is_error() const { return kind_ == kind::error; }
    bool is_integer() const { return kind_ == kind::integer; }
    bool is_string() const { return kind_ == kind::string; }
    bool is_status() const { return kind_ == kind::status; }
    bool is_array() const { return kind_ == kind::array; }

    long long integer() const { return integer_; }
    const std::string& str() const { return str_; }  // string, status or error text
    const std::vector<reply>& elements() const { return elements_; }
    // The elements' texts, e.g. an HGETALL's field, value, field, value...
    std::vector<std::string> strings() const;

    // Readable form for logs and test failures, e.g. `["OK", 3, (nil)]`.
    std::string to_string() const;

    friend bool operator==(const reply&, const reply&) = default;

private:
    kind kind_ = kind::nil;
    long long integer_ = 0;
    std::string str_;
    std::vector<reply> elements_;
};

}  // namespace pingyi::redis
