#include "server/attachment_store.hpp"

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <tuple>
#include <type_traits>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "http/cookies.hpp"
#include "redis/connection.hpp"
#include "server/app.hpp"
#include "server/file_type.hpp"
#include "server/log.hpp"
#include "server/responses.hpp"
#include "vote/digest.hpp"
#include "vote/time.hpp"

namespace pingyi::server {

namespace asio = boost::asio;
using boost::system::error_code;
using nlohmann::json;

namespace {

constexpr mode_t dir_mode = 0750;
constexpr mode_t file_mode = 0640;

error_code last_error() { return {errno, boost::system::system_category()}; }

std::string files_key(std::string_view owner) { return std::string(owner) + ":files"; }

// <dir>/<2 hex>/<64 hex>: the content's digest and nothing of the client's.
std::filesystem::path path_of(const std::string& dir, std::string_view sha256) {
    return std::filesystem::path(dir) / sha256.substr(0, 2) / sha256;
}

// A file descriptor closed on every way out.
class fd_guard {
public:
    explicit fd_guard(int fd) : fd_(fd) {}
    ~fd_guard() {
        if (fd_ >= 0) ::close(fd_);
    }
    fd_guard(const fd_guard&) = delete;
    fd_guard& operator=(const fd_guard&) = delete;
    int get() const { return fd_; }
    // Closes now, for the error close() may report.
    error_code close() {
        int fd = fd_;
        fd_ = -1;
        return ::close(fd) == 0 ? error_code{} : last_error();
    }

private:
    int fd_;
};

error_code make_dir(const std::filesystem::path& dir) {
    if (::mkdir(dir.c_str(), dir_mode) == 0) return ::chmod(dir.c_str(), dir_mode) == 0 ? error_code{} : last_error();
    return errno == EEXIST ? error_code{} : last_error();
}

error_code write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        auto n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return last_error();
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
}

error_code sync_dir(const std::filesystem::path& dir) {
    fd_guard fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() < 0) return last_error();
    return ::fsync(fd.get()) == 0 ? error_code{} : last_error();
}

// Writes `bytes` to `target` so that a reader (or a crash) sees the whole
// file or none: a temporary file in the same directory, fsync, rename,
// fsync the directory. Content-addressed: a file already there of the same
// size is the same file.
error_code write_atomically(const std::filesystem::path& target, std::string_view bytes) {
    const auto dir = target.parent_path();
    if (auto ec = make_dir(dir)) return ec;
    struct stat existing{};
    if (::stat(target.c_str(), &existing) == 0 && static_cast<std::size_t>(existing.st_size) == bytes.size()) return {};
    const auto temp = dir / (".tmp-" + http::random_token(16));
    fd_guard fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, file_mode));
    if (fd.get() < 0) return last_error();
    error_code ec = write_all(fd.get(), bytes);
    // The umask must not narrow what the backup user may read.
    if (!ec && ::fchmod(fd.get(), file_mode) != 0) ec = last_error();
    if (!ec && ::fsync(fd.get()) != 0) ec = last_error();
    if (auto closed = fd.close(); !ec) ec = closed;
    if (!ec && ::rename(temp.c_str(), target.c_str()) != 0) ec = last_error();
    if (ec) {
        ::unlink(temp.c_str());
        return ec;
    }
    return sync_dir(dir);
}

error_code read_whole(const std::filesystem::path& path, std::string& out) {
    fd_guard fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) return last_error();
    struct stat st{};
    if (::fstat(fd.get(), &st) != 0) return last_error();
    out.resize(static_cast<std::size_t>(st.st_size));
    std::size_t done = 0;
    while (done < out.size()) {
        auto n = ::read(fd.get(), out.data() + done, out.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return last_error();
        if (n == 0) break;
        done += static_cast<std::size_t>(n);
    }
    out.resize(done);
    return {};
}

template <class Fn>
asio::awaitable<std::invoke_result_t<Fn&>> run_job(Fn fn) {
    co_return fn();
}

// Runs `fn` (blocking disk work) on the shared pool; the caller resumes on
// its own worker's executor afterwards.
template <class Fn>
asio::awaitable<std::invoke_result_t<Fn&>> on_blocking_pool(worker_state& w, Fn fn) {
    auto job = run_job(std::move(fn));
    auto result = co_await asio::co_spawn(*w.shared.blocking, std::move(job), asio::use_awaitable);
    co_return result;
}

std::string size_text(std::size_t bytes) {
    constexpr std::size_t mib = 1024 * 1024;
    if (bytes % mib == 0) return std::to_string(bytes / mib) + " MB";
    return std::to_string(bytes / 1024) + " KB";
}

