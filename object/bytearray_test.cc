// Tests for object/bytearray.h: the layout the C macros read, the slots
// (items, slices, concat/repeat, contains, compare, repr, hash, iteration),
// the buffer protocol with its export count (resizing while exported is
// CPython's BufferError), the Python-level methods and the constructor,
// each with CPython 3.13's results and messages (checked against
// /root/.pyenv/versions/3.13.0/bin/python3). Then a stress test: 6 threads
// (more than the cores), random yields, seeded from FTRT_TEST_SEED, three
// appending/extending/popping one shared bytearray while three read its
// length, items and buffer (holding exports that make the writers'
// resizes fail with BufferError, which they retry); at the end the
// contents plus what was popped are exactly what was appended.
#include "object/bytearray.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "object/bytes.h"
#include "object/call.h"
#include "object/compare.h"
#include "object/dict.h"
#include "object/dispatch.h"
#include "object/error_indicator.h"
#include "object/errors.h"
#include "object/float.h"
#include "object/int.h"
#include "object/iterators.h"
#include "object/number.h"
#include "object/protocol_testing.h"
#include "object/refcount.h"
#include "object/slice.h"
#include "object/str.h"
#include "object/subscript.h"
#include "object/tuple.h"
#include "sync/config.h"
#include "tests/test_util.h"

