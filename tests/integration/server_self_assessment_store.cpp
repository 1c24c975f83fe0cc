// server/self_assessment_store.hpp against a real Redis: every change is
// compare-and-set, so a change decided on a unit's record or on an indicator
// system that changed meanwhile is refused, and the indicators cannot
// change while a unit's self-assessment is submitted or accepted. (What the
// routes do with a refusal, decide again, is in server_units.cpp.)
#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>

#include "redis/connection.hpp"
#include "server/self_assessment_store.hpp"
#include "tests/integration/tools_support.hpp"
#include "tests/support/redis_server.hpp"

namespace asio = boost::asio;
using namespace pingyi::server;
using pingyi::test::drive;
using pingyi::test::redis_server;
using pingyi::test::run;

namespace {

struct fixture {
    redis_server server;
    asio::io_context ioc;
    pingyi::redis::connection redis{ioc.get_executor(), options(server)};

    fixture() {
        redis.start();
        REQUIRE(drive(ioc, [&] { return redis.is_up(); }));
    }

    static pingyi::redis::connection_options options(const redis_server& s) {
        pingyi::redis::connection_options o;
        o.endpoint.port = s.port();
        return o;
    }

    unit_assessment load(const std::string& uid) {
        boost::system::error_code ec;
        auto a = run(ioc, load_unit_assessment(redis, "c1", uid, ec));
        REQUIRE_FALSE(ec);
        return a;
    }
    bool write(const std::string& uid, const unit_assessment& before, const assessment_record& after) {
        boost::system::error_code ec;
        auto written = run(ioc, replace_record(redis, "c1", uid, before, after, ec));
        REQUIRE_FALSE(ec);
        return written;
    }
    bool set_indicators(const pingyi::vote::indicator_system& s, const std::string& by) {
        boost::system::error_code ec;
        auto written = run(ioc, replace_indicators(redis, "c1", encode_indicators(s, 1000, by), ec));
        REQUIRE_FALSE(ec);
        return written;
    }
};

pingyi::vote::indicator_system system_of(pingyi::vote::tenths points) {
    return {{{"组织领导", {{"1.1", "专题研究", points, ""}}}}};
}

assessment_record record(assessment_state state, pingyi::vote::tenths score) {
    assessment_record r;
    r.state = state;
    r.content.items = {{"1.1", score, "会议纪要"}};
    r.content.disclosure = {"清单", "措施", "成效"};
    r.saved_ms = 2000;
    return r;
}

}  // namespace

TEST_CASE("self-assessment store: changes decided on a stale record or stale indicators are refused") {
    fixture f;
    REQUIRE(f.set_indicators(system_of(50), "admin"));

    auto before = f.load("u1");
    CHECK_FALSE(before.record.has_value());
    CHECK(before.indicators.system == system_of(50));
    CHECK(before.indicators.by == "admin");
    REQUIRE(f.write("u1", before, record(assessment_state::draft, 40)));
    // Decided on the record as it was before that write: a review crossing a submission.
    CHECK_FALSE(f.write("u1", before, record(assessment_state::submitted, 40)));

    auto draft = f.load("u1");
    REQUIRE(draft.record.has_value());
    CHECK(*draft.record == record(assessment_state::draft, 40));
    // The indicators change under a submission decided on the old ones.
    REQUIRE(f.set_indicators(system_of(30), "admin"));
    CHECK_FALSE(f.write("u1", draft, record(assessment_state::submitted, 40)));

    auto fresh = f.load("u1");
    CHECK_FALSE(fresh.indicators.locked);
    REQUIRE(f.write("u1", fresh, record(assessment_state::submitted, 30)));
    // Submitted: the indicators are locked until it is returned.
    CHECK(f.load("u2").indicators.locked);
    CHECK_FALSE(f.set_indicators(system_of(20), "admin"));
    CHECK(f.load("u1").indicators.system == system_of(30));
    auto submitted = f.load("u1");
    REQUIRE(f.write("u1", submitted, record(assessment_state::returned, 30)));
    CHECK_FALSE(f.load("u1").indicators.locked);
    CHECK(f.set_indicators(system_of(20), "admin"));

    boost::system::error_code ec;
    auto all = run(f.ioc, load_assessments(f.redis, "c1", ec));
    REQUIRE_FALSE(ec);
    REQUIRE(all.records.size() == 1);
    CHECK(all.records.at("u1").state == assessment_state::returned);
    CHECK(all.indicators.system == system_of(20));
}
