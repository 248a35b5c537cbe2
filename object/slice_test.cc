// Tests for slice.h and subscript.h: SliceUnpack and SliceAdjustIndices
// against a table of cases worked out by hand from Python's rules
// (None, negative, out-of-range and 64-bit-extreme values, negative steps,
// the zero step, __index__ objects, non-integers); the slice object's
// repr, hash, comparisons, indices() and constructor; indexing and slicing
// of list, tuple, str (each PEP 393 width) and bytes checked item by item
// against a naive loop over seeded random (start, stop, step) triples;
// list slice assignment and deletion against a std::vector model; and 6
// threads slicing a shared list while others assign to and delete slices
// of it, keeping an invariant every slice a reader gets must show.
#include "object/slice.h"

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "object/bytes.h"
#include "object/call.h"
#include "object/dispatch.h"
#include "object/error_indicator.h"
#include "object/exceptions.h"
#include "object/float.h"
#include "object/int.h"
#include "object/list.h"
#include "object/none_bool.h"
#include "object/protocol_testing.h"
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

class SliceTest : public ProtocolTest {};

constexpr Py_ssize_t kMax = PY_SSIZE_T_MAX;
constexpr Py_ssize_t kMin = PY_SSIZE_T_MIN;

// A slice field: a value or None.
using Field = std::optional<int64_t>;
constexpr std::nullopt_t kNone = std::nullopt;

Ref<> FieldObj(Field f) { return f ? I(*f) : Ref<>::NewRef(None()); }

Ref<> MakeSlice(Field start, Field stop, Field step) {
  Ref<> a = FieldObj(start), b = FieldObj(stop), c = FieldObj(step);
  Ref<> s = SliceNew(a.get(), b.get(), c.get());
  EXPECT_TRUE(s) << TakeError();
  return s;
}

// ---- SliceUnpack and SliceAdjustIndices: a hand-computed table ------------------

struct Case {
  Field start, stop, step;
  Py_ssize_t length;
  // PySlice_Unpack's results.
  Py_ssize_t u_start, u_stop, u_step;
  // PySlice_AdjustIndices's results and the slice length.
  Py_ssize_t a_start, a_stop, count;
};

const Case kCases[] = {
    // [:]          and [::-1] of 10 items
    {kNone, kNone, kNone, 10, 0, kMax, 1, 0, 10, 10},
    {kNone, kNone, -1, 10, kMax, kMin, -1, 9, -1, 10},
    // [2:8:3] -> 2, 5
    {2, 8, 3, 10, 2, 8, 3, 2, 8, 2},
    // [-3:] -> 7, 8, 9
    {-3, kNone, kNone, 10, -3, kMax, 1, 7, 10, 3},
    // [-100:100] clips to everything
    {-100, 100, kNone, 10, -100, 100, 1, 0, 10, 10},
    // [100:-100:-1] clips to everything, backwards
    {100, -100, -1, 10, 100, -100, -1, 9, -1, 10},
    // [5:5] is empty; [7:3] is empty going forwards
    {5, 5, kNone, 10, 5, 5, 1, 5, 5, 0},
    {7, 3, kNone, 10, 7, 3, 1, 7, 3, 0},
    // [8:2:-2] -> 8, 6, 4
    {8, 2, -2, 10, 8, 2, -2, 8, 2, 3},
    // [3:-1] -> 3..8
    {3, -1, kNone, 10, 3, -1, 1, 3, 9, 6},
    // [0:10:4] -> 0, 4, 8
    {0, 10, 4, 10, 0, 10, 4, 0, 10, 3},
    // [-2::-4] -> 8, 4, 0
    {-2, kNone, -4, 10, -2, kMin, -4, 8, -1, 3},
    // [-1:-11:-1]: stop -11 + 10 = -1 is "before the first", everything
    {-1, -11, -1, 10, -1, -11, -1, 9, -1, 10},
    // [-1:-10:-1]: stops before index 0
    {-1, -10, -1, 10, -1, -10, -1, 9, 0, 9},
    // 64-bit extremes: [max:min:-3] -> 9, 6, 3, 0
    {INT64_MAX, INT64_MIN, -3, 10, kMax, kMin, -3, 9, -1, 4},
    {INT64_MIN, INT64_MAX, kNone, 10, kMin, kMax, 1, 0, 10, 10},
    // a step of INT64_MIN becomes -PY_SSIZE_T_MAX (negatable): one item
    {kNone, kNone, INT64_MIN, 10, kMax, kMin, -kMax, 9, -1, 1},
    {kNone, kNone, INT64_MAX, 10, 0, kMax, kMax, 0, 10, 1},
    // an empty sequence
    {kNone, kNone, -1, 0, kMax, kMin, -1, -1, -1, 0},
    {kNone, kNone, kNone, 0, 0, kMax, 1, 0, 0, 0},
    {-5, 5, 2, 0, -5, 5, 2, 0, 0, 0},
    // a start past the end going backwards clips to the last item
    {20, kNone, -3, 10, 20, kMin, -3, 9, -1, 4},
    // one item
    {0, 1, kNone, 1, 0, 1, 1, 0, 1, 1},
    {kNone, kNone, -2, 1, kMax, kMin, -2, 0, -1, 1},
};

