// Files units upload (self-assessment evidence, annual filings), kept on
// disk under the configured attachments_dir and described in Redis.
//
// A file is checked before anything is kept: at most attachment_max_bytes,
// and a type recognised by its content (server/file_type.hpp), never by its
// name or the client's Content-Type. On disk it is named by its SHA-256
// (<dir>/<2 hex>/<64 hex>): no part of a client's name ever reaches a path.
// Disk I/O runs on a small blocking pool, never on an I/O thread.
//
//   <owner>:files   HASH <attachment id> -> JSON {id, name, type, size, sha256, uploaded_at}
//
// `owner` is the caller's key prefix (a campaign's unit, a filing), hash
// tagged as the caller's other keys are.
//
// Backups: the directory and Redis together (docs/operations.zh.md, 附件存放与备份).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>
#include <nlohmann/json.hpp>

#include "http/router.hpp"
#include "http/types.hpp"

namespace pingyi::server {

struct worker_state;
struct config;

// Checks at start that the directory is usable, creating it (0750) when
// missing: the reason it is not, or nullopt.
std::optional<std::string> prepare_attachments_dir(const std::string& dir);

// An upload route's options: bodies up to attachment_max_bytes (413 beyond).
http::route_options upload_route_options(const config& cfg);

struct attachment {
    std::string id;
    std::string name;  // the uploader's file name, for display and downloads only
    std::string type;  // the MIME type its content showed
    std::uint64_t size = 0;
    std::string sha256;
    std::int64_t uploaded_ms = 0;

    nlohmann::json to_json() const;  // uploaded_at as RFC 3339, Shanghai time
};

// The JSON stored in <owner>:files read back; nullopt when unreadable.
std::optional<attachment> attachment_from_json(std::string_view text);

// Stores the request's body as a new attachment of `owner`; the file's name
// comes from the X-File-Name header (percent-encoded UTF-8), reduced to a
// safe display name (server/file_type.hpp). Returns the attachment, or the
// refusal to answer: 413 too large, 415 a type not accepted, 400 no name,
// 503 attachments_dir unset or Redis down, 500 disk.
boost::asio::awaitable<std::variant<attachment, http::response>> store_attachment(worker_state& w,
                                                                                   std::string owner,
                                                                                   const http::request_context& ctx);

// The owner's attachments, oldest first (empty also when Redis failed: see ec).
boost::asio::awaitable<std::vector<attachment>> list_attachments(worker_state& w, std::string owner,
                                                                 boost::system::error_code& ec);

// The file as a download (Content-Disposition: attachment, nosniff), or 404.
boost::asio::awaitable<http::response> serve_attachment(worker_state& w, std::string owner, std::string id,
                                                        const http::request_context& ctx);

// Forgets the owner's attachment; false when there was none. The file stays
// on disk: another owner may hold the same content.
boost::asio::awaitable<bool> remove_attachment(worker_state& w, std::string owner, std::string id,
                                               boost::system::error_code& ec);

}  // namespace pingyi::server
