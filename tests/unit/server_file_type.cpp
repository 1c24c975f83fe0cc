// Uploads are recognised by their bytes alone: each accepted format from
// minimal real files built here (zips and compound files written as the
// formats specify), and what must be refused whatever it is called.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "server/file_type.hpp"

using namespace pingyi::server;

namespace {

std::string le16(std::uint32_t v) { return {static_cast<char>(v & 0xff), static_cast<char>(v >> 8 & 0xff)}; }
std::string le32(std::uint32_t v) { return le16(v & 0xffff) + le16(v >> 16); }

std::uint32_t crc32(std::string_view data) {
    std::uint32_t crc = 0xffffffff;
    for (char c : data) {
        crc ^= static_cast<std::uint8_t>(c);
        for (int k = 0; k < 8; ++k) crc = crc & 1 ? (crc >> 1) ^ 0xedb88320 : crc >> 1;
    }
    return ~crc;
}

// A zip of stored (uncompressed) entries, as APPNOTE.TXT lays it out.
std::string zip_of(const std::vector<std::pair<std::string, std::string>>& entries) {
    std::string local;
    std::string central;
    for (const auto& [name, data] : entries) {
        auto sizes = le32(crc32(data)) + le32(static_cast<std::uint32_t>(data.size())) +
                     le32(static_cast<std::uint32_t>(data.size())) + le16(static_cast<std::uint32_t>(name.size())) +
                     le16(0);
        central += "PK\x01\x02" + le16(20) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0x21) + sizes + le16(0) +
                   le16(0) + le16(0) + le32(0) + le32(static_cast<std::uint32_t>(local.size())) + name;
        local += "PK\x03\x04" + le16(20) + le16(0) + le16(0) + le16(0) + le16(0x21) + sizes + name + data;
    }
    auto count = le16(static_cast<std::uint32_t>(entries.size()));
    return local + central + "PK\x05\x06" + le16(0) + le16(0) + count + count +
           le32(static_cast<std::uint32_t>(central.size())) + le32(static_cast<std::uint32_t>(local.size())) + le16(0);
}

const std::string content_types = R"(<?xml version="1.0" encoding="UTF-8"?>)"
                                  R"(<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>)";

// One 128-byte directory entry of a compound file.
std::string directory_entry(const std::u16string& name, std::uint8_t type) {
    std::string e;
    for (char16_t c : name) e += le16(c);
    e.resize(64, '\0');
    e += le16(static_cast<std::uint32_t>(name.size() + 1) * 2);
    e += static_cast<char>(type);
    e += '\x01';                                   // black
    e += le32(0xffffffff) + le32(0xffffffff) + le32(0xffffffff);  // no siblings, no child
    e.resize(116, '\0');                           // CLSID, state bits, times
    e += le32(0xfffffffe) + le32(0) + le32(0);     // start sector (none), size
    return e;
}

// A compound file (MS-CFB, version 3, 512-byte sectors) whose directory
// holds a root and the named streams: sector 0 the FAT, sector 1 the
// directory.
std::string compound_file_of(const std::vector<std::u16string>& streams) {
    std::string header = "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1";
    header.resize(24, '\0');
    header += le16(0x3e) + le16(3) + le16(0xfffe) + le16(9) + le16(6);
    header.resize(0x2c, '\0');
    header += le32(1) + le32(1) + le32(0) + le32(4096) + le32(0xfffffffe) + le32(0) + le32(0xfffffffe) + le32(0);
    header += le32(0);  // DIFAT[0]: the FAT is sector 0
    while (header.size() < 512) header += le32(0xffffffff);
    std::string fat = le32(0xfffffffd) + le32(0xfffffffe);
    while (fat.size() < 512) fat += le32(0xffffffff);
    std::string directory = directory_entry(u"Root Entry", 5);
    for (const auto& s : streams) directory += directory_entry(s, 2);
    directory.resize(512, '\0');
    return header + fat + directory;
}

}  // namespace