TEST_F(SliceTest, UnpackAndAdjustTable) {
  const int64_t before = LiveObjects();
  for (const Case& c : kCases) {
    SCOPED_TRACE(testing::Message() << "slice(" << (c.start ? std::to_string(*c.start) : "None")
                                    << ", " << (c.stop ? std::to_string(*c.stop) : "None") << ", "
                                    << (c.step ? std::to_string(*c.step) : "None") << ") of "
                                    << c.length);
    Ref<> s = MakeSlice(c.start, c.stop, c.step);
    Py_ssize_t start = -7, stop = -7, step = -7;
    ASSERT_EQ(SliceUnpack(s.get(), &start, &stop, &step), 0) << TakeError();
    EXPECT_EQ(start, c.u_start);
    EXPECT_EQ(stop, c.u_stop);
    EXPECT_EQ(step, c.u_step);
    EXPECT_EQ(SliceAdjustIndices(c.length, &start, &stop, step), c.count);
    EXPECT_EQ(start, c.a_start);
    EXPECT_EQ(stop, c.a_stop);
    // slice.indices(len) gives the adjusted triple.
    Ref<> t = CallMethod(s.get(), "indices", {I(c.length).get()});
    ASSERT_TRUE(t) << TakeError();
    EXPECT_EQ(ReprUtf8(t.get()), "(" + std::to_string(c.a_start) + ", " + std::to_string(c.a_stop) +
                                     ", " + std::to_string(c.u_step) + ")");
  }
  EXPECT_EQ(LiveObjects(), before);
}

TEST_F(SliceTest, UnpackErrors) {
  Py_ssize_t a, b, c;
  Ref<> zero = MakeSlice(1, 2, 0);
  EXPECT_EQ(SliceUnpack(zero.get(), &a, &b, &c), -1);
  EXPECT_EQ(TakeError(), "ValueError: slice step cannot be zero");
  const std::string kNotIndex =
      "TypeError: slice indices must be integers or None or have an __index__ method";
  Ref<> str = S("a");
  Ref<> f = FloatFromDouble(1.5).value();
  for (PyObject* bad : {str.get(), f.get()}) {
    for (int pos = 0; pos < 3; ++pos) {
      PyObject* fields[3] = {None(), None(), None()};
      fields[pos] = bad;
      Ref<> s = SliceNew(fields[0], fields[1], fields[2]);
      EXPECT_EQ(SliceUnpack(s.get(), &a, &b, &c), -1);
      EXPECT_EQ(TakeError(), kNotIndex) << pos;
    }
  }
  // The step is read first: a zero step wins over a bad start.
  Ref<> both = SliceNew(str.get(), None(), I(0).get());
  EXPECT_EQ(SliceUnpack(both.get(), &a, &b, &c), -1);
  EXPECT_EQ(TakeError(), "ValueError: slice step cannot be zero");
  // bool is an int.
  Ref<> t = SliceNew(True(), None(), None());
  ASSERT_EQ(SliceUnpack(t.get(), &a, &b, &c), 0);
  EXPECT_EQ(a, 1);
}

// ---- __index__ objects -------------------------------------------------------

struct IndexObj {
  PyObject ob_base;
  int64_t value;  // 1000 raises ZeroDivisionError, 2000 returns a str
};

PyObject* IndexSlot(PyObject* self) {
  const int64_t v = reinterpret_cast<IndexObj*>(self)->value;
  if (v == 1000) return SetErrorFormat(PyExc_ZeroDivisionError, "index failed");
  if (v == 2000) return S("not an int").Release();
  return I(v).Release();
}

Ref<> IndexType() {
  static PyType_Slot slots[] = {{Py_nb_index, reinterpret_cast<void*>(IndexSlot)}, {0, nullptr}};
  static PyType_Spec spec = {"m.Idx", sizeof(IndexObj), 0, Py_TPFLAGS_DEFAULT, slots};
  Ref<> t = TypeFromSpec(&spec);
  EXPECT_TRUE(t) << TakeError();
  return t;
}

Ref<> Idx(PyObject* type, int64_t v) {
  Ref<> o = Ref<>::Steal(PyType_GenericAlloc(reinterpret_cast<PyTypeObject*>(type), 0));
  reinterpret_cast<IndexObj*>(o.get())->value = v;
  return o;
}

