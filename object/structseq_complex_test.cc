// Tests for structseq.h and complex.h (one binary for both, to spare CI a
// link and a start-up per configuration):
//   - struct sequences: a heap type from a desc with hidden and unnamed
//     fields (its dict's counts and __match_args__, the member
//     descriptors, len / indexing / iteration / == / hash as the tuple of
//     the visible items, CPython's repr, read-only attributes), a static
//     type filled by StructSeqInitType, __new__ from a sequence and a dict
//     with CPython's errors, the index checks of SetItem / GetItem, bad
//     descs (null fields, n_in_sequence out of range), a desc in a
//     temporary array (the type keeps its own members), and no leak;
//   - complex: values of + - * / ** abs() unary - + and bool against
//     results worked out by hand and CPython 3.13's outputs (repr, hash,
//     the signed zeros, Smith's division, the polar and integral powers),
//     int and float operands on either side, == with int / float, the
//     errors (ZeroDivisionError, OverflowError, ValueError, TypeError) with
//     CPython's messages, and float ** float giving a complex;
//   - 6 threads (more than the machine's cores), seeded, with random yields:
//     readers check shared struct sequences and complexes field by field,
//     hash and repr, while creators make and drop their own.
#include "object/structseq.h"

#include <atomic>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "object/attributes.h"
#include "object/call.h"
#include "object/complex.h"
#include "object/dict.h"
#include "object/dispatch.h"
#include "object/error_indicator.h"
#include "object/float.h"
#include "object/int.h"
#include "object/iterators.h"
#include "object/list.h"
#include "object/none_bool.h"
#include "object/number.h"
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
using testing_util::U;

class StructSeqTest : public ProtocolTest {};
class ComplexTest : public ProtocolTest {};

PyStructSequence_Field g_point_fields[] = {
    {"x", "x coordinate"},
    {"y", "y coordinate"},
    {PyStructSequence_UnnamedField, "an unnamed visible field"},
    {"label", "hidden: not in the tuple"},
    {PyStructSequence_UnnamedField, "an unnamed hidden field"},
    {"weight", "hidden too"},
    {nullptr, nullptr},
};
PyStructSequence_Desc g_point_desc = {"geo.Point", "A point.", g_point_fields, 3};

std::string Repr(PyObject* op) {
  Ref<> r = ObjectRepr(op);
  if (!r) return "<error: " + TakeError() + ">";
  return U(r.get());
}

PyTypeObject* AsType(const Ref<>& t) { return reinterpret_cast<PyTypeObject*>(t.get()); }

// A Point (x, y, z, label, _, weight) with int fields and a str label.
Ref<> MakePoint(PyTypeObject* type, int64_t x, int64_t y, int64_t z, const char* label) {
  Ref<> p = StructSeqNew(type);
  if (!p) return nullptr;
  if (StructSeqSetItem(p.get(), 0, I(x).Release()) < 0) return nullptr;
  if (StructSeqSetItem(p.get(), 1, I(y).Release()) < 0) return nullptr;
  if (StructSeqSetItem(p.get(), 2, I(z).Release()) < 0) return nullptr;
  if (StructSeqSetItem(p.get(), 3, S(label).Release()) < 0) return nullptr;
  if (StructSeqSetItem(p.get(), 5, I(x + y).Release()) < 0) return nullptr;
  return p;
}

int64_t IntAttr(PyObject* op, const char* name) {
  Ref<> v = GetAttrString(op, name);
  if (!v || !IsInt(v.get())) {
    ADD_FAILURE() << name << ": " << TakeError();
    return INT64_MIN;
  }
  return IntValue(v.get());
}