http::response attachments_disabled() {
    return http::json_error(http::status::service_unavailable, "attachments_disabled",
                            "服务器未配置附件存放目录（PINGYI_ATTACHMENTS_DIR），暂不能上传或下载附件");
}

http::response disk_failed(std::string_view what, const error_code& ec) {
    log::error("attachment disk error", {{"what", what}, {"error", ec.message()}});
    return http::json_error(http::status::internal_server_error, "attachment_storage_failed",
                            "附件读写失败，请稍后重试或联系管理员");
}

// RFC 6266: a plain-ASCII fallback, and the UTF-8 name percent-encoded
// (RFC 8187) for every browser that reads filename*.
std::string content_disposition(std::string_view name) {
    constexpr std::string_view attr_chars =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$&+-.^_`|~";
    constexpr std::string_view hex = "0123456789ABCDEF";
    std::string fallback;
    std::string encoded;
    for (char c : name) {
        auto byte = static_cast<unsigned char>(c);
        fallback += byte < 0x80 && c != '"' && c != '\\' ? c : '_';
        if (attr_chars.find(c) != std::string_view::npos) {
            encoded += c;
        } else {
            encoded += '%';
            encoded += hex[byte >> 4];
            encoded += hex[byte & 0xf];
        }
    }
    return "attachment; filename=\"" + fallback + "\"; filename*=UTF-8''" + encoded;
}

// One stored attachment's description, or nullopt (not there, or Redis
// failed: see ec).
asio::awaitable<std::optional<attachment>> find_attachment(worker_state& w, const std::string& owner,
                                                           const std::string& id, error_code& ec) {
    std::vector<std::string> command{"HGET", files_key(owner), id};
    auto r = co_await w.redis->exec(std::move(command));
    if (!r.ok()) {
        ec = r.ec ? r.ec : make_error_code(boost::system::errc::io_error);
        co_return std::nullopt;
    }
    if (r.value.is_nil()) co_return std::nullopt;
    auto found = attachment_from_json(r.value.str());
    if (!found) log::error("attachment record unreadable", {{"owner", owner}, {"id", id}});
    co_return found;
}

}  // namespace

std::optional<std::string> prepare_attachments_dir(const std::string& dir) {
    std::error_code ec;
    if (!std::filesystem::exists(dir, ec)) {
        std::filesystem::create_directories(dir, ec);
        if (ec) return "无法创建目录 (cannot create) " + dir + ": " + ec.message();
        std::filesystem::permissions(dir, static_cast<std::filesystem::perms>(dir_mode), ec);
        if (ec) return "无法设置目录权限 (cannot chmod) " + dir + ": " + ec.message();
    }
    if (!std::filesystem::is_directory(dir, ec)) return "不是目录 (not a directory): " + dir;
    // Writable by this user, as the uploads will need: try it.
    auto probe = std::filesystem::path(dir) / (".probe-" + http::random_token(16));
    fd_guard fd(::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, file_mode));
    if (fd.get() < 0) return "目录不可写 (not writable) " + dir + ": " + last_error().message();
    fd.close();
    ::unlink(probe.c_str());
    return std::nullopt;
}

http::route_options upload_route_options(const config& cfg) { return {.body_limit = cfg.attachment_max_bytes}; }

json attachment::to_json() const {
    return {{"id", id},           {"name", name},     {"type", type},
            {"size", size},       {"sha256", sha256}, {"uploaded_at", vote::format_rfc3339_shanghai(uploaded_ms)}};
}

std::optional<attachment> attachment_from_json(std::string_view text) {
    auto j = json::parse(text, nullptr, false);
    if (!j.is_object()) return std::nullopt;
    try {
        attachment a{j.at("id").get<std::string>(),      j.at("name").get<std::string>(),
                     j.at("type").get<std::string>(),    j.at("size").get<std::uint64_t>(),
                     j.at("sha256").get<std::string>(), 0};
        auto uploaded = vote::parse_rfc3339(j.at("uploaded_at").get<std::string>());
        if (!uploaded || a.sha256.size() != 64 ||
            a.sha256.find_first_not_of("0123456789abcdef") != std::string::npos)
            return std::nullopt;
        a.uploaded_ms = *uploaded;
        return a;
    } catch (const json::exception&) {
        return std::nullopt;
    }
}

asio::awaitable<std::variant<attachment, http::response>> store_attachment(worker_state& w, std::string owner,
                                                                            const http::request_context& ctx) {
    const auto& cfg = w.shared.cfg;
    if (cfg.attachments_dir.empty()) co_return attachments_disabled();
    const auto& body = ctx.req.body();
    if (body.size() > cfg.attachment_max_bytes)
        co_return http::json_error(http::status::payload_too_large, "file_too_large",
                                   "文件过大，单个文件不能超过 " + size_text(cfg.attachment_max_bytes));
    auto raw_name = ctx.req["X-File-Name"];
    auto decoded = http::percent_decode(std::string_view(raw_name.data(), raw_name.size()));
    if (!decoded || decoded->empty())
        co_return invalid_input("file_name_required", "", "请在 X-File-Name 请求头中给出文件名（UTF-8，百分号编码）");
    auto type = sniff_file_type(body);
    if (!type)
        co_return http::json_error(http::status::unsupported_media_type, "unsupported_file_type",
                                   "不支持的文件类型。仅接受 " + std::string(accepted_file_types_text()) +
                                       "（按文件内容判断，与文件扩展名无关）");

    attachment a;
    a.id = http::random_token(22);
    a.name = safe_file_name(*decoded, type->extension);
    a.type = type->mime;
    a.size = body.size();
    a.uploaded_ms = now_ms();
    struct written {
        std::string sha256;
        error_code ec;
    };
    // GCC 12: a capturing lambda inside a co_await expression may be freed
    // twice; name it first.
    auto write = [&body, dir = cfg.attachments_dir] {
        written out{vote::sha256_hex(body), {}};
        out.ec = write_atomically(path_of(dir, out.sha256), body);
        return out;
    };
    auto result = co_await on_blocking_pool(w, std::move(write));
    if (result.ec) co_return disk_failed("write", result.ec);
    a.sha256 = std::move(result.sha256);

    std::vector<std::string> command{"HSET", files_key(owner), a.id, a.to_json().dump()};
    auto r = co_await w.redis->exec(std::move(command));
    if (!r.ok()) co_return redis_unavailable();
    log::info("attachment stored", {{"owner", owner}, {"id", a.id}, {"type", a.type}, {"size", a.size}});
    co_return a;
}

asio::awaitable<std::vector<attachment>> list_attachments(worker_state& w, std::string owner, error_code& ec) {
    std::vector<std::string> command{"HGETALL", files_key(owner)};
    auto r = co_await w.redis->exec(std::move(command));
    std::vector<attachment> out;
    if (!r.ok()) {
        ec = r.ec ? r.ec : make_error_code(boost::system::errc::io_error);
        co_return out;
    }
    auto fields = r.value.strings();
    for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
        if (auto a = attachment_from_json(fields[i + 1])) out.push_back(std::move(*a));
        else log::error("attachment record unreadable", {{"owner", owner}, {"id", fields[i]}});
    }
    std::sort(out.begin(), out.end(), [](const attachment& a, const attachment& b) {
        return std::tie(a.uploaded_ms, a.id) < std::tie(b.uploaded_ms, b.id);
    });
    co_return out;
}

asio::awaitable<http::response> serve_attachment(worker_state& w, std::string owner, std::string id,
                                                 const http::request_context&) {
    const auto& dir = w.shared.cfg.attachments_dir;
    if (dir.empty()) co_return attachments_disabled();
    error_code ec;
    auto found = co_await find_attachment(w, owner, id, ec);
    if (ec) co_return redis_unavailable();
    if (!found) co_return http::json_error(http::status::not_found, "attachment_not_found", "附件不存在");
    struct read_result {
        std::string bytes;
        error_code ec;
    };
    auto read_file = [path = path_of(dir, found->sha256)] {
        read_result out;
        out.ec = read_whole(path, out.bytes);
        return out;
    };
    auto read = co_await on_blocking_pool(w, std::move(read_file));
    if (read.ec) co_return disk_failed("read " + found->sha256, read.ec);
    if (read.bytes.size() != found->size)
        co_return disk_failed("size of " + found->sha256, make_error_code(boost::system::errc::io_error));

    http::response res{http::status::ok, 11};
    res.set(http::field::content_type, found->type);
    res.set(http::field::content_disposition, content_disposition(found->name));
    res.set("X-Content-Type-Options", "nosniff");
    res.set(http::field::cache_control, "private, no-store");
    res.set("Content-Security-Policy", "default-src 'none'; sandbox");
    res.body() = std::move(read.bytes);
    co_return res;
}

asio::awaitable<bool> remove_attachment(worker_state& w, std::string owner, std::string id, error_code& ec) {
    std::vector<std::string> command{"HDEL", files_key(owner), id};
    auto r = co_await w.redis->exec(std::move(command));
    if (!r.ok()) {
        ec = r.ec ? r.ec : make_error_code(boost::system::errc::io_error);
        co_return false;
    }
    co_return r.value.integer() > 0;
}

}  // namespace pingyi::server
