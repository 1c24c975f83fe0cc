#include "server/file_type.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace pingyi::server {

namespace {

constexpr file_type pdf{"application/pdf", "pdf"};
constexpr file_type png{"image/png", "png"};
constexpr file_type jpeg{"image/jpeg", "jpg"};
constexpr file_type docx{"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"};
constexpr file_type xlsx{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"};
constexpr file_type pptx{"application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"};
constexpr file_type doc{"application/msword", "doc"};
constexpr file_type xls{"application/vnd.ms-excel", "xls"};
constexpr file_type ofd{"application/ofd", "ofd"};

constexpr std::string_view png_signature("\x89PNG\r\n\x1a\n", 8);
constexpr std::string_view jpeg_signature("\xff\xd8\xff", 3);
constexpr std::string_view zip_signature("PK\x03\x04", 4);
constexpr std::string_view cfb_signature("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8);

// Little-endian integers at `at`; 0 past the end (callers check bounds first
// where 0 would mislead).
std::uint32_t u16_at(std::string_view s, std::size_t at) {
    if (at + 2 > s.size()) return 0;
    return static_cast<std::uint8_t>(s[at]) | static_cast<std::uint32_t>(static_cast<std::uint8_t>(s[at + 1])) << 8;
}

std::uint32_t u32_at(std::string_view s, std::size_t at) {
    if (at + 4 > s.size()) return 0;
    return u16_at(s, at) | u16_at(s, at + 2) << 16;
}

// The entry names of a zip's central directory; empty when it has none that
// can be read.
std::vector<std::string_view> zip_entry_names(std::string_view zip) {
    constexpr std::string_view end_signature("PK\x05\x06", 4);
    constexpr std::string_view entry_signature("PK\x01\x02", 4);
    constexpr std::size_t end_size = 22;
    constexpr std::size_t max_comment = 0xffff;
    if (zip.size() < end_size) return {};
    // The end record sits last, after a comment of up to 64 KiB.
    std::size_t lowest = zip.size() - end_size > max_comment ? zip.size() - end_size - max_comment : 0;
    std::size_t end = zip.size() - end_size;
    while (zip.compare(end, end_signature.size(), end_signature) != 0) {
        if (end == lowest) return {};
        --end;
    }
    std::size_t count = u16_at(zip, end + 10);
    std::size_t at = u32_at(zip, end + 16);
    std::vector<std::string_view> names;
    for (std::size_t i = 0; i < count; ++i) {
        constexpr std::size_t header_size = 46;
        if (at + header_size > end || zip.compare(at, entry_signature.size(), entry_signature) != 0) break;
        std::size_t name_size = u16_at(zip, at + 28);
        std::size_t rest = u16_at(zip, at + 30) + u16_at(zip, at + 32);
        if (at + header_size + name_size > end) break;
        names.push_back(zip.substr(at + header_size, name_size));
        at += header_size + name_size + rest;
    }
    return names;
}

std::optional<file_type> zip_type(std::string_view zip) {
    auto names = zip_entry_names(zip);
    bool content_types = false;
    for (auto name : names) content_types = content_types || name == "[Content_Types].xml";
    for (auto name : names) {
        if (name == "OFD.xml") return ofd;
        if (!content_types) continue;
        if (name.starts_with("word/")) return docx;
        if (name.starts_with("xl/")) return xlsx;
        if (name.starts_with("ppt/")) return pptx;
    }
    return std::nullopt;
}

// A compound file (MS-CFB): sectors chained through the FAT; the directory's
// 128-byte entries name the streams, and the streams name the format.
class compound_file {
public:
    explicit compound_file(std::string_view bytes) : bytes_(bytes) {
        auto shift = u16_at(bytes, 0x1e);
        if (shift != 9 && shift != 12) return;
        sector_size_ = std::size_t{1} << shift;
        read_fat_sectors();
    }

    // The names of the directory's entries (ASCII; other characters as '?').
    std::vector<std::string> entry_names() const {
        constexpr std::size_t entry_size = 128;
        std::vector<std::string> names;
        if (sector_size_ == 0) return names;
        auto sector = u32_at(bytes_, 0x30);
        for (std::size_t steps = 0; steps < sector_count() && is_sector(sector); ++steps) {
            auto data = bytes_.substr(offset_of(sector), sector_size_);
            for (std::size_t at = 0; at + entry_size <= data.size(); at += entry_size) {
                auto name_bytes = u16_at(data, at + 64);
                if (data[at + 66] == 0 || name_bytes < 2 || name_bytes > 64) continue;
                std::string name;
                for (std::size_t i = 0; i + 2 < name_bytes; i += 2) {
                    auto unit = u16_at(data, at + i);
                    name += unit < 0x80 ? static_cast<char>(unit) : '?';
                }
                names.push_back(std::move(name));
            }
            sector = next(sector);
        }
        return names;
    }

private:
    static constexpr std::uint32_t last_regular_sector = 0xfffffff9;
    static constexpr std::size_t header_difat_entries = 109;

    std::size_t sector_count() const { return bytes_.size() / sector_size_; }
    std::size_t offset_of(std::uint32_t sector) const { return (std::size_t{sector} + 1) * sector_size_; }
    bool is_sector(std::uint32_t sector) const {
        return sector <= last_regular_sector && offset_of(sector) + sector_size_ <= bytes_.size();
    }

    // The FAT's sectors: the header's first 109, then the DIFAT chain's.
    void read_fat_sectors() {
        // No file has more FAT sectors than sectors.
        std::size_t wanted = std::min<std::size_t>(u32_at(bytes_, 0x2c), sector_count());
        for (std::size_t i = 0; i < header_difat_entries && fat_.size() < wanted; ++i) {
            auto sector = u32_at(bytes_, 0x4c + 4 * i);
            if (!is_sector(sector)) return;
            fat_.push_back(sector);
        }
        auto difat = u32_at(bytes_, 0x44);
        std::size_t per_sector = sector_size_ / 4 - 1;
        for (std::size_t steps = 0; steps < sector_count() && fat_.size() < wanted && is_sector(difat); ++steps) {
            auto at = offset_of(difat);
            for (std::size_t i = 0; i < per_sector && fat_.size() < wanted; ++i) {
                auto sector = u32_at(bytes_, at + 4 * i);
                if (!is_sector(sector)) return;
                fat_.push_back(sector);
            }
            difat = u32_at(bytes_, at + 4 * per_sector);
        }
    }

    // The sector after `sector` in its chain (a value past the regular
    // sectors when the chain ends or the FAT does not say).
    std::uint32_t next(std::uint32_t sector) const {
        std::size_t per_sector = sector_size_ / 4;
        std::size_t index = sector / per_sector;
        if (index >= fat_.size()) return last_regular_sector + 1;
        return u32_at(bytes_, offset_of(fat_[index]) + 4 * (sector % per_sector));
    }

    std::string_view bytes_;
    std::size_t sector_size_ = 0;
    std::vector<std::uint32_t> fat_;
};

std::optional<file_type> compound_file_type(std::string_view bytes) {
    for (const auto& name : compound_file(bytes).entry_names()) {
        if (name == "WordDocument") return doc;
        if (name == "Workbook" || name == "Book") return xls;
    }
    return std::nullopt;
}

// UTF-8 to code points, each invalid byte as U+FFFD.
std::u32string decode_utf8(std::string_view in) {
    std::u32string out;
    for (std::size_t i = 0; i < in.size();) {
        auto lead = static_cast<unsigned char>(in[i]);
        std::size_t length = lead < 0x80            ? 1
                             : (lead >> 5) == 0x6  ? 2
                             : (lead >> 4) == 0xe  ? 3
                             : (lead >> 3) == 0x1e ? 4
                                                   : 0;
        char32_t c = length == 1 ? lead : length == 2 ? lead & 0x1f : length == 3 ? lead & 0x0f : lead & 0x07;
        bool valid = length != 0 && i + length <= in.size();
        for (std::size_t k = 1; valid && k < length; ++k) {
            auto next = static_cast<unsigned char>(in[i + k]);
            valid = (next & 0xc0) == 0x80;
            c = c << 6 | (next & 0x3f);
        }
        constexpr char32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
        valid = valid && c >= least[length] && c <= 0x10ffff && (c < 0xd800 || c > 0xdfff);
        out += valid ? c : U'\ufffd';
        i += valid ? length : 1;
    }
    return out;
}

std::string encode_utf8(char32_t c) {
    std::string out;
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xc0 | c >> 6);
        out += static_cast<char>(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xe0 | c >> 12);
        out += static_cast<char>(0x80 | (c >> 6 & 0x3f));
        out += static_cast<char>(0x80 | (c & 0x3f));
    } else {
        out += static_cast<char>(0xf0 | c >> 18);
        out += static_cast<char>(0x80 | (c >> 12 & 0x3f));
        out += static_cast<char>(0x80 | (c >> 6 & 0x3f));
        out += static_cast<char>(0x80 | (c & 0x3f));
    }
    return out;
}

// Characters a name may not keep: controls (C0, DEL, C1) and the marks and
// overrides that reorder text, which can make "exe.pdf" read as "fdp.exe".
bool unwanted(char32_t c) {
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e) ||
           (c >= 0x2066 && c <= 0x2069);
}