TEST_F(StructSeqTest, HeapTypeFromDesc) {
  Ref<> type = StructSeqNewType(&g_point_desc);
  ASSERT_TRUE(type) << TakeError();
  PyTypeObject* t = AsType(type);
  EXPECT_TRUE(IsStructSeqType(t));
  EXPECT_TRUE(TypeIsSubtype(t, TupleType()));
  EXPECT_STREQ(t->tp_name, "geo.Point");
  // Three visible slots in the tuple, three more after them.
  EXPECT_EQ(t->tp_basicsize, static_cast<Py_ssize_t>(offsetof(PyTupleObject, ob_item) + 3 * 8));
  EXPECT_EQ(IntAttr(type.get(), "n_sequence_fields"), 3);
  EXPECT_EQ(IntAttr(type.get(), "n_fields"), 6);
  EXPECT_EQ(IntAttr(type.get(), "n_unnamed_fields"), 2);
  Ref<> match = GetAttrString(type.get(), "__match_args__");
  ASSERT_TRUE(match) << TakeError();
  EXPECT_EQ(Repr(match.get()), "('x', 'y')");
  Ref<> mod = GetAttrString(type.get(), "__module__");
  ASSERT_TRUE(mod) << TakeError();
  EXPECT_EQ(U(mod.get()), "geo");
  Ref<> doc = GetAttrString(type.get(), "__doc__");
  ASSERT_TRUE(doc) << TakeError();
  EXPECT_EQ(U(doc.get()), "A point.");
  // The unnamed fields have no attribute.
  EXPECT_FALSE(GetAttrString(type.get(), "unnamed field"));
  EXPECT_EQ(TakeError().rfind("AttributeError", 0), 0u);
  Ref<> xd = GetAttrString(type.get(), "x");
  ASSERT_TRUE(xd) << TakeError();
  EXPECT_EQ(Repr(xd.get()), "<member 'x' of 'geo.Point' objects>");

  const int64_t before = LiveObjects();
  {
    Ref<> p = MakePoint(t, 1, 2, 3, "home");
    ASSERT_TRUE(p) << TakeError();
    EXPECT_TRUE(IsTuple(p.get()));
    EXPECT_EQ(TupleSize(p.get()), 3);
    EXPECT_EQ(StructSeqFieldCount(p.get()), 6);
    EXPECT_EQ(ObjectSize(p.get()), 3);
    EXPECT_EQ(IntAttr(p.get(), "x"), 1);
    EXPECT_EQ(IntAttr(p.get(), "y"), 2);
    EXPECT_EQ(IntAttr(p.get(), "weight"), 3);
    Ref<> label = GetAttrString(p.get(), "label");
    ASSERT_TRUE(label) << TakeError();
    EXPECT_EQ(U(label.get()), "home");
    // CPython's repr: the i-th visible item named by the i-th named field
    // (the unnamed visible field takes "label", as os.stat_result does).
    EXPECT_EQ(Repr(p.get()), "geo.Point(x=1, y=2, label=3)");
    // Indexing, iteration, == and hash are the visible tuple's.
    Ref<> i2 = ObjectGetItem(p.get(), I(2).get());
    ASSERT_TRUE(i2) << TakeError();
    EXPECT_EQ(IntValue(i2.get()), 3);
    Ref<> im1 = ObjectGetItem(p.get(), I(-1).get());
    ASSERT_TRUE(im1) << TakeError();
    EXPECT_EQ(IntValue(im1.get()), 3);
    EXPECT_FALSE(ObjectGetItem(p.get(), I(3).get()));
    EXPECT_EQ(TakeError(), "IndexError: tuple index out of range");
    std::vector<int64_t> seen;
    Ref<> it = GetIter(p.get());
    ASSERT_TRUE(it) << TakeError();
    while (Ref<> v = IterNext(it.get())) seen.push_back(IntValue(v.get()));
    EXPECT_EQ(TakeError(), "");
    EXPECT_EQ(seen, (std::vector<int64_t>{1, 2, 3}));
    Ref<> plain = RefOrRaise(TupleFromItems({I(1).get(), I(2).get(), I(3).get()}));
    ASSERT_TRUE(plain);
    EXPECT_EQ(ObjectRichCompareBool(p.get(), plain.get(), Py_EQ), 1);
    EXPECT_EQ(ObjectHash(p.get()), ObjectHash(plain.get()));
    Ref<> other = MakePoint(t, 1, 2, 4, "home");
    ASSERT_TRUE(other) << TakeError();
    EXPECT_EQ(ObjectRichCompareBool(p.get(), other.get(), Py_LT), 1);
    // Hidden fields do not take part in ==.
    Ref<> relabelled = MakePoint(t, 1, 2, 3, "work");
    ASSERT_TRUE(relabelled) << TakeError();
    EXPECT_EQ(ObjectRichCompareBool(p.get(), relabelled.get(), Py_EQ), 1);
    // Read-only attributes.
    EXPECT_EQ(SetAttrString(p.get(), "x", I(5).get()), -1);
    EXPECT_EQ(TakeError(), "AttributeError: readonly attribute");
    EXPECT_EQ(IntAttr(p.get(), "x"), 1);
    // GetItem reaches the hidden fields; both check the index.
    PyObject* w = StructSeqGetItem(p.get(), 5);
    ASSERT_NE(w, nullptr);
    EXPECT_EQ(IntValue(w), 3);
    EXPECT_EQ(StructSeqGetItem(p.get(), 6), nullptr);
    EXPECT_EQ(TakeError(), "IndexError: struct sequence index out of range");
    EXPECT_EQ(StructSeqGetItem(p.get(), -1), nullptr);
    EXPECT_EQ(TakeError(), "IndexError: struct sequence index out of range");
    EXPECT_EQ(StructSeqSetItem(p.get(), 6, I(9).Release()), -1);
    EXPECT_EQ(TakeError(), "IndexError: struct sequence index out of range");
    EXPECT_EQ(StructSeqGetItem(plain.get(), 0), nullptr);
    EXPECT_EQ(TakeError(), "SystemError: bad argument to internal function");
    EXPECT_EQ(StructSeqSetItem(plain.get(), 0, I(9).Release()), -1);
    EXPECT_EQ(TakeError(), "SystemError: bad argument to internal function");
    // An unfilled field reads as None (structseq.h, Lifecycle).
    Ref<> fresh = StructSeqNew(t);
    ASSERT_TRUE(fresh) << TakeError();
    EXPECT_EQ(Repr(fresh.get()), "geo.Point(x=None, y=None, label=None)");
    Ref<> fl = GetAttrString(fresh.get(), "label");
    ASSERT_TRUE(fl);
    EXPECT_TRUE(IsNone(fl.get()));
    // Replacing a field drops the old value (no leak: checked below).
    ASSERT_EQ(StructSeqSetItem(fresh.get(), 3, S("first").Release()), 0);
    ASSERT_EQ(StructSeqSetItem(fresh.get(), 3, S("second").Release()), 0);
    Ref<> fl2 = GetAttrString(fresh.get(), "label");
    ASSERT_TRUE(fl2);
    EXPECT_EQ(U(fl2.get()), "second");
    // Not a struct sequence type.
    EXPECT_FALSE(StructSeqNew(TupleType()));
    EXPECT_EQ(TakeError(), "TypeError: type 'tuple' is not a struct sequence type");
  }
  Checkpoint();
  EXPECT_EQ(LiveObjects(), before);
}

