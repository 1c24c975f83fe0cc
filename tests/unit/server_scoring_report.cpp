#include <doctest/doctest.h>

#include "server/report.hpp"

using namespace pingyi;
using namespace pingyi::server;
using eval::decimal;

namespace {

eval::unit_result row(std::string id, std::string name, eval::unit_status status, std::optional<int> rank,
                      std::optional<decimal> total, std::optional<std::string> grade) {
    eval::unit_result u;
    u.id = std::move(id);
    u.name = std::move(name);
    u.status = status;
    u.panel = decimal::from_hundredths(9017);
    u.public_score = decimal::whole(80);
    u.peer = decimal::from_hundredths(8767);
    u.total = total;
    u.grade = std::move(grade);
    u.rank = rank;
    return u;
}

std::size_t at(const std::string& html, const std::string& what) {
    auto p = html.find(what);
    REQUIRE_MESSAGE(p != std::string::npos, what);
    return p;
}

}  // namespace

TEST_CASE("the printable report lists ranked units first and absent ones as 缺席评议") {
    std::vector<eval::unit_result> units{
        row("u4", "市市场监管局", eval::unit_status::absent, std::nullopt, std::nullopt, std::nullopt),
        row("u1", "市公安局", eval::unit_status::present, 2, decimal::from_hundredths(8560), "良好"),
        row("u5", "市生态<环境>局", eval::unit_status::fraud, std::nullopt, decimal::from_hundredths(8967), "较差"),
        row("u2", "市司法局", eval::unit_status::present, 1, decimal::from_hundredths(9133), "优秀"),
    };
    eval::scoring_config config;
    auto html = results_report_html({"2019年评议", "韶关市普法办公室", 1577440800000}, units, config);
    CHECK(html.starts_with("<!doctype html>"));
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("@media print") != std::string::npos);
    CHECK(html.find("韶关市普法办公室") != std::string::npos);
    CHECK(html.find("2019年12月27日") != std::string::npos);  // 18:00 in Shanghai
    CHECK(html.find("草稿") == std::string::npos);
    CHECK(html.find("（40%）") != std::string::npos);
    CHECK(html.find("市生态&lt;环境&gt;局") != std::string::npos);
    CHECK(at(html, "市司法局") < at(html, "市公安局"));
    CHECK(at(html, "市公安局") < at(html, "市生态"));
    CHECK(at(html, "市生态") < at(html, "市市场监管局"));
    CHECK(html.find("<td>91.33</td><td>优秀</td><td></td>") != std::string::npos);
    CHECK(html.find("<td>89.67</td><td>较差</td><td>弄虚作假</td>") != std::string::npos);
    CHECK(html.find("<td>—</td><td>—</td><td>缺席评议</td>") != std::string::npos);
    // The absent unit's components are still published.
    CHECK(html.find("市市场监管局</td><td>90.17</td><td>80.00</td><td>87.67</td>") != std::string::npos);
}

TEST_CASE("an unpublished report says it is a draft") {
    eval::scoring_config config;
    config.weights = {decimal::from_hundredths(3333), decimal::from_hundredths(3333), decimal::from_hundredths(3334)};
    auto html = results_report_html({"t", "", std::nullopt}, {}, config);
    CHECK(html.find("草稿") != std::string::npos);
    CHECK(html.find("（33.34%）") != std::string::npos);
}
