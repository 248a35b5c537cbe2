// Tests for memoryview.h, through the protocol's paths (calls, subscripts,
// attributes, methods, comparison, hash), with CPython 3.13's results and
// messages (checked with its python3):
//   - views of bytes: len, items, slices with steps (new views of the same
//     exporter), tobytes / tolist / hex (with separators), the attributes,
//     ==, hash, repr, memoryview of a memoryview (both ways);
//   - a writable exporter that counts its buffers: item and slice
//     assignment with CPython's errors, the exporter's buffer taken once
//     and released exactly once (when the last view sharing it goes, by
//     release() or deallocation), BufferError while a view is exported,
//     the context manager, ValueError on every use of a released view;
//   - 6 threads (more than the machine's cores), seeded, with random
//     yields: views and slices of one shared exporter read and checked
//     against the source while each thread releases its own; at the end
//     the exporter has no buffer out and its reference count is back;
//   - one view shared by readers and released by another thread: every
//     read before gets the right bytes, every read after gets the
//     ValueError, and the exporter (referenced only by the view) is freed
//     only after the last read in flight (ASan would see a read of freed
//     memory).
#include "object/memoryview.h"

#include <atomic>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "object/attributes.h"
#include "object/buffer.h"
#include "object/bytes.h"
#include "object/call.h"
#include "object/dispatch.h"
#include "object/error_indicator.h"
#include "object/hash.h"
#include "object/int.h"
#include "object/list.h"
#include "object/none_bool.h"
#include "object/object.h"
#include "object/protocol_testing.h"
#include "object/refcount.h"
#include "object/slice.h"
#include "object/str.h"
#include "object/subscript.h"
#include "object/tuple.h"
#include "object/typeobject.h"
#include "tests/test_util.h"