namespace ftrt {
namespace {

using testing_util::Checkpoint;
using testing_util::I;
using testing_util::S;
using testing_util::Seed;
using testing_util::TakeError;
using testing_util::U;
using ByteArrayTest = testing_util::ProtocolTest;

PyObject* TypeObj() { return reinterpret_cast<PyObject*>(ByteArrayType()); }

Ref<> BA(absl::string_view data) { return *ByteArrayFromData(data); }
Ref<> B(absl::string_view data) { return *BytesFromData(data); }

Ref<> Tup(std::initializer_list<PyObject*> items) {
  return *TupleFromItems(std::vector<PyObject*>(items));
}

std::string Contents(PyObject* b) { return ByteArraySnapshot(b); }

// bytearray(*args, **kwargs) as calling the type does it.
Ref<> Construct(std::vector<PyObject*> args,
                std::vector<std::pair<const char*, PyObject*>> kwargs = {}) {
  Ref<> t = *TupleFromItems(args);
  Ref<> kw;
  if (!kwargs.empty()) {
    kw = *DictNew();
    for (auto& [k, v] : kwargs) EXPECT_TRUE(DictSetItemString(kw.get(), k, v).ok());
  }
  return Call(TypeObj(), t.get(), kw.get());
}

std::string Repr(PyObject* o) {
  Ref<> r = ObjectRepr(o);
  return r ? U(r.get()) : "<error " + TakeError() + ">";
}

TEST_F(ByteArrayTest, LayoutMatchesTheCMacros) {
  Ref<> b = BA(std::string("a\0b", 3));
  auto* o = reinterpret_cast<PyByteArrayObject*>(b.get());
  EXPECT_EQ(o->ob_base.ob_size, 3);
  EXPECT_EQ(o->ob_start, o->ob_bytes);
  EXPECT_GE(o->ob_alloc, 4);
  EXPECT_EQ(o->ob_exports, 0);
  EXPECT_EQ(std::memcmp(o->ob_start, "a\0b", 4), 0);  // NUL after the last byte
  EXPECT_EQ(ByteArrayAsString(b.get()), o->ob_start);
  Ref<> e = *ByteArrayNew(0);
  EXPECT_EQ(ByteArrayAsString(e.get()), _PyByteArray_empty_string);
  EXPECT_EQ(_PyByteArray_empty_string[0], '\0');
  EXPECT_TRUE(IsByteArray(e.get()));
  EXPECT_FALSE(IsByteArray(B("x").get()));
  Ref<> z = *ByteArrayNew(4);
  EXPECT_EQ(Contents(z.get()), std::string(4, '\0'));
  EXPECT_EQ(KindOf(ByteArrayNew(-1).status()), ErrorKind::kSystemError);
  EXPECT_EQ(ByteArrayNew(-1).status().message(),
            "Negative size passed to PyByteArray_FromStringAndSize");
}

TEST_F(ByteArrayTest, ItemsAndTheirErrors) {
  Ref<> b = BA("abc");
  EXPECT_EQ(IntValue(ObjectGetItem(b.get(), I(-1).get()).get()), 'c');
  EXPECT_FALSE(ObjectGetItem(b.get(), I(3).get()));
  EXPECT_EQ(TakeError(), "IndexError: bytearray index out of range");
  EXPECT_FALSE(ObjectGetItem(b.get(), I(-4).get()));
  EXPECT_EQ(TakeError(), "IndexError: bytearray index out of range");
  EXPECT_FALSE(ObjectGetItem(b.get(), S("x").get()));
  EXPECT_EQ(TakeError(), "TypeError: bytearray indices must be integers or slices, not str");
  EXPECT_EQ(ObjectSetItem(b.get(), I(0).get(), I(65).get()), 0);
  EXPECT_EQ(ObjectSetItem(b.get(), I(0).get(), I(256).get()), -1);
  EXPECT_EQ(TakeError(), "ValueError: byte must be in range(0, 256)");
  EXPECT_EQ(ObjectSetItem(b.get(), I(0).get(), I(-1).get()), -1);
  EXPECT_EQ(TakeError(), "ValueError: byte must be in range(0, 256)");
  EXPECT_EQ(ObjectSetItem(b.get(), I(0).get(), S("a").get()), -1);
  EXPECT_EQ(TakeError(), "TypeError: 'str' object cannot be interpreted as an integer");
  EXPECT_EQ(ObjectSetItem(b.get(), I(5).get(), I(1).get()), -1);
  EXPECT_EQ(TakeError(), "IndexError: bytearray index out of range");
  EXPECT_EQ(Contents(b.get()), "Abc");
  EXPECT_EQ(ObjectDelItem(b.get(), I(1).get()), 0);
  EXPECT_EQ(Contents(b.get()), "Ac");
  EXPECT_EQ(*ByteArrayGetItem(b.get(), 1), 'c');
  EXPECT_EQ(ObjectSize(b.get()), 2);
}

TEST_F(ByteArrayTest, Slices) {
  Ref<> b = BA("abcdef");
  Ref<> s = SliceNew(I(1).get(), I(-1).get(), nullptr);
  Ref<> r = ObjectGetItem(b.get(), s.get());
  ASSERT_TRUE(r);
  EXPECT_TRUE(IsByteArray(r.get()));
  EXPECT_EQ(Contents(r.get()), "bcde");
  Ref<> rev = SliceNew(nullptr, nullptr, I(-2).get());
  EXPECT_EQ(Contents(ObjectGetItem(b.get(), rev.get()).get()), "fdb");
  // b[1:3] = b'XYZ' grows, b[::2] = b'123' keeps the size, del b[::3].
  EXPECT_EQ(ObjectSetItem(b.get(), SliceNew(I(1).get(), I(3).get(), nullptr).get(), B("XYZ").get()),
            0);
  EXPECT_EQ(Contents(b.get()), "aXYZdef");
  Ref<> step2 = SliceNew(nullptr, nullptr, I(2).get());
  EXPECT_EQ(ObjectSetItem(b.get(), step2.get(), B("1234").get()), 0);
  EXPECT_EQ(Contents(b.get()), "1X2Z3e4");
  EXPECT_EQ(ObjectSetItem(b.get(), step2.get(), B("12").get()), -1);
  EXPECT_EQ(TakeError(),
            "ValueError: attempt to assign bytes of size 2 to extended slice of size 4");
  EXPECT_EQ(ObjectDelItem(b.get(), SliceNew(nullptr, nullptr, I(3).get()).get()), 0);
  EXPECT_EQ(Contents(b.get()), "X23e");
  // From an iterable of ints, from itself, and the error for an int.
  Ref<> all = SliceNew(nullptr, nullptr, nullptr);
  Ref<> list = Tup({I(104).get(), I(105).get()});
  EXPECT_EQ(ObjectSetItem(b.get(), SliceNew(nullptr, I(1).get(), nullptr).get(), list.get()), 0);
  EXPECT_EQ(Contents(b.get()), "hi23e");
  EXPECT_EQ(ObjectSetItem(b.get(), SliceNew(I(5).get(), nullptr, nullptr).get(), b.get()), 0);
  EXPECT_EQ(Contents(b.get()), "hi23ehi23e");
  Ref<> x = BA("ab");  // x[0:1] = x, as CPython: b'abb'
  EXPECT_EQ(ObjectSetItem(x.get(), SliceNew(I(0).get(), I(1).get(), nullptr).get(), x.get()), 0);
  EXPECT_EQ(Contents(x.get()), "abb");
  EXPECT_EQ(ObjectSetItem(b.get(), all.get(), I(3).get()), -1);
  EXPECT_EQ(TakeError(),
            "TypeError: can assign only bytes, buffers, or iterables of ints in range(0, 256)");
  EXPECT_EQ(ObjectDelItem(b.get(), all.get()), 0);
  EXPECT_EQ(Contents(b.get()), "");
}

TEST_F(ByteArrayTest, ConcatRepeatContainsCompareHashRepr) {
  Ref<> b = BA("abc");
  Ref<> sum = RefOrRaise(NumberBinary(NumberOp::kAdd, b.get(), B("x").get()));
  ASSERT_TRUE(sum);
  EXPECT_TRUE(IsByteArray(sum.get()));
  EXPECT_EQ(Contents(sum.get()), "abcx");
  EXPECT_EQ(Contents(RefOrRaise(NumberBinary(NumberOp::kAdd, b.get(), b.get())).get()), "abcabc");
  EXPECT_FALSE(RefOrRaise(NumberBinary(NumberOp::kAdd, b.get(), S("a").get())));
  EXPECT_EQ(TakeError(), "TypeError: can't concat str to bytearray");
  EXPECT_EQ(Contents(RefOrRaise(NumberBinary(NumberOp::kMultiply, b.get(), I(2).get())).get()),
            "abcabc");
  EXPECT_EQ(Contents(RefOrRaise(NumberBinary(NumberOp::kMultiply, b.get(), I(-1).get())).get()),
            "");
  // b += b'd' is in place.
  Ref<> same = RefOrRaise(NumberInPlace(NumberOp::kAdd, b.get(), B("d").get()));
  EXPECT_EQ(same.get(), b.get());
  EXPECT_EQ(Contents(b.get()), "abcd");
  Ref<> times = BA("ab");
  Ref<> same2 = RefOrRaise(NumberInPlace(NumberOp::kMultiply, times.get(), I(3).get()));
  EXPECT_EQ(same2.get(), times.get());
  EXPECT_EQ(Contents(times.get()), "ababab");

  PySequenceMethods* sq = b->ob_type->tp_as_sequence;
  EXPECT_EQ(sq->sq_contains(b.get(), I(98).get()), 1);
  EXPECT_EQ(sq->sq_contains(b.get(), B("bc").get()), 1);
  EXPECT_EQ(sq->sq_contains(b.get(), B("ca").get()), 0);
  EXPECT_EQ(sq->sq_contains(b.get(), I(300).get()), -1);
  EXPECT_EQ(TakeError(), "ValueError: byte must be in range(0, 256)");
  EXPECT_EQ(sq->sq_contains(b.get(), S("a").get()), -1);
  EXPECT_EQ(TakeError(), "TypeError: a bytes-like object is required, not 'str'");

  EXPECT_EQ(ObjectRichCompareBool(b.get(), B("abcd").get(), Py_EQ), 1);
  EXPECT_EQ(ObjectRichCompareBool(B("abcd").get(), b.get(), Py_EQ), 1);  // reflected
  EXPECT_EQ(ObjectRichCompareBool(b.get(), BA("abce").get(), Py_LT), 1);
  EXPECT_EQ(ObjectRichCompareBool(b.get(), BA("\xff").get(), Py_LT), 1);  // unsigned
  EXPECT_EQ(ObjectRichCompareBool(b.get(), BA("abcd").get(), Py_GE), 1);
  EXPECT_EQ(ObjectRichCompareBool(b.get(), S("abcd").get(), Py_EQ), 0);
  EXPECT_EQ(ObjectRichCompareBool(b.get(), S("abcd").get(), Py_LT), -1);
  EXPECT_EQ(TakeError(), "TypeError: '<' not supported between instances of 'bytearray' and 'str'");

  EXPECT_EQ(ObjectHash(b.get()), -1);
  EXPECT_EQ(TakeError(), "TypeError: unhashable type: 'bytearray'");

  EXPECT_EQ(Repr(BA(std::string("a'\"\0\x7f\xff\n\t\\", 9)).get()),
            "bytearray(b'a\\'\"\\x00\\x7f\\xff\\n\\t\\\\')");
  EXPECT_EQ(Repr(BA("a'").get()), "bytearray(b\"a'\")");
  EXPECT_EQ(Repr(BA("").get()), "bytearray(b'')");
}

TEST_F(ByteArrayTest, Iteration) {
  Ref<> b = BA("xy");
  Ref<> it = GetIter(b.get());
  ASSERT_TRUE(it);
  EXPECT_STREQ(it->ob_type->tp_name, "bytearray_iterator");
  EXPECT_EQ(IntValue(IterNext(it.get()).get()), 'x');
  EXPECT_EQ(ByteArrayAppend(b.get(), 'z'), absl::OkStatus());  // grows under the iterator
  EXPECT_EQ(IntValue(IterNext(it.get()).get()), 'y');
  EXPECT_EQ(IntValue(IterNext(it.get()).get()), 'z');
  EXPECT_FALSE(IterNext(it.get()));
  EXPECT_EQ(TakeError(), "");
  EXPECT_EQ(ByteArrayAppend(b.get(), 'w'), absl::OkStatus());
  EXPECT_FALSE(IterNext(it.get()));  // exhausted stays exhausted
}

TEST_F(ByteArrayTest, ExportsBlockResizing) {
  Ref<> b = BA("abc");
  PyBufferProcs* procs = b->ob_type->tp_as_buffer;
  Py_buffer view{};
  ASSERT_EQ(procs->bf_getbuffer(b.get(), &view, PyBUF_WRITABLE), 0);
  EXPECT_EQ(view.obj, b.get());
  EXPECT_EQ(view.len, 3);
  EXPECT_EQ(view.readonly, 0);
  EXPECT_EQ(reinterpret_cast<PyByteArrayObject*>(b.get())->ob_exports, 1);
  const char* const kExported = "BufferError: Existing exports of data: object cannot be re-sized";
  EXPECT_FALSE(CallMethod(b.get(), "append", {I(1).get()}));
  EXPECT_EQ(TakeError(), kExported);
  EXPECT_FALSE(CallMethod(b.get(), "extend", {B("a").get()}));
  EXPECT_EQ(TakeError(), kExported);
  EXPECT_FALSE(CallMethod(b.get(), "pop", {}));
  EXPECT_EQ(TakeError(), kExported);
  EXPECT_FALSE(CallMethod(b.get(), "clear", {}));
  EXPECT_EQ(TakeError(), kExported);
  EXPECT_EQ(ObjectDelItem(b.get(), I(0).get()), -1);
  EXPECT_EQ(TakeError(), kExported);
  EXPECT_EQ(ObjectSetItem(b.get(), SliceNew(I(0).get(), I(0).get(), nullptr).get(), B("x").get()),
            -1);
  EXPECT_EQ(TakeError(), kExported);
  EXPECT_EQ(KindOf(ByteArrayResize(b.get(), 10)), ErrorKind::kBufferError);
  // Same size: allowed, and visible through the export.
  EXPECT_EQ(ObjectSetItem(b.get(), I(0).get(), I('Z').get()), 0);
  EXPECT_EQ(static_cast<char*>(view.buf)[0], 'Z');
  EXPECT_EQ(ByteArrayResize(b.get(), 3), absl::OkStatus());
  // A second export, then both released.
  Py_buffer view2{};
  ASSERT_EQ(procs->bf_getbuffer(b.get(), &view2, PyBUF_SIMPLE), 0);
  EXPECT_EQ(reinterpret_cast<PyByteArrayObject*>(b.get())->ob_exports, 2);
  for (Py_buffer* v : {&view, &view2}) {
    procs->bf_releasebuffer(b.get(), v);
    Decref(v->obj);
  }
  EXPECT_EQ(reinterpret_cast<PyByteArrayObject*>(b.get())->ob_exports, 0);
  EXPECT_TRUE(CallMethod(b.get(), "append", {I(1).get()}));
  EXPECT_EQ(Contents(b.get()), "Zbc\x01");
  // An empty bytearray exports the empty string, and a bad request fails
  // with no export counted.
  Ref<> e = BA("");
  ASSERT_EQ(procs->bf_getbuffer(e.get(), &view, PyBUF_SIMPLE), 0);
  EXPECT_EQ(view.buf, _PyByteArray_empty_string);
  EXPECT_EQ(view.len, 0);
  procs->bf_releasebuffer(e.get(), &view);
  Decref(view.obj);
  EXPECT_EQ(procs->bf_getbuffer(e.get(), nullptr, PyBUF_SIMPLE), -1);
  EXPECT_EQ(TakeError(), "BufferError: PyBuffer_FillInfo: view==NULL argument is obsolete");
  EXPECT_EQ(reinterpret_cast<PyByteArrayObject*>(e.get())->ob_exports, 0);
}

TEST_F(ByteArrayTest, Methods) {
  Ref<> b = BA("ab");
  EXPECT_TRUE(CallMethod(b.get(), "append", {I(99).get()}));
  EXPECT_FALSE(CallMethod(b.get(), "append", {I(256).get()}));
  EXPECT_EQ(TakeError(), "ValueError: byte must be in range(0, 256)");
  EXPECT_FALSE(CallMethod(b.get(), "append", {}));
  EXPECT_EQ(TakeError(), "TypeError: bytearray.append() takes exactly one argument (0 given)");
  EXPECT_TRUE(CallMethod(b.get(), "extend", {B("de").get()}));
  EXPECT_TRUE(CallMethod(b.get(), "extend", {Tup({I(102).get()}).get()}));
  EXPECT_TRUE(CallMethod(b.get(), "extend", {b.get()}));  // from itself
  EXPECT_EQ(Contents(b.get()), "abcdefabcdef");
  EXPECT_FALSE(CallMethod(b.get(), "extend", {I(5).get()}));
  EXPECT_EQ(TakeError(), "TypeError: can't extend bytearray with int");
  EXPECT_FALSE(CallMethod(b.get(), "extend", {S("ab").get()}));
  EXPECT_EQ(TakeError(), "TypeError: expected iterable of integers; got: 'str'");
  EXPECT_FALSE(CallMethod(b.get(), "extend", {Tup({I(1).get(), I(300).get()}).get()}));
  EXPECT_EQ(TakeError(), "ValueError: byte must be in range(0, 256)");
  EXPECT_EQ(Contents(b.get()), "abcdefabcdef");  // unchanged by the failed extend

  EXPECT_EQ(IntValue(CallMethod(b.get(), "pop", {}).get()), 'f');
  EXPECT_EQ(IntValue(CallMethod(b.get(), "pop", {I(0).get()}).get()), 'a');
  EXPECT_FALSE(CallMethod(b.get(), "pop", {I(10).get()}));
  EXPECT_EQ(TakeError(), "IndexError: pop index out of range");
  EXPECT_FALSE(CallMethod(b.get(), "pop", {S("a").get()}));
  EXPECT_EQ(TakeError(), "TypeError: 'str' object cannot be interpreted as an integer");
  EXPECT_FALSE(CallMethod(b.get(), "pop", {I(1).get(), I(2).get()}));
  EXPECT_EQ(TakeError(), "TypeError: pop expected at most 1 argument, got 2");

  Ref<> c = CallMethod(b.get(), "copy", {});
  ASSERT_TRUE(c);
  EXPECT_NE(c.get(), b.get());
  EXPECT_EQ(Contents(c.get()), "bcdefabcde");
  EXPECT_TRUE(CallMethod(b.get(), "clear", {}));
  EXPECT_EQ(Contents(b.get()), "");
  EXPECT_EQ(Contents(c.get()), "bcdefabcde");
  EXPECT_FALSE(CallMethod(b.get(), "pop", {}));
  EXPECT_EQ(TakeError(), "IndexError: pop from empty bytearray");

  // decode: utf-8 by default, ascii, latin-1, keywords, CPython's errors.
  Ref<> u = BA("abc\xc3\xa9");
  Ref<> s = CallMethod(u.get(), "decode", {});
  ASSERT_TRUE(s);
  EXPECT_EQ(U(s.get()), "abc\xc3\xa9");
  EXPECT_EQ(U(CallMethod(BA("\xff").get(), "decode", {S("latin-1").get()}).get()), "\xc3\xbf");
  EXPECT_EQ(U(CallMethod(BA("x").get(), "decode", {S("UTF8").get()}).get()), "x");
  EXPECT_FALSE(CallMethod(BA("\xff").get(), "decode", {}));
  EXPECT_EQ(TakeError(),
            "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff in position 0: invalid "
            "start byte");
  EXPECT_FALSE(CallMethod(BA("\xff").get(), "decode", {S("ascii").get()}));
  EXPECT_EQ(TakeError(),
            "UnicodeDecodeError: 'ascii' codec can't decode byte 0xff in position 0: ordinal not "
            "in range(128)");
  EXPECT_FALSE(CallMethod(u.get(), "decode", {S("nope").get()}));
  EXPECT_EQ(TakeError(), "LookupError: unknown encoding: nope");
  EXPECT_FALSE(CallMethod(u.get(), "decode", {I(1).get()}));
  EXPECT_EQ(TakeError(), "TypeError: decode() argument 'encoding' must be str, not int");
}

TEST_F(ByteArrayTest, CallingTheType) {
  EXPECT_EQ(Contents(Construct({}).get()), "");
  EXPECT_EQ(Contents(Construct({I(3).get()}).get()), std::string(3, '\0'));
  EXPECT_EQ(Contents(Construct({B("ab").get()}).get()), "ab");
  Ref<> src = BA("cd");
  Ref<> copy = Construct({src.get()});
  EXPECT_NE(copy.get(), src.get());
  EXPECT_EQ(Contents(copy.get()), "cd");
  EXPECT_EQ(Contents(Construct({Tup({I(1).get(), I(2).get()}).get()}).get()), "\x01\x02");
  Ref<> it = GetIter(Tup({I(120).get()}).get());
  EXPECT_EQ(Contents(Construct({it.get()}).get()), "x");
  EXPECT_EQ(Contents(Construct({S("\xc3\xa9").get(), S("utf-8").get()}).get()), "\xc3\xa9");
  EXPECT_EQ(Contents(Construct({S("\xc3\xa9").get(), S("latin-1").get()}).get()), "\xe9");
  EXPECT_EQ(Contents(Construct({S("abc").get()}, {{"encoding", S("ascii").get()}}).get()), "abc");

  EXPECT_FALSE(Construct({I(-1).get()}));
  EXPECT_EQ(TakeError(), "ValueError: negative count");
  EXPECT_FALSE(Construct({Tup({I(1).get(), I(256).get()}).get()}));
  EXPECT_EQ(TakeError(), "ValueError: byte must be in range(0, 256)");
  EXPECT_FALSE(Construct({Tup({I(1).get(), S("a").get()}).get()}));
  EXPECT_EQ(TakeError(), "TypeError: 'str' object cannot be interpreted as an integer");
  EXPECT_FALSE(Construct({FloatFromDouble(1.5)->get()}));
  EXPECT_EQ(TakeError(), "TypeError: cannot convert 'float' object to bytearray");
  EXPECT_FALSE(Construct({S("abc").get()}));
  EXPECT_EQ(TakeError(), "TypeError: string argument without an encoding");
  EXPECT_FALSE(Construct({S("\xc3\xa9").get(), S("ascii").get()}));
  EXPECT_EQ(TakeError(),
            "UnicodeEncodeError: 'ascii' codec can't encode character '\\xe9' in position 0: "
            "ordinal not in range(128)");
  EXPECT_FALSE(Construct({B("x").get(), S("ascii").get()}));
  EXPECT_EQ(TakeError(), "TypeError: encoding without a string argument");
  EXPECT_FALSE(Construct({I(3).get()}, {{"errors", S("strict").get()}}));
  EXPECT_EQ(TakeError(), "TypeError: errors without a string argument");
  EXPECT_FALSE(Construct({}, {{"encoding", S("ascii").get()}}));
  EXPECT_EQ(TakeError(), "TypeError: encoding without a string argument");
  EXPECT_FALSE(Construct({S("a").get(), S("nope").get()}));
  EXPECT_EQ(TakeError(), "LookupError: unknown encoding: nope");
  EXPECT_FALSE(Construct({I(1).get(), I(2).get(), I(3).get(), I(4).get()}));
  EXPECT_EQ(TakeError(), "TypeError: bytearray() takes at most 3 arguments (4 given)");
  EXPECT_FALSE(Construct({}, {{"x", I(1).get()}}));
  EXPECT_EQ(TakeError(), "TypeError: bytearray() got an unexpected keyword argument 'x'");
}

// --- 6 threads on one bytearray ---------------------------------------------------

long Scaled(long n, long floor) {
  return std::max(floor, testing_util::Scaled(n, floor) / (kAsan ? 4 : 1));
}

TEST_F(ByteArrayTest, ThreadsAppendPopAndReadOneBytearray) {
  constexpr int kWriters = 3;
  constexpr int kReaders = 3;
  const long ops = Scaled(20'000, 500);
  Ref<> shared = BA("");
  PyObject* b = shared.get();
  // Writer w appends and extends with byte value w + 1 only; what it pops
  // is counted by value. Readers check every byte they see is 1..3.
  std::array<std::atomic<int64_t>, kWriters> appended{};
  std::array<std::atomic<int64_t>, kWriters + 1> popped{};
  std::atomic<int64_t> refused{0};  // BufferError while a reader held an export
  std::atomic<int64_t> bad{0};
  std::atomic<int64_t> exports_seen{0};
  RunThreads(kWriters + kReaders, [&](int t) {
    std::mt19937_64 rng(Seed() * 7 + static_cast<uint64_t>(t));
    for (long i = 0; i < ops; ++i) {
      if (rng() % 64 == 0) std::this_thread::yield();
      if (i % 256 == 0) Checkpoint();
      if (t < kWriters) {
        const char v = static_cast<char>(t + 1);
        const uint64_t what = rng() % 8;
        absl::Status s;
        int64_t n = 0;
        if (what < 4) {
          Ref<> r = CallMethod(b, "append", {I(t + 1).get()});
          if (!r) s = TakeErrorAsStatus();
          n = 1;
        } else if (what < 6) {
          n = static_cast<int64_t>(rng() % 5) + 1;
          s = ByteArrayExtend(b, std::string(static_cast<size_t>(n), v));
        } else {
          absl::StatusOr<uint8_t> p = ByteArrayPop(b, rng() % 2 == 0 ? -1 : 0);
          if (p.ok()) {
            if (*p < 1 || *p > kWriters) bad.fetch_add(1, std::memory_order_relaxed);
            popped[std::min<int>(*p, kWriters)].fetch_add(1, std::memory_order_relaxed);
          } else if (!IsError(p.status(), ErrorKind::kIndexError)) {
            s = p.status();
          }
        }
        if (s.ok()) {
          appended[static_cast<size_t>(t)].fetch_add(n, std::memory_order_relaxed);
        } else if (IsError(s, ErrorKind::kBufferError)) {
          refused.fetch_add(1, std::memory_order_relaxed);
        } else {
          ADD_FAILURE() << s;
        }
        continue;
      }
      switch (rng() % 8) {
        case 0:
        case 1:
        case 2: {
          if (ObjectSize(b) < 0) bad.fetch_add(1, std::memory_order_relaxed);
          break;
        }
        case 3:
        case 4:
        case 5:
        case 6: {
          const Py_ssize_t n = ByteArraySize(b);
          if (n == 0) break;
          Ref<> item = ObjectGetItem(b, I(static_cast<int64_t>(rng() % n)).get());
          if (!item) {
            EXPECT_EQ(TakeError(), "IndexError: bytearray index out of range");  // it shrank
          } else if (IntValue(item.get()) < 1 || IntValue(item.get()) > kWriters) {
            bad.fetch_add(1, std::memory_order_relaxed);
          }
          break;
        }
        default: {
          // Hold an export for a moment: the size cannot change meanwhile.
          PyBufferProcs* procs = b->ob_type->tp_as_buffer;
          Py_buffer view{};
          ASSERT_EQ(procs->bf_getbuffer(b, &view, PyBUF_SIMPLE), 0);
          exports_seen.fetch_add(1, std::memory_order_relaxed);
          const auto* p = static_cast<const unsigned char*>(view.buf);
          for (Py_ssize_t k = 0; k < view.len; ++k) {
            if (p[k] < 1 || p[k] > kWriters) bad.fetch_add(1, std::memory_order_relaxed);
          }
          if (rng() % 4 == 0) std::this_thread::yield();
          if (ByteArraySize(b) != view.len) bad.fetch_add(1, std::memory_order_relaxed);
          procs->bf_releasebuffer(b, &view);
          Decref(view.obj);
          break;
        }
      }
    }
  });
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(popped[0].load(), 0);
  EXPECT_GT(exports_seen.load(), 0);
  int64_t total = 0;
  for (const auto& a : appended) total += a.load();
  EXPECT_GT(total, 0);
  EXPECT_EQ(reinterpret_cast<PyByteArrayObject*>(b)->ob_exports, 0);
  // What is left plus what was popped is exactly what was appended, per
  // value.
  const std::string rest = Contents(b);
  for (int w = 0; w < kWriters; ++w) {
    const int64_t left = std::count(rest.begin(), rest.end(), static_cast<char>(w + 1));
    EXPECT_EQ(left + popped[static_cast<size_t>(w + 1)].load(),
              appended[static_cast<size_t>(w)].load())
        << "writer " << w;
  }
  EXPECT_EQ(static_cast<int64_t>(rest.size()), ByteArraySize(b));
  std::printf("bytearray stress: %zu bytes left, %lld resizes refused while exported\n",
              rest.size(), static_cast<long long>(refused.load()));
}

}  // namespace
}  // namespace ftrt
