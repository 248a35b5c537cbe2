// Misuse that FTRT_CHECK (always on) turns into a clear abort.
#include "gtest/gtest.h"
#include "runtime/runtime.h"

namespace ftrt {
namespace {

TEST(RuntimeDeathTest, StartTheWorldWithoutAStop) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  auto rt = Runtime::Init();
  EXPECT_DEATH(rt->StartTheWorld(), "did not stop the world");
}

TEST(RuntimeDeathTest, NestedStop) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  auto rt = Runtime::Init();
  EXPECT_DEATH(
      {
        rt->StopTheWorld();
        rt->StopTheWorld();
      },
      "has the world stopped already");
}

TEST(RuntimeDeathTest, FinalizeTwice) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  auto rt = Runtime::Init();
  EXPECT_DEATH(
      {
        rt->Finalize();
        rt->Finalize();
      },
      "called twice");
}

TEST(RuntimeDeathTest, DetachWhenNotAttached) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  auto rt = Runtime::Init();
  EXPECT_DEATH(rt->Detach(), "not attached");
}

}  // namespace
}  // namespace ftrt
