// Tests for dispatch.h: repr / str / hash / rich comparison / truth
// through the slots, with the outputs CPython 3.13 gives for the same
// values (the repr strings were checked against it).
#include "object/dispatch.h"

#include <cmath>
#include <limits>
#include <string>

#include "gtest/gtest.h"
#include "object/bytes.h"
#include "object/call.h"
#include "object/dict.h"
#include "object/error_indicator.h"
#include "object/exceptions.h"
#include "object/float.h"
#include "object/int.h"
#include "object/list.h"
#include "object/none_bool.h"
#include "object/protocol_testing.h"
#include "object/str.h"
#include "object/tuple.h"
#include "object/typeobject.h"

namespace ftrt {
namespace {

using testing_util::I;
using testing_util::ProtocolTest;
using testing_util::S;
using testing_util::TakeError;

std::string R(PyObject* o) {
  Ref<> r = ObjectRepr(o);
  return r ? testing_util::U(r.get()) : TakeError();
}
std::string FloatRepr(double v) { return R(FloatFromDouble(v)->get()); }

class DispatchTest : public ProtocolTest {};

TEST_F(DispatchTest, BuiltinReprsAsCpython) {
  EXPECT_EQ(R(None()), "None");
  EXPECT_EQ(R(True()), "True");
  EXPECT_EQ(R(False()), "False");
  EXPECT_EQ(R(NotImplemented()), "NotImplemented");
  EXPECT_EQ(R(Ellipsis()), "Ellipsis");
  EXPECT_EQ(R(I(-42).get()), "-42");
  EXPECT_EQ(R(I(std::numeric_limits<int64_t>::min()).get()), "-9223372036854775808");
  EXPECT_EQ(FloatRepr(1.0), "1.0");
  EXPECT_EQ(FloatRepr(1e16), "1e+16");
  EXPECT_EQ(FloatRepr(1e-5), "1e-05");
  EXPECT_EQ(FloatRepr(0.0001), "0.0001");
  EXPECT_EQ(FloatRepr(123456789012345.6), "123456789012345.6");
  EXPECT_EQ(FloatRepr(1234567890123456.0), "1234567890123456.0");
  EXPECT_EQ(FloatRepr(-0.0), "-0.0");
  EXPECT_EQ(FloatRepr(0.1), "0.1");
  EXPECT_EQ(FloatRepr(1.5e300), "1.5e+300");
  EXPECT_EQ(FloatRepr(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(FloatRepr(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(FloatRepr(std::nan("")), "nan");
  EXPECT_EQ(R(S("a'b\"c\n\x01\x7f\xc3\xa9\xe2\x80\xa8").get()),
            "'a\\'b\"c\\n\\x01\\x7f\xc3\xa9\\u2028'");
  EXPECT_EQ(R(S("it's").get()), "\"it's\"");
  EXPECT_EQ(R(S("\xf0\x9f\x98\x80\xc2\xa0").get()), "'\xf0\x9f\x98\x80\\xa0'");
  // The Unicode database decides (CPython 3.13): unassigned U+0378 and
  // U+2065 and tag U+E0001 are escaped; U+0905, U+08A0 and U+1FAE8 print.
  EXPECT_EQ(R(S("\xcd\xb8\xe0\xa4\x85\xf3\xa0\x80\x81\xe0\xa2\xa0\xf0\x9f\xab\xa8\xe2\x81\xa5").get()),
            "'\\u0378\xe0\xa4\x85\\U000e0001\xe0\xa2\xa0\xf0\x9f\xab\xa8\\u2065'");
  EXPECT_EQ(R(BytesFromData(absl::string_view("a'b\n\x00\xff", 6))->get()),
            "b\"a'b\\n\\x00\\xff\"");
  EXPECT_EQ(R(BytesFromData("it's")->get()), "b\"it's\"");
  Ref<> x = S("x");
  EXPECT_EQ(R(TupleFromItems({I(1).get()})->get()), "(1,)");
  EXPECT_EQ(R(EmptyTuple()), "()");
  EXPECT_EQ(R(TupleFromItems({I(1).get(), x.get()})->get()), "(1, 'x')");
  Ref<> d = DictNew().value();
  ASSERT_TRUE(DictSetItem(d.get(), I(1).get(), S("a").get()).ok());
  ASSERT_TRUE(DictSetItem(d.get(), S("b").get(), TupleFromItems({I(2).get(), I(3).get()})->get()).ok());
  EXPECT_EQ(R(d.get()), "{1: 'a', 'b': (2, 3)}");
  // Containers that reach themselves.
  Ref<> l = ListFromItems({I(1).get()}).value();
  ASSERT_TRUE(ListAppend(l.get(), l.get()).ok());
  EXPECT_EQ(R(l.get()), "[1, [...]]");
  ASSERT_TRUE(ListClear(l.get()).ok());
  Ref<> self_dict = DictNew().value();
  ASSERT_TRUE(DictSetItem(self_dict.get(), I(1).get(), self_dict.get()).ok());
  EXPECT_EQ(R(self_dict.get()), "{1: {...}}");
  ASSERT_TRUE(DictClear(self_dict.get()).ok());
  // str of a str is itself; of anything else, its repr by default.
  EXPECT_EQ(ObjectStr(x.get()).get(), x.get());
  EXPECT_EQ(testing_util::U(ObjectStr(I(5).get()).get()), "5");
  EXPECT_EQ(StrUtf8(None()), "None");
}

PyObject* Marker(const char* s) { return StrFromUtf8(s)->Release(); }
PyObject* BaseCompare(PyObject*, PyObject*, int op) {
  return Marker(op == Py_LT ? "base<" : "base?");
}
PyObject* SubCompare(PyObject*, PyObject*, int op) {
  return Marker(op == Py_GT ? "sub>" : "sub?");
}
PyObject* DeclineCompare(PyObject*, PyObject*, int) { return NotImplemented(); }
int FailingBool(PyObject*) {
  SetErrorString(PyExc_ValueError, "no truth");
  return -1;
}

TEST_F(DispatchTest, RichCompareRulesAsCpython) {
  static PyType_Slot base_slots[] = {{Py_tp_richcompare, reinterpret_cast<void*>(BaseCompare)},
                                     {Py_tp_new, reinterpret_cast<void*>(PyType_GenericNew)},
                                     {0, nullptr}};
  static PyType_Spec base_spec = {"m.Base", sizeof(PyObject), 0,
                                  Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE, base_slots};
  static PyType_Slot sub_slots[] = {{Py_tp_richcompare, reinterpret_cast<void*>(SubCompare)},
                                    {0, nullptr}};
  static PyType_Spec sub_spec = {"m.Sub", 0, 0, Py_TPFLAGS_DEFAULT, sub_slots};
  Ref<> base = TypeFromSpec(&base_spec);
  ASSERT_TRUE(base);
  Ref<> sub = TypeFromSpec(&sub_spec, base.get());
  ASSERT_TRUE(sub) << TakeError();
  Ref<> b = CallNoArgs(base.get());
  Ref<> s = CallNoArgs(sub.get());
  // A right operand of a proper subclass goes first, reflected.
  EXPECT_EQ(R(ObjectRichCompare(b.get(), s.get(), Py_LT).get()), "'sub>'");
  EXPECT_EQ(R(ObjectRichCompare(b.get(), b.get(), Py_LT).get()), "'base<'");
  // Both decline: == is identity, < is a TypeError.
  static PyType_Slot no_slots[] = {{Py_tp_richcompare, reinterpret_cast<void*>(DeclineCompare)},
                                   {Py_tp_new, reinterpret_cast<void*>(PyType_GenericNew)},
                                   {0, nullptr}};
  static PyType_Spec no_spec = {"m.No", sizeof(PyObject), 0, Py_TPFLAGS_DEFAULT, no_slots};
  Ref<> no = TypeFromSpec(&no_spec);
  Ref<> n1 = CallNoArgs(no.get());
  Ref<> n2 = CallNoArgs(no.get());
  EXPECT_EQ(ObjectRichCompareBool(n1.get(), n2.get(), Py_EQ), 0);
  EXPECT_EQ(ObjectRichCompareBool(n1.get(), n1.get(), Py_EQ), 1);
  EXPECT_EQ(ObjectRichCompareBool(n1.get(), n2.get(), Py_NE), 1);
  EXPECT_FALSE(ObjectRichCompare(n1.get(), n2.get(), Py_GE));
  EXPECT_EQ(TakeError(), "TypeError: '>=' not supported between instances of 'm.No' and 'm.No'");
  EXPECT_FALSE(ObjectRichCompare(I(1).get(), S("a").get(), Py_LT));
  EXPECT_EQ(TakeError(), "TypeError: '<' not supported between instances of 'int' and 'str'");
  EXPECT_EQ(ObjectRichCompareBool(I(1).get(), FloatFromDouble(1.0)->get(), Py_EQ), 1);
  // The built-in types' slots report through errors.h's interim
  // indicator; the protocol's dispatch turns that into the exception.
  Ref<> l1 = ListFromItems({I(1).get()}).value();
  Ref<> l2 = ListFromItems({S("a").get()}).value();
  EXPECT_FALSE(ObjectRichCompare(l1.get(), l2.get(), Py_LT));
  EXPECT_EQ(TakeError(), "TypeError: '<' not supported between instances of 'int' and 'str'");
}

TEST_F(DispatchTest, HashTruthAndSize) {
  Ref<> s = S("abc");
  EXPECT_EQ(ObjectHash(s.get()), StrHash(s.get()));
  EXPECT_EQ(ObjectHash(I(1).get()), ObjectHash(FloatFromDouble(1.0)->get()));
  Ref<> l = ListNew().value();
  EXPECT_EQ(ObjectHash(l.get()), -1);
  EXPECT_EQ(TakeError(), "TypeError: unhashable type: 'list'");
  Ref<> d = DictNew().value();
  for (PyObject* f : {None(), False(), I(0).get(), EmptyTuple(), EmptyStr(), l.get(), d.get()}) {
    EXPECT_EQ(ObjectIsTrue(f), 0) << R(f);
  }
  Ref<> half = FloatFromDouble(0.0).value();
  EXPECT_EQ(ObjectIsTrue(half.get()), 0);
  for (PyObject* t : {True(), I(-1).get(), s.get(), Ellipsis()}) EXPECT_EQ(ObjectIsTrue(t), 1);
  EXPECT_EQ(ObjectNot(None()), 1);
  Ref<> obj = CallNoArgs(reinterpret_cast<PyObject*>(ObjectType()));
  EXPECT_EQ(ObjectIsTrue(obj.get()), 1);
  static PyType_Slot slots[] = {{Py_nb_bool, reinterpret_cast<void*>(FailingBool)},
                                {Py_tp_new, reinterpret_cast<void*>(PyType_GenericNew)},
                                {0, nullptr}};
  static PyType_Spec spec = {"m.NoTruth", sizeof(PyObject), 0, Py_TPFLAGS_DEFAULT, slots};
  Ref<> t = TypeFromSpec(&spec);
  Ref<> nt = CallNoArgs(t.get());
  EXPECT_EQ(ObjectIsTrue(nt.get()), -1);
  EXPECT_EQ(TakeError(), "ValueError: no truth");
  EXPECT_EQ(ObjectSize(s.get()), 3);
  EXPECT_EQ(ObjectSize(l.get()), 0);
  EXPECT_EQ(ObjectSize(I(1).get()), -1);
  EXPECT_EQ(TakeError(), "TypeError: object of type 'int' has no len()");
}

PyObject* BadRepr(PyObject*) { return IntFromInt64(1)->Release(); }
PyObject* NullRepr(PyObject*) { return nullptr; }

TEST_F(DispatchTest, ReprErrors) {
  static PyType_Slot bad_slots[] = {{Py_tp_repr, reinterpret_cast<void*>(BadRepr)},
                                    {Py_tp_new, reinterpret_cast<void*>(PyType_GenericNew)},
                                    {0, nullptr}};
  static PyType_Spec bad_spec = {"m.BadRepr", sizeof(PyObject), 0, Py_TPFLAGS_DEFAULT, bad_slots};
  Ref<> t = TypeFromSpec(&bad_spec);
  Ref<> o = CallNoArgs(t.get());
  EXPECT_EQ(R(o.get()), "TypeError: __repr__ returned non-string (type int)");
  static PyType_Slot null_slots[] = {{Py_tp_repr, reinterpret_cast<void*>(NullRepr)},
                                     {Py_tp_new, reinterpret_cast<void*>(PyType_GenericNew)},
                                     {0, nullptr}};
  static PyType_Spec null_spec = {"m.NullRepr", sizeof(PyObject), 0, Py_TPFLAGS_DEFAULT,
                                  null_slots};
  Ref<> t2 = TypeFromSpec(&null_spec);
  Ref<> o2 = CallNoArgs(t2.get());
  EXPECT_EQ(R(o2.get()), "SystemError: __repr__ returned NULL without setting an exception");
  EXPECT_EQ(ReprUtf8(o2.get()), "<repr failed>");
  EXPECT_FALSE(HasError());
}

}  // namespace
}  // namespace ftrt
