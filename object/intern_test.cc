// Tests for intern.h: one canonical immortal str per text, found by
// content, shared by threads interning the same names at once.
#include "object/intern.h"

#include <atomic>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "object/protocol_testing.h"
#include "object/refcount.h"
#include "object/str.h"
#include "tests/test_util.h"

namespace ftrt {
namespace {

using testing_util::ProtocolTest;
using testing_util::S;
using testing_util::TakeError;

class InternTest : public ProtocolTest {};

TEST_F(InternTest, CanonicalImmortalCopies) {
  PyObject* a = InternFromString("attr_name");
  PyObject* b = InternFromString("attr_name");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a, b);
  EXPECT_TRUE(IsInterned(a));
  EXPECT_TRUE(IsImmortal(a));
  Ref<> fresh = S("attr_name");
  EXPECT_FALSE(IsInterned(fresh.get()));
  EXPECT_EQ(FindInterned(fresh.get()), a);
  EXPECT_EQ(InternStr(fresh.get()), a);
  EXPECT_TRUE(StrEqual(a, fresh.get()));
  EXPECT_EQ(StrHash(a), StrHash(fresh.get()));
  // Non-ASCII text, interned from a str or from UTF-8.
  Ref<> wide = S("\xe2\x82\xac-euro");
  PyObject* w = InternStr(wide.get());
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(InternFromString("\xe2\x82\xac-euro"), w);
  EXPECT_EQ(std::string(*StrAsUtf8(w)), "\xe2\x82\xac-euro");
  // The empty string is the static one.
  EXPECT_EQ(InternFromString(""), EmptyStr());
  Ref<> never = S("never interned anywhere");
  EXPECT_EQ(FindInterned(never.get()), nullptr);
  EXPECT_EQ(InternFromString("\xff"), nullptr);
  EXPECT_EQ(TakeError().rfind("UnicodeDecodeError", 0), 0u);
}

TEST_F(InternTest, ThreadsAgreeOnOneCopy) {
  const int kNames = static_cast<int>(testing_util::Scaled(3000, 200));
  std::vector<std::atomic<PyObject*>> seen(static_cast<size_t>(kNames));
  std::atomic<int> mismatches{0};
  const size_t before = InternedCount();
  RunThreads(4, [&](int id) {
    for (int i = 0; i < kNames; ++i) {
      const int n = (id % 2 == 0) ? i : kNames - 1 - i;
      const std::string name = "concurrent_name_" + std::to_string(n);
      PyObject* p = InternFromString(name);
      PyObject* expected = nullptr;
      if (!seen[static_cast<size_t>(n)].compare_exchange_strong(expected, p) && expected != p) {
        mismatches.fetch_add(1);
      }
    }
  });
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_EQ(InternedCount(), before + static_cast<size_t>(kNames));
}

}  // namespace
}  // namespace ftrt
