#include "tools/verify_audit.hpp"

#include <fstream>
#include <iostream>

#include "server/admin_chain.hpp"
#include "tools/command.hpp"

namespace pingyi::tools {

const char* const verify_audit_usage =
    "用法 (usage): pingyi verify-audit TRAIL.ndjson\n"
    "  重新计算审计记录导出文件的哈希链：逐行核对序号连续、内容未被改动。\n"
    "  Recomputes the hash chain of an exported staff audit trail: gap-free sequence numbers, unchanged lines.\n"
    "  请将输出的起点 (anchor) 与链头 (head) 与此前保存的导出文件或核验结果比较。\n"
    "  Compare the printed anchor and head with an earlier export or verification.\n"
    "  退出码 (exit): 0 一致 (ok)，1 不一致 (mismatch: the first one is printed)，2 用法或文件错误 (bad usage or input)\n";

int run_verify_audit(const std::vector<std::string>& args) {
    if (args.size() != 1 || args[0].empty() || args[0][0] == '-') {
        std::cerr << verify_audit_usage;
        return exit_usage;
    }
    std::ifstream in(args[0]);
    if (!in) {
        std::cerr << "无法读取审计记录文件 (cannot read): " << args[0] << "\n";
        return exit_usage;
    }
    auto report = server::verify_trail(in);
    if (!report.ok) {
        std::cout << "不一致 (MISMATCH) 第 " << report.line << " 行 (line " << report.line << "): " << report.problem
                  << "\n";
        return exit_failure;
    }
    std::cout << "起点 (anchor): 第 " << report.anchor.seq << " 条 (seq), " << report.anchor.hash << "\n"
              << "审计记录 (entries): " << report.count << " 条, 链头 (head) " << report.head << "\n"
              << "一致 (OK)\n";
    return exit_ok;
}

}  // namespace pingyi::tools
