// Misuse that FTRT_CHECK (always on) turns into a clear abort.
#include <cstdlib>
#include <memory>

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

// Not misuse: a runtime held in a static and released by exit(), after
// the exiting thread's thread_locals are gone (it cannot be bound as the
// finalizer any more). The process exits cleanly, finalized.
TEST(RuntimeExitTest, ExitWithARuntimeInAStatic) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        static std::shared_ptr<Runtime> rt = Runtime::Init();
        rt->Attach();
        std::exit(0);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace ftrt