TEST_CASE("each accepted type is recognised from its bytes") {
    CHECK(sniff_file_type("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n") ==
          file_type{"application/pdf", "pdf"});
    CHECK(sniff_file_type(std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16)) == file_type{"image/png", "png"});
    CHECK(sniff_file_type(std::string("\xff\xd8\xff\xe0\0\x10JFIF\0", 11)) == file_type{"image/jpeg", "jpg"});

    auto docx = zip_of({{"[Content_Types].xml", content_types}, {"_rels/.rels", "<Relationships/>"},
                        {"word/document.xml", "<w:document/>"}});
    CHECK(sniff_file_type(docx) ==
          file_type{"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"});
    auto xlsx = zip_of({{"[Content_Types].xml", content_types}, {"xl/workbook.xml", "<workbook/>"}});
    CHECK(sniff_file_type(xlsx) ==
          file_type{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"});
    auto pptx = zip_of({{"[Content_Types].xml", content_types}, {"ppt/presentation.xml", "<p:presentation/>"}});
    CHECK(sniff_file_type(pptx) ==
          file_type{"application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"});
    auto ofd = zip_of({{"OFD.xml", "<ofd:OFD/>"}, {"Doc_0/Document.xml", "<ofd:Document/>"}});
    CHECK(sniff_file_type(ofd) == file_type{"application/ofd", "ofd"});

    CHECK(sniff_file_type(compound_file_of({u"\x05SummaryInformation", u"WordDocument", u"1Table"})) ==
          file_type{"application/msword", "doc"});
    CHECK(sniff_file_type(compound_file_of({u"Workbook"})) == file_type{"application/vnd.ms-excel", "xls"});
    CHECK(sniff_file_type(compound_file_of({u"Book"})) == file_type{"application/vnd.ms-excel", "xls"});
}

TEST_CASE("a zip with a comment after its directory is still read") {
    auto docx = zip_of({{"[Content_Types].xml", content_types}, {"word/document.xml", "<w:document/>"}});
    docx.replace(docx.size() - 2, 2, le16(5) + "hello");
    CHECK(sniff_file_type(docx).value().extension == "docx");
}

TEST_CASE("executables, web pages, plain zips and other compound files are refused") {
    const std::vector<std::pair<std::string, std::string>> refused{
        {"Windows executable", std::string("MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff", 14)},
        {"ELF executable", std::string("\x7f" "ELF\x02\x01\x01\0", 8)},
        {"HTML", "<!DOCTYPE html><html><script>alert(1)</script></html>"},
        {"SVG", R"(<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>)"},
        {"XML-declared SVG", R"(<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>)"},
        {"plain text named .pdf", "this is not a PDF\n"},
        {"empty", ""},
        {"a PNG cut short", "\x89PN"},
        {"a PDF marker cut short", "%PDF"},
        {"zip of a text file", zip_of({{"hello.txt", "hello"}})},
        {"zip with Office folders but no content types", zip_of({{"word/document.xml", "<w:document/>"}})},
        {"zip with content types alone", zip_of({{"[Content_Types].xml", content_types}})},
        {"OFD.xml not at the root", zip_of({{"x/OFD.xml", "<ofd:OFD/>"}})},
        {"zip without its directory", zip_of({{"OFD.xml", "<ofd:OFD/>"}}).substr(0, 40)},
        {"installer-like compound file", compound_file_of({u"\x05SummaryInformation", u"Property"})},
        {"compound file header alone", compound_file_of({u"WordDocument"}).substr(0, 512)},
    };
    for (const auto& [what, bytes] : refused) CHECK_MESSAGE(!sniff_file_type(bytes), what);
}

TEST_CASE("the accepted types are listed in Chinese") {
    auto text = std::string(accepted_file_types_text());
    for (auto name : {"PDF", "OFD", "Word", "Excel", "PNG", "JPEG"}) CHECK(text.find(name) != std::string::npos);
}

TEST_CASE("an uploader's file name is reduced to a safe display name") {
    CHECK(safe_file_name("../../etc/passwd.pdf", "pdf") == "passwd.pdf");
    CHECK(safe_file_name("C:\\Users\\张三\\工作计划.PDF", "pdf") == "工作计划.PDF");
    CHECK(safe_file_name(".htaccess", "pdf") == "htaccess.pdf");
    CHECK(safe_file_name("...  总结.docx", "docx") == "总结.docx");
    CHECK(safe_file_name("report.exe", "pdf") == "report.exe.pdf");
    CHECK(safe_file_name("photo.jpeg", "jpg") == "photo.jpeg");
    CHECK(safe_file_name("scan", "png") == "scan.png");
    CHECK(safe_file_name(std::string("a\x01" "b\nc\x7f.pdf"), "pdf") == "abc.pdf");
    CHECK(safe_file_name("invoice\u202Efdp.exe", "pdf") == "invoicefdp.exe.pdf");
    CHECK(safe_file_name("a\xff.pdf", "pdf") == "a\uFFFD.pdf");
    CHECK(safe_file_name("\xe5\xb7.pdf", "pdf") == "\uFFFD\uFFFD.pdf");
    CHECK(safe_file_name("..", "pdf") == "附件.pdf");
    CHECK(safe_file_name("/", "ofd") == "附件.ofd");
}

TEST_CASE("a long file name is cut in its stem, whole characters only") {
    std::string long_name;
    for (int i = 0; i < 300; ++i) long_name += "汉";
    auto name = safe_file_name(long_name + ".pdf", "pdf");
    CHECK(name.size() <= max_file_name_bytes);
    CHECK(name.size() == 65 * 3 + 4);
    CHECK(name.ends_with("汉.pdf"));
    auto ascii = safe_file_name(std::string(500, 'a') + ".docx", "docx");
    CHECK(ascii.size() == max_file_name_bytes);
    CHECK(ascii.ends_with("a.docx"));
}
