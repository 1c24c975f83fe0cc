#include "tools/wechat_send.hpp"

#include <algorithm>
#include <iostream>
#include <optional>
#include <random>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <pugixml.hpp>

#include "http/client.hpp"
#include "http/query.hpp"
#include "tools/args.hpp"
#include "tools/command.hpp"
#include "vote/campaign.hpp"
#include "wechat/crypto.hpp"
#include "wechat/signature.hpp"

namespace pingyi::tools {

namespace asio = boost::asio;

namespace {

// Text inside CDATA; a "]]>" in it is split across two sections.
std::string cdata(std::string_view text) {
    std::string out = "<![CDATA[";
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text.compare(i, 3, "]]>") == 0) {
            out += "]]]]><![CDATA[>";
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out + "]]>";
}

std::string digits(std::mt19937_64& random, std::size_t n) {
    std::uniform_int_distribution<int> pick(0, 9);
    std::string out(n, '0');
    for (auto& c : out) c = static_cast<char>('0' + pick(random));
    if (out[0] == '0') out[0] = '1';
    return out;
}

asio::awaitable<void> post_once(http::client& client, std::string url, std::string body,
                                std::chrono::milliseconds timeout, http::client_response& out) {
    http::header_list headers{{"Content-Type", "text/xml"}};
    out = co_await client.request(boost::beast::http::verb::post, std::move(url), std::move(body), std::move(headers),
                                  timeout);
}

std::string child_text(const pugi::xml_node& root, const char* name) {
    return root.child(name).text().as_string();
}

// Checks and opens an encrypted reply; nullopt with `error` set otherwise.
std::optional<std::string> open_reply(const send_options& o, const wechat::message_cipher& cipher,
                                      const std::string& body, std::string& error) {
    pugi::xml_document doc;
    if (!doc.load_buffer(body.data(), body.size())) {
        error = "the reply is not XML";
        return std::nullopt;
    }
    auto root = doc.child("xml");
    std::string encrypt = child_text(root, "Encrypt");
    std::string signature = child_text(root, "MsgSignature");
    std::string timestamp = child_text(root, "TimeStamp");
    std::string nonce = child_text(root, "Nonce");
    if (encrypt.empty()) {
        error = "the reply to an encrypted message is not encrypted";
        return std::nullopt;
    }
    if (!wechat::check_msg_signature(o.token, timestamp, nonce, encrypt, signature)) {
        error = "the reply's MsgSignature is wrong";
        return std::nullopt;
    }
    std::error_code ec;
    std::string plain = cipher.decrypt(encrypt, ec);
    if (ec) {
        error = "the reply does not decrypt: " + ec.message();
        return std::nullopt;
    }
    return plain;
}

}  // namespace

std::string message_xml(const send_options& o, std::int64_t create_time, const std::string& msg_id) {
    std::string xml = "<xml><ToUserName>" + cdata(o.to) + "</ToUserName><FromUserName>" + cdata(o.from) +
                      "</FromUserName><CreateTime>" + std::to_string(create_time) + "</CreateTime>";
    if (!o.event.empty()) {
        xml += "<MsgType><![CDATA[event]]></MsgType><Event>" + cdata(o.event) + "</Event>";
        if (!o.event_key.empty()) xml += "<EventKey>" + cdata(o.event_key) + "</EventKey>";
    } else {
        xml += "<MsgType><![CDATA[text]]></MsgType><Content>" + cdata(o.text) + "</Content><MsgId>" + msg_id +
               "</MsgId>";
    }
    return xml + "</xml>";
}

send_outcome send_message(const send_options& o) {
    send_outcome out;
    std::optional<wechat::message_cipher> cipher;
    try {
        if (!o.aes_key.empty()) cipher.emplace(o.aes_key, o.appid);
    } catch (const std::exception& e) {
        out.error = std::string("bad EncodingAESKey: ") + e.what();
        return out;
    }

    std::mt19937_64 random{std::random_device{}()};
    auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
    std::string timestamp = std::to_string(now.count());
    std::string nonce = digits(random, 10);
    std::string xml = message_xml(o, now.count(), digits(random, 19));

    std::string url = o.url + (o.url.find('?') == std::string::npos ? "?" : "&");
    url += "signature=" + wechat::request_signature(o.token, timestamp, nonce) + "&timestamp=" + timestamp +
           "&nonce=" + nonce + "&openid=" + http::url_encode(o.from);
    std::string body = xml;
    if (cipher) {
        std::string encrypt = cipher->encrypt(xml);
        url += "&encrypt_type=aes&msg_signature=" + wechat::msg_signature(o.token, timestamp, nonce, encrypt);
        body = "<xml><ToUserName>" + cdata(o.to) + "</ToUserName><Encrypt>" + cdata(encrypt) + "</Encrypt></xml>";
    }

    asio::io_context ioc;
    http::client_options co;
    co.allow_plain_http = o.allow_plain_http;
    http::client client(ioc.get_executor(), co);
    http::client_response res;
    asio::co_spawn(ioc, post_once(client, url, body, o.timeout, res), asio::detached);
    ioc.run();

    if (res.ec) {
        out.error = "no answer: " + res.ec.message();
        return out;
    }
    out.status = res.status;
    out.reply = res.body;
    if (res.status != 200) {
        out.error = "HTTP status " + std::to_string(res.status);
        return out;
    }
    // "success" and an empty body mean "no reply" and are never encrypted.
    if (cipher && !res.body.empty() && res.body != "success") {
        auto opened = open_reply(o, *cipher, res.body, out.error);
        if (!opened) return out;
        out.reply = *opened;
    }
    out.ok = true;
    return out;
}

std::string account_url(std::string url, std::string_view account) {
    auto query = url.find('?');
    std::string tail = query == std::string::npos ? std::string() : url.substr(query);
    url.resize(std::min(query, url.size()));
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url + "/" + std::string(account) + tail;
}

const char* const wechat_send_usage =
    "usage: pingyi wechat send --url URL --token TOKEN [--aes KEY --appid APPID] --from OPENID\n"
    "                          (--text TEXT | --event EVENT [--key KEY]) [--to GH_ID] [--timeout-ms N]\n"
    "                          [--account ID] [--allow-http]\n"
    "  Sends a signed (with --aes: encrypted) WeChat message to a pingyi /wechat endpoint and\n"
    "  prints the (decrypted) reply. Examples: --text 投票 | --event subscribe | --event CLICK --key VOTE\n"
    "  --account ID sends to an organizer's own account at URL/ID (e.g. .../wechat/lechang); give\n"
    "  that account's --token (and --aes, --appid).\n"
    "  --allow-http permits http:// to a host that is not loopback (a trusted network only).\n";

int run_wechat_send(const std::vector<std::string>& words) {
    args a(words, {"allow-http"});
    std::string unknown =
        a.unknown({"url", "token", "aes", "appid", "from", "to", "text", "event", "key", "timeout-ms", "account",
                   "allow-http"});
    auto usage_error = [](const std::string& why) {
        std::cerr << why << "\n" << wechat_send_usage;
        return exit_usage;
    };
    if (!a.error().empty()) return usage_error(a.error());
    if (!unknown.empty()) return usage_error("unknown option " + unknown);
    if (!a.positional().empty()) return usage_error("unexpected argument " + a.positional().front());

    send_options o;
    o.url = a.value_or("url", "");
    o.token = a.value_or("token", "");
    o.aes_key = a.value_or("aes", "");
    o.appid = a.value_or("appid", "");
    o.from = a.value_or("from", "");
    o.to = a.value_or("to", o.to);
    o.text = a.value_or("text", "");
    o.event = a.value_or("event", "");
    o.event_key = a.value_or("key", "");
    o.allow_plain_http = a.flag("allow-http");
    if (o.url.empty() || o.token.empty() || o.from.empty()) return usage_error("--url, --token and --from are required");
    if (a.value("text").has_value() == a.value("event").has_value()) return usage_error("give --text or --event");
    if (!o.event_key.empty() && o.event.empty()) return usage_error("--key goes with --event");
    if (!o.aes_key.empty() && o.appid.empty()) return usage_error("--aes needs --appid");
    if (auto account = a.value("account")) {
        if (!vote::valid_id(*account)) return usage_error("--account wants an organizer id ([A-Za-z0-9_-], 1 to 64)");
        o.url = account_url(o.url, *account);
    }
    if (auto t = a.value("timeout-ms")) {
        try {
            o.timeout = std::chrono::milliseconds(std::stoi(*t));
        } catch (const std::exception&) {
            return usage_error("--timeout-ms wants a number");
        }
    }

    auto outcome = send_message(o);
    if (!outcome.ok) {
        std::cerr << "failed: " << outcome.error << "\n";
        if (!outcome.reply.empty()) std::cout << outcome.reply << "\n";
        return exit_failure;
    }
    std::cout << outcome.reply << "\n";
    return exit_ok;
}

}  // namespace pingyi::tools
