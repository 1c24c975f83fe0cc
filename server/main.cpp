// pingyi-server: reads the configuration, starts the workers, and on
// SIGTERM or SIGINT stops accepting, finishes what is in flight, exits 0.
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "http/server.hpp"
#include "server/app.hpp"
#include "server/log.hpp"

namespace {

void usage() {
    std::cout << "用法 (usage): pingyi-server [--config FILE]\n"
                 "配置见 docs/ 与 CONTRACT.md：JSON 配置文件（可含注释）与 PINGYI_* 环境变量，环境变量优先。\n";
}

}  // namespace

int main(int argc, char** argv) {
    std::optional<std::string> config_file;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--config" && i + 1 < argc) {
            config_file = argv[++i];
        } else if (arg == "--help" || arg == "-h") {
            usage();
            return 0;
        } else {
            std::cerr << "未知参数 (unknown argument): " << arg << "\n";
            usage();
            return 2;
        }
    }

    std::vector<std::string> warnings;
    pingyi::server::config cfg;
    try {
        cfg = pingyi::server::load_config(config_file, pingyi::server::process_environment(), warnings);
    } catch (const pingyi::server::config_error& e) {
        std::cerr << "pingyi-server: 配置错误，无法启动 (configuration error, not starting):\n" << e.what() << "\n";
        return 2;
    }
    std::setvbuf(stdout, nullptr, _IOLBF, 1 << 16);
    pingyi::server::log::set_level(cfg.log_level);
    for (const auto& w : warnings) pingyi::server::log::warn(w);
    if (cfg.dev) pingyi::server::log::warn("development mode (PINGYI_DEV=1): never use it in production");

    pingyi::http::server_options options;
    options.host = cfg.listen_host;
    options.port = cfg.listen_port;
    options.threads = cfg.threads;
    options.max_connections = cfg.max_connections;
    options.max_connections_per_address = cfg.max_connections_per_ip;
    options.read_timeout = std::chrono::milliseconds(cfg.read_timeout_ms);
    options.idle_timeout = std::chrono::milliseconds(cfg.idle_timeout_ms);

    // Checks that need more than the settings (the attachments directory,
    // the WeChat keys) happen here, before the port opens.
    std::unique_ptr<pingyi::server::app> application;
    try {
        application = std::make_unique<pingyi::server::app>(cfg);
    } catch (const pingyi::server::config_error& e) {
        std::cerr << "pingyi-server: 配置错误，无法启动 (configuration error, not starting):\n" << e.what() << "\n";
        return 2;
    }
    pingyi::http::server server(options, application->hooks());
    // Caught before the port opens: a SIGTERM right after start must still
    // mean a graceful stop, never the default action's abrupt end.
    boost::asio::io_context signals_ioc;
    boost::asio::signal_set signals(signals_ioc, SIGTERM, SIGINT);
    signals.async_wait([&](const boost::system::error_code& ec, int sig) {
        if (ec) return;
        pingyi::server::log::info("shutting down", {{"signal", sig}});
        server.shutdown();
    });
    std::signal(SIGPIPE, SIG_IGN);
    try {
        server.start();
    } catch (const std::exception& e) {
        std::cerr << "pingyi-server: 无法监听 (cannot listen on) " << cfg.listen_host << ":" << cfg.listen_port << ": "
                  << e.what() << "\n";
        return 1;
    }
    pingyi::server::log::info("listening", {{"host", cfg.listen_host}, {"port", server.port()}, {"threads", cfg.threads}});

    std::thread waiter([&] {
        server.wait();
        signals.cancel();
    });
    signals_ioc.run();
    waiter.join();
    pingyi::server::log::info("stopped");
    return 0;
}
