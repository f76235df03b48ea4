// Event ids of the events route (engine/workflow_events.h): a stream's position as one integer that grows
// with every event, so that Last-Event-ID can resume on any gateway, and text that is not such an id is
// recognised as not one.
#include <gtest/gtest.h>

#include "engine/workflow_events.h"

namespace yv::engine {
namespace {

TEST(EventPosition, IdsGrowWithEveryStepOfAStream) {
  const std::vector<EventPosition> steps = {
      {0, 0, 0, 0},    {0, 1, 0, 0},  {0, 1, 0, 300}, {0, 1, 1, 300}, {0, 1, 2, 300},
      {0, 1, 2, 1000}, {0, 2, 0, 0},  {1, 0, 0, 0},   {1, 1, 0, 0},   {1, 1, 900000, 999},
      {1, 2, 0, 0},    {63, 1, 0, 0}, {64, 1, 0, 0}};
  for (size_t i = 1; i < steps.size(); ++i) EXPECT_LT(steps[i - 1].id(), steps[i].id()) << i;
  EXPECT_LT(steps.back().id(), uint64_t{1} << 53) << "exact in a JavaScript number";
}

TEST(EventPosition, AnIdNamesThePositionAfterItsEvent) {
  const EventPosition running{3, 1, 17, 425};
  const auto parsed = EventPosition::parse(std::to_string(running.id()));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->stage, 3);
  EXPECT_EQ(parsed->phase, 1);
  EXPECT_EQ(parsed->segments, 17);
  EXPECT_EQ(parsed->permille, 425);
  // After a stage's end the stream is at the start of the next one.
  const auto after_end = EventPosition::parse(std::to_string(EventPosition{3, 2, 0, 0}.id()));
  ASSERT_TRUE(after_end);
  EXPECT_EQ(after_end->stage, 4);
  EXPECT_EQ(after_end->phase, 0);
}

TEST(EventPosition, TextThatIsNotOneOfOurIdsIsRefused) {
  const std::vector<std::string> refused = {"",
                                            "abc",
                                            "-1",
                                            "12x",
                                            " 5",
                                            "99999999999999999999999",
                                            std::to_string(EventPosition{0, 1, 0, 1001}.id()),
                                            std::to_string(EventPosition{0, 3, 0, 0}.id()),
                                            std::to_string(EventPosition{65, 0, 0, 0}.id())};
  for (const std::string& text : refused) EXPECT_FALSE(EventPosition::parse(text)) << text;
}

}  // namespace
}  // namespace yv::engine
