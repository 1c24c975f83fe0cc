#include "bench/http_fetch.hpp"

#include <chrono>
#include <stdexcept>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace pingyi::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

fetched fetch(int port, const std::string& method, const std::string& target, const header_list& headers,
              const std::string& body) {
    fetched out;
    asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    boost::system::error_code ec;
    stream.expires_after(std::chrono::seconds(30));
    stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)), ec);
    if (ec) return out;
    bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
    req.set(bhttp::field::host, "127.0.0.1:" + std::to_string(port));
    for (const auto& [name, value] : headers) req.set(name, value);
    req.body() = body;
    if (method != "GET") req.prepare_payload();
    req.keep_alive(false);
    bhttp::write(stream, req, ec);
    if (ec) return out;
    beast::flat_buffer buffer;
    bhttp::response<bhttp::string_body> res;
    bhttp::read(stream, buffer, res, ec);
    if (ec && ec != bhttp::error::end_of_stream) return out;
    out.status = res.result_int();
    out.location = std::string(res[bhttp::field::location]);
    for (const auto& f : res) {
        if (f.name() != bhttp::field::set_cookie) continue;
        auto v = f.value();
        out.set_cookies.emplace_back(v.substr(0, v.find(';')));
    }
    out.body = std::move(res.body());
    return out;
}

std::pair<int, std::string> split_url(const std::string& url) {
    auto scheme = url.find("://");
    if (scheme == std::string::npos) throw std::invalid_argument("not a URL: " + url);
    auto path = url.find('/', scheme + 3);
    auto host = url.substr(scheme + 3, path - scheme - 3);
    auto colon = host.rfind(':');
    int port = colon == std::string::npos ? 80 : std::stoi(host.substr(colon + 1));
    std::string target = path == std::string::npos ? "/" : url.substr(path);
    target = target.substr(0, target.find('#'));
    return {port, target};
}

}  // namespace pingyi::bench