TEST_F(SliceTest, IndexObjects) {
  Ref<> type = IndexType();
  ASSERT_TRUE(type);
  Ref<> two = Idx(type.get(), 2), minus1 = Idx(type.get(), -1), fails = Idx(type.get(), 1000),
        non_int = Idx(type.get(), 2000);
  Ref<> s = SliceNew(two.get(), None(), minus1.get());
  Py_ssize_t a, b, c;
  ASSERT_EQ(SliceUnpack(s.get(), &a, &b, &c), 0) << TakeError();
  EXPECT_EQ(a, 2);
  EXPECT_EQ(b, kMin);
  EXPECT_EQ(c, -1);
  // list("abcde")[2::-1] == ['c', 'b', 'a']; tuple index through __index__.
  Ref<> list = ListFromItems({S("a").get(), S("b").get(), S("c").get(), S("d").get()}).value();
  Ref<> r = ObjectGetItem(list.get(), s.get());
  ASSERT_TRUE(r) << TakeError();
  EXPECT_EQ(ReprUtf8(r.get()), "['c', 'b', 'a']");
  Ref<> item = ObjectGetItem(list.get(), minus1.get());
  ASSERT_TRUE(item) << TakeError();
  EXPECT_EQ(ReprUtf8(item.get()), "'d'");
  // __index__ raising passes its error through; a non-int result is a TypeError.
  Ref<> bad = SliceNew(fails.get(), None(), None());
  EXPECT_EQ(SliceUnpack(bad.get(), &a, &b, &c), -1);
  EXPECT_EQ(TakeError(), "ZeroDivisionError: index failed");
  Ref<> bad2 = SliceNew(None(), non_int.get(), None());
  EXPECT_EQ(SliceUnpack(bad2.get(), &a, &b, &c), -1);
  EXPECT_EQ(TakeError(), "TypeError: __index__ returned non-int (type str)");
  EXPECT_FALSE(ObjectGetItem(list.get(), fails.get()));
  EXPECT_EQ(TakeError(), "ZeroDivisionError: index failed");
}

// ---- the slice object -------------------------------------------------------------

TEST_F(SliceTest, ObjectBehaviour) {
  const int64_t before = LiveObjects();
  {
    Ref<> s = SliceNew(nullptr, I(5).get(), nullptr);
    ASSERT_TRUE(s);
    EXPECT_TRUE(IsSlice(s.get()));
    EXPECT_EQ(s->ob_type, SliceType());
    auto* so = reinterpret_cast<PySliceObject*>(s.get());
    EXPECT_EQ(so->start, None());
    EXPECT_EQ(so->step, None());
    EXPECT_EQ(ReprUtf8(s.get()), "slice(None, 5, None)");
    Ref<> s2 = MakeSlice(1, 2, kNone);
    EXPECT_EQ(ReprUtf8(s2.get()), "slice(1, 2, None)");
    Ref<> s3 = SliceNew(S("a").get(), None(), I(-1).get());
    EXPECT_EQ(ReprUtf8(s3.get()), "slice('a', None, -1)");
    // Unhashable in 3.13.
    EXPECT_EQ(ObjectHash(s2.get()), -1);
    EXPECT_EQ(TakeError(), "TypeError: unhashable type: 'slice'");
    // Compared as (start, stop, step).
    Ref<> s2b = MakeSlice(1, 2, kNone);
    Ref<> s4 = MakeSlice(1, 3, kNone);
    EXPECT_EQ(ObjectRichCompareBool(s2.get(), s2b.get(), Py_EQ), 1);
    EXPECT_EQ(ObjectRichCompareBool(s2.get(), s2b.get(), Py_NE), 0);
    EXPECT_EQ(ObjectRichCompareBool(s2.get(), s4.get(), Py_EQ), 0);
    EXPECT_EQ(ObjectRichCompareBool(s2.get(), s4.get(), Py_LT), 1);
    EXPECT_EQ(ObjectRichCompareBool(s4.get(), s2.get(), Py_LT), 0);
    EXPECT_EQ(ObjectRichCompareBool(s2.get(), I(1).get(), Py_EQ), 0);
    EXPECT_EQ(ObjectRichCompareBool(s2.get(), s3.get(), Py_LT), -1);  // 1 < 'a'
    EXPECT_EQ(TakeError(), "TypeError: '<' not supported between instances of 'int' and 'str'");
    // The constructor: slice(stop), slice(start, stop[, step]).
    PyObject* type = reinterpret_cast<PyObject*>(SliceType());
    Ref<> c1 = CallArgs(type, {I(7).get()});
    ASSERT_TRUE(c1) << TakeError();
    EXPECT_EQ(ReprUtf8(c1.get()), "slice(None, 7, None)");
    Ref<> c3 = CallArgs(type, {I(1).get(), I(9).get(), I(2).get()});
    ASSERT_TRUE(c3) << TakeError();
    EXPECT_EQ(ReprUtf8(c3.get()), "slice(1, 9, 2)");
    EXPECT_FALSE(CallNoArgs(type));
    EXPECT_EQ(TakeError(), "TypeError: slice expected at least 1 argument, got 0");
    // indices() refuses a negative length.
    EXPECT_FALSE(CallMethod(s2.get(), "indices", {I(-1).get()}));
    EXPECT_EQ(TakeError(), "ValueError: length should not be negative");
    // A slice is a GC container.
    EXPECT_TRUE(SliceType()->tp_flags & Py_TPFLAGS_HAVE_GC);
    EXPECT_NE(SliceType()->tp_traverse, nullptr);
  }
  EXPECT_EQ(LiveObjects(), before);
}