namespace ftrt {
namespace {

using testing_util::Checkpoint;
using testing_util::I;
using testing_util::ProtocolTest;
using testing_util::S;
using testing_util::TakeError;
using testing_util::U;

// --- A writable exporter counting its buffers -------------------------------

struct Block {
  PyObject ob_base;
  char* data;  // malloc'ed, kSize bytes
  Py_ssize_t size;
  std::atomic<int> exports;
  std::atomic<int> gets;
  std::atomic<int> releases;
  int readonly;
};

int BlockGetBuffer(PyObject* self, Py_buffer* view, int flags) {
  Block* b = reinterpret_cast<Block*>(self);
  if (FillBufferInfo(view, self, b->data, b->size, b->readonly, flags) < 0) return -1;
  b->exports.fetch_add(1, std::memory_order_relaxed);
  b->gets.fetch_add(1, std::memory_order_relaxed);
  return 0;
}

void BlockReleaseBuffer(PyObject* self, Py_buffer*) {
  Block* b = reinterpret_cast<Block*>(self);
  b->exports.fetch_sub(1, std::memory_order_relaxed);
  b->releases.fetch_add(1, std::memory_order_relaxed);
}

void BlockDealloc(PyObject* self) {
  Block* b = reinterpret_cast<Block*>(self);
  std::free(b->data);
  b->exports.~atomic();
  b->gets.~atomic();
  b->releases.~atomic();
  FreeObject(self);
}

PyBufferProcs g_block_buffer = {BlockGetBuffer, BlockReleaseBuffer};

PyTypeObject g_block_type = [] {
  PyTypeObject t = StaticTypeInit("test.Block", sizeof(Block));
  t.tp_flags &= ~Py_TPFLAGS_READY;
  t.tp_dealloc = BlockDealloc;
  t.tp_as_buffer = &g_block_buffer;
  return t;
}();

// A Block holding `content`.
Ref<> NewBlock(absl::string_view content, bool readonly = false) {
  EXPECT_EQ(TypeReady(&g_block_type), 0);
  Ref<> op = NewObject<>(&g_block_type);
  Block* b = reinterpret_cast<Block*>(op.get());
  b->data = static_cast<char*>(std::malloc(content.size() + 1));
  std::memcpy(b->data, content.data(), content.size());
  b->size = static_cast<Py_ssize_t>(content.size());
  new (&b->exports) std::atomic<int>(0);
  new (&b->gets) std::atomic<int>(0);
  new (&b->releases) std::atomic<int>(0);
  b->readonly = readonly ? 1 : 0;
  return op;
}

PyObject* AsObj(PyTypeObject* t) { return reinterpret_cast<PyObject*>(t); }

Block* AsBlock(PyObject* op) { return reinterpret_cast<Block*>(op); }

// --- Helpers ----------------------------------------------------------------

Ref<> B(absl::string_view s) { return RefOrRaise(BytesFromData(s)); }

Ref<> MV(PyObject* obj) { return CallOneArg(AsObj(MemoryViewType()), obj); }

std::string Bytes(PyObject* b) { return std::string(BytesView(b)); }

// m.tobytes() as a string ("<error>" with the error left pending).
std::string ToBytes(PyObject* mv) {
  Ref<> r = CallMethod(mv, "tobytes", {});
  return r ? Bytes(r.get()) : "<error>";
}

Ref<> Slice(PyObject* mv, Py_ssize_t start, Py_ssize_t stop, Py_ssize_t step) {
  Ref<> s = SliceNew(I(start).get(), I(stop).get(), I(step).get());
  return ObjectGetItem(mv, s.get());
}

std::string Repr(PyObject* op) {
  Ref<> r = ObjectRepr(op);
  return r ? U(r.get()) : "<error>";
}

// The bytes of src[start:stop:step] worked out directly.
std::string Expected(const std::string& src, Py_ssize_t start, Py_ssize_t stop,
                     Py_ssize_t step) {
  Py_ssize_t n = SliceAdjustIndices(static_cast<Py_ssize_t>(src.size()), &start, &stop, step);
  std::string out;
  for (Py_ssize_t k = 0; k < n; ++k) out.push_back(src[static_cast<size_t>(start + k * step)]);
  return out;
}

class MemoryViewTest : public ProtocolTest {};

TEST_F(MemoryViewTest, ViewOfBytes) {
  const int64_t live = LiveObjects();
  {
    Ref<> b = B("hello world");
    const intptr_t refs = Refcount(AsHeader(b.get()));
    Ref<> m = MV(b.get());
    ASSERT_TRUE(m) << TakeError();
    EXPECT_TRUE(IsMemoryView(m.get()));
    EXPECT_EQ(Refcount(AsHeader(b.get())), refs + 1);  // the managed buffer's
    EXPECT_EQ(ObjectSize(m.get()), 11);
    EXPECT_EQ(IntValue(ObjectGetItem(m.get(), I(0).get()).get()), 104);
    EXPECT_EQ(IntValue(ObjectGetItem(m.get(), I(-1).get()).get()), 100);
    EXPECT_EQ(IntValue(ObjectGetItem(m.get(), True()).get()), 101);
    Ref<> one = RefOrRaise(TupleFromItems({I(1).get()}));
    EXPECT_EQ(IntValue(ObjectGetItem(m.get(), one.get()).get()), 101);
    EXPECT_FALSE(ObjectGetItem(m.get(), I(100).get()));
    EXPECT_EQ(TakeError(), "IndexError: index out of bounds on dimension 1");
    EXPECT_FALSE(ObjectGetItem(m.get(), I(-100).get()));
    EXPECT_EQ(TakeError(), "IndexError: index out of bounds on dimension 1");
    EXPECT_FALSE(ObjectGetItem(m.get(), S("a").get()));
    EXPECT_EQ(TakeError(), "TypeError: memoryview: invalid slice key");
    EXPECT_FALSE(ObjectGetItem(m.get(), Ellipsis()));
    EXPECT_EQ(TakeError(), "TypeError: memoryview: invalid slice key");
    Ref<> two = RefOrRaise(TupleFromItems({I(1).get(), I(2).get()}));
    EXPECT_FALSE(ObjectGetItem(m.get(), two.get()));
    EXPECT_EQ(TakeError(), "TypeError: cannot index 1-dimension view with 2-element tuple");

    Ref<> evens = Slice(m.get(), 0, 11, 2);
    ASSERT_TRUE(evens) << TakeError();
    EXPECT_EQ(ToBytes(evens.get()), "hlowrd");
    Ref<> rev = ObjectGetItem(m.get(), SliceNew(nullptr, nullptr, I(-1).get()).get());
    Ref<> list = CallMethod(rev.get(), "tolist", {});
    ASSERT_TRUE(list) << TakeError();
    EXPECT_EQ(Repr(list.get()), "[100, 108, 114, 111, 119, 32, 111, 108, 108, 101, 104]");
    EXPECT_EQ(GetAttrString(evens.get(), "obj").get(), b.get());
    EXPECT_FALSE(ObjectGetItem(m.get(), SliceNew(nullptr, nullptr, I(0).get()).get()));
    EXPECT_EQ(TakeError(), "ValueError: slice step cannot be zero");
    EXPECT_EQ(ToBytes(Slice(m.get(), 5, 2, 1).get()), "");

    EXPECT_EQ(U(CallMethod(m.get(), "hex", {}).get()), "68656c6c6f20776f726c64");
    EXPECT_EQ(U(CallMethod(evens.get(), "hex", {}).get()), "686c6f777264");
    EXPECT_EQ(U(CallMethod(m.get(), "hex", {S(":").get()}).get()),
              "68:65:6c:6c:6f:20:77:6f:72:6c:64");
    EXPECT_EQ(U(CallMethod(m.get(), "hex", {S(":").get(), I(2).get()}).get()),
              "68:656c:6c6f:2077:6f72:6c64");
    EXPECT_EQ(U(CallMethod(m.get(), "hex", {S(":").get(), I(-2).get()}).get()),
              "6865:6c6c:6f20:776f:726c:64");
    EXPECT_FALSE(CallMethod(m.get(), "hex", {S("::").get()}));
    EXPECT_EQ(TakeError(), "ValueError: sep must be length 1.");

    EXPECT_EQ(GetAttrString(m.get(), "readonly").get(), True());
    EXPECT_EQ(IntValue(GetAttrString(m.get(), "nbytes").get()), 11);
    EXPECT_EQ(U(GetAttrString(m.get(), "format").get()), "B");
    EXPECT_EQ(IntValue(GetAttrString(m.get(), "itemsize").get()), 1);
    EXPECT_EQ(IntValue(GetAttrString(m.get(), "ndim").get()), 1);
    EXPECT_EQ(Repr(GetAttrString(m.get(), "shape").get()), "(11,)");
    EXPECT_EQ(Repr(GetAttrString(m.get(), "strides").get()), "(1,)");
    EXPECT_EQ(Repr(GetAttrString(m.get(), "suboffsets").get()), "()");
    EXPECT_EQ(GetAttrString(m.get(), "c_contiguous").get(), True());
    EXPECT_EQ(Repr(GetAttrString(evens.get(), "strides").get()), "(2,)");
    EXPECT_EQ(IntValue(GetAttrString(evens.get(), "nbytes").get()), 6);
    EXPECT_EQ(GetAttrString(evens.get(), "contiguous").get(), False());

    EXPECT_EQ(ObjectRichCompareBool(m.get(), b.get(), Py_EQ), 1);
    EXPECT_EQ(ObjectRichCompareBool(m.get(), B("x").get(), Py_EQ), 0);
    EXPECT_EQ(ObjectRichCompareBool(m.get(), I(5).get(), Py_EQ), 0);
    EXPECT_EQ(ObjectRichCompareBool(evens.get(), B("hlowrd").get(), Py_EQ), 1);
    EXPECT_EQ(ObjectRichCompareBool(m.get(), b.get(), Py_NE), 0);
    EXPECT_EQ(ObjectRichCompareBool(m.get(), m.get(), Py_LT), -1);
    EXPECT_EQ(TakeError(),
              "TypeError: '<' not supported between instances of 'memoryview' and 'memoryview'");
    EXPECT_EQ(ObjectHash(m.get()), BytesHash(b.get()));
    EXPECT_EQ(ObjectHash(evens.get()), HashBytes("hlowrd", 6));
    EXPECT_EQ(Repr(m.get()).rfind("<memory at 0x", 0), 0u);

    // memoryview(m) shares the buffer and does not export from m.
    Ref<> m2 = MV(m.get());
    ASSERT_TRUE(m2) << TakeError();
    EXPECT_EQ(GetAttrString(m2.get(), "obj").get(), b.get());
    EXPECT_EQ(MemoryViewSharesForTesting(m.get()), 4);  // m, evens, rev, m2
    ASSERT_EQ(MemoryViewRelease(m.get()), 0);
    EXPECT_EQ(IntValue(ObjectGetItem(m2.get(), I(0).get()).get()), 104);
    EXPECT_EQ(Repr(m.get()).rfind("<released memory at 0x", 0), 0u);
    // The hash was cached before the release, as CPython's.
    EXPECT_EQ(ObjectHash(m.get()), BytesHash(b.get()));
    EXPECT_EQ(ObjectRichCompareBool(m.get(), m.get(), Py_EQ), 1);
    EXPECT_EQ(ObjectRichCompareBool(m.get(), b.get(), Py_EQ), 0);
    EXPECT_EQ(TakeError(), "");
  }
  Checkpoint();
  EXPECT_EQ(LiveObjects(), live);
}

TEST_F(MemoryViewTest, ConstructorErrors) {
  EXPECT_FALSE(MV(I(5).get()));
  EXPECT_EQ(TakeError(), "TypeError: memoryview: a bytes-like object is required, not 'int'");
  EXPECT_FALSE(CallNoArgs(AsObj(MemoryViewType())));
  EXPECT_EQ(TakeError(), "TypeError: memoryview() missing required argument 'object' (pos 1)");
  Ref<> b = B("ab");
  EXPECT_FALSE(CallArgs(AsObj(MemoryViewType()), {b.get(), b.get()}));
  EXPECT_EQ(TakeError(), "TypeError: memoryview() takes at most 1 argument (2 given)");
  Ref<> m = MV(b.get());
  ASSERT_EQ(MemoryViewRelease(m.get()), 0);
  EXPECT_FALSE(MV(m.get()));
  EXPECT_EQ(TakeError(), "ValueError: operation forbidden on released memoryview object");
}

TEST_F(MemoryViewTest, ReleasedViewRaisesEverywhere) {
  Ref<> b = B("abc");
  Ref<> m = MV(b.get());
  ASSERT_TRUE(CallMethod(m.get(), "release", {})) << TakeError();
  ASSERT_TRUE(CallMethod(m.get(), "release", {})) << TakeError();  // a no-op
  const std::string kReleased = "ValueError: operation forbidden on released memoryview object";
  EXPECT_FALSE(ObjectGetItem(m.get(), I(0).get()));
  EXPECT_EQ(TakeError(), kReleased);
  EXPECT_EQ(ObjectSize(m.get()), -1);
  EXPECT_EQ(TakeError(), kReleased);
  for (const char* method : {"tobytes", "tolist", "hex", "toreadonly", "__enter__"}) {
    EXPECT_FALSE(CallMethod(m.get(), method, {})) << method;
    EXPECT_EQ(TakeError(), kReleased) << method;
  }
  for (const char* attr : {"obj", "nbytes", "readonly", "format", "shape", "strides"}) {
    EXPECT_FALSE(GetAttrString(m.get(), attr)) << attr;
    EXPECT_EQ(TakeError(), kReleased) << attr;
  }
  EXPECT_EQ(ObjectHash(m.get()), -1);
  EXPECT_EQ(TakeError(), kReleased);
  EXPECT_FALSE(ObjectGetItem(m.get(), SliceFromIndices(0, 1).get()));
  EXPECT_EQ(TakeError(), kReleased);
  Py_buffer view;
  EXPECT_EQ(GetBuffer(m.get(), &view, PyBUF_SIMPLE), -1);
  EXPECT_EQ(TakeError(), kReleased);
}

TEST_F(MemoryViewTest, WritableExporterReleasedExactlyOnce) {
  const int64_t live = LiveObjects();
  {
    Ref<> blk = NewBlock(std::string("\x01\x02\x03\x04\x05\x06", 6));
    Block* bb = AsBlock(blk.get());
    Ref<> m = MV(blk.get());
    ASSERT_TRUE(m) << TakeError();
    EXPECT_EQ(bb->gets.load(std::memory_order_relaxed), 1);
    EXPECT_EQ(GetAttrString(m.get(), "readonly").get(), False());
    EXPECT_EQ(ObjectHash(m.get()), -1);
    EXPECT_EQ(TakeError(), "ValueError: cannot hash writable memoryview object");

    ASSERT_EQ(ObjectSetItem(m.get(), I(0).get(), I(255).get()), 0) << TakeError();
    EXPECT_EQ(static_cast<unsigned char>(bb->data[0]), 255);
    EXPECT_EQ(ObjectSetItem(m.get(), I(0).get(), I(300).get()), -1);
    EXPECT_EQ(TakeError(), "ValueError: memoryview: invalid value for format 'B'");
    EXPECT_EQ(ObjectSetItem(m.get(), I(0).get(), I(-1).get()), -1);
    EXPECT_EQ(TakeError(), "ValueError: memoryview: invalid value for format 'B'");
    EXPECT_EQ(ObjectSetItem(m.get(), I(0).get(), S("a").get()), -1);
    EXPECT_EQ(TakeError(), "TypeError: memoryview: invalid type for format 'B'");
    EXPECT_EQ(ObjectSetItem(m.get(), I(6).get(), I(1).get()), -1);
    EXPECT_EQ(TakeError(), "IndexError: index out of bounds on dimension 1");
    EXPECT_EQ(ObjectDelItem(m.get(), I(0).get()), -1);
    EXPECT_EQ(TakeError(), "TypeError: cannot delete memory");
    EXPECT_EQ(ObjectSetItem(m.get(), SliceFromIndices(0, 2).get(), B("xyz").get()), -1);
    EXPECT_EQ(TakeError(),
              "ValueError: memoryview assignment: lvalue and rvalue have different structures");
    EXPECT_EQ(ObjectSetItem(m.get(), SliceFromIndices(0, 2).get(), I(5).get()), -1);
    EXPECT_EQ(TakeError(), "TypeError: a bytes-like object is required, not 'int'");
    ASSERT_EQ(ObjectSetItem(m.get(), SliceNew(nullptr, nullptr, I(2).get()).get(),
                            B("qrs").get()),
              0)
        << TakeError();
    EXPECT_EQ(std::string(bb->data, 6), "q\x02r\x04s\x06");
    // Overlapping: m[1:6] = m[0:5].
    ASSERT_EQ(ObjectSetItem(m.get(), SliceFromIndices(1, 6).get(),
                            ObjectGetItem(m.get(), SliceFromIndices(0, 5).get()).get()),
              0)
        << TakeError();
    EXPECT_EQ(std::string(bb->data, 6), "qq\x02r\x04s");

    // A read-only copy refuses writes and hashes.
    Ref<> ro = CallMethod(m.get(), "toreadonly", {});
    ASSERT_TRUE(ro) << TakeError();
    EXPECT_EQ(ObjectSetItem(ro.get(), I(0).get(), I(1).get()), -1);
    EXPECT_EQ(TakeError(), "TypeError: cannot modify read-only memory");
    EXPECT_EQ(ObjectHash(ro.get()), HashBytes(bb->data, 6));

    // A buffer exported from the view blocks its release.
    Py_buffer view;
    ASSERT_EQ(GetBuffer(m.get(), &view, PyBUF_FULL_RO), 0) << TakeError();
    EXPECT_EQ(view.obj, m.get());
    EXPECT_EQ(view.buf, static_cast<void*>(bb->data));
    EXPECT_FALSE(CallMethod(m.get(), "release", {}));
    EXPECT_EQ(TakeError(), "BufferError: memoryview has 1 exported buffer");
    Py_buffer view2;
    ASSERT_EQ(GetBuffer(m.get(), &view2, PyBUF_SIMPLE), 0) << TakeError();
    EXPECT_FALSE(CallMethod(m.get(), "release", {}));
    EXPECT_EQ(TakeError(), "BufferError: memoryview has 2 exported buffers");
    ReleaseBuffer(&view2);
    ReleaseBuffer(&view);
    EXPECT_EQ(GetBuffer(ro.get(), &view, PyBUF_WRITABLE), -1);
    EXPECT_EQ(TakeError(), "BufferError: memoryview: underlying buffer is not writable");

    // Views share the exporter's one buffer: released when the last goes.
    Ref<> s = Slice(m.get(), 1, 4, 1);
    ASSERT_TRUE(CallMethod(m.get(), "release", {})) << TakeError();
    ro.Reset();
    EXPECT_EQ(bb->releases.load(std::memory_order_relaxed), 0);
    EXPECT_EQ(ToBytes(s.get()), "q\x02r");
    // The context manager releases on exit.
    Ref<> entered = CallMethod(s.get(), "__enter__", {});
    EXPECT_EQ(entered.get(), s.get());
    ASSERT_TRUE(CallMethod(s.get(), "__exit__", {None(), None(), None()})) << TakeError();
    EXPECT_EQ(bb->releases.load(std::memory_order_relaxed), 1);
    EXPECT_EQ(bb->gets.load(std::memory_order_relaxed), 1);
    EXPECT_EQ(bb->exports.load(std::memory_order_relaxed), 0);

    // Deallocation releases too.
    Ref<> d = MV(blk.get());
    EXPECT_EQ(bb->exports.load(std::memory_order_relaxed), 1);
    d.Reset();
    EXPECT_EQ(bb->exports.load(std::memory_order_relaxed), 0);
    EXPECT_EQ(bb->releases.load(std::memory_order_relaxed), 2);
    EXPECT_EQ(TakeError(), "");
  }
  Checkpoint();
  EXPECT_EQ(LiveObjects(), live);
}

TEST_F(MemoryViewTest, FromMemoryAndContiguous) {
  char mem[4] = {'a', 'b', 'c', 'd'};
  Ref<> w = MemoryViewFromMemory(mem, 4, PyBUF_WRITE);
  ASSERT_TRUE(w) << TakeError();
  EXPECT_EQ(GetAttrString(w.get(), "obj").get(), None());
  ASSERT_EQ(ObjectSetItem(w.get(), I(3).get(), I('z').get()), 0) << TakeError();
  EXPECT_EQ(mem[3], 'z');
  Ref<> r = MemoryViewFromMemory(mem, 4, PyBUF_READ);
  EXPECT_EQ(ObjectSetItem(r.get(), I(0).get(), I(1).get()), -1);
  EXPECT_EQ(TakeError(), "TypeError: cannot modify read-only memory");
  EXPECT_FALSE(MemoryViewFromMemory(mem, 4, 0));
  EXPECT_EQ(TakeError(), "SystemError: bad argument to internal function");

  // A strided view: contiguous copy for reading, BufferError for writing.
  Ref<> strided = Slice(w.get(), 0, 4, 2);
  Ref<> c = MemoryViewGetContiguous(strided.get(), PyBUF_READ, 'C');
  ASSERT_TRUE(c) << TakeError();
  EXPECT_EQ(ToBytes(c.get()), "ac");
  EXPECT_EQ(GetAttrString(c.get(), "c_contiguous").get(), True());
  EXPECT_FALSE(MemoryViewGetContiguous(strided.get(), PyBUF_WRITE, 'C'));
  EXPECT_EQ(TakeError(),
            "BufferError: writable contiguous buffer requested for a non-contiguous object.");
  Ref<> same = MemoryViewGetContiguous(w.get(), PyBUF_WRITE, 'A');
  ASSERT_TRUE(same) << TakeError();
  EXPECT_EQ(ToBytes(same.get()), "abcz");
  EXPECT_FALSE(MemoryViewGetContiguous(r.get(), PyBUF_WRITE, 'C'));
  EXPECT_EQ(TakeError(), "BufferError: underlying buffer is not writable");
}

// 6 threads: views and slices of one shared exporter, read and checked;
// each thread releases its own views.
TEST_F(MemoryViewTest, ThreadsShareOneExporter) {
  std::string src(4096, '\0');
  for (size_t i = 0; i < src.size(); ++i) src[i] = static_cast<char>((i * 7 + 3) & 0xff);
  Ref<> blk = NewBlock(src, /*readonly=*/true);
  Ref<> bytes = B(src);
  const intptr_t block_refs = Refcount(AsHeader(blk.get()));
  const intptr_t bytes_refs = Refcount(AsHeader(bytes.get()));
  constexpr int kThreads = 6;  // more than the machine's 2 cores
  const long rounds = testing_util::Scaled(3000, 100);
  const uint64_t seed = testing_util::Seed();
  std::atomic<int> bad{0};
  RunThreads(kThreads, [&](int id) {
    std::mt19937_64 rng(seed * 1000003 + static_cast<uint64_t>(id));
    PyObject* exporter = id % 2 == 0 ? blk.get() : bytes.get();
    // This thread's views and the bytes each shows.
    std::vector<std::pair<Ref<>, std::string>> mine;
    for (long r = 0; r < rounds; ++r) {
      if (rng() % 8 == 0) std::this_thread::yield();
      const Py_ssize_t n = static_cast<Py_ssize_t>(src.size());
      Py_ssize_t start = static_cast<Py_ssize_t>(rng() % (n + 10)) - 5;
      Py_ssize_t stop = static_cast<Py_ssize_t>(rng() % (n + 10)) - 5;
      Py_ssize_t step = static_cast<Py_ssize_t>(rng() % 7) - 3;
      if (step == 0) step = 1;
      Ref<> base;
      std::string base_bytes = src;
      if (mine.empty() || rng() % 2 == 0) {
        base = MV(exporter);
      } else {
        const auto& [v, b] = mine[rng() % mine.size()];
        base = MV(v.get());
        base_bytes = b;
      }
      if (!base) {
        bad.fetch_add(1, std::memory_order_relaxed);
        TakeError();
        continue;
      }
      const std::string want = Expected(base_bytes, start, stop, step);
      Ref<> s = Slice(base.get(), start, stop, step);
      if (!s || ToBytes(s.get()) != want) {
        bad.fetch_add(1, std::memory_order_relaxed);
        TakeError();
      }
      if (ObjectRichCompareBool(base.get(), B(base_bytes).get(), Py_EQ) != 1) {
        bad.fetch_add(1, std::memory_order_relaxed);
      }
      mine.emplace_back(std::move(s), want);
      mine.emplace_back(std::move(base), base_bytes);
      // Release some of this thread's views, drop others.
      while (mine.size() > 8) {
        const size_t k = rng() % mine.size();
        if (rng() % 2 == 0 && MemoryViewRelease(mine[k].first.get()) < 0) {
          bad.fetch_add(1, std::memory_order_relaxed);
        }
        mine.erase(mine.begin() + static_cast<std::ptrdiff_t>(k));
      }
      if (r % 32 == 0) Checkpoint();
    }
  });
  EXPECT_EQ(bad.load(std::memory_order_relaxed), 0);
  EXPECT_EQ(TakeError(), "");
  Checkpoint();
  Block* b = AsBlock(blk.get());
  EXPECT_EQ(b->exports.load(std::memory_order_relaxed), 0);
  EXPECT_EQ(b->gets.load(std::memory_order_relaxed), b->releases.load(std::memory_order_relaxed));
  EXPECT_GT(b->gets.load(std::memory_order_relaxed), 0);
  EXPECT_EQ(Refcount(AsHeader(blk.get())), block_refs);
  EXPECT_EQ(Refcount(AsHeader(bytes.get())), bytes_refs);
  EXPECT_EQ(std::string(b->data, src.size()), src);
}

// One view shared by readers; another thread releases it. The exporter is
// referenced only by the view, so it is freed when the last share goes.
TEST_F(MemoryViewTest, ReleaseFromAnotherThreadStopsReaders) {
  const long rounds = testing_util::Scaled(40, 8);
  const uint64_t seed = testing_util::Seed();
  for (long round = 0; round < rounds; ++round) {
    std::string src(512, '\0');
    for (size_t i = 0; i < src.size(); ++i) src[i] = static_cast<char>((i + round) & 0xff);
    Ref<> m;
    {
      Ref<> blk = NewBlock(src, /*readonly=*/true);
      m = MV(blk.get());
      ASSERT_TRUE(m) << TakeError();
    }
    constexpr int kThreads = 6;
    std::atomic<bool> released{false};
    std::atomic<int> bad{0}, saw_error{0};
    RunThreads(kThreads, [&](int id) {
      std::mt19937_64 rng(seed * 7919 + static_cast<uint64_t>(round * 16 + id));
      if (id == 0) {
        for (int k = static_cast<int>(rng() % 20); k > 0; --k) std::this_thread::yield();
        if (MemoryViewRelease(m.get()) < 0) bad.fetch_add(1, std::memory_order_relaxed);
        released.store(true, std::memory_order_release);
        return;
      }
      for (;;) {
        const bool after = released.load(std::memory_order_acquire);
        if (rng() % 4 == 0) std::this_thread::yield();
        Ref<> r;
        switch (rng() % 3) {
          case 0: r = CallMethod(m.get(), "tobytes", {}); break;
          case 1: r = Slice(m.get(), 1, 500, 3); break;
          default: r = ObjectGetItem(m.get(), I(static_cast<int64_t>(rng() % 512)).get()); break;
        }
        if (r) {
          if (after) bad.fetch_add(1, std::memory_order_relaxed);  // read after release
          if (IsBytes(r.get()) && Bytes(r.get()) != src) bad.fetch_add(1, std::memory_order_relaxed);
          if (IsMemoryView(r.get())) {
            // The slice outlives the release of its parent: still valid.
            if (ToBytes(r.get()) != Expected(src, 1, 500, 3)) {
              bad.fetch_add(1, std::memory_order_relaxed);
            }
          }
          continue;
        }
        if (TakeError() != "ValueError: operation forbidden on released memoryview object") {
          bad.fetch_add(1, std::memory_order_relaxed);
        }
        saw_error.fetch_add(1, std::memory_order_relaxed);
        return;
      }
    });
    EXPECT_EQ(bad.load(std::memory_order_relaxed), 0) << "round " << round;
    EXPECT_EQ(saw_error.load(std::memory_order_relaxed), kThreads - 1);
    EXPECT_EQ(MemoryViewSharesForTesting(m.get()), 0);
  }
}

}  // namespace
}  // namespace ftrt