TEST_F(StructSeqTest, ConstructorFromSequenceAndDict) {
  Ref<> type = StructSeqNewType(&g_point_desc);
  ASSERT_TRUE(type) << TakeError();
  PyObject* t = type.get();
  // 3 visible fields: at least 3 items, at most 6.
  Ref<> three = RefOrRaise(TupleFromItems({I(7).get(), I(8).get(), I(9).get()}));
  ASSERT_TRUE(three);
  Ref<> p = CallOneArg(t, three.get());
  ASSERT_TRUE(p) << TakeError();
  EXPECT_EQ(Repr(p.get()), "geo.Point(x=7, y=8, label=9)");
  Ref<> label = GetAttrString(p.get(), "label");
  ASSERT_TRUE(label);
  EXPECT_TRUE(IsNone(label.get()));
  // A list of 4 and a dict for the rest (the dict's x is ignored: the
  // sequence gave it).
  Ref<> four = RefOrRaise(ListFromItems({I(1).get(), I(2).get(), I(3).get(), S("L").get()}));
  Ref<> d = RefOrRaise(DictNew());
  ASSERT_TRUE(four && d);
  ASSERT_TRUE(DictSetItemString(d.get(), "weight", I(42).get()).ok());
  ASSERT_TRUE(DictSetItemString(d.get(), "x", I(-1).get()).ok());
  Ref<> q = CallArgs(t, {four.get(), d.get()});
  ASSERT_TRUE(q) << TakeError();
  EXPECT_EQ(IntAttr(q.get(), "x"), 1);
  EXPECT_EQ(IntAttr(q.get(), "weight"), 42);
  Ref<> ql = GetAttrString(q.get(), "label");
  ASSERT_TRUE(ql);
  EXPECT_EQ(U(ql.get()), "L");
  // __reduce__ gives back what the constructor takes.
  Ref<> red = CallMethod(q.get(), "__reduce__", {});
  ASSERT_TRUE(red) << TakeError();
  EXPECT_EQ(Repr(red.get()),
            "(<class 'geo.Point'>, ((1, 2, 3), {'label': 'L', 'weight': 42}))");
  Ref<> again = CallObject(TupleItem(red.get(), 0), TupleItem(red.get(), 1));
  ASSERT_TRUE(again) << TakeError();
  EXPECT_EQ(ObjectRichCompareBool(again.get(), q.get(), Py_EQ), 1);
  EXPECT_EQ(IntAttr(again.get(), "weight"), 42);
  // CPython's errors.
  Ref<> two = RefOrRaise(TupleFromItems({I(1).get(), I(2).get()}));
  EXPECT_FALSE(CallOneArg(t, two.get()));
  EXPECT_EQ(TakeError(), "TypeError: geo.Point() takes an at least 3-sequence (2-sequence given)");
  std::vector<PyObject*> seven_items(7, I(0).get());
  Ref<> seven = RefOrRaise(TupleFromItems(seven_items));
  EXPECT_FALSE(CallOneArg(t, seven.get()));
  EXPECT_EQ(TakeError(), "TypeError: geo.Point() takes an at most 6-sequence (7-sequence given)");
  EXPECT_FALSE(CallOneArg(t, I(5).get()));
  EXPECT_EQ(TakeError(), "TypeError: constructor requires a sequence");
  EXPECT_FALSE(CallArgs(t, {three.get(), I(5).get()}));
  EXPECT_EQ(TakeError(), "TypeError: geo.Point() takes a dict as second arg, if any");
}

TEST_F(StructSeqTest, BadDescs) {
  PyStructSequence_Desc no_fields = {"m.NoFields", nullptr, nullptr, 0};
  EXPECT_FALSE(StructSeqNewType(&no_fields));
  EXPECT_EQ(TakeError(), "SystemError: bad argument to internal function");
  EXPECT_FALSE(StructSeqNewType(nullptr));
  EXPECT_EQ(TakeError(), "SystemError: bad argument to internal function");
  PyStructSequence_Desc no_name = {nullptr, nullptr, g_point_fields, 1};
  EXPECT_FALSE(StructSeqNewType(&no_name));
  EXPECT_EQ(TakeError(), "SystemError: bad argument to internal function");
  PyStructSequence_Desc too_many = {"m.TooMany", nullptr, g_point_fields, 7};
  EXPECT_FALSE(StructSeqNewType(&too_many));
  EXPECT_EQ(TakeError(), "TypeError: struct sequence 'm.TooMany': n_in_sequence (7) is more "
                         "than its 6 fields");
  PyStructSequence_Desc negative = {"m.Negative", nullptr, g_point_fields, -1};
  EXPECT_FALSE(StructSeqNewType(&negative));
  EXPECT_EQ(TakeError(),
            "SystemError: struct sequence 'm.Negative': n_in_sequence is negative (-1)");
  // No fields at all is a valid, empty type.
  PyStructSequence_Field none[] = {{nullptr, nullptr}};
  PyStructSequence_Desc empty = {"m.Empty", nullptr, none, 0};
  Ref<> e = StructSeqNewType(&empty);
  ASSERT_TRUE(e) << TakeError();
  Ref<> inst = StructSeqNew(AsType(e));
  ASSERT_TRUE(inst) << TakeError();
  EXPECT_EQ(Repr(inst.get()), "m.Empty()");
  EXPECT_EQ(TupleSize(inst.get()), 0);
}

