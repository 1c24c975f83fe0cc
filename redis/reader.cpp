#include "redis/reader.hpp"

#include <new>

#include <hiredis/hiredis.h>

namespace pingyi::redis {
namespace {

struct reply_deleter {
    void operator()(redisReply* r) const { freeReplyObject(r); }
};

reply convert(const redisReply& r) {
    switch (r.type) {
        case REDIS_REPLY_INTEGER: return reply(r.integer);
        case REDIS_REPLY_STRING: return reply(reply::kind::string, std::string(r.str, r.len));
        case REDIS_REPLY_STATUS: return reply(reply::kind::status, std::string(r.str, r.len));
        case REDIS_REPLY_ERROR: return reply(reply::kind::error, std::string(r.str, r.len));
        case REDIS_REPLY_ARRAY: {
            std::vector<reply> elements;
            elements.reserve(r.elements);
            for (std::size_t i = 0; i < r.elements; ++i) elements.push_back(convert(*r.element[i]));
            return reply(std::move(elements));
        }
        default: return reply();  // REDIS_REPLY_NIL; RESP3 types never arrive (we never send HELLO 3)
    }
}

}  // namespace

void reader::deleter::operator()(redisReader* r) const { redisReaderFree(r); }

reader::reader() : reader_(redisReaderCreate()) {
    if (!reader_) throw std::bad_alloc();
}

void reader::feed(std::string_view bytes) {
    if (bytes.empty()) return;
    // Only fails once the reader is already in error, which next() reports.
    redisReaderFeed(reader_.get(), bytes.data(), bytes.size());
}

reader::status reader::next(reply& out) {
    void* raw = nullptr;
    if (redisReaderGetReply(reader_.get(), &raw) != REDIS_OK) return status::error;
    if (!raw) return status::incomplete;
    std::unique_ptr<redisReply, reply_deleter> owned(static_cast<redisReply*>(raw));
    out = convert(*owned);
    return status::reply;
}

std::string reader::error_message() const { return reader_->err ? std::string(reader_->errstr) : std::string(); }

}  // namespace pingyi::redis
