// The attachment store through real routes (a unit's annual-filing upload):
// the size limit, the type by content, a hostile file name, the file on
// disk, the download's headers, and a server without a directory.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <sys/stat.h>

#include "tests/integration/filings_support.hpp"
#include "vote/digest.hpp"

using namespace pingyi::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::string windows_exe =
    std::string("MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0", 16) + "This program cannot be run";

std::string error_code_of(const http_result& r) {
    auto body = json::parse(r.body, nullptr, false);
    return body.is_object() && body.contains("error") ? body["error"].value("code", "") : "";
}

// Every regular file under the store, relative to it.
std::vector<std::string> stored_files(const std::string& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) out.push_back(fs::relative(e.path(), dir).string());
    return out;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

unsigned mode_of(const std::string& path) {
    struct stat st{};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

// A server with one unit on the roster, and that unit's link.
struct one_unit {
    filings_server s;
    std::string link;

    explicit one_unit(env_map extra = {}, bool attachments = true) : s(std::move(extra), {}, attachments) {
        s.set_roster(2026, json::parse(R"([{"id": "u1", "name": "市教育局", "contact": "张三"}])"));
        link = s.links(2026).at("u1");
    }
};

}  // namespace

TEST_CASE("attachments: a file over attachment_max_bytes gets 413, one within it is stored") {
    one_unit f(env_map{{"PINGYI_ATTACHMENT_MAX_BYTES", "4096"}});
    std::string big = minimal_pdf + std::string(5000, ' ');
    auto refused = upload(f.s, f.link, "plan", big, "plan.pdf");
    CHECK(refused.status == 413);
    CHECK(stored_files(f.s.store_dir()).empty());
    auto ok = upload(f.s, f.link, "plan", minimal_pdf + std::string(3000, ' '), "plan.pdf");
    CHECK_MESSAGE(ok.status == 201, ok.body);
    CHECK(stored_files(f.s.store_dir()).size() == 1);
}

TEST_CASE("attachments: the type is read from the content, never the name") {
    one_unit f;
    auto exe = upload(f.s, f.link, "plan", windows_exe, "工作计划.pdf");
    CHECK(exe.status == 415);
    CHECK(error_code_of(exe) == "unsupported_file_type");
    auto message = json::parse(exe.body)["error"]["message"].get<std::string>();
    for (auto name : {"PDF", "OFD", "Word", "Excel", "JPEG"}) CHECK(message.find(name) != std::string::npos);
    CHECK(upload(f.s, f.link, "plan", "<html><script>alert(1)</script></html>", "plan.pdf").status == 415);
    CHECK(upload(f.s, f.link, "plan", "", "plan.pdf").status == 415);
    CHECK(stored_files(f.s.store_dir()).empty());

    // No name at all is refused too.
    auto unnamed = f.s.call("POST", unit_api(f.link, "/plan"), minimal_pdf, {{"Content-Type", "application/pdf"}});
    CHECK(unnamed.status == 400);
    CHECK(error_code_of(unnamed) == "file_name_required");

    // A PDF named .exe is a PDF, and is downloaded as one.
    auto pdf = upload(f.s, f.link, "plan", minimal_pdf, "setup.exe");
    REQUIRE_MESSAGE(pdf.status == 201, pdf.body);
    CHECK(json::parse(pdf.body)["attachment"]["name"] == "setup.exe.pdf");
    CHECK(json::parse(pdf.body)["attachment"]["type"] == "application/pdf");
}

TEST_CASE("attachments: a traversal name is stored under the content's digest and downloaded with a safe name") {
    one_unit f;
    auto r = upload(f.s, f.link, "plan", minimal_pdf, "../../etc/passwd.pdf");
    REQUIRE_MESSAGE(r.status == 201, r.body);
    auto a = json::parse(r.body)["attachment"];
    CHECK(a["name"] == "passwd.pdf");
    CHECK(a["size"] == minimal_pdf.size());
    const std::string sha = pingyi::vote::sha256_hex(minimal_pdf);
    CHECK(a["sha256"] == sha);

    // On disk: <2 hex>/<sha256> and nothing else, exactly the bytes, 0640 in 0750.
    auto files = stored_files(f.s.store_dir());
    REQUIRE(files.size() == 1);
    CHECK(files[0] == sha.substr(0, 2) + "/" + sha);
    const auto path = f.s.store_dir() + "/" + files[0];
    CHECK(read_file(path) == minimal_pdf);
    CHECK(mode_of(path) == 0640);
    CHECK(mode_of(f.s.store_dir() + "/" + sha.substr(0, 2)) == 0750);
    CHECK(mode_of(f.s.store_dir()) == 0750);
    CHECK_FALSE(fs::exists(f.s.files.path() + "/etc"));

    auto download = f.s.call("GET", unit_api(f.link, "/plan/attachments/" + a["id"].get<std::string>()));
    REQUIRE(download.status == 200);
    CHECK(download.body == minimal_pdf);
    CHECK(download.header("content-type") == "application/pdf");
    CHECK(download.header("x-content-type-options") == "nosniff");
    CHECK(download.header("content-disposition") ==
          "attachment; filename=\"passwd.pdf\"; filename*=UTF-8''passwd.pdf");

    // A Chinese name: an ASCII fallback and the UTF-8 name percent-encoded.
    auto chinese = upload(f.s, f.link, "summary", minimal_pdf, "年终总结.pdf");
    REQUIRE(chinese.status == 201);
    auto id = json::parse(chinese.body)["attachment"]["id"].get<std::string>();
    auto named = f.s.call("GET", unit_api(f.link, "/summary/attachments/" + id));
    CHECK(named.header("content-disposition") ==
          "attachment; filename=\"____________.pdf\"; "
          "filename*=UTF-8''%E5%B9%B4%E7%BB%88%E6%80%BB%E7%BB%93.pdf");
    // The same content is kept once.
    CHECK(stored_files(f.s.store_dir()).size() == 1);

    // Another unit's or a made-up attachment id is not found.
    CHECK(f.s.call("GET", unit_api(f.link, "/plan/attachments/" + id)).status == 404);
    CHECK(f.s.call("GET", unit_api(f.link, "/plan/attachments/..%2F..%2Fetc%2Fpasswd")).status == 404);
}

TEST_CASE("attachments: without PINGYI_ATTACHMENTS_DIR uploads answer 503") {
    one_unit f({}, false);
    auto r = upload(f.s, f.link, "plan", minimal_pdf, "plan.pdf");
    CHECK(r.status == 503);
    CHECK(error_code_of(r) == "attachments_disabled");
    auto unit = f.s.call("GET", unit_api(f.link));
    REQUIRE(unit.status == 200);
    CHECK(json::parse(unit.body)["uploads"] == false);
}

TEST_CASE("attachments: the directory is created at start, and an unusable one stops the server") {
    filings_server s;
    CHECK(fs::is_directory(s.store_dir()));
    CHECK(mode_of(s.store_dir()) == 0750);

    temp_dir dir;
    const auto not_a_dir = dir.path() + "/file";
    std::ofstream(not_a_dir) << "x";
    std::string output;
    int status = run_server_expecting_exit({{"PINGYI_DEV", "1"}, {"PINGYI_ATTACHMENTS_DIR", not_a_dir}}, {}, output);
    CHECK(status == 2);
    CHECK(output.find("PINGYI_ATTACHMENTS_DIR") != std::string::npos);
    CHECK(output.find(not_a_dir) != std::string::npos);
}
