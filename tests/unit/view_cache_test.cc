#include "engine/view_cache.h"

#include <gtest/gtest.h>

namespace yv::engine {
namespace {

TEST(ViewCacheTest, ServesABodyOnlyAtTheRevisionItWasRenderedFrom) {
  ViewCache cache;
  EXPECT_FALSE(cache.find("wf-1", 1.0));
  EXPECT_FALSE(cache.holds("wf-1"));
  cache.keep("wf-1", 1.0, "{\"status\":\"completed\"}");
  EXPECT_TRUE(cache.holds("wf-1"));
  const auto hit = cache.find("wf-1", 1.0);
  ASSERT_TRUE(hit);
  EXPECT_EQ(*hit, "{\"status\":\"completed\"}");
  EXPECT_FALSE(cache.find("wf-1", 1.5)) << "a later revision (a retry) must be rendered anew";
  EXPECT_FALSE(cache.find("wf-2", 1.0));

  cache.keep("wf-1", 1.5, "{\"status\":\"failed\"}");
  EXPECT_FALSE(cache.find("wf-1", 1.0));
  EXPECT_EQ(*cache.find("wf-1", 1.5), "{\"status\":\"failed\"}");
}

TEST(ViewCacheTest, HoldsAtMostItsSizeInBytesDroppingTheOldestFirst) {
  ViewCache cache(40);  // bodies of up to 10 bytes are kept
  cache.keep("a", 1, std::string(10, 'a'));
  cache.keep("b", 1, std::string(10, 'b'));
  cache.keep("c", 1, std::string(10, 'c'));
  cache.keep("a", 2,
             std::string(10, 'A'));  // a newer revision replaces in place; the order of first keeping stays
  cache.keep("d", 1, std::string(10, 'd'));
  EXPECT_TRUE(cache.find("a", 2)) << "40 bytes fit exactly";
  cache.keep("e", 1, std::string(5, 'e'));
  EXPECT_FALSE(cache.find("a", 2)) << "the oldest entry goes first";
  EXPECT_EQ(*cache.find("b", 1), std::string(10, 'b'));
  EXPECT_EQ(*cache.find("e", 1), std::string(5, 'e'));
  cache.keep("big", 1, std::string(11, 'x'));
  EXPECT_FALSE(cache.find("big", 1)) << "a body over a quarter of the cache is not kept";
  EXPECT_TRUE(cache.find("b", 1)) << "and evicts nothing";
}

}  // namespace
}  // namespace yv::engine