TEST_F(StructSeqTest, DescInATemporaryArray) {
  // The names are static strings; the field array and the desc are not:
  // the type must not keep pointers into them.
  Ref<> type;
  {
    std::vector<PyStructSequence_Field> fields = {
        {"a", "first"}, {"b", "second"}, {nullptr, nullptr}};
    PyStructSequence_Desc desc = {"tmp.Pair", nullptr, fields.data(), 2};
    type = StructSeqNewType(&desc);
    ASSERT_TRUE(type) << TakeError();
    for (auto& f : fields) f = {"garbage", "garbage"};
  }
  Ref<> p = StructSeqNew(AsType(type));
  ASSERT_TRUE(p) << TakeError();
  ASSERT_EQ(StructSeqSetItem(p.get(), 0, I(10).Release()), 0);
  ASSERT_EQ(StructSeqSetItem(p.get(), 1, I(20).Release()), 0);
  EXPECT_EQ(Repr(p.get()), "tmp.Pair(a=10, b=20)");
  EXPECT_EQ(IntAttr(p.get(), "b"), 20);
}

PyStructSequence_Field g_static_fields[] = {{"tm_a", "a"}, {"tm_b", "b"}, {"tm_c", "hidden"},
                                            {nullptr, nullptr}};
PyStructSequence_Desc g_static_desc = {"smod.StaticSeq", "A static one.", g_static_fields, 2};
PyTypeObject g_static_type;  // zeroed, as extensions declare it

TEST_F(StructSeqTest, StaticTypeInitType) {
  ASSERT_EQ(StructSeqInitType(&g_static_type, &g_static_desc), 0) << TakeError();
  EXPECT_TRUE(IsStructSeqType(&g_static_type));
  EXPECT_TRUE(TypeIsSubtype(&g_static_type, TupleType()));
  // Readied: a second InitType2 of the same type is refused.
  EXPECT_EQ(StructSeqInitType(&g_static_type, &g_static_desc), -1);
  EXPECT_EQ(TakeError(), "SystemError: bad argument to internal function");
  PyObject* t = reinterpret_cast<PyObject*>(&g_static_type);
  EXPECT_EQ(IntAttr(t, "n_fields"), 3);
  EXPECT_EQ(IntAttr(t, "n_sequence_fields"), 2);
  EXPECT_EQ(IntAttr(t, "n_unnamed_fields"), 0);
  const int64_t before = LiveObjects();
  {
    Ref<> s = StructSeqNew(&g_static_type);
    ASSERT_TRUE(s) << TakeError();
    ASSERT_EQ(StructSeqSetItem(s.get(), 0, I(2026).Release()), 0);
    ASSERT_EQ(StructSeqSetItem(s.get(), 1, FloatFromDouble(0.5)->Release()), 0);
    ASSERT_EQ(StructSeqSetItem(s.get(), 2, S("UTC").Release()), 0);
    EXPECT_EQ(Repr(s.get()), "smod.StaticSeq(tm_a=2026, tm_b=0.5)");
    Ref<> c = GetAttrString(s.get(), "tm_c");
    ASSERT_TRUE(c) << TakeError();
    EXPECT_EQ(U(c.get()), "UTC");
    EXPECT_EQ(ObjectSize(s.get()), 2);
  }
  Checkpoint();
  EXPECT_EQ(LiveObjects(), before);
}

// --- complex ------------------------------------------------------------------------

Ref<> C(double re, double im) { return RefOrRaise(ComplexFromDoubles(re, im)); }
Ref<> F(double v) { return RefOrRaise(FloatFromDouble(v)); }

// The result of a OP b as text: its repr, or "Kind: message".
std::string Bin(NumberOp op, PyObject* a, PyObject* b) {
  Ref<> r = RefOrRaise(NumberBinary(op, a, b));
  if (!r) return TakeError();
  return Repr(r.get());
}

std::string Pow(PyObject* a, PyObject* b, PyObject* mod = nullptr) {
  Ref<> r = RefOrRaise(NumberPower(a, b, mod));
  if (!r) return TakeError();
  return Repr(r.get());
}

std::string Unary(UnaryNumberOp op, PyObject* a) {
  Ref<> r = RefOrRaise(NumberUnary(op, a));
  if (!r) return TakeError();
  return Repr(r.get());
}

