#include "tools/verify.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tools/command.hpp"
#include "vote/audit_chain.hpp"
#include "vote/tally.hpp"

namespace pingyi::tools {

const char* const verify_usage =
    "用法 (usage): pingyi verify LOG.ndjson [--tally TALLY.json]\n"
    "  重新计算投票日志的哈希链与票数；给出 --tally 时与公布的票数逐项比较。\n"
    "  Recomputes the ballot log's hash chain and tally; with --tally, compares it with a published tally.\n"
    "  退出码 (exit): 0 一致 (match)，1 不一致 (mismatch: the first one is printed)，2 用法或文件错误 (bad usage or input)\n";

int run_verify(const std::vector<std::string>& args) {
    std::string log_path;
    std::string tally_path;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--tally" && i + 1 < args.size()) {
            tally_path = args[++i];
        } else if (!args[i].empty() && args[i][0] != '-' && log_path.empty()) {
            log_path = args[i];
        } else {
            std::cerr << verify_usage;
            return exit_usage;
        }
    }
    if (log_path.empty()) {
        std::cerr << verify_usage;
        return exit_usage;
    }
    std::ifstream log(log_path);
    if (!log) {
        std::cerr << "无法读取日志文件 (cannot read): " << log_path << "\n";
        return exit_usage;
    }
    std::optional<vote::tally_counts> published;
    if (!tally_path.empty()) {
        std::ifstream in(tally_path);
        if (!in) {
            std::cerr << "无法读取票数文件 (cannot read): " << tally_path << "\n";
            return exit_usage;
        }
        std::stringstream text;
        text << in.rdbuf();
        auto j = nlohmann::json::parse(text.str(), nullptr, false);
        if (!j.is_discarded()) published = vote::tally_from_json(j);
        if (!published) {
            std::cerr << "票数文件不是有效的 tally JSON (not a tally JSON): " << tally_path << "\n";
            return exit_usage;
        }
    }
    auto report = vote::verify_log(log);
    if (!report.ok) {
        std::cout << "不一致 (MISMATCH) 第 " << report.line << " 行 (line " << report.line << "): " << report.problem << "\n";
        return exit_failure;
    }
    std::cout << "日志 (log): " << report.count << " 张选票 (ballots), 链头 (head) " << report.head << "\n";
    if (published) {
        if (auto diff = vote::compare_tally(report.tally, *published)) {
            std::cout << "不一致 (MISMATCH) 票数 (tally): " << *diff << "\n";
            return exit_failure;
        }
        std::cout << "票数一致 (tally matches): " << report.tally.ballots << " 张选票, " << report.tally.voters
                  << " 位投票人 (voters)\n";
    }
    std::cout << "一致 (OK)\n";
    return exit_ok;
}

}  // namespace pingyi::tools
