// pingyi-server's configuration: a JSON file (comments allowed) and the
// PINGYI_* environment of CONTRACT.md, the environment winning. Validated
// once at start; a bad setting stops the server with a clear message.
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace pingyi::server {

struct wechat_settings {
    std::string appid;
    std::string secret;
    std::string token;
    std::string aes_key;
    std::string aes_key_previous;
    std::string api_base = "https://api.weixin.qq.com";
    std::string open_base = "https://open.weixin.qq.com";
};

// An organizer (Art. 18): the city office or a county/district office. Its
// staff see and change only its campaigns. With `wechat`, its campaigns use
// its own official account (callbacks at /wechat/<id>); without, the
// PINGYI_WECHAT_* account.
struct organizer_settings {
    std::string id;  // [A-Za-z0-9_-]{1,64}, as campaigns' organizer_id and staff accounts name it
    std::string name;
    std::optional<wechat_settings> wechat;  // api_base and open_base as the main account's
};

struct config {
    std::string listen_host = "127.0.0.1";
    unsigned short listen_port = 8080;
    std::string redis_url = "redis://127.0.0.1:6379/0";
    int redis_min_replicas = 0;
    std::string public_url = "http://127.0.0.1:8080";
    std::string secret;
    std::string secret_previous;
    std::string pseudonym_key;
    std::string admin_token;
    std::string admin_password;
    wechat_settings wechat;
    int threads = 1;
    std::string trusted_proxies;
    std::string ratelimit_mode = "enforce";
    nlohmann::json ratelimit = nlohmann::json::object();  // the file's "ratelimit" section, if any
    std::size_t max_connections = 10000;
    std::size_t max_connections_per_ip = 1000;
    std::string log_level = "info";
    bool dev = false;
    bool demo = false;  // seed the demo campaign (default: as dev; tests turn it off)
    int read_timeout_ms = 10000;   // a request head must arrive within this
    int idle_timeout_ms = 60000;   // keep-alive connections idle this long are closed
    int staff_idle_timeout_s = 1800;  // a staff session unused this long ends
    int audit_retention_days = 180;  // the staff audit trail keeps entries at least this long (never below 180)
    int anomaly_window_s = 7 * 86400;  // ballots' client addresses and user-agent hashes are kept this long
    std::string privacy_contact;  // whom voters ask about their personal information (the privacy notice shows it)
    std::vector<organizer_settings> organizers;  // the file's "organizers"; none: one city office
    std::string attachments_dir;  // where uploaded files are kept; empty: uploads are refused
    std::size_t attachment_max_bytes = 20 * 1024 * 1024;
    std::string web_root;  // built front-end assets; empty: next to the binary or in the source tree
};

// The organizer of that id, or null.
const organizer_settings* find_organizer(const config& c, std::string_view id);

class config_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Reads the file (when given) and the environment. Throws config_error with
// every problem found, one per line. Warnings (unknown PINGYI_* variables)
// are appended to `warnings`.
config load_config(const std::optional<std::string>& file, const std::map<std::string, std::string>& environment,
                   std::vector<std::string>& warnings);

// The process environment as a map.
std::map<std::string, std::string> process_environment();

}  // namespace pingyi::server
