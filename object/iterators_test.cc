// Tests for iterators.h: iteration over list, tuple, dict (keys, values,
// items), str and bytes, the sequence fallback, the CPython errors, and 4
// threads iterating a list and a dict while 2 threads mutate them (no
// crash; under ASan no use of freed memory; every item a live value that
// was stored).
#include "object/iterators.h"

#include <atomic>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "object/bytes.h"
#include "object/call.h"
#include "object/dict.h"
#include "object/dispatch.h"
#include "object/error_indicator.h"
#include "object/exceptions.h"
#include "object/int.h"
#include "object/list.h"
#include "object/protocol_testing.h"
#include "object/str.h"
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

// repr of every item an iterator yields, comma-separated; "!Error: msg"
// appended if it ends with an exception.
std::string Drain(PyObject* iterable) {
  Ref<> it = GetIter(iterable);
  if (!it) return "!" + TakeError();
  std::string out;
  for (;;) {
    Ref<> item;
    const int r = IterNextItem(it.get(), &item);
    if (r < 0) return out + "!" + TakeError();
    if (r == 0) return out;
    if (!out.empty()) out += ",";
    out += ReprUtf8(item.get());
  }
}

class IteratorsTest : public ProtocolTest {};

TEST_F(IteratorsTest, EachBuiltinType) {
  Ref<> list = ListFromItems({I(1).get(), I(2).get(), I(3).get()}).value();
  EXPECT_EQ(Drain(list.get()), "1,2,3");
  Ref<> tuple = TupleFromItems({I(4).get(), S("x").get()}).value();
  EXPECT_EQ(Drain(tuple.get()), "4,'x'");
  Ref<> str = S("h\xc3\xa9!");
  EXPECT_EQ(Drain(str.get()), "'h','\xc3\xa9','!'");
  Ref<> bytes = BytesFromData(absl::string_view("\x00\xff", 2)).value();
  EXPECT_EQ(Drain(bytes.get()), "0,255");
  Ref<> dict = DictNew().value();
  ASSERT_TRUE(DictSetItemString(dict.get(), "a", I(1).get()).ok());
  ASSERT_TRUE(DictSetItemString(dict.get(), "b", I(2).get()).ok());
  EXPECT_EQ(Drain(dict.get()), "'a','b'");
  EXPECT_EQ(Drain(DictIterValues(dict.get()).get()), "1,2");
  EXPECT_EQ(Drain(DictIterItems(dict.get()).get()), "('a', 1),('b', 2)");
  EXPECT_EQ(Drain(EmptyTuple()), "");
  EXPECT_EQ(Drain(I(1).get()), "!TypeError: 'int' object is not iterable");
  EXPECT_FALSE(IterNext(I(1).get()));
  EXPECT_EQ(TakeError(), "TypeError: 'int' object is not an iterator");
  Ref<> it = GetIter(list.get());
  EXPECT_EQ(ReprUtf8(it->ob_type == &PyListIter_Type ? S("ok").get() : S("no").get()), "'ok'");
  EXPECT_EQ(GetIter(it.get()).get(), it.get());  // iter(iterator) is itself
}

TEST_F(IteratorsTest, DictReportsSizeChange) {
  Ref<> dict = DictNew().value();
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(DictSetItem(dict.get(), I(i).get(), I(i).get()).ok());
  Ref<> it = GetIter(dict.get());
  Ref<> first = IterNext(it.get());
  ASSERT_TRUE(first);
  ASSERT_TRUE(DictSetItem(dict.get(), I(10).get(), I(10).get()).ok());
  EXPECT_FALSE(IterNext(it.get()));
  EXPECT_EQ(TakeError(), "RuntimeError: dictionary changed size during iteration");
  ASSERT_TRUE(DictDelItem(dict.get(), I(10).get()).ok());
  EXPECT_FALSE(IterNext(it.get()));  // sticky, as in CPython
  EXPECT_EQ(TakeError(), "RuntimeError: dictionary changed size during iteration");
  // Overwriting a value does not change the size.
  Ref<> it2 = DictIterValues(dict.get());
  ASSERT_TRUE(IterNext(it2.get()));
  ASSERT_TRUE(DictSetItem(dict.get(), I(1).get(), I(100).get()).ok());
  EXPECT_EQ(ReprUtf8(IterNext(it2.get()).get()), "100");
}

// A sequence-protocol type: sq_item for 0..2, IndexError after.
PyObject* SqItem(PyObject*, Py_ssize_t i) {
  if (i >= 3) {
    SetErrorString(PyExc_IndexError, "out of range");
    return nullptr;
  }
  return IntFromInt64(i * 10)->Release();
}

