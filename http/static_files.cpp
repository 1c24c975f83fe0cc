#include "http/static_files.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <openssl/sha.h>

#include "http/server.hpp"

namespace pingyi::http {

namespace fs = std::filesystem;

namespace {

std::string type_of(const fs::path& p) {
    auto ext = p.extension().string();
    if (ext == ".html") return "text/html; charset=utf-8";
    if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
    if (ext == ".css") return "text/css; charset=utf-8";
    if (ext == ".json") return "application/json; charset=utf-8";
    if (ext == ".svg") return "image/svg+xml";
    if (ext == ".png") return "image/png";
    if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
    if (ext == ".ico") return "image/x-icon";
    if (ext == ".woff2") return "font/woff2";
    if (ext == ".txt") return "text/plain; charset=utf-8";
    if (ext == ".csv") return "text/csv; charset=utf-8";
    return "application/octet-stream";
}

std::string etag_of(const std::string& content) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(content.data()), content.size(), digest);
    static constexpr char hex[] = "0123456789abcdef";
    std::string out = "\"";
    for (int i = 0; i < 8; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 15];
    }
    return out + "\"";
}

}  // namespace

bool safe_relative_path(std::string_view p) {
    if (p.empty() || p.front() == '/') return false;
    if (p.find('\\') != std::string_view::npos || p.find('\0') != std::string_view::npos) return false;
    std::size_t i = 0;
    while (i <= p.size()) {
        auto slash = p.find('/', i);
        if (slash == std::string_view::npos) slash = p.size();
        auto seg = p.substr(i, slash - i);
        if (seg.empty() || seg == "." || seg == "..") return false;
        i = slash + 1;
    }
    return true;
}

static_files::static_files(const std::string& root) {
    std::error_code ec;
    if (root.empty() || !fs::is_directory(root, ec)) return;
    for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
        if (!it->is_regular_file(ec) || it->is_symlink(ec)) continue;
        std::ifstream in(it->path(), std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        file f;
        f.content = ss.str();
        f.content_type = type_of(it->path());
        f.etag = etag_of(f.content);
        files_.emplace(fs::relative(it->path(), root).generic_string(), std::move(f));
    }
}

const static_files::file* static_files::find(std::string_view relative) const {
    if (!safe_relative_path(relative)) return nullptr;
    auto it = files_.find(std::string(relative));
    return it == files_.end() ? nullptr : &it->second;
}

response static_files::serve(const request& req, std::string_view relative, std::string_view cache_control) const {
    const file* f = find(relative);
    if (!f) return json_error(status::not_found, "not_found", "文件不存在");
    if (req[field::if_none_match] == f->etag) {
        response res{status::not_modified, 11};
        res.set(field::etag, f->etag);
        res.set(field::cache_control, cache_control);
        return res;
    }
    response res{status::ok, 11};
    res.set(field::content_type, f->content_type);
    res.set(field::etag, f->etag);
    res.set(field::cache_control, cache_control);
    res.body() = f->content;
    return res;
}

}  // namespace pingyi::http