// ---- indexing and slicing against a naive reference --------------------------------

// The indices Python's seq[start:stop:step] selects, by the language
// reference's rules, written independently of SliceAdjustIndices.
std::vector<Py_ssize_t> ReferenceIndices(Py_ssize_t n, Field start, Field stop, Field step_f) {
  const int64_t step = step_f.value_or(1);
  std::vector<Py_ssize_t> out;
  auto norm = [&](int64_t v, int64_t lo, int64_t hi) {
    if (v < 0) v += n;
    return std::clamp<int64_t>(v, lo, hi);
  };
  if (step > 0) {
    const int64_t lo = start ? norm(*start, 0, n) : 0;
    const int64_t hi = stop ? norm(*stop, 0, n) : n;
    for (int64_t i = lo; i < hi; i += step) out.push_back(i);
  } else {
    const int64_t lo = start ? norm(*start, -1, n - 1) : n - 1;
    const int64_t hi = stop ? norm(*stop, -1, n - 1) : -1;
    for (int64_t i = lo; i > hi; i += step) out.push_back(i);
  }
  return out;
}

Field RandomBound(std::mt19937_64& rng, Py_ssize_t n) {
  switch (rng() % 8) {
    case 0:
      return kNone;
    case 1:
      return (rng() % 2) ? INT64_MAX : INT64_MIN;
    default:
      return static_cast<int64_t>(rng() % static_cast<uint64_t>(4 * n + 5)) - (2 * n + 2);
  }
}

Field RandomStep(std::mt19937_64& rng, Py_ssize_t n) {
  if (rng() % 5 == 0) return kNone;
  const int64_t mag = 1 + static_cast<int64_t>(rng() % static_cast<uint64_t>(n + 2));
  const int64_t small = 1 + static_cast<int64_t>(rng() % 3);
  const int64_t v = (rng() % 2) ? mag : small;
  return (rng() % 2) ? v : -v;
}

// Element i of a sequence as an object, the reference way.
using ElementFn = Ref<> (*)(PyObject* seq, Py_ssize_t i);

Ref<> ListElement(PyObject* seq, Py_ssize_t i) { return ListGetItemRef(seq, i).value(); }
Ref<> TupleElement(PyObject* seq, Py_ssize_t i) { return Ref<>::NewRef(TupleItem(seq, i)); }
Ref<> StrElement(PyObject* seq, Py_ssize_t i) {
  return StrFromCodePoints({StrReadChar(seq, i)}).value();
}
Ref<> BytesElement(PyObject* seq, Py_ssize_t i) {
  return I(static_cast<unsigned char>(BytesData(seq)[i]));
}

