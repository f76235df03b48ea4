// Per-key limits (http/auth_limits.h) on a clock the test moves: the rate is a token bucket of one second's
// worth of requests, uploads are counted in hours from a key's first upload, and a refused request costs
// nothing and says how long to wait.
#include <gtest/gtest.h>

#include "core/error.h"
#include "http/auth_limits.h"
#include "http/auth_policy.h"

namespace yv::http::auth {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;

KeyRecord key(double rate, uint64_t upload_bytes) {
  KeyRecord k;
  k.id = "key_test";
  k.requests_per_second = rate;
  k.upload_bytes_per_hour = upload_bytes;
  return k;
}

TEST(KeyLimits, RateIsATokenBucketOfOneSecond) {
  KeyLimits limits;
  const auto t0 = KeyLimits::Clock::time_point{} + std::chrono::hours(1);
  const KeyRecord k = key(4, 0);
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(limits.admit(k, 0, t0)) << i;
  EXPECT_EQ(limits.admit(k, 0, t0), 1);                      // the fifth within the second waits
  EXPECT_FALSE(limits.admit(k, 0, t0 + milliseconds(250)));  // one token back after 1/4 s
  EXPECT_EQ(limits.admit(k, 0, t0 + milliseconds(250)), 1);
  for (int i = 0; i < 4; ++i)
    EXPECT_FALSE(limits.admit(k, 0, t0 + milliseconds(5000))) << i;  // never > burst
  EXPECT_TRUE(limits.admit(k, 0, t0 + milliseconds(5000)));
  EXPECT_FALSE(limits.admit(key(0, 0), 0, t0));  // 0: no limit
}

TEST(KeyLimits, UploadBytesAreCountedPerHourAndARefusalCostsNothing) {
  KeyLimits limits;
  const auto t0 = KeyLimits::Clock::time_point{} + std::chrono::hours(1);
  const KeyRecord k = key(0, 1000);
  EXPECT_FALSE(limits.admit(k, 600, t0));
  const auto wait = limits.admit(k, 600, t0 + minutes(10));
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, 50 * 60);                             // until the hour that began at t0 ends
  EXPECT_FALSE(limits.admit(k, 400, t0 + minutes(20)));  // the refused 600 were not counted
  EXPECT_TRUE(limits.admit(k, 1, t0 + minutes(30)));
  EXPECT_FALSE(limits.admit(k, 1000, t0 + minutes(61)));  // a new hour
  EXPECT_FALSE(limits.admit(k, 0, t0 + minutes(61)));     // requests without a body never count
}

TEST(ScopePolicy, RoutesNeedTheScopeTheirFamilyNames) {
  EXPECT_FALSE(required_scope("GET", "/"));
  EXPECT_FALSE(required_scope("GET", "/api/v1/monitoring/health"));
  EXPECT_FALSE(required_scope("GET", "/openapi.json"));
  EXPECT_FALSE(required_scope("OPTIONS", "/v1/workflows"));
  EXPECT_EQ(required_scope("POST", "/"), kSubmit);  // only GET / is open
  EXPECT_EQ(required_scope("GET", "/v1/workflows/status/x"), kRead);
  EXPECT_EQ(required_scope("HEAD", "/v1/tasks/x/status"), kRead);
  EXPECT_EQ(required_scope("GET", "/metrics"), kRead);
  EXPECT_EQ(required_scope("POST", "/v1/workflows"), kSubmit);
  EXPECT_EQ(required_scope("DELETE", "/v1/tasks/x"), kSubmit);
  EXPECT_EQ(required_scope("POST", "/v1/files/upload"), kFiles);
  EXPECT_EQ(required_scope("GET", "/v1/files/download/a/b.wav"), kFiles);
  EXPECT_EQ(required_scope("DELETE", "/v1/files/a/b.wav"), kAdmin);
  EXPECT_EQ(required_scope("DELETE", "/v1/files/directories"), kAdmin);
  EXPECT_EQ(required_scope("POST", "/api/v1/monitoring/lock/release"), kAdmin);
  EXPECT_EQ(required_scope("GET", "/api/v1/monitoring/heartbeat/all"), kAdmin);
  EXPECT_EQ(required_scope("GET", "/api/v1/monitoring/heartbeat/task/x"), kRead);
  EXPECT_FALSE(required_scope("GET", "/v1/whoami"));
  EXPECT_FALSE(required_scope("GET", "/studio"));
  EXPECT_EQ(required_scope("GET", "/v1/keys"), kAdmin);
  EXPECT_TRUE(allows(kAdmin, kFiles));
  EXPECT_FALSE(allows(kRead | kFiles, kSubmit));
  EXPECT_EQ(parse_scopes({"read", "files"}), unsigned(kRead | kFiles));
  EXPECT_THROW(parse_scopes({"root"}), Error);
  EXPECT_THROW(parse_scopes({}), Error);
  EXPECT_EQ(scope_names(kRead | kAdmin), (std::vector<std::string>{"read", "admin"}));
}

}  // namespace
}  // namespace yv::http::auth
