// What an uploaded file is, from its content alone: the first bytes, and for
// the zip-based formats (Office Open XML, OFD) the names of the zip's
// entries, for the compound-file formats (legacy Word, Excel) the names of
// the streams. Never the file's name or the client's Content-Type, which the
// uploader chooses. And the name such a file is shown under. Pure: no I/O.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace pingyi::server {

struct file_type {
    std::string_view mime;       // e.g. "application/pdf"
    std::string_view extension;  // without the dot, e.g. "pdf"

    bool operator==(const file_type&) const = default;
};

// The type of an accepted file; nullopt for everything else (executables,
// HTML, SVG, plain zips, other compound files such as installers).
// `content` is the whole file: a zip's directory is at its end.
std::optional<file_type> sniff_file_type(std::string_view content);

// The accepted types, for people: "PDF、OFD、Word（.docx、.doc）…".
std::string_view accepted_file_types_text();

inline constexpr std::size_t max_file_name_bytes = 200;

// The name an upload is shown and downloaded under, from the uploader's
// (percent-decoded) name: its last path component, without control or
// bidirectional-override characters, leading dots or spaces, invalid UTF-8
// replaced, at most max_file_name_bytes, and ending in the extension its
// content showed ("report.exe" of a PDF: "report.exe.pdf"); "附件.<ext>"
// when nothing is left.
std::string safe_file_name(std::string_view name, std::string_view extension);

}  // namespace pingyi::server