TEST_F(ComplexTest, ReprAsCPython) {
  const double inf = HUGE_VAL, nan = std::nan("");
  struct {
    double re, im;
    const char* repr;
  } const kCases[] = {
      {1, 2, "(1+2j)"},          {0, 2, "2j"},
      {0, -2, "-2j"},            {-0.0, -1, "(-0-1j)"},
      {0, -0.0, "-0j"},          {-0.0, 0, "(-0+0j)"},
      {nan, inf, "(nan+infj)"},  {1e16, 1e-5, "(1e+16+1e-05j)"},
      {1.5, -inf, "(1.5-infj)"}, {0, 0, "0j"},
      {3, 0, "(3+0j)"},          {-3, 0, "(-3+0j)"},
      {0.1, 0.2, "(0.1+0.2j)"},  {1e22, 0, "(1e+22+0j)"},
      {-nan, -nan, "(nan+nanj)"}, {5e-324, -5e-324, "(5e-324-5e-324j)"},
      {123456789012345678.0, 1, "(1.2345678901234568e+17+1j)"},
      {-0.0, nan, "(-0+nanj)"},
  };
  for (const auto& c : kCases) {
    Ref<> z = C(c.re, c.im);
    ASSERT_TRUE(z);
    EXPECT_EQ(Repr(z.get()), c.repr);
    Ref<> s = ObjectStr(z.get());
    ASSERT_TRUE(s);
    EXPECT_EQ(U(s.get()), c.repr);
  }
}

TEST_F(ComplexTest, HashAndEquality) {
  // CPython 3.13's values: hash(real) + 1000003 * hash(imag), -1 -> -2.
  EXPECT_EQ(ObjectHash(C(1, 2).get()), 2000007);
  EXPECT_EQ(ObjectHash(C(0, -2).get()), -2000006);
  EXPECT_EQ(ObjectHash(C(3, 0).get()), 3);
  EXPECT_EQ(ObjectHash(C(-1, 0).get()), -2);
  EXPECT_EQ(ObjectHash(C(0, -1).get()), -2000006);
  EXPECT_EQ(ObjectHash(C(1, 1).get()), 1000004);
  EXPECT_EQ(ObjectHash(C(HUGE_VAL, 0).get()), 314159);
  EXPECT_EQ(ObjectHash(C(1.5, 2.25).get()), 2882303761519117447);
  EXPECT_EQ(ObjectHash(C(0.5, -0.5).get()), -2305843009213693952);
  EXPECT_EQ(ObjectHash(C(1e16, 1e-5).get()), 7098734988770497592);
  // Equal numbers hash equal across types.
  EXPECT_EQ(ObjectHash(C(3, 0).get()), ObjectHash(I(3).get()));
  EXPECT_EQ(ObjectHash(C(2.5, 0).get()), ObjectHash(F(2.5).get()));
  // == and != with int, float, complex, from either side.
  EXPECT_EQ(ObjectRichCompareBool(C(3, 0).get(), I(3).get(), Py_EQ), 1);
  EXPECT_EQ(ObjectRichCompareBool(I(3).get(), C(3, 0).get(), Py_EQ), 1);
  EXPECT_EQ(ObjectRichCompareBool(F(3.5).get(), C(3.5, 0).get(), Py_EQ), 1);
  EXPECT_EQ(ObjectRichCompareBool(C(3, 1).get(), I(3).get(), Py_EQ), 0);
  EXPECT_EQ(ObjectRichCompareBool(C(1, 2).get(), C(1, 2.0000001).get(), Py_EQ), 0);
  EXPECT_EQ(ObjectRichCompareBool(C(1, 0).get(), True(), Py_EQ), 1);
  EXPECT_EQ(ObjectRichCompareBool(C(1, 2).get(), I(1).get(), Py_NE), 1);
  EXPECT_EQ(ObjectRichCompareBool(C(1, 2).get(), S("a").get(), Py_EQ), 0);
  // Exact with ints: 2**53 + 1 is not the double 2**53.
  EXPECT_EQ(ObjectRichCompareBool(C(9007199254740992.0, 0).get(), I(9007199254740993).get(),
                                  Py_EQ),
            0);
  Ref<> nan = C(std::nan(""), 0);
  Ref<> nan2 = C(std::nan(""), 0);
  EXPECT_EQ(ObjectRichCompareBool(nan.get(), nan2.get(), Py_EQ), 0);
  // No ordering.
  EXPECT_EQ(ObjectRichCompareBool(C(1, 2).get(), C(2, 3).get(), Py_LT), -1);
  EXPECT_EQ(TakeError(),
            "TypeError: '<' not supported between instances of 'complex' and 'complex'");
}

