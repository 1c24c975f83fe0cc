#include "wechat/crypto.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <stdexcept>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "wechat/base64.hpp"
#include "wechat/error.hpp"

namespace pingyi::wechat {

namespace {

constexpr std::size_t key_chars = 43;
constexpr std::size_t pad_block = 32;
constexpr std::size_t length_size = 4;

struct cipher_ctx_free {
    void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using cipher_ctx = std::unique_ptr<EVP_CIPHER_CTX, cipher_ctx_free>;

// AES-256-CBC without OpenSSL's padding (which would use 16-byte blocks);
// input is a whole number of AES blocks. Returns nullopt if OpenSSL refuses.
std::optional<std::string> aes_cbc(const std::array<unsigned char, 32>& key, std::string_view input, bool encrypt)
{
    if (input.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
        return std::nullopt;
    }
    const cipher_ctx ctx{EVP_CIPHER_CTX_new()};
    if (!ctx) {
        throw std::bad_alloc();
    }
    const unsigned char* iv = key.data();
    if (EVP_CipherInit_ex(ctx.get(), EVP_aes_256_cbc(), nullptr, key.data(), iv, encrypt ? 1 : 0) != 1 ||
        EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1) {
        return std::nullopt;
    }
    std::string out(input.size(), '\0');
    int written = 0;
    int final_written = 0;
    if (EVP_CipherUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &written,
                         reinterpret_cast<const unsigned char*>(input.data()), static_cast<int>(input.size())) != 1 ||
        EVP_CipherFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + written, &final_written) != 1) {
        return std::nullopt;
    }
    out.resize(static_cast<std::size_t>(written + final_written));
    return out;
}

std::array<unsigned char, 32> decode_key(std::string_view encoding_aes_key)
{
    std::optional<std::string> bytes;
    if (encoding_aes_key.size() == key_chars) {
        bytes = base64_decode(std::string(encoding_aes_key) + "=");
    }
    std::array<unsigned char, 32> key{};
    if (!bytes || bytes->size() != key.size()) {
        const std::string problem = encoding_aes_key.size() == key_chars
                                        ? "EncodingAESKey holds a character outside base64"
                                        : "EncodingAESKey has " + std::to_string(encoding_aes_key.size()) +
                                              " characters";
        throw std::system_error(make_error_code(error::illegal_aes_key), problem);
    }
    std::copy(bytes->begin(), bytes->end(), key.begin());
    return key;
}

}  // namespace

message_cipher::message_cipher(std::string_view encoding_aes_key, std::string appid)
    : key_(decode_key(encoding_aes_key)), appid_(std::move(appid))
{
}

std::string message_cipher::encrypt(std::string_view plaintext, std::string_view random) const
{
    if (random.size() != random_size) {
        throw std::invalid_argument("message_cipher::encrypt needs 16 random bytes");
    }
    if (plaintext.size() > std::numeric_limits<std::uint32_t>::max()) {
        throw std::length_error("message too long to encrypt");
    }
    const auto length = static_cast<std::uint32_t>(plaintext.size());
    std::string buffer;
    buffer.reserve(random_size + length_size + plaintext.size() + appid_.size() + pad_block);
    buffer.append(random);
    for (int shift = 24; shift >= 0; shift -= 8) {
        buffer.push_back(static_cast<char>((length >> shift) & 0xff));
    }
    buffer.append(plaintext);
    buffer.append(appid_);
    const std::size_t pad = pad_block - buffer.size() % pad_block;
    buffer.append(pad, static_cast<char>(pad));

    auto encrypted = aes_cbc(key_, buffer, true);
    if (!encrypted) {
        throw std::runtime_error("AES-256-CBC encryption failed");
    }
    return base64_encode(*encrypted);
}

std::string message_cipher::encrypt(std::string_view plaintext) const
{
    std::array<unsigned char, random_size> random{};
    if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
        throw std::runtime_error("RAND_bytes failed");
    }
    return encrypt(plaintext, std::string_view(reinterpret_cast<const char*>(random.data()), random.size()));
}

std::string message_cipher::decrypt(std::string_view encrypted, std::error_code& ec) const
{
    ec.clear();
    const auto ciphertext = base64_decode(encrypted);
    if (!ciphertext) {
        ec = error::decode_base64;
        return {};
    }
    // Padding to 32 bytes always yields whole 32-byte blocks.
    if (ciphertext->empty() || ciphertext->size() % pad_block != 0) {
        ec = error::decrypt_aes;
        return {};
    }
    auto buffer = aes_cbc(key_, *ciphertext, false);
    if (!buffer) {
        ec = error::decrypt_aes;
        return {};
    }

    const auto pad = static_cast<unsigned char>(buffer->back());
    if (pad < 1 || pad > pad_block || pad > buffer->size()) {
        ec = error::decrypt_aes;
        return {};
    }
    for (std::size_t i = buffer->size() - pad; i < buffer->size(); ++i) {
        if (static_cast<unsigned char>((*buffer)[i]) != pad) {
            ec = error::decrypt_aes;
            return {};
        }
    }
    buffer->erase(buffer->size() - pad);  // erase, not resize: GCC 12 -O3 misreads a shrinking resize

    if (buffer->size() < random_size + length_size) {
        ec = error::illegal_buffer;
        return {};
    }
    std::uint32_t length = 0;
    for (std::size_t i = 0; i < length_size; ++i) {
        length = (length << 8) | static_cast<unsigned char>((*buffer)[random_size + i]);
    }
    const std::size_t body = buffer->size() - random_size - length_size;
    if (length > body) {
        ec = error::illegal_buffer;
        return {};
    }
    if (std::string_view(*buffer).substr(random_size + length_size + length) != appid_) {
        ec = error::invalid_appid;
        return {};
    }
    return buffer->substr(random_size + length_size, length);
}

key_ring::key_ring(message_cipher current, std::optional<message_cipher> previous)
    : current_(std::move(current)), previous_(std::move(previous))
{
}

key_ring::opened key_ring::decrypt(std::string_view encrypted, std::error_code& ec) const
{
    auto plaintext = current_.decrypt(encrypted, ec);
    if (!ec) {
        return {std::move(plaintext), &current_, false};
    }
    if (!previous_) {
        return {};
    }
    std::error_code previous_ec;
    plaintext = previous_->decrypt(encrypted, previous_ec);
    if (!previous_ec) {
        ec.clear();
        return {std::move(plaintext), &*previous_, true};
    }
    if (previous_ec == error::invalid_appid) {
        ec = previous_ec;
    }
    return {};
}

}  // namespace pingyi::wechat
