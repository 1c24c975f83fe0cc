#include "wechat/message.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <pugixml.hpp>

#include "wechat/error.hpp"

namespace pingyi::wechat {

namespace {

// The scan is deliberately blunt: a DOCTYPE anywhere, even inside CDATA,
// refuses the body; WeChat never sends one.
bool has_doctype(std::string_view xml)
{
    constexpr std::string_view needle = "<!doctype";
    const auto at = std::search(xml.begin(), xml.end(), needle.begin(), needle.end(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == b;
    });
    return at != xml.end();
}

// The text of an element, across every PCDATA and CDATA child: a "]]>"
// inside CDATA arrives split into two sections.
std::string text_of(const pugi::xml_node& element)
{
    std::string text;
    for (const auto child : element.children()) {
        if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
            text.append(child.value());
        }
    }
    return text;
}

bool parse_time(const std::string& text, std::int64_t& out)
{
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, out);
    return ec == std::errc{} && ptr == end && out >= 0;
}

enum class requirement { message, envelope };

message parse(std::string_view xml, requirement required, std::error_code& ec)
{
    ec.clear();
    if (xml.size() > max_message_size) {
        ec = error::too_large;
        return {};
    }
    if (has_doctype(xml)) {
        ec = error::doctype;
        return {};
    }
    // No parse_doctype, no parse_pi: pugixml never loads a DTD or resolves
    // an entity beyond the five predefined ones and character references.
    constexpr unsigned options = pugi::parse_cdata | pugi::parse_escapes | pugi::parse_eol;
    pugi::xml_document doc;
    if (!doc.load_buffer(xml.data(), xml.size(), options, pugi::encoding_utf8)) {
        ec = error::parse_xml;
        return {};
    }
    const auto root = doc.document_element();
    if (std::string_view(root.name()) != "xml" || root.next_sibling()) {
        ec = error::not_a_message;
        return {};
    }

    message m;
    m.to_user = text_of(root.child("ToUserName"));
    m.from_user = text_of(root.child("FromUserName"));
    m.msg_type = text_of(root.child("MsgType"));
    m.content = text_of(root.child("Content"));
    m.msg_id = text_of(root.child("MsgId"));
    m.event = text_of(root.child("Event"));
    m.event_key = text_of(root.child("EventKey"));
    m.encrypt = text_of(root.child("Encrypt"));

    const auto create_time = root.child("CreateTime");
    const bool time_ok = create_time ? parse_time(text_of(create_time), m.create_time)
                                     : required == requirement::envelope;
    const bool complete = required == requirement::message
                              ? !m.to_user.empty() && !m.from_user.empty() && !m.msg_type.empty()
                              : !m.encrypt.empty();
    if (!time_ok || !complete) {
        ec = error::not_a_message;
        return {};
    }
    return m;
}

}  // namespace

message parse_message(std::string_view xml, std::error_code& ec)
{
    return parse(xml, requirement::message, ec);
}

message parse_envelope(std::string_view xml, std::error_code& ec)
{
    return parse(xml, requirement::envelope, ec);
}

std::string dedup_key(const message& m)
{
    // Every part but the event key is an identifier without '|', and the
    // event key comes last: two different deliveries cannot share a key.
    if (m.msg_type == "event") {
        return "event|" + m.from_user + "|" + std::to_string(m.create_time) + "|" + m.event + "|" + m.event_key;
    }
    return "msg|" + m.msg_id + "|" + m.from_user + "|" + std::to_string(m.create_time);
}

}  // namespace pingyi::wechat