TEST_F(IteratorsTest, SequenceFallback) {
  static PyType_Slot slots[] = {{Py_sq_item, reinterpret_cast<void*>(SqItem)},
                                {Py_tp_new, reinterpret_cast<void*>(PyType_GenericNew)},
                                {0, nullptr}};
  static PyType_Spec spec = {"m.Seq", sizeof(PyObject), 0, Py_TPFLAGS_DEFAULT, slots};
  Ref<> t = TypeFromSpec(&spec);
  ASSERT_TRUE(t) << TakeError();
  Ref<> seq = CallNoArgs(t.get());
  ASSERT_TRUE(seq);
  EXPECT_EQ(Drain(seq.get()), "0,10,20");
}

// ---- the concurrency test ----------------------------------------------

TEST_F(IteratorsTest, IteratingWhileOthersMutate) {
  constexpr int64_t kBase = 100000;  // values >= kBase are allocated ints
  constexpr int kSize = 64;
  Ref<> list = ListNew().value();
  Ref<> dict = DictNew().value();
  for (int i = 0; i < kSize; ++i) {
    ASSERT_TRUE(ListAppend(list.get(), I(kBase + i).get()).ok());
    ASSERT_TRUE(DictSetItem(dict.get(), I(i).get(), I(kBase + i).get()).ok());
  }
  const long kRounds = testing_util::Scaled(2000, 60);
  const uint64_t seed = testing_util::Seed();
  std::atomic<int> iterating{4};
  std::atomic<long> bad{0};
  std::atomic<long> size_changes{0};
  // The mutators count up from kBase + id * 100000 for as long as the
  // iterators run (under load, past a million); anything else is garbage.
  auto valid = [&](PyObject* v) {
    return IsInt(v) && IntValue(v) >= kBase && IntValue(v) < kBase + (int64_t{1} << 40);
  };
  RunThreads(6, [&](int id) {
    std::mt19937_64 rng(seed + static_cast<uint64_t>(id));
    if (id >= 4) {
      // Mutators: replace, append, pop and delete, so items and entries
      // are freed under the iterators' feet.
      int64_t next = kBase + kSize + id * 100000;
      while (iterating.load(std::memory_order_relaxed) > 0) {
        if (id == 4) {
          const Py_ssize_t n = ListSize(list.get());
          switch (rng() % 4) {
            case 0:
              (void)ListAppend(list.get(), I(next++).get());
              break;
            case 1:
              if (n > kSize / 2) (void)ListPop(list.get(), static_cast<Py_ssize_t>(rng() % n));
              break;
            default:
              if (n > 0) {
                (void)ListSetItem(list.get(), static_cast<Py_ssize_t>(rng() % n), I(next++).get());
              }
          }
        } else {
          Ref<> key = I(static_cast<int64_t>(rng() % (2 * kSize)));
          if (rng() % 3 == 0) {
            (void)DictDelItem(dict.get(), key.get());
          } else {
            (void)DictSetItem(dict.get(), key.get(), I(next++).get());
          }
        }
        ClearError();
        Checkpoint();
        if (rng() % 4 == 0) std::this_thread::yield();
      }
      return;
    }
    for (long round = 0; round < kRounds; ++round) {
      Ref<> it = (id % 2 == 0) ? GetIter(list.get())
                               : ((round % 2) ? DictIterItems(dict.get()) : DictIterValues(dict.get()));
      if (!it) {
        bad.fetch_add(1);
        continue;
      }
      long n = 0;
      for (;;) {
        Ref<> item = IterNext(it.get());
        if (!item) break;
        PyObject* v = item.get();
        if (IsTuple(v)) {
          if (TupleSize(v) != 2 || !IsInt(TupleItem(v, 0))) bad.fetch_add(1);
          v = TupleItem(v, 1);
        }
        if (!valid(v)) bad.fetch_add(1);
        if (++n > 1000000) {  // an iterator must end
          bad.fetch_add(1);
          break;
        }
        if (n % 16 == 0) Checkpoint();
      }
      if (HasError()) {
        if (ExceptionMatches(PyExc_RuntimeError)) {
          size_changes.fetch_add(1);
        } else {
          bad.fetch_add(1);
        }
        ClearError();
      }
      Checkpoint();
    }
    iterating.fetch_sub(1);
  });
  EXPECT_EQ(bad.load(), 0);
  // Every item still in the containers is a live, valid value.
  for (Py_ssize_t i = 0; i < ListSize(list.get()); ++i) {
    Ref<> v = ListGetItemRef(list.get(), i).value();
    EXPECT_TRUE(valid(v.get()));
  }
  Py_ssize_t pos = 0;
  Ref<> k, v;
  while (DictNext(dict.get(), &pos, &k, &v)) EXPECT_TRUE(valid(v.get()));
}

}  // namespace
}  // namespace ftrt