TEST_F(ComplexTest, Arithmetic) {
  Ref<> a = C(1, 2), b = C(3, -4);
  EXPECT_EQ(Bin(NumberOp::kAdd, a.get(), b.get()), "(4-2j)");
  EXPECT_EQ(Bin(NumberOp::kSubtract, a.get(), b.get()), "(-2+6j)");
  EXPECT_EQ(Bin(NumberOp::kMultiply, a.get(), b.get()), "(11+2j)");
  EXPECT_EQ(Bin(NumberOp::kMultiply, I(3).get(), a.get()), "(3+6j)");
  EXPECT_EQ(Bin(NumberOp::kMultiply, a.get(), I(3).get()), "(3+6j)");
  EXPECT_EQ(Bin(NumberOp::kSubtract, F(2.5).get(), a.get()), "(1.5-2j)");
  EXPECT_EQ(Bin(NumberOp::kSubtract, a.get(), F(2.5).get()), "(-1.5+2j)");
  EXPECT_EQ(Bin(NumberOp::kAdd, a.get(), True()), "(2+2j)");
  EXPECT_EQ(Bin(NumberOp::kTrueDivide, I(1).get(), C(1, 1).get()), "(0.5-0.5j)");
  EXPECT_EQ(Bin(NumberOp::kTrueDivide, a.get(), C(3, 4).get()), "(0.44+0.08j)");
  // Smith's division and the textbook product, NaNs and all (CPython's).
  EXPECT_EQ(Bin(NumberOp::kTrueDivide, C(1e308, 1e308).get(), C(1e308, 1e308).get()),
            "(nan+0j)");
  EXPECT_EQ(Bin(NumberOp::kTrueDivide, a.get(), C(HUGE_VAL, 0).get()), "0j");
  EXPECT_EQ(Bin(NumberOp::kTrueDivide, a.get(), C(1e-320, 1e-320).get()), "(inf+infj)");
  EXPECT_EQ(Bin(NumberOp::kMultiply, C(HUGE_VAL, HUGE_VAL).get(), I(1).get()), "(nan+nanj)");
  EXPECT_EQ(Bin(NumberOp::kMultiply, a.get(), F(HUGE_VAL).get()), "(inf+infj)");
  EXPECT_EQ(Bin(NumberOp::kMultiply, F(1e308).get(), C(10, 10).get()), "(inf+infj)");
  // Division by zero, whatever the zero's type.
  const Ref<> zeros[] = {I(0), F(0.0), C(0, -0.0)};
  for (const Ref<>& zero : zeros) {
    EXPECT_EQ(Bin(NumberOp::kTrueDivide, a.get(), zero.get()),
              "ZeroDivisionError: complex division by zero");
  }
  EXPECT_EQ(Bin(NumberOp::kTrueDivide, F(1.5).get(), C(0, 0).get()),
            "ZeroDivisionError: complex division by zero");
  // No floor division, modulo, divmod.
  EXPECT_EQ(Bin(NumberOp::kFloorDivide, a.get(), I(2).get()),
            "TypeError: unsupported operand type(s) for //: 'complex' and 'int'");
  EXPECT_EQ(Bin(NumberOp::kRemainder, a.get(), I(2).get()),
            "TypeError: unsupported operand type(s) for %: 'complex' and 'int'");
  EXPECT_EQ(Bin(NumberOp::kAdd, a.get(), S("a").get()),
            "TypeError: unsupported operand type(s) for +: 'complex' and 'str'");
  // Unary operators and truth.
  EXPECT_EQ(Unary(UnaryNumberOp::kNegative, a.get()), "(-1-2j)");
  EXPECT_EQ(Unary(UnaryNumberOp::kPositive, a.get()), "(1+2j)");
  EXPECT_EQ(Unary(UnaryNumberOp::kAbsolute, C(3, 4).get()), "5.0");
  EXPECT_EQ(Unary(UnaryNumberOp::kAbsolute, C(1e308, 1e308).get()), "1.4142135623730951e+308");
  EXPECT_EQ(Unary(UnaryNumberOp::kAbsolute, C(1.7e308, 1.7e308).get()),
            "OverflowError: absolute value too large");
  EXPECT_EQ(Unary(UnaryNumberOp::kAbsolute, C(HUGE_VAL, std::nan("")).get()), "inf");
  EXPECT_EQ(Unary(UnaryNumberOp::kAbsolute, C(std::nan(""), -HUGE_VAL).get()), "inf");
  EXPECT_EQ(Unary(UnaryNumberOp::kInvert, a.get()),
            "TypeError: bad operand type for unary ~: 'complex'");
  EXPECT_EQ(ObjectIsTrue(C(0, 0).get()), 0);
  EXPECT_EQ(ObjectIsTrue(C(-0.0, 0).get()), 0);
  EXPECT_EQ(ObjectIsTrue(C(0, 1e-300).get()), 1);
  // int() and float() refuse a complex.
  EXPECT_FALSE(RefOrRaise(NumberFloat(a.get())));
  EXPECT_EQ(TakeError(),
            "TypeError: float() argument must be a string or a real number, not 'complex'");
  // The members and methods.
  Ref<> re = GetAttrString(a.get(), "real");
  Ref<> im = GetAttrString(a.get(), "imag");
  ASSERT_TRUE(re && im) << TakeError();
  EXPECT_EQ(FloatValue(re.get()), 1.0);
  EXPECT_EQ(FloatValue(im.get()), 2.0);
  Ref<> conj = CallMethod(a.get(), "conjugate", {});
  ASSERT_TRUE(conj) << TakeError();
  EXPECT_EQ(Repr(conj.get()), "(1-2j)");
  EXPECT_EQ(SetAttrString(a.get(), "real", F(3).get()), -1);
  EXPECT_EQ(TakeError().rfind("AttributeError", 0), 0u);
}

