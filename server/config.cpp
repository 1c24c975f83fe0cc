#include "server/config.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <sys/stat.h>
#include <unistd.h>

#include "vote/campaign.hpp"

extern char** environ;

namespace pingyi::server {

namespace {

// One setting: its file key, its environment variable, and how to store it.
struct setting {
    const char* key;
    bool secret;
};

const std::vector<setting>& settings() {
    static const std::vector<setting> all = {
        {"listen", false},           {"redis_url", false},        {"redis_min_replicas", false},
        {"public_url", false},       {"secret", true},            {"secret_previous", true},
        {"pseudonym_key", true},     {"admin_token", true},       {"admin_password", true},
        {"wechat_appid", false},     {"wechat_secret", true},     {"wechat_token", true},
        {"wechat_aes_key", true},    {"wechat_aes_key_previous", true},
        {"wechat_api_base", false},  {"wechat_open_base", false}, {"threads", false},
        {"trusted_proxies", false},  {"ratelimit", false},        {"max_connections", false},
        {"max_connections_per_ip", false}, {"log_level", false}, {"dev", false}, {"demo", false},
        {"web_root", false},         {"read_timeout_ms", false},  {"idle_timeout_ms", false},
        {"staff_idle_timeout_s", false}, {"audit_retention_days", false},
        {"anomaly_window_s", false},  {"privacy_contact", false},
        {"organizers", false},        {"attachments_dir", false}, {"attachment_max_bytes", false},
    };
    return all;
}

std::string env_name(const std::string& key) {
    std::string out = "PINGYI_";
    for (char c : key) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

std::optional<long long> parse_integer(const std::string& s) {
    long long v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return v;
}

// Settings as text, whichever source they came from.
using raw_settings = std::map<std::string, std::string>;

// Errors about the file's mode go to `exposed`: PINGYI_DEV=1 forgives them.
std::string string_member(const nlohmann::json& object, const char* key) {
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The file's "organizers": [{"id", "name", "wechat": {"appid", "secret",
// "token", "aes_key", "aes_key_previous"}}]. Sets has_secret when an
// organizer's account is configured (its secret and token are in the file).
std::vector<organizer_settings> parse_organizers(const nlohmann::json& section, std::vector<std::string>& errors,
                                                 bool& has_secret) {
    std::vector<organizer_settings> out;
    if (!section.is_array()) {
        errors.push_back("organizers 必须是数组 (must be an array)");
        return out;
    }
    std::set<std::string> ids;
    for (const auto& entry : section) {
        if (!entry.is_object()) {
            errors.push_back("organizers 的每一项必须是对象 (each organizer must be an object)");
            continue;
        }
        organizer_settings o;
        o.id = string_member(entry, "id");
        o.name = string_member(entry, "name");
        if (!vote::valid_id(o.id)) {
            errors.push_back("organizers: id 只能由字母、数字、下划线和连字符组成 (invalid organizer id): " + o.id);
            continue;
        }
        if (!ids.insert(o.id).second) errors.push_back("organizers: id 重复 (duplicate organizer id): " + o.id);
        if (o.name.empty()) errors.push_back("organizers: " + o.id + " 缺少 name (name is required)");
        if (auto w = entry.find("wechat"); w != entry.end()) {
            if (!w->is_object()) {
                errors.push_back("organizers: " + o.id + ".wechat 必须是对象 (must be an object)");
                continue;
            }
            wechat_settings account;
            account.appid = string_member(*w, "appid");
            account.secret = string_member(*w, "secret");
            account.token = string_member(*w, "token");
            account.aes_key = string_member(*w, "aes_key");
            account.aes_key_previous = string_member(*w, "aes_key_previous");
            if (account.appid.empty() || account.secret.empty() || account.token.empty())
                errors.push_back("organizers: " + o.id + ".wechat 需要 appid、secret 和 token (appid, secret and token are required)");
            if (!account.aes_key.empty() && account.aes_key.size() != 43)
                errors.push_back("organizers: " + o.id + ".wechat.aes_key 必须是 43 个字符 (must be 43 characters)");
            if (!account.aes_key_previous.empty() && account.aes_key_previous.size() != 43)
                errors.push_back("organizers: " + o.id + ".wechat.aes_key_previous 必须是 43 个字符 (must be 43 characters)");
            has_secret = true;
            o.wechat = std::move(account);
        }
        out.push_back(std::move(o));
    }
    return out;
}

void read_file(const std::string& path, raw_settings& raw, nlohmann::json& ratelimit_section,
               std::vector<organizer_settings>& organizers, std::vector<std::string>& errors,
               std::vector<std::string>& exposed) {
    std::ifstream in(path);
    if (!in) {
        errors.push_back("配置文件无法读取 (cannot read config file): " + path);
        return;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(ss.str(), nullptr, true, true);
    } catch (const nlohmann::json::parse_error& e) {
        errors.push_back("配置文件不是合法的 JSON (config file is not valid JSON): " + path + ": " + e.what());
        return;
    }
    if (!doc.is_object()) {
        errors.push_back("配置文件必须是 JSON 对象 (config file must be a JSON object): " + path);
        return;
    }
    bool has_secret = false;
    for (auto& [key, value] : doc.items()) {
        const setting* known = nullptr;
        for (const auto& s : settings())
            if (key == s.key) known = &s;
        if (!known) {
            errors.push_back("配置文件中有未知的设置 (unknown setting in config file): " + key);
            continue;
        }
        has_secret = has_secret || known->secret;
        if (key == "ratelimit" && value.is_object()) {
            ratelimit_section = value;
            if (value.contains("mode") && value["mode"].is_string()) raw[key] = value["mode"].get<std::string>();
            continue;
        }
        if (key == "organizers") {
            organizers = parse_organizers(value, errors, has_secret);
            continue;
        }
        if (value.is_string()) raw[key] = value.get<std::string>();
        else if (value.is_number_integer()) raw[key] = std::to_string(value.get<long long>());
        else if (value.is_boolean()) raw[key] = value.get<bool>() ? "1" : "0";
        else errors.push_back("设置 " + key + " 的类型不对 (wrong type)");
    }
    // Whoever may read the file has the secrets; whoever may write it runs
    // the server as they like.
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return;
    if (has_secret && (st.st_mode & 077) != 0)
        exposed.push_back("配置文件含有密钥，但同组或其他用户可以读写；请执行 chmod 600 " + path +
                          " (config file holds secrets and is readable or writable by group or others)");
    else if ((st.st_mode & 022) != 0)
        exposed.push_back("配置文件可被同组或其他用户修改；请执行 chmod 600 " + path +
                          " (config file is writable by group or others)");
}

}  // namespace

std::map<std::string, std::string> process_environment() {
    std::map<std::string, std::string> env;
    for (char** e = environ; e && *e; ++e) {
        std::string kv(*e);
        auto eq = kv.find('=');
        if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    return env;
}

config load_config(const std::optional<std::string>& file, const std::map<std::string, std::string>& environment,
                   std::vector<std::string>& warnings) {
    std::vector<std::string> errors;
    std::vector<std::string> exposed;
    raw_settings raw;
    config c;
    if (file) read_file(*file, raw, c.ratelimit, c.organizers, errors, exposed);

    std::set<std::string> known_env;
    for (const auto& s : settings()) known_env.insert(env_name(s.key));
    for (const auto& [name, value] : environment) {
        if (name.rfind("PINGYI_", 0) != 0) continue;
        if (!known_env.count(name) || name == "PINGYI_ORGANIZERS") {
            warnings.push_back("未知的环境变量，已忽略 (unknown environment variable, ignored): " + name);
            continue;
        }
        std::string key = name.substr(7);
        for (auto& ch : key) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        raw[key] = value;
    }

    auto get = [&](const char* key) -> const std::string* {
        auto it = raw.find(key);
        return it == raw.end() ? nullptr : &it->second;
    };
    auto integer = [&](const char* key, long long lo, long long hi, auto& out) {
        if (const auto* v = get(key)) {
            auto n = parse_integer(*v);
            if (!n || *n < lo || *n > hi) {
                errors.push_back(env_name(key) + " 必须是 " + std::to_string(lo) + " 到 " + std::to_string(hi) +
                                 " 之间的整数 (must be an integer in range): " + *v);
                return false;
            }
            out = static_cast<std::remove_reference_t<decltype(out)>>(*n);
            return true;
        }
        return false;
    };
    auto text = [&](const char* key, std::string& out) {
        if (const auto* v = get(key)) out = *v;
    };

    if (const auto* v = get("dev")) c.dev = (*v == "1" || *v == "true");
    // Only the environment forgives the file's mode: a file others may write
    // could turn development mode on by itself.
    auto env_dev = environment.find("PINGYI_DEV");
    if (env_dev == environment.end() || (env_dev->second != "1" && env_dev->second != "true"))
        errors.insert(errors.end(), exposed.begin(), exposed.end());
    c.demo = c.dev;
    if (const auto* v = get("demo")) c.demo = (*v == "1" || *v == "true");
    if (const auto* v = get("listen")) {
        auto colon = v->rfind(':');
        unsigned short port = 0;
        auto n = colon == std::string::npos ? std::nullopt : parse_integer(v->substr(colon + 1));
        if (!n || *n < 0 || *n > 65535 || colon == 0) {
            errors.push_back("PINGYI_LISTEN 必须是 host:port 形式 (must be host:port): " + *v);
        } else {
            port = static_cast<unsigned short>(*n);
            std::string host = v->substr(0, colon);
            if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
            c.listen_host = host;
            c.listen_port = port;
        }
    }
    text("redis_url", c.redis_url);
    if (c.redis_url.rfind("redis://", 0) != 0 && c.redis_url.rfind("sentinel://", 0) != 0)
        errors.push_back("PINGYI_REDIS_URL 必须以 redis:// 或 sentinel:// 开头 (must start with redis:// or sentinel://): " +
                         c.redis_url);
    c.redis_min_replicas = c.redis_url.rfind("sentinel://", 0) == 0 ? 1 : 0;
    integer("redis_min_replicas", 0, 16, c.redis_min_replicas);
    text("public_url", c.public_url);
    if (c.public_url.rfind("http://", 0) != 0 && c.public_url.rfind("https://", 0) != 0)
        errors.push_back("PINGYI_PUBLIC_URL 必须以 http:// 或 https:// 开头 (must be an http(s) URL): " + c.public_url);
    while (!c.public_url.empty() && c.public_url.back() == '/') c.public_url.pop_back();
    text("secret", c.secret);
    text("secret_previous", c.secret_previous);
    text("pseudonym_key", c.pseudonym_key);
    text("admin_token", c.admin_token);
    text("admin_password", c.admin_password);
    text("wechat_appid", c.wechat.appid);
    text("wechat_secret", c.wechat.secret);
    text("wechat_token", c.wechat.token);
    text("wechat_aes_key", c.wechat.aes_key);
    text("wechat_aes_key_previous", c.wechat.aes_key_previous);
    text("wechat_api_base", c.wechat.api_base);
    text("wechat_open_base", c.wechat.open_base);
    while (!c.wechat.api_base.empty() && c.wechat.api_base.back() == '/') c.wechat.api_base.pop_back();
    while (!c.wechat.open_base.empty() && c.wechat.open_base.back() == '/') c.wechat.open_base.pop_back();
    c.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    integer("threads", 1, 256, c.threads);
    text("trusted_proxies", c.trusted_proxies);
    text("ratelimit", c.ratelimit_mode);
    if (c.ratelimit_mode != "enforce" && c.ratelimit_mode != "shadow" && c.ratelimit_mode != "off")
        errors.push_back("PINGYI_RATELIMIT 必须是 enforce、shadow 或 off (must be enforce, shadow or off): " +
                         c.ratelimit_mode);
    integer("max_connections", 1, 10'000'000, c.max_connections);
    integer("max_connections_per_ip", 1, 10'000'000, c.max_connections_per_ip);
    text("log_level", c.log_level);
    if (c.log_level != "debug" && c.log_level != "info" && c.log_level != "warn" && c.log_level != "error")
        errors.push_back("PINGYI_LOG_LEVEL 必须是 debug、info、warn 或 error: " + c.log_level);
    text("web_root", c.web_root);
    integer("read_timeout_ms", 100, 600000, c.read_timeout_ms);
    integer("idle_timeout_ms", 100, 3600000, c.idle_timeout_ms);
    integer("staff_idle_timeout_s", 1, 43200, c.staff_idle_timeout_s);
    integer("anomaly_window_s", 1, 30 * 86400, c.anomaly_window_s);
    text("privacy_contact", c.privacy_contact);
    text("attachments_dir", c.attachments_dir);
    integer("attachment_max_bytes", 1024, 100 * 1024 * 1024, c.attachment_max_bytes);
    for (auto& o : c.organizers)
        if (o.wechat) {
            o.wechat->api_base = c.wechat.api_base;
            o.wechat->open_base = c.wechat.open_base;
        }
    // Logs are kept at least six months (Cybersecurity Law art. 21; 等保2.0 level 3, 安全审计): a
    // shorter retention is refused by name, not only as out of range.
    if (const auto* v = get("audit_retention_days"); v && parse_integer(*v).value_or(180) < 180)
        errors.push_back("PINGYI_AUDIT_RETENTION_DAYS 不能少于 180 天：审计记录须至少保存六个月（网络安全法第二十一条） "
                         "(audit records must be kept at least 180 days): " + *v);
    else
        integer("audit_retention_days", 180, 36500, c.audit_retention_days);

    auto check_key = [&](const std::string& value, const char* name) {
        if (value.empty()) {
            if (!c.dev) errors.push_back(std::string(name) + " 未设置；生产环境必须设置至少 32 字节的密钥 (required, at least 32 bytes)");
        } else if (value.size() < 32) {
            errors.push_back(std::string(name) + " 太短：至少 32 字节，现在是 " + std::to_string(value.size()) +
                             " 字节 (must be at least 32 bytes)");
        }
    };
    check_key(c.secret, "PINGYI_SECRET");
    check_key(c.pseudonym_key, "PINGYI_PSEUDONYM_KEY");
    if (!c.secret_previous.empty() && c.secret_previous.size() < 32)
        errors.push_back("PINGYI_SECRET_PREVIOUS 太短：至少 32 字节 (must be at least 32 bytes)");
    if (c.dev) {
        // Development mode: fixed, well-known keys, never for production.
        if (c.secret.empty()) c.secret = "pingyi-dev-secret-do-not-use-in-production";
        if (c.pseudonym_key.empty()) c.pseudonym_key = "pingyi-dev-pseudonym-key-do-not-use-in-production";
    }
    if (!c.wechat.aes_key.empty() && c.wechat.aes_key.size() != 43)
        errors.push_back("PINGYI_WECHAT_AES_KEY 必须是 43 个字符 (EncodingAESKey must be 43 characters)");
    if (!c.wechat.aes_key_previous.empty() && c.wechat.aes_key_previous.size() != 43)
        errors.push_back("PINGYI_WECHAT_AES_KEY_PREVIOUS 必须是 43 个字符 (must be 43 characters)");
    if (!c.admin_token.empty() && c.admin_token.size() < 16)
        errors.push_back("PINGYI_ADMIN_TOKEN 太短：至少 16 个字符 (must be at least 16 characters)");

    if (!errors.empty()) {
        std::string all;
        for (const auto& e : errors) all += e + "\n";
        all.pop_back();
        throw config_error(all);
    }
    return c;
}

const organizer_settings* find_organizer(const config& c, std::string_view id) {
    for (const auto& o : c.organizers)
        if (o.id == id) return &o;
    return nullptr;
}

}  // namespace pingyi::server
