// docs/api.yaml must describe every route CONTRACT.md promises. No YAML
// parser is available here, so the document is read as text: a path is a
// line "  <path>:" (two spaces: a key of `paths`), and its operations are
// the lines "    <method>:" below it, up to the next path.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

using text_lines = std::vector<std::string>;

struct contract_route {
    std::string_view method;
    std::string_view path;
};

// CONTRACT.md's routes ("WeChat server endpoint", "Voter (H5) flow", "JSON
// API", "Operations"), its <cid> written as OpenAPI's {cid}.
constexpr contract_route contract_routes[] = {
    {"get", "/wechat"},
    {"post", "/wechat"},
    {"get", "/h5/c/{cid}"},
    {"get", "/h5/oauth/callback"},
    {"get", "/api/v1/wechat/jssdk-config"},
    {"post", "/admin/login"},
    {"post", "/admin/logout"},
    {"post", "/api/v1/campaigns"},
    {"get", "/api/v1/campaigns/{cid}"},
    {"post", "/api/v1/campaigns/{cid}/ballots"},
    {"get", "/api/v1/campaigns/{cid}/tally"},
    {"get", "/api/v1/campaigns/{cid}/public-scores"},
    {"put", "/api/v1/campaigns/{cid}/panel-scores"},
    {"put", "/api/v1/campaigns/{cid}/panel-scores/{judge}"},
    {"put", "/api/v1/campaigns/{cid}/peer-scores"},
    {"put", "/api/v1/campaigns/{cid}/peer-scores/{rater}"},
    {"put", "/api/v1/campaigns/{cid}/units/{uid}/status"},
    {"get", "/api/v1/campaigns/{cid}/results"},
    {"get", "/api/v1/campaigns/{cid}/results.csv"},
    {"post", "/api/v1/campaigns/{cid}/results/publish"},
    {"get", "/api/v1/campaigns/{cid}/audit-log"},
    {"get", "/api/v1/campaigns/{cid}/audit-log/digest"},
    {"get", "/healthz"},
    {"get", "/readyz"},
    {"get", "/metrics"},
};

text_lines read_api_yaml() {
    const char* root = std::getenv("PINGYI_SOURCE_DIR");
    const std::string path = std::string(root ? root : ".") + "/docs/api.yaml";
    std::ifstream in(path);
    REQUIRE_MESSAGE(in, "cannot open " << path);
    text_lines lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

std::size_t indent_of(std::string_view line) { return line.find_first_not_of(' '); }

// The lines of one block: from the line equal to `head` to the next line
// indented no deeper than it (blank and comment lines belong to the block).
text_lines block(const text_lines& lines, std::string_view head) {
    text_lines out;
    auto it = std::find(lines.begin(), lines.end(), head);
    if (it == lines.end()) return out;
    const auto depth = indent_of(head);
    out.push_back(*it);
    for (++it; it != lines.end(); ++it) {
        const auto d = indent_of(*it);
        const bool comment = d != std::string_view::npos && (*it)[d] == '#';
        if (d != std::string_view::npos && d <= depth && !comment) break;
        out.push_back(*it);
    }
    return out;
}

// The lines of `method` under `path` in the `paths` object; none when absent.
text_lines operation(const text_lines& lines, std::string_view method, std::string_view path) {
    auto in_path = block(block(lines, "paths:"), "  " + std::string(path) + ":");
    return block(in_path, "    " + std::string(method) + ":");
}

bool contains(const text_lines& lines, std::string_view needle) {
    return std::any_of(lines.begin(), lines.end(),
                       [&](const std::string& line) { return line.find(needle) != std::string::npos; });
}

}  // namespace

TEST_CASE("docs/api.yaml describes every route of CONTRACT.md") {
    const auto lines = read_api_yaml();
    REQUIRE_MESSAGE((!lines.empty() && lines.front() == "openapi: 3.0.3"), "not an OpenAPI 3.0.3 document");
    for (const auto& r : contract_routes) {
        auto text = operation(lines, r.method, r.path);
        CHECK_MESSAGE(!text.empty(), "missing in docs/api.yaml: " << r.method << " " << r.path);
        CHECK_MESSAGE(contains(text, "responses:"), r.method << " " << r.path << " has no responses");
    }
}

TEST_CASE("the text search finds an operation only under its own path") {
    const text_lines lines{
        "paths:",           "  /a:", "    get:",     "      responses: {}", "  /b:", "    # note",
        "    post:",        "      responses: {}",   "components:",          "  /c:", "    get:"};
    CHECK_FALSE(operation(lines, "get", "/a").empty());
    CHECK(operation(lines, "post", "/a").empty());
    CHECK_FALSE(operation(lines, "post", "/b").empty());
    CHECK(operation(lines, "get", "/b").empty());
    CHECK(operation(lines, "get", "/c").empty());  // not under paths
}

TEST_CASE("docs/api.yaml gives a ballot the contract's answers") {
    const auto lines = read_api_yaml();
    auto ballot = operation(lines, "post", "/api/v1/campaigns/{cid}/ballots");
    REQUIRE_FALSE(ballot.empty());
    for (std::string_view status : {"'201':", "'400':", "'401':", "'403':", "'409':", "'413':", "'429':", "'503':"})
        CHECK_MESSAGE(contains(ballot, status), "ballot response " << status);
    for (std::string_view code : {"invalid_ballot", "no_session", "csrf", "not_open", "already_voted", "daily_limit"})
        CHECK_MESSAGE(contains(ballot, code), "ballot error code " << code);
    CHECK(contains(ballot, "Idempotency-Key"));
    CHECK(contains(ballot, "voterCsrf"));
}

TEST_CASE("docs/api.yaml names the contract's credentials and error codes") {
    const auto lines = read_api_yaml();
    for (std::string_view word : {"pingyi_staff", "pingyi_session", "pingyi_csrf", "X-CSRF-Token", "scheme: bearer",
                                  "Retry-After", "redis_unavailable", "rate_limited", "body_too_large",
                                  "header_too_large", "'431'", "multipleOf: 0.01", "'^[A-Za-z0-9_-]{1,64}$'"})
        CHECK_MESSAGE(contains(lines, word), "docs/api.yaml lacks " << word);
}
