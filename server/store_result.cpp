#include "server/store_result.hpp"

#include <string>

#include "server/log.hpp"

namespace pingyi::server {

bool command_failed(const redis::result& r, boost::system::error_code& ec, std::string_view store) {
    if (r.ec) {
        ec = r.ec;
    } else if (r.value.is_error()) {
        log::error(std::string(store) + " command refused", {{"error", r.value.str()}});
        ec = boost::system::errc::make_error_code(boost::system::errc::io_error);
    }
    return !r.ok();
}

}  // namespace pingyi::server
