#include "wechat/reply.hpp"

#include "wechat/signature.hpp"

namespace pingyi::wechat {

namespace {

void append_cdata(std::string& out, std::string_view text)
{
    out.append("<![CDATA[");
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
            continue;
        }
        // "]]>" would end the section: end it after "]]" and start a new one
        // before ">". Checked on the output, where dropped characters are gone.
        if (c == '>' && out.ends_with("]]")) {
            out.append("]]><![CDATA[");
        }
        out.push_back(static_cast<char>(c));
    }
    out.append("]]>");
}

void append_element(std::string& out, std::string_view name, std::string_view text)
{
    out.append("<").append(name).append(">");
    append_cdata(out, text);
    out.append("</").append(name).append(">");
}

std::string reply_head(const message& request, std::int64_t create_time, std::string_view msg_type)
{
    std::string out = "<xml>";
    append_element(out, "ToUserName", request.from_user);
    append_element(out, "FromUserName", request.to_user);
    out.append("<CreateTime>").append(std::to_string(create_time)).append("</CreateTime>");
    append_element(out, "MsgType", msg_type);
    return out;
}

}  // namespace

std::string text_reply(const message& request, std::string_view content, std::int64_t create_time)
{
    std::string out = reply_head(request, create_time, "text");
    append_element(out, "Content", content);
    out.append("</xml>");
    return out;
}

std::string news_reply(const message& request, const article& item, std::int64_t create_time)
{
    std::string out = reply_head(request, create_time, "news");
    out.append("<ArticleCount>1</ArticleCount><Articles><item>");
    append_element(out, "Title", item.title);
    append_element(out, "Description", item.description);
    append_element(out, "PicUrl", item.pic_url);
    append_element(out, "Url", item.url);
    out.append("</item></Articles></xml>");
    return out;
}

std::string encrypted_envelope(std::string_view encrypt, std::string_view token, std::string_view timestamp,
                               std::string_view nonce)
{
    std::string out = "<xml>";
    append_element(out, "Encrypt", encrypt);
    append_element(out, "MsgSignature", msg_signature(token, timestamp, nonce, encrypt));
    out.append("<TimeStamp>").append(timestamp).append("</TimeStamp>");
    append_element(out, "Nonce", nonce);
    out.append("</xml>");
    return out;
}

std::string encrypted_reply(const message_cipher& cipher, std::string_view reply_xml, std::string_view token,
                            std::string_view timestamp, std::string_view nonce)
{
    return encrypted_envelope(cipher.encrypt(reply_xml), token, timestamp, nonce);
}

}  // namespace pingyi::wechat
