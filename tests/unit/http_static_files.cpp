#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "http/static_files.hpp"
#include "tests/support/process.hpp"

using namespace pingyi::http;

TEST_CASE("safe_relative_path refuses traversal") {
    CHECK(safe_relative_path("static/app.js"));
    CHECK_FALSE(safe_relative_path("../etc/passwd"));
    CHECK_FALSE(safe_relative_path("static/../../x"));
    CHECK_FALSE(safe_relative_path("/etc/passwd"));
    CHECK_FALSE(safe_relative_path("static//x"));
    CHECK_FALSE(safe_relative_path("static/./x"));
    CHECK_FALSE(safe_relative_path("a\\b"));
    CHECK_FALSE(safe_relative_path(std::string_view("a\0b", 3)));
    CHECK_FALSE(safe_relative_path(""));
}

TEST_CASE("static_files serves from memory with ETag and 304") {
    pingyi::test::temp_dir dir;
    std::filesystem::create_directories(dir.path() + "/static");
    std::ofstream(dir.path() + "/static/app.js") << "console.log(1)";
    std::ofstream(dir.path() + "/secret.txt") << "outside static";
    static_files files(dir.path());
    CHECK(files.size() == 2);
    request req{verb::get, "/static/app.js", 11};
    auto res = files.serve(req, "static/app.js", "public, max-age=60");
    CHECK(res.result() == status::ok);
    CHECK(res.body() == "console.log(1)");
    CHECK(res[field::content_type] == "text/javascript; charset=utf-8");
    std::string etag(res[field::etag]);
    req.set(field::if_none_match, etag);
    CHECK(files.serve(req, "static/app.js", "x").result() == status::not_modified);
    CHECK(files.serve(req, "static/../secret.txt", "x").result() == status::not_found);
    CHECK(files.serve(req, "static/missing.js", "x").result() == status::not_found);
    CHECK(static_files("/nonexistent/dir").empty());
}
