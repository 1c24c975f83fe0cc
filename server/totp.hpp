// Time-based one-time passwords for staff sign-in: HOTP (RFC 4226), TOTP
// (RFC 6238) and the base32 (RFC 4648) their secrets are written in, as the
// common authenticator apps read them from an otpauth:// URI. No I/O: the
// caller keeps the secret and the last accepted time step.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pingyi::server {

// RFC 4648 section 6, with '=' padding.
std::string base32_encode(std::string_view bytes);
// Upper or lower case, padding optional, spaces and hyphens ignored (people
// type secrets in groups); nullopt on any other character or a length no
// encoding produces.
std::optional<std::string> base32_decode(std::string_view text);

enum class otp_hash { sha1, sha256, sha512 };

struct totp_params {
    otp_hash hash = otp_hash::sha1;  // what the apps assume when the URI names none
    int digits = 6;                  // 6 to 9
    int step_s = 30;
};

// The code for `counter`, `digits` long with leading zeros.
std::string hotp(std::string_view key, std::uint64_t counter, otp_hash hash = otp_hash::sha1, int digits = 6);

// The time step (T in RFC 6238) of a Unix time; T0 is 0.
std::uint64_t totp_step(std::int64_t unix_s, int step_s = 30);
std::string totp(std::string_view key, std::int64_t unix_s, const totp_params& p = {});

// The time step whose code `code` is, among the current one and one either
// side (a phone's clock drifts), provided it is later than `last_step`, the
// last one accepted for this secret: a code is good once. nullopt otherwise,
// and for anything but exactly p.digits digits.
std::optional<std::uint64_t> verify_totp(std::string_view key, std::string_view code, std::int64_t unix_s,
                                         std::uint64_t last_step, const totp_params& p = {});

// otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=ISSUER&algorithm=...&digits=...&period=...,
// issuer and account percent-encoded (UTF-8), the secret in base32 without padding.
std::string otpauth_uri(std::string_view issuer, std::string_view account, std::string_view key,
                        const totp_params& p = {});

}  // namespace pingyi::server