std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

bool same_extension(std::string_view name_extension, std::string_view extension) {
    auto lower = ascii_lower(name_extension);
    return lower == extension || (extension == "jpg" && lower == "jpeg");
}

}  // namespace

std::optional<file_type> sniff_file_type(std::string_view content) {
    if (content.starts_with("%PDF-")) return pdf;
    if (content.starts_with(png_signature)) return png;
    if (content.starts_with(jpeg_signature)) return jpeg;
    if (content.starts_with(zip_signature)) return zip_type(content);
    if (content.starts_with(cfb_signature)) return compound_file_type(content);
    return std::nullopt;
}

std::string_view accepted_file_types_text() {
    return "PDF、OFD、Word（.docx、.doc）、Excel（.xlsx、.xls）、PowerPoint（.pptx）、PNG 或 JPEG 图片";
}

std::string safe_file_name(std::string_view name, std::string_view extension) {
    auto chars = decode_utf8(name);
    if (auto slash = chars.find_last_of(U"/\\"); slash != std::u32string::npos) chars.erase(0, slash + 1);
    std::erase_if(chars, unwanted);
    auto first = chars.find_first_not_of(U". ");
    chars.erase(0, first == std::u32string::npos ? chars.size() : first);
    auto last = chars.find_last_not_of(U". ");
    chars.erase(last == std::u32string::npos ? 0 : last + 1);

    std::string stem;
    for (char32_t c : chars) stem += encode_utf8(c);
    std::string suffix = "." + std::string(extension);
    if (auto dot = stem.rfind('.'); dot != std::string::npos && same_extension(stem.substr(dot + 1), extension)) {
        suffix = stem.substr(dot);
        stem.erase(dot);
    }
    // Cut the stem, never the extension, and never inside a character.
    std::size_t room = max_file_name_bytes - suffix.size();
    if (stem.size() > room) {
        while (room > 0 && (static_cast<unsigned char>(stem[room]) & 0xc0) == 0x80) --room;
        stem.erase(room);
    }
    if (stem.empty()) stem = "附件";
    return stem + suffix;
}

}  // namespace pingyi::server