void CheckSlicing(PyObject* seq, Py_ssize_t n, ElementFn element, std::mt19937_64& rng,
                  int rounds) {
  const std::string name = seq->ob_type->tp_name;
  SCOPED_TRACE(name);
  // Every index, negative ones and the first ones out of range.
  for (Py_ssize_t i = -n - 2; i <= n + 1; ++i) {
    Ref<> r = ObjectGetItem(seq, I(i).get());
    if (i < -n || i >= n) {
      EXPECT_FALSE(r);
      EXPECT_TRUE(ExceptionMatches(PyExc_IndexError)) << i;
      ClearError();
      continue;
    }
    ASSERT_TRUE(r) << TakeError();
    Ref<> want = element(seq, i < 0 ? i + n : i);
    EXPECT_EQ(ObjectRichCompareBool(r.get(), want.get(), Py_EQ), 1) << i;
  }
  for (int round = 0; round < rounds; ++round) {
    const Field start = RandomBound(rng, n), stop = RandomBound(rng, n), step = RandomStep(rng, n);
    const std::vector<Py_ssize_t> want = ReferenceIndices(n, start, stop, step);
    Ref<> s = MakeSlice(start, stop, step);
    Ref<> r = ObjectGetItem(seq, s.get());
    ASSERT_TRUE(r) << TakeError();
    ASSERT_EQ(r->ob_type, seq->ob_type) << ReprUtf8(s.get());
    ASSERT_EQ(ObjectSize(r.get()), static_cast<Py_ssize_t>(want.size())) << ReprUtf8(s.get());
    for (size_t k = 0; k < want.size(); ++k) {
      Ref<> got = ObjectGetItem(r.get(), I(static_cast<int64_t>(k)).get());
      ASSERT_TRUE(got) << TakeError();
      Ref<> expect = element(seq, want[k]);
      ASSERT_EQ(ObjectRichCompareBool(got.get(), expect.get(), Py_EQ), 1)
          << ReprUtf8(s.get()) << " item " << k;
    }
    if (IsStr(r.get()) && StrLength(r.get()) > 0) {
      // A str slice has the narrowest width for its characters.
      Py_UCS4 max_char = 0;
      for (Py_ssize_t k = 0; k < StrLength(r.get()); ++k) {
        max_char = std::max(max_char, StrReadChar(r.get(), k));
      }
      const int kind = max_char < 0x100 ? 1 : max_char < 0x10000 ? 2 : 4;
      EXPECT_EQ(StrKind(r.get()), kind) << ReprUtf8(s.get());
    }
  }
  // A key that is neither an index nor a slice.
  Ref<> key = S("x");
  EXPECT_FALSE(ObjectGetItem(seq, key.get()));
  const std::string err = TakeError();
  if (IsStr(seq)) {
    EXPECT_EQ(err, "TypeError: string indices must be integers, not 'str'");
  } else if (IsBytes(seq)) {
    EXPECT_EQ(err, "TypeError: byte indices must be integers or slices, not str");
  } else {
    EXPECT_EQ(err, "TypeError: " + name + " indices must be integers or slices, not str");
  }
}

TEST_F(SliceTest, SlicingMatchesReference) {
  const int64_t before = LiveObjects();
  {
    std::mt19937_64 rng(testing_util::Seed());
    const int rounds = static_cast<int>(testing_util::Scaled(400, 60));
    for (Py_ssize_t n : {0, 1, 2, 7, 33}) {
      std::vector<Ref<>> owned;
      std::vector<PyObject*> items;
      std::vector<Py_UCS4> ascii, latin1, ucs2, ucs4;
      std::string bytes;
      for (Py_ssize_t i = 0; i < n; ++i) {
        owned.push_back(I(1000 + i));
        items.push_back(owned.back().get());
        ascii.push_back(static_cast<Py_UCS4>('a' + i % 26));
        latin1.push_back(static_cast<Py_UCS4>(i % 3 == 0 ? 0xe9 : 'A' + i % 26));
        ucs2.push_back(static_cast<Py_UCS4>(i % 4 == 0 ? 0x4e00 + i : 'a' + i % 26));
        ucs4.push_back(static_cast<Py_UCS4>(i % 5 == 0 ? 0x1f600 + i : i % 5 == 1 ? 0x3b1 : 'z'));
        bytes.push_back(static_cast<char>(i * 37));
      }
      Ref<> list = ListFromItems(items).value();
      Ref<> tuple = TupleFromItems(items).value();
      CheckSlicing(list.get(), n, ListElement, rng, rounds);
      CheckSlicing(tuple.get(), n, TupleElement, rng, rounds);
      for (auto* cps : {&ascii, &latin1, &ucs2, &ucs4}) {
        Ref<> str = StrFromCodePoints(*cps).value();
        CheckSlicing(str.get(), n, StrElement, rng, rounds);
      }
      Ref<> b = BytesFromData(bytes).value();
      CheckSlicing(b.get(), n, BytesElement, rng, rounds);
      // A full slice of an immutable sequence is the sequence itself.
      Ref<> all = MakeSlice(kNone, kNone, kNone);
      Ref<> t2 = ObjectGetItem(tuple.get(), all.get());
      EXPECT_EQ(t2.get(), tuple.get());
      // ... and of a list, a new list.
      Ref<> l2 = ObjectGetItem(list.get(), all.get());
      EXPECT_NE(l2.get(), list.get());
    }
  }
  EXPECT_EQ(LiveObjects(), before);
}

// ---- list slice assignment and deletion against a model ----------------------------

std::vector<int64_t> ListValues(PyObject* list) {
  std::vector<int64_t> v;
  for (Py_ssize_t i = 0; i < ListSize(list); ++i) v.push_back(IntValue(ListGetItemRef(list, i)->get()));
  return v;
}

