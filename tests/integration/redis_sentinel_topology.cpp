#include "tests/integration/redis_sentinel_topology.hpp"

#include <chrono>
#include <csignal>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace pingyi::test {

namespace {

// A field of a flat [name, value, name, value...] reply such as SENTINEL MASTER's.
std::string field(const redisReply& r, const std::string& name) {
    if (r.type != REDIS_REPLY_ARRAY) return {};
    for (std::size_t i = 0; i + 1 < r.elements; i += 2)
        if (std::string(r.element[i]->str, r.element[i]->len) == name)
            return std::string(r.element[i + 1]->str, r.element[i + 1]->len);
    return {};
}

template <class Pred>
bool poll(int timeout_ms, Pred ready) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
        try {
            if (ready()) return true;
        } catch (const std::exception&) {
            // Not up yet; try again.
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

}  // namespace

sentinel_process::sentinel_process(const std::string& master_name, int master_port, int quorum)
    : port_(free_port()) {
    // Small timeouts so a failover takes seconds, not minutes; the shipped
    // deploy/redis/sentinel.conf uses production values.
    std::string conf = dir_.path() + "/sentinel.conf";
    std::ofstream(conf) << "port " << port_ << "\nbind 127.0.0.1\ndir " << dir_.path() << "\n"
                        << "sentinel monitor " << master_name << " 127.0.0.1 " << master_port << " " << quorum << "\n"
                        << "sentinel down-after-milliseconds " << master_name << " 1000\n"
                        << "sentinel failover-timeout " << master_name << " 4000\n"
                        << "sentinel parallel-syncs " << master_name << " 1\n";
    process_ = child_process({"redis-server", conf, "--sentinel"}, {}, dir_.path() + "/sentinel.log");
    if (!wait_for_port(port_, 10000)) throw std::runtime_error("redis sentinel did not start");
}

sentinel_process::~sentinel_process() { process_.stop(SIGKILL, 2000); }

bool wait_replica_in_sync(int replica_port, int timeout_ms) {
    return poll(timeout_ms, [&] {
        sync_redis r(replica_port);
        return r.string({"INFO", "replication"}).find("master_link_status:up") != std::string::npos;
    });
}

sentinel_topology::sentinel_topology(int replicas) {
    primary_ = std::make_unique<redis_server>();
    for (int i = 0; i < replicas; ++i) {
        replicas_.push_back(std::make_unique<redis_server>(
            std::vector<std::string>{"--replicaof", "127.0.0.1", std::to_string(primary_->port())}));
        if (!wait_replica_in_sync(replicas_.back()->port(), 15000)) throw std::runtime_error("a replica did not sync");
    }
    for (int i = 0; i < 3; ++i) sentinels_.push_back(std::make_unique<sentinel_process>(master_name, primary_->port(), 2));
    // Sentinels find each other through hello messages on the master (every
    // 2 s) and the replicas through INFO; a failover needs both.
    const std::string replica_count = std::to_string(replicas);
    bool ready = poll(20000, [&] {
        for (const auto& s : sentinels_) {
            sync_redis r(s->port());
            auto master = r.command({"SENTINEL", "MASTER", master_name});
            if (field(*master, "num-other-sentinels") != "2" || field(*master, "num-slaves") != replica_count)
                return false;
        }
        return true;
    });
    if (!ready) throw std::runtime_error("the sentinels did not discover each other and the replicas");
}

std::string sentinel_topology::url() const {
    std::string out = "sentinel://";
    for (std::size_t i = 0; i < sentinels_.size(); ++i) {
        if (i) out += ',';
        out += "127.0.0.1:" + std::to_string(sentinels_[i]->port());
    }
    return out + "/" + master_name;
}

redis::sentinel_options sentinel_topology::options() const {
    redis::sentinel_options o;
    for (const auto& s : sentinels_) {
        redis::endpoint_config ep;
        ep.port = s->port();
        o.sentinels.push_back(ep);
    }
    o.master_name = master_name;
    return o;
}

int sentinel_topology::master_port() const {
    for (const auto& s : sentinels_) {
        try {
            sync_redis r(s->port());
            auto addr = r.command({"SENTINEL", "get-master-addr-by-name", master_name});
            if (addr->type == REDIS_REPLY_ARRAY && addr->elements == 2) return std::stoi(addr->element[1]->str);
        } catch (const std::exception&) {
            // This sentinel is down; ask the next.
        }
    }
    return 0;
}

int sentinel_topology::wait_promoted(int timeout_ms) const {
    int promoted = 0;
    poll(timeout_ms, [&] {
        int port = master_port();
        for (const auto& r : replicas_) {
            if (r->port() != port) continue;
            auto role = sync_redis(port).command({"ROLE"});
            if (role->type == REDIS_REPLY_ARRAY && std::string(role->element[0]->str) == "master") promoted = port;
        }
        return promoted != 0;
    });
    return promoted;
}

}  // namespace pingyi::test