TEST_F(ComplexTest, Powers) {
  EXPECT_EQ(Pow(C(1, 2).get(), I(2).get()), "(-3+4j)");
  EXPECT_EQ(Pow(C(1, 2).get(), I(-2).get()), "(-0.12-0.16j)");
  EXPECT_EQ(Pow(C(1, 2).get(), F(0.5).get()), "(1.272019649514069+0.7861513777574233j)");
  EXPECT_EQ(Pow(I(2).get(), C(0, 1).get()), "(0.7692389013639721+0.6389612763136348j)");
  EXPECT_EQ(Pow(C(0, 1).get(), C(0, 1).get()), "(0.20787957635076193+0j)");
  EXPECT_EQ(Pow(C(1, 2).get(), I(10).get()), "(237-3116j)");
  EXPECT_EQ(Pow(C(1, 2).get(), I(100).get()), "(-6.443164690985892e+34-6.113241307762508e+34j)");
  EXPECT_EQ(Pow(C(1, 1).get(), I(101).get()), "(-1125899906842634.5-1125899906842629.5j)");
  EXPECT_EQ(Pow(C(1, 1).get(), I(-101).get()), "(-4.440892098500606e-16+4.440892098500586e-16j)");
  EXPECT_EQ(Pow(C(0, 1).get(), I(3).get()), "(-0-1j)");
  EXPECT_EQ(Pow(C(1, 1).get(), C(2, 0).get()), "2j");
  EXPECT_EQ(Pow(C(0, 0).get(), I(0).get()), "(1+0j)");
  EXPECT_EQ(Pow(C(0, 0).get(), C(0, 0).get()), "(1+0j)");
  EXPECT_EQ(Pow(C(0, 0).get(), F(0.5).get()), "0j");
  EXPECT_EQ(Pow(C(2, 0).get(), I(1000).get()), "(1.0715086071862673e+301+0j)");
  EXPECT_EQ(Pow(C(1e308, 1).get(), I(2).get()), "(nan+nanj)");
  EXPECT_EQ(Pow(C(HUGE_VAL, 0).get(), I(2).get()), "(nan+nanj)");
  EXPECT_EQ(Pow(C(2, 0).get(), I(1024).get()), "OverflowError: complex exponentiation");
  EXPECT_EQ(Pow(C(1e200, 1e200).get(), F(2.5).get()), "OverflowError: complex exponentiation");
  EXPECT_EQ(Pow(C(0, 0).get(), I(-1).get()),
            "ZeroDivisionError: 0.0 to a negative or complex power");
  EXPECT_EQ(Pow(C(0, 0).get(), C(0, 1).get()),
            "ZeroDivisionError: 0.0 to a negative or complex power");
  EXPECT_EQ(Pow(C(0, 0).get(), F(-2.5).get()),
            "ZeroDivisionError: 0.0 to a negative or complex power");
  EXPECT_EQ(Pow(C(0, 1).get(), I(2).get(), I(3).get()), "ValueError: complex modulo");
  // A negative float base to a fractional power is complex, from float's
  // slot and from int's (CPython 3.13's values).
  EXPECT_EQ(Pow(F(-8.0).get(), F(0.5).get()), "(1.7319121124709868e-16+2.8284271247461903j)");
  EXPECT_EQ(Pow(I(-8).get(), F(1.0 / 3).get()), "(1.0000000000000002+1.7320508075688772j)");
  EXPECT_EQ(Pow(I(-1).get(), F(0.5).get()), "(6.123233995736766e-17+1j)");
  EXPECT_EQ(Pow(F(-2.0).get(), F(1.5).get()), "(-5.19573633741296e-16-2.8284271247461903j)");
  EXPECT_EQ(Pow(F(-2.0).get(), F(HUGE_VAL).get()), "inf");
}

TEST_F(ComplexTest, Constructor) {
  PyObject* t = reinterpret_cast<PyObject*>(ComplexType());
  Ref<> z = CallNoArgs(t);
  ASSERT_TRUE(z) << TakeError();
  EXPECT_EQ(Repr(z.get()), "0j");
  Ref<> one = CallOneArg(t, I(1).get());
  ASSERT_TRUE(one) << TakeError();
  EXPECT_EQ(Repr(one.get()), "(1+0j)");
  Ref<> two = CallArgs(t, {F(1.5).get(), I(2).get()});
  ASSERT_TRUE(two) << TakeError();
  EXPECT_EQ(Repr(two.get()), "(1.5+2j)");
  Ref<> jj = CallArgs(t, {C(0, 1).get(), C(0, 1).get()});
  ASSERT_TRUE(jj) << TakeError();
  EXPECT_EQ(Repr(jj.get()), "(-1+1j)");
  EXPECT_FALSE(CallOneArg(t, None()));
  EXPECT_EQ(TakeError(),
            "TypeError: complex() first argument must be a string or a number, not 'NoneType'");
  EXPECT_FALSE(CallArgs(t, {I(1).get(), S("a").get()}));
  EXPECT_EQ(TakeError(), "TypeError: complex() second arg can't be a string");
  EXPECT_FALSE(CallArgs(t, {S("1").get(), I(2).get()}));
  EXPECT_EQ(TakeError(), "TypeError: complex() can't take second arg if first is a string");
  // From a str: CPython 3.13's results for each text.
  struct {
    const char* text;
    const char* result;
  } const kStrings[] = {
      {"1+2j", "(1+2j)"},
      {" ( 1+2j ) ", "(1+2j)"},
      {"j", "1j"},
      {"-j", "-1j"},
      {"+j", "1j"},
      {"1+j", "(1+1j)"},
      {"1-j", "(1-1j)"},
      {"-2.5J", "-2.5j"},
      {"1e3-1e-3j", "(1000-0.001j)"},
      {"inf+nanj", "(inf+nanj)"},
      {"-infinityj", "-infj"},
      {"Infinity-Infj", "(inf-infj)"},
      {"1_000+2_0j", "(1000+20j)"},
      {"nan", "(nan+0j)"},
      {"+1.5e+3", "(1500+0j)"},
      {".5j", "0.5j"},
      {"5.j", "5j"},
      {"1.e5", "(100000+0j)"},
      {"\t1\x1f", "(1+0j)"},
      {"1__0", "ValueError: could not convert string to complex: '1__0'"},
      {"_1", "ValueError: could not convert string to complex: '_1'"},
      {"1_", "ValueError: could not convert string to complex: '1_'"},
  };
  for (const auto& c : kStrings) {
    Ref<> r = CallOneArg(t, S(c.text).get());
    EXPECT_EQ(r ? Repr(r.get()) : TakeError(), c.result) << "complex('" << c.text << "')";
  }
  for (const char* bad : {"(1+2j", "1+2j)", "()", "", " ", "1+2", "1+2jj", "0x10", "1 + 2j",
                          "1e", "j1", "1+-2j", "--1", "infx"}) {
    EXPECT_FALSE(CallOneArg(t, S(bad).get())) << "complex('" << bad << "')";
    EXPECT_EQ(TakeError(), "ValueError: complex() arg is a malformed string") << bad;
  }
}

