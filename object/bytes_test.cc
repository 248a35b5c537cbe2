// Tests for object/bytes.h.
#include "object/bytes.h"

#include <cstring>

#include "gtest/gtest.h"
#include "object/buffer.h"
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

// bytes exports its contents read-only through its own tp_as_buffer, as any
// exporter does (the C API has no special case for it).
TEST_F(BytesTest, ExportsAReadOnlyBuffer) {
  Ref<> b = *BytesFromData("hello");
  PyBufferProcs* procs = b->ob_type->tp_as_buffer;
  ASSERT_NE(procs, nullptr);
  ASSERT_NE(procs->bf_getbuffer, nullptr);
  EXPECT_EQ(procs->bf_releasebuffer, nullptr);
  const intptr_t before = Refcount(b.get());

  Py_buffer view{};
  ASSERT_EQ(procs->bf_getbuffer(b.get(), &view, PyBUF_FULL_RO), 0);
  EXPECT_EQ(view.obj, b.get());
  EXPECT_EQ(view.buf, BytesData(b.get()));
  EXPECT_EQ(view.len, 5);
  EXPECT_EQ(view.readonly, 1);
  EXPECT_EQ(view.itemsize, 1);
  EXPECT_STREQ(view.format, "B");
  EXPECT_EQ(view.ndim, 1);
  ASSERT_NE(view.shape, nullptr);
  EXPECT_EQ(view.shape[0], 5);
  ASSERT_NE(view.strides, nullptr);
  EXPECT_EQ(view.strides[0], 1);
  EXPECT_EQ(Refcount(b.get()), before + 1);  // the view holds a reference
  Decref(view.obj);
  EXPECT_EQ(Refcount(b.get()), before);

  // A plain request gets no format, shape or strides.
  ASSERT_EQ(procs->bf_getbuffer(b.get(), &view, PyBUF_SIMPLE), 0);
  EXPECT_EQ(view.format, nullptr);
  EXPECT_EQ(view.shape, nullptr);
  EXPECT_EQ(view.strides, nullptr);
  Decref(view.obj);

  // A writable request fails with BufferError and takes no reference.
  Py_buffer untouched{};
  untouched.len = 77;
  EXPECT_EQ(procs->bf_getbuffer(b.get(), &untouched, PyBUF_WRITABLE), -1);
  EXPECT_EQ(KindOf(TakeErrorIndicator()), ErrorKind::kBufferError);
  EXPECT_EQ(untouched.len, 77);
  EXPECT_EQ(untouched.obj, nullptr);
  EXPECT_EQ(Refcount(b.get()), before);
}

TEST_F(BytesTest, FillBufferInfoRejectsBadRequests) {
  char data[4] = {1, 2, 3, 4};
  EXPECT_EQ(FillBufferInfo(nullptr, nullptr, data, 4, 0, PyBUF_SIMPLE), -1);
  EXPECT_EQ(KindOf(TakeErrorIndicator()), ErrorKind::kBufferError);
  Py_buffer view{};
  EXPECT_EQ(FillBufferInfo(&view, nullptr, data, 4, 0, PyBUF_READ), -1);
  EXPECT_EQ(KindOf(TakeErrorIndicator()), ErrorKind::kSystemError);
  EXPECT_EQ(FillBufferInfo(&view, nullptr, data, 4, 0, PyBUF_WRITE), -1);
  EXPECT_EQ(KindOf(TakeErrorIndicator()), ErrorKind::kSystemError);
  // Writable memory may be asked for writable.
  ASSERT_EQ(FillBufferInfo(&view, nullptr, data, 4, 0, PyBUF_WRITABLE | PyBUF_ND), 0);
  EXPECT_EQ(view.obj, nullptr);
  EXPECT_EQ(view.readonly, 0);
  EXPECT_EQ(view.buf, data);
  EXPECT_EQ(view.shape, &view.len);
  EXPECT_EQ(view.strides, nullptr);
  EXPECT_FALSE(ErrorIndicatorSet());
}

}  // namespace
}  // namespace ftrt