TEST_F(SliceTest, ListAssignmentMatchesModel) {
  const int64_t before = LiveObjects();
  {
    std::mt19937_64 rng(testing_util::Seed() + 1);
    Ref<> list = ListNew().value();
    std::vector<int64_t> model;
    int64_t next = 1000;
    const long rounds = testing_util::Scaled(3000, 300);
    long size_errors = 0;
    for (long round = 0; round < rounds; ++round) {
      const Py_ssize_t n = static_cast<Py_ssize_t>(model.size());
      const Field start = RandomBound(rng, n), stop = RandomBound(rng, n);
      Field step = RandomStep(rng, n);
      if (rng() % 2) step = (rng() % 4) ? Field(1) : kNone;  // plenty of plain slices
      Ref<> s = MakeSlice(start, stop, step);
      const std::vector<Py_ssize_t> sel = ReferenceIndices(n, start, stop, step);
      const bool plain = step.value_or(1) == 1;
      if (rng() % 3 == 0) {
        ASSERT_EQ(ObjectDelItem(list.get(), s.get()), 0) << TakeError();
        std::vector<bool> gone(model.size());
        for (Py_ssize_t i : sel) gone[static_cast<size_t>(i)] = true;
        std::vector<int64_t> kept;
        for (size_t i = 0; i < model.size(); ++i) {
          if (!gone[i]) kept.push_back(model[i]);
        }
        model = kept;
      } else {
        // Mostly the right size for an extended slice; sometimes not.
        size_t k = plain ? rng() % 6 : sel.size();
        if (!plain && rng() % 8 == 0) k = sel.size() + 1;
        std::vector<Ref<>> owned;
        std::vector<PyObject*> fresh;
        std::vector<int64_t> values;
        for (size_t j = 0; j < k; ++j) {
          values.push_back(next);
          owned.push_back(I(next++));
          fresh.push_back(owned.back().get());
        }
        Ref<> src = (rng() % 2) ? ListFromItems(fresh).value() : TupleFromItems(fresh).value();
        const int r = ObjectSetItem(list.get(), s.get(), src.get());
        if (!plain && k != sel.size()) {
          ASSERT_EQ(r, -1);
          EXPECT_EQ(TakeError(), "ValueError: attempt to assign sequence of size " +
                                     std::to_string(k) + " to extended slice of size " +
                                     std::to_string(sel.size()));
          ++size_errors;
        } else if (plain) {
          ASSERT_EQ(r, 0) << TakeError();
          // Python: lo and hi clipped to [0, n]; hi below lo inserts at lo.
          auto clip = [&](Field f, int64_t absent) {
            if (!f) return absent;
            const int64_t v = *f < 0 ? std::max<int64_t>(*f, -n) + n : *f;
            return std::clamp<int64_t>(v, 0, n);
          };
          const int64_t lo = clip(start, 0);
          const int64_t hi = std::max(lo, clip(stop, n));
          model.erase(model.begin() + lo, model.begin() + hi);
          model.insert(model.begin() + lo, values.begin(), values.end());
        } else {
          ASSERT_EQ(r, 0) << TakeError();
          for (size_t j = 0; j < sel.size(); ++j) model[static_cast<size_t>(sel[j])] = values[j];
        }
      }
      ASSERT_EQ(ListValues(list.get()), model) << "round " << round << ": " << ReprUtf8(s.get());
      if (model.size() > 60) {
        Ref<> all = MakeSlice(20, kNone, kNone);
        ASSERT_EQ(ObjectDelItem(list.get(), all.get()), 0);
        model.resize(20);
      }
    }
    EXPECT_GT(size_errors, 0);
    // Assigning a list's own items: a[::-1] = a reverses it; a[1:2] = a.
    Ref<> l = ListFromItems({I(1).get(), I(2).get(), I(3).get()}).value();
    Ref<> rev = MakeSlice(kNone, kNone, -1);
    ASSERT_EQ(ObjectSetItem(l.get(), rev.get(), l.get()), 0) << TakeError();
    EXPECT_EQ(ReprUtf8(l.get()), "[3, 2, 1]");
    Ref<> mid = MakeSlice(1, 2, kNone);
    ASSERT_EQ(ObjectSetItem(l.get(), mid.get(), l.get()), 0) << TakeError();
    EXPECT_EQ(ReprUtf8(l.get()), "[3, 3, 2, 1, 1]");
    // Any iterable may be assigned: a str's characters.
    Ref<> head = MakeSlice(kNone, 2, kNone);
    ASSERT_EQ(ObjectSetItem(l.get(), head.get(), S("xy").get()), 0) << TakeError();
    EXPECT_EQ(ReprUtf8(l.get()), "['x', 'y', 2, 1, 1]");
    // Errors.
    EXPECT_EQ(ObjectSetItem(l.get(), head.get(), I(5).get()), -1);
    EXPECT_EQ(TakeError(), "TypeError: can only assign an iterable");
    Ref<> ext = MakeSlice(kNone, kNone, 2);
    EXPECT_EQ(ObjectSetItem(l.get(), ext.get(), I(5).get()), -1);
    EXPECT_EQ(TakeError(), "TypeError: must assign iterable to extended slice");
    Ref<> zero = MakeSlice(kNone, kNone, 0);
    EXPECT_EQ(ObjectDelItem(l.get(), zero.get()), -1);
    EXPECT_EQ(TakeError(), "ValueError: slice step cannot be zero");
    EXPECT_EQ(ObjectSetItem(l.get(), S("k").get(), I(1).get()), -1);
    EXPECT_EQ(TakeError(), "TypeError: list indices must be integers or slices, not str");
    EXPECT_EQ(ObjectSetItem(l.get(), I(-6).get(), I(1).get()), -1);
    EXPECT_EQ(TakeError(), "IndexError: list assignment index out of range");
    ASSERT_EQ(ObjectSetItem(l.get(), I(-1).get(), I(9).get()), 0);
    ASSERT_EQ(ObjectDelItem(l.get(), I(0).get()), 0);
    EXPECT_EQ(ReprUtf8(l.get()), "['y', 2, 1, 9]");
    // Tuples and strs refuse assignment.
    Ref<> t = TupleFromItems({I(1).get()}).value();
    EXPECT_EQ(ObjectSetItem(t.get(), I(0).get(), I(2).get()), -1);
    EXPECT_EQ(TakeError(), "TypeError: 'tuple' object does not support item assignment");
    EXPECT_EQ(ObjectDelItem(t.get(), I(0).get()), -1);
    EXPECT_EQ(TakeError(), "TypeError: 'tuple' object does not support item deletion");
    EXPECT_FALSE(ObjectGetItem(I(5).get(), I(0).get()));
    EXPECT_EQ(TakeError(), "TypeError: 'int' object is not subscriptable");
  }
  EXPECT_EQ(LiveObjects(), before);
}