// --- threads ----------------------------------------------------------------------

TEST_F(StructSeqTest, SharedReadersWhileOthersCreateAndDrop) {
  Ref<> type = StructSeqNewType(&g_point_desc);
  ASSERT_TRUE(type) << TakeError();
  PyTypeObject* t = AsType(type);
  constexpr int kShared = 8;
  std::vector<Ref<>> points, complexes;
  for (int i = 0; i < kShared; ++i) {
    points.push_back(MakePoint(t, i, 10 * i, 100 * i, "shared"));
    complexes.push_back(C(i, -i));
    ASSERT_TRUE(points.back() && complexes.back()) << TakeError();
  }
  constexpr int kThreads = 6;  // more than the machine's 2 cores
  const long rounds = testing_util::Scaled(4000, 200);
  const uint64_t seed = testing_util::Seed();
  std::atomic<int> bad{0};
  RunThreads(kThreads, [&](int id) {
    std::mt19937_64 rng(seed * 1000003 + static_cast<uint64_t>(id));
    const bool creator = id % 3 == 0;  // 2 creators, 4 readers
    for (long r = 0; r < rounds; ++r) {
      if (rng() % 16 == 0) std::this_thread::yield();
      const int k = static_cast<int>(rng() % kShared);
      if (creator) {
        // Make a point and a complex, read them back, drop them.
        const int64_t v = static_cast<int64_t>(rng() % 1000);
        Ref<> p = MakePoint(t, v, v + 1, v + 2, "mine");
        Ref<> z = C(static_cast<double>(v), 0.5);
        if (!p || !z) {
          bad.fetch_add(1, std::memory_order_relaxed);
          TakeError();
          continue;
        }
        if (IntAttr(p.get(), "weight") != 2 * v + 1) bad.fetch_add(1, std::memory_order_relaxed);
        absl::StatusOr<Ref<>> sum = NumberBinary(NumberOp::kAdd, z.get(), I(v).get());
        if (!sum.ok() || ComplexValue(sum->get()).real != 2.0 * static_cast<double>(v)) {
          bad.fetch_add(1, std::memory_order_relaxed);
        }
      } else {
        PyObject* p = points[k].get();
        if (IntAttr(p, "y") != 10 * k || IntValue(TupleItem(p, 2)) != 100 * k ||
            IntAttr(p, "weight") != 11 * k) {
          bad.fetch_add(1, std::memory_order_relaxed);
        }
        if (Repr(p) != "geo.Point(x=" + std::to_string(k) + ", y=" + std::to_string(10 * k) +
                           ", label=" + std::to_string(100 * k) + ")") {
          bad.fetch_add(1, std::memory_order_relaxed);
        }
        PyObject* z = complexes[k].get();
        Ref<> im = GetAttrString(z, "imag");
        if (!im || FloatValue(im.get()) != -static_cast<double>(k)) {
          bad.fetch_add(1, std::memory_order_relaxed);
        }
        absl::StatusOr<Ref<>> prod = NumberBinary(NumberOp::kMultiply, z, z);
        // (k - kj)^2 = -2k^2 j
        if (!prod.ok() || ComplexValue(prod->get()).imag != -2.0 * k * k ||
            ComplexValue(prod->get()).real != 0.0) {
          bad.fetch_add(1, std::memory_order_relaxed);
        }
        if (ObjectHash(z) != ComplexHash({static_cast<double>(k), -static_cast<double>(k)}, z)) {
          bad.fetch_add(1, std::memory_order_relaxed);
        }
      }
      if (r % 64 == 0) Checkpoint();
    }
  });
  EXPECT_EQ(bad.load(std::memory_order_relaxed), 0);
  EXPECT_EQ(TakeError(), "");
}

}  // namespace
}  // namespace ftrt
