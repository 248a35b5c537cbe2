// Tests for object/bytes.h.
#include "object/bytes.h"

#include <cstring>

#include "gtest/gtest.h"
#include "object/builtin_test_env.h"
#include "object/compare.h"
#include "object/errors.h"
#include "object/refcount.h"

namespace ftrt {
namespace {

using BytesTest = testing_util::RuntimeTest;

TEST_F(BytesTest, LayoutAndContents) {
  const char raw[] = {'a', '\0', 'b'};
  Ref<> b = *BytesFromData(absl::string_view(raw, 3));
  EXPECT_TRUE(IsBytes(b.get()));
  auto* o = reinterpret_cast<PyBytesObject*>(b.get());
  EXPECT_EQ(o->ob_base.ob_size, 3);
  EXPECT_EQ(std::memcmp(o->ob_sval, raw, 3), 0);
  EXPECT_EQ(o->ob_sval[3], '\0');  // NUL-terminated, as PyBytes_AS_STRING promises
  EXPECT_EQ(BytesView(b.get()), absl::string_view(raw, 3));
  EXPECT_EQ(BytesFromData("")->get(), EmptyBytes());
  EXPECT_TRUE(IsImmortal(EmptyBytes()));
}

TEST_F(BytesTest, NewIsWritableBeforePublishing) {
  Ref<> b = *BytesNew(4);
  std::memcpy(BytesData(b.get()), "wxyz", 4);
  EXPECT_EQ(BytesView(b.get()), "wxyz");
  EXPECT_EQ(KindOf(BytesNew(-1).status()), ErrorKind::kSystemError);
}

TEST_F(BytesTest, HashCompareTruth) {
  Ref<> a = *BytesFromData("abc");
  EXPECT_EQ(reinterpret_cast<PyBytesObject*>(a.get())->ob_shash, -1);
  EXPECT_EQ(*Hash(a.get()), -4594863902769663758);
  EXPECT_EQ(reinterpret_cast<PyBytesObject*>(a.get())->ob_shash, -4594863902769663758);
  Ref<> b = *BytesFromData("abd");
  EXPECT_TRUE(*RichCompareBool(a.get(), b.get(), Py_LT));
  EXPECT_TRUE(*RichCompareBool(a.get(), BytesFromData("abc")->get(), Py_EQ));
  EXPECT_TRUE(*RichCompareBool(BytesFromData("\xff")->get(), a.get(), Py_GT));  // unsigned
  EXPECT_TRUE(*RichCompareBool(BytesFromData("ab")->get(), a.get(), Py_LT));
  EXPECT_FALSE(*IsTrue(EmptyBytes()));
  EXPECT_TRUE(*IsTrue(a.get()));
}

}  // namespace
}  // namespace ftrt