// ---- threads: slicing while others assign and delete slices -------------------------

// The shared list always has an even length and holds pairs: items 2k and
// 2k + 1 are equal. Every writer's operation keeps that in one step (so
// only a slice operation that is not atomic could break it): deleting or
// replacing [2p:2q] with whole pairs (clipped bounds of an even length are
// even), and the same backwards with step -1 ([2q+1:2p-1:-1], which must
// match the slice's size exactly or fail with ValueError). Readers take
// [:], [::-1] and [2p:2q] and check the pairs, and random extended slices
// and check every item is a value some writer stored.
TEST_F(SliceTest, SlicingWhileOthersAssign) {
  constexpr int64_t kBase = 1000000;
  Ref<> list = ListNew().value();
  for (int64_t v = 0; v < 16; ++v) {
    Ref<> item = I(kBase + v);
    ASSERT_TRUE(ListAppend(list.get(), item.get()).ok());
    ASSERT_TRUE(ListAppend(list.get(), item.get()).ok());
  }
  const long kRounds = testing_util::Scaled(6000, 300);
  const uint64_t seed = testing_util::Seed();
  std::atomic<long> bad{0}, size_errors{0}, reads{0};
  std::atomic<int> writing{3};
  auto valid = [](PyObject* v) {
    return IsInt(v) && IntValue(v) >= kBase && IntValue(v) < kBase + (int64_t{1} << 40);
  };
  auto slice = [](Field a, Field b, Field c) {
    Ref<> x = FieldObj(a), y = FieldObj(b), z = FieldObj(c);
    return SliceNew(x.get(), y.get(), z.get());
  };
  RunThreads(6, [&](int id) {
    std::mt19937_64 rng(seed + static_cast<uint64_t>(id));
    if (id < 3) {
      // Writers.
      int64_t next = kBase + 1000 + id * 100000000LL;
      for (long round = 0; round < kRounds; ++round) {
        const Py_ssize_t n = ListSize(list.get());
        const int64_t pairs = n / 2 + 1;
        int64_t p = static_cast<int64_t>(rng() % static_cast<uint64_t>(pairs));
        int64_t q = p + static_cast<int64_t>(rng() % 4);
        std::vector<Ref<>> owned;
        std::vector<PyObject*> fresh;
        auto add_pairs = [&](int64_t k) {
          for (int64_t j = 0; j < k; ++j) {
            owned.push_back(I(next++));
            fresh.push_back(owned.back().get());
            fresh.push_back(owned.back().get());
          }
        };
        int op = static_cast<int>(rng() % 4);
        if (n > 120 && op >= 2) op -= 2;  // deletions keep it small
        if (n < 8) op = 1;
        int r = 0;
        switch (op) {
          case 0: {  // del a[2p:2q]
            Ref<> s = slice(2 * p, 2 * q, kNone);
            r = ObjectDelItem(list.get(), s.get());
            break;
          }
          case 1: {  // a[2p:2q] = k pairs
            add_pairs(static_cast<int64_t>(rng() % 4));
            Ref<> src = ListFromItems(fresh).value();
            Ref<> s = slice(2 * p, 2 * q, kNone);
            r = ObjectSetItem(list.get(), s.get(), src.get());
            break;
          }
          case 2: {  // a[2q+1:2p-1:-1] = q - p + 1 pairs, or ValueError
            add_pairs(q - p + 1);
            Ref<> src = TupleFromItems(fresh).value();
            Ref<> s = slice(2 * q + 1, p == 0 ? kNone : Field(2 * p - 1), -1);
            r = ObjectSetItem(list.get(), s.get(), src.get());
            break;
          }
          default: {  // del a[2q+1:2p-1:-1]
            Ref<> s = slice(2 * q + 1, p == 0 ? kNone : Field(2 * p - 1), -1);
            r = ObjectDelItem(list.get(), s.get());
          }
        }
        if (r < 0) {
          if (op == 2 && ExceptionMatches(PyExc_ValueError)) {
            size_errors.fetch_add(1, std::memory_order_relaxed);
          } else {
            bad.fetch_add(1, std::memory_order_relaxed);
          }
          ClearError();
        }
        Checkpoint();
        if (rng() % 4 == 0) std::this_thread::yield();
      }
      writing.fetch_sub(1, std::memory_order_release);
      return;
    }
    // Readers, until the writers are done (and at least a few rounds).
    for (long round = 0; round < 20 || writing.load(std::memory_order_acquire) > 0; ++round) {
      const Py_ssize_t n = ListSize(list.get());
      const int64_t p = static_cast<int64_t>(rng() % static_cast<uint64_t>(n / 2 + 1));
      const int64_t q = p + static_cast<int64_t>(rng() % 8);
      const int kind = static_cast<int>(rng() % 4);
      Ref<> s;
      switch (kind) {
        case 0:
          s = slice(kNone, kNone, kNone);
          break;
        case 1:
          s = slice(kNone, kNone, -1);
          break;
        case 2:
          s = slice(2 * p, 2 * q, kNone);
          break;
        default:
          s = slice(RandomBound(rng, n), RandomBound(rng, n), RandomStep(rng, n));
      }
      Ref<> got = ObjectGetItem(list.get(), s.get());
      if (!got || !IsList(got.get())) {
        bad.fetch_add(1, std::memory_order_relaxed);
        ClearError();
        continue;
      }
      reads.fetch_add(1, std::memory_order_relaxed);
      const Py_ssize_t m = ListSize(got.get());
      std::vector<Ref<>> items;
      for (Py_ssize_t i = 0; i < m; ++i) items.push_back(ListGetItemRef(got.get(), i).value());
      for (const Ref<>& item : items) {
        if (!valid(item.get())) bad.fetch_add(1, std::memory_order_relaxed);
      }
      if (kind < 3) {
        if (m % 2 != 0) bad.fetch_add(1, std::memory_order_relaxed);
        for (Py_ssize_t i = 0; i + 1 < m; i += 2) {
          if (IntValue(items[static_cast<size_t>(i)].get()) !=
              IntValue(items[static_cast<size_t>(i + 1)].get())) {
            bad.fetch_add(1, std::memory_order_relaxed);
          }
        }
      }
      if (round % 8 == 0) Checkpoint();
      if (rng() % 4 == 0) std::this_thread::yield();
    }
  });
  // The threads have been joined: relaxed loads suffice.
  EXPECT_EQ(bad.load(std::memory_order_relaxed), 0);
  EXPECT_GT(reads.load(std::memory_order_relaxed), 0);
  // The final list keeps the invariant too.
  const std::vector<int64_t> final_values = ListValues(list.get());
  ASSERT_EQ(final_values.size() % 2, 0u);
  for (size_t i = 0; i + 1 < final_values.size(); i += 2) {
    EXPECT_EQ(final_values[i], final_values[i + 1]);
  }
  // (Backwards assignments that met a list of another size failed with
  // ValueError and changed nothing; how many depends on the interleaving.)
  std::printf("size mismatches refused: %ld\n", size_errors.load(std::memory_order_relaxed));
}

}  // namespace
}  // namespace ftrt
