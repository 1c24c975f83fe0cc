// Built front-end files, read into memory once at start so that serving
// them never blocks an I/O thread. Immutable afterwards: safe to share
// between workers.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "http/types.hpp"

namespace pingyi::http {

class static_files {
public:
    // Loads every regular file under root (no symlinks followed out of it).
    // A missing root gives an empty set.
    explicit static_files(const std::string& root);

    bool empty() const { return files_.empty(); }
    std::size_t size() const { return files_.size(); }

    // The file at a relative path ("static/app.js"); nullptr when absent or
    // when the path tries to leave the root.
    struct file {
        std::string content;
        std::string content_type;
        std::string etag;
    };
    const file* find(std::string_view relative) const;

    // A 200 (or 304 when If-None-Match matches) for the file, or a 404.
    response serve(const request& req, std::string_view relative, std::string_view cache_control) const;

private:
    std::unordered_map<std::string, file> files_;
};

// True when a relative path is safe: no "..", no empty or "." segments, no
// backslash or NUL, not absolute.
bool safe_relative_path(std::string_view p);

}  // namespace pingyi::http
