#include "engine/view_cache.h"

#include <gtest/gtest.h>

namespace yv::engine {
namespace {

TEST(ViewCacheTest, ServesABodyOnlyAtTheRevisionItWasRenderedFrom) {
  ViewCache cache;
  EXPECT_FALSE(cache.find("wf-1", 1.0));
  cache.keep("wf-1", 1.0, "{\"status\":\"completed\"}");
  const auto hit = cache.find("wf-1", 1.0);
  ASSERT_TRUE(hit);
  EXPECT_EQ(*hit, "{\"status\":\"completed\"}");
  EXPECT_FALSE(cache.find("wf-1", 1.5)) << "a later revision (a retry) must be rendered anew";
  EXPECT_FALSE(cache.find("wf-2", 1.0));

  cache.keep("wf-1", 1.5, "{\"status\":\"failed\"}");
  EXPECT_FALSE(cache.find("wf-1", 1.0));
  EXPECT_EQ(*cache.find("wf-1", 1.5), "{\"status\":\"failed\"}");
}

TEST(ViewCacheTest, HoldsAtMostItsCapacityDroppingTheOldestFirst) {
  ViewCache cache(2);
  cache.keep("a", 1, "A");
  cache.keep("b", 1, "B");
  cache.keep("a", 2, "A2");  // a newer revision replaces in place; the order of first keeping stays
  cache.keep("c", 1, "C");
  EXPECT_FALSE(cache.find("a", 2)) << "the oldest entry goes first";
  EXPECT_EQ(*cache.find("b", 1), "B");
  EXPECT_EQ(*cache.find("c", 1), "C");
}

}  // namespace
}  // namespace yv::engine
