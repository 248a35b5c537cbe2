// Tests for typeobject.h: PyType_Ready, the C3 MRO, slot inheritance,
// heap types from specs and from (name, bases, dict), object's defaults
// and type modification. The expected MROs and messages are what CPython
// 3.13 gives for the same class definitions (checked against it).
#include "object/typeobject.h"

#include <atomic>
#include <cstddef>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "object/attributes.h"
#include "object/call.h"
#include "object/descriptors.h"
#include "object/dict.h"
#include "object/dispatch.h"
#include "object/error_indicator.h"
#include "object/exceptions.h"
#include "object/int.h"
#include "object/iterators.h"
#include "object/list.h"
#include "object/none_bool.h"
#include "object/object.h"
#include "object/protocol_testing.h"
#include "object/str.h"
#include "object/tuple.h"

namespace ftrt {
namespace {

using testing_util::I;
using testing_util::N;
using testing_util::ProtocolTest;
using testing_util::S;
using testing_util::TakeError;
using testing_util::U;

PyObject* AsObj(PyTypeObject* t) { return reinterpret_cast<PyObject*>(t); }
PyTypeObject* AsType(PyObject* o) { return reinterpret_cast<PyTypeObject*>(o); }

PyObject* Text(const char* s) { return StrFromUtf8(s)->Release(); }

// ---- a three-deep hierarchy with a diamond: A; B(A); C(A); D(B, C) --------

struct AObj {
  PyObject ob_base;
  long x;
  double y;
  PyObject* obj;
};

void ADealloc(PyObject* self) {
  PyTypeObject* tp = self->ob_type;
  UntrackObject(self);
  if (PyObject* o = std::exchange(reinterpret_cast<AObj*>(self)->obj, nullptr)) Decref(o);
  tp->tp_free(self);
  Decref(AsObj(tp));  // heap types' instances own a reference to their type
}

int ATraverse(PyObject* self, visitproc visit, void* arg) {
  if (PyObject* o = reinterpret_cast<AObj*>(self)->obj) {
    if (int r = visit(o, arg)) return r;
  }
  return visit(AsObj(self->ob_type), arg);
}

PyObject* AWho(PyObject*, PyObject*) { return Text("A.who"); }
PyObject* AOnly(PyObject*, PyObject*) { return Text("A.a_only"); }
PyObject* AValue(PyObject* self, PyObject*) {
  return IntFromInt64(reinterpret_cast<AObj*>(self)->x)->Release();
}
PyObject* BWho(PyObject*, PyObject*) { return Text("B.who"); }
PyObject* BOnly(PyObject*, PyObject*) { return Text("B.b_only"); }
PyObject* CWho(PyObject*, PyObject*) { return Text("C.who"); }
PyObject* COnly(PyObject*, PyObject*) { return Text("C.c_only"); }
PyObject* CValue(PyObject* self, PyObject*) {
  return IntFromInt64(reinterpret_cast<AObj*>(self)->x + 100)->Release();
}
PyObject* DWho(PyObject*, PyObject*) { return Text("D.who"); }
PyObject* CRepr(PyObject*) { return Text("<C-repr>"); }

PyObject* GetTwice(PyObject* self, void*) {
  return IntFromInt64(2 * reinterpret_cast<AObj*>(self)->x)->Release();
}
int SetTwice(PyObject* self, PyObject* v, void*) {
  absl::StatusOr<int64_t> i = IntAsInt64(v);
  if (!i.ok()) return OkOrRaise(i.status());
  reinterpret_cast<AObj*>(self)->x = static_cast<long>(*i / 2);
  return 0;
}
PyObject* BLabel(PyObject*, void*) { return Text("B.label"); }
PyObject* CLabel(PyObject*, void*) { return Text("C.label"); }

PyMethodDef g_a_methods[] = {
    {"who", AWho, METH_NOARGS, nullptr},
    {"a_only", AOnly, METH_NOARGS, nullptr},
    {"value", AValue, METH_NOARGS, nullptr},
    {nullptr, nullptr, 0, nullptr},
};
PyMemberDef g_a_members[] = {
    {"x", Py_T_LONG, offsetof(AObj, x), 0, nullptr},
    {"y", Py_T_DOUBLE, offsetof(AObj, y), 0, nullptr},
    {"obj", Py_T_OBJECT_EX, offsetof(AObj, obj), 0, nullptr},
    {nullptr, 0, 0, 0, nullptr},
};
PyGetSetDef g_a_getset[] = {
    {"twice_x", GetTwice, SetTwice, nullptr, nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};
PyType_Slot g_a_slots[] = {
    {Py_tp_methods, g_a_methods}, {Py_tp_members, g_a_members},
    {Py_tp_getset, g_a_getset},   {Py_tp_dealloc, reinterpret_cast<void*>(ADealloc)},
    {Py_tp_traverse, reinterpret_cast<void*>(ATraverse)},
    {Py_tp_new, reinterpret_cast<void*>(PyType_GenericNew)},
    {Py_tp_doc, const_cast<char*>("the root")}, {0, nullptr},
};
constexpr unsigned kFlags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC;
PyType_Spec g_a_spec = {"m.A", sizeof(AObj), 0, kFlags, g_a_slots};

PyMethodDef g_b_methods[] = {
    {"who", BWho, METH_NOARGS, nullptr},
    {"b_only", BOnly, METH_NOARGS, nullptr},
    {nullptr, nullptr, 0, nullptr},
};
PyGetSetDef g_b_getset[] = {
    {"label", BLabel, nullptr, nullptr, nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};
PyType_Slot g_b_slots[] = {{Py_tp_methods, g_b_methods}, {Py_tp_getset, g_b_getset}, {0, nullptr}};
PyType_Spec g_b_spec = {"m.B", 0, 0, kFlags, g_b_slots};

PyMethodDef g_c_methods[] = {
    {"who", CWho, METH_NOARGS, nullptr},
    {"c_only", COnly, METH_NOARGS, nullptr},
    {"value", CValue, METH_NOARGS, nullptr},
    {nullptr, nullptr, 0, nullptr},
};
PyGetSetDef g_c_getset[] = {
    {"label", CLabel, nullptr, nullptr, nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};
PyType_Slot g_c_slots[] = {{Py_tp_methods, g_c_methods},
                           {Py_tp_getset, g_c_getset},
                           {Py_tp_repr, reinterpret_cast<void*>(CRepr)},
                           {0, nullptr}};
PyType_Spec g_c_spec = {"m.C", 0, 0, kFlags, g_c_slots};

PyMethodDef g_d_methods[] = {
    {"who", DWho, METH_NOARGS, nullptr},
    {nullptr, nullptr, 0, nullptr},
};
PyType_Slot g_d_slots[] = {{Py_tp_methods, g_d_methods}, {0, nullptr}};
PyType_Spec g_d_spec = {"m.D", 0, 0, kFlags, g_d_slots};

Ref<> Tuple(std::initializer_list<PyObject*> items) {
  return TupleFromItems(std::vector<PyObject*>(items)).value();
}

std::vector<PyObject*> Mro(PyObject* type) {
  Ref<> mro = TypeGetAttr(AsType(type), N("__mro__"));
  EXPECT_TRUE(mro);
  if (!mro) return {};
  std::vector<PyObject*> out;
  for (PyObject* c : TupleItems(mro.get())) out.push_back(c);
  return out;
}

std::string CallStr(PyObject* obj, const char* method) {
  Ref<> r = CallMethod(obj, method, {});
  if (!r) return TakeError();
  return StrUtf8(r.get());
}

std::string AttrStr(PyObject* obj, const char* name) {
  Ref<> r = GetAttrString(obj, name);
  if (!r) return TakeError();
  Ref<> s = ObjectStr(r.get());
  return U(s.get());
}

class TypeObjectTest : public ProtocolTest {};

TEST_F(TypeObjectTest, DiamondHierarchyHasCpythonMroAndDispatch) {
  Ref<> a = TypeFromSpec(&g_a_spec);
  ASSERT_TRUE(a) << TakeError();
  Ref<> b = TypeFromSpec(&g_b_spec, Tuple({a.get()}).get());
  Ref<> c = TypeFromSpec(&g_c_spec, Tuple({a.get()}).get());
  ASSERT_TRUE(b && c) << TakeError();
  Ref<> d = TypeFromSpec(&g_d_spec, Tuple({b.get(), c.get()}).get());
  ASSERT_TRUE(d) << TakeError();
  PyObject* object = AsObj(ObjectType());

  // class A; class B(A); class C(A); class D(B, C): CPython's C3 gives
  // D.__mro__ == (D, B, C, A, object).
  EXPECT_EQ(Mro(a.get()), (std::vector<PyObject*>{a.get(), object}));
  EXPECT_EQ(Mro(b.get()), (std::vector<PyObject*>{b.get(), a.get(), object}));
  EXPECT_EQ(Mro(c.get()), (std::vector<PyObject*>{c.get(), a.get(), object}));
  EXPECT_EQ(Mro(d.get()), (std::vector<PyObject*>{d.get(), b.get(), c.get(), a.get(), object}));
  EXPECT_TRUE(TypeIsSubtype(AsType(d.get()), AsType(c.get())));
  EXPECT_TRUE(TypeIsSubtype(AsType(d.get()), AsType(a.get())));
  EXPECT_FALSE(TypeIsSubtype(AsType(c.get()), AsType(b.get())));
  EXPECT_EQ(AsType(d.get())->tp_base, AsType(b.get()));  // the first base with the layout

  // Layout and flags come from A.
  EXPECT_EQ(AsType(d.get())->tp_basicsize, static_cast<Py_ssize_t>(sizeof(AObj)));
  EXPECT_TRUE(AsType(d.get())->tp_flags & Py_TPFLAGS_HAVE_GC);
  EXPECT_TRUE(AsType(d.get())->tp_flags & Py_TPFLAGS_HEAPTYPE);
  // No Py_tp_dealloc in D's spec: the subtype dealloc, which calls A's.
  EXPECT_EQ(AsType(d.get())->tp_dealloc, internal::SubtypeDealloc);
  EXPECT_EQ(AsType(a.get())->tp_dealloc, ADealloc);

  Ref<> dobj = CallNoArgs(d.get());
  ASSERT_TRUE(dobj) << TakeError();
  EXPECT_EQ(dobj->ob_type, AsType(d.get()));
  Ref<> bobj = CallNoArgs(b.get());
  ASSERT_TRUE(bobj) << TakeError();

  // Methods: overrides resolve along the MRO.
  EXPECT_EQ(CallStr(dobj.get(), "who"), "D.who");
  EXPECT_EQ(CallStr(bobj.get(), "who"), "B.who");
  EXPECT_EQ(CallStr(dobj.get(), "a_only"), "A.a_only");
  EXPECT_EQ(CallStr(dobj.get(), "b_only"), "B.b_only");
  EXPECT_EQ(CallStr(dobj.get(), "c_only"), "C.c_only");
  EXPECT_EQ(CallStr(bobj.get(), "c_only"), "AttributeError: 'm.B' object has no attribute 'c_only'");

  // Members and getsets: inherited from A; `label` from B before C.
  ASSERT_EQ(SetAttrString(dobj.get(), "x", I(21).get()), 0) << TakeError();
  EXPECT_EQ(AttrStr(dobj.get(), "x"), "21");
  EXPECT_EQ(AttrStr(dobj.get(), "twice_x"), "42");
  ASSERT_EQ(SetAttrString(dobj.get(), "twice_x", I(10).get()), 0) << TakeError();
  EXPECT_EQ(AttrStr(dobj.get(), "x"), "5");
  EXPECT_EQ(AttrStr(dobj.get(), "label"), "B.label");
  // value: B does not define it, C does, and C comes before A.
  EXPECT_EQ(CallStr(dobj.get(), "value"), "105");
  EXPECT_EQ(CallStr(bobj.get(), "value"), "0");
  EXPECT_EQ(AttrStr(dobj.get(), "obj"), "AttributeError: 'm.D' object has no attribute 'obj'");

  // Slots: C's tp_repr reaches D (B only inherited A's, so it does not
  // define one), as CPython's inherit_slots does; B keeps object's.
  EXPECT_EQ(AttrStr(dobj.get(), "__class__"), "<class 'm.D'>");
  EXPECT_EQ(U(ObjectRepr(dobj.get()).get()), "<C-repr>");
  EXPECT_EQ(U(ObjectRepr(bobj.get()).get()).rfind("<m.B object at 0x", 0), 0u);
  EXPECT_EQ(TypeGetSlot(AsType(d.get()), Py_tp_repr), reinterpret_cast<void*>(CRepr));
  EXPECT_EQ(TypeGetSlot(AsType(d.get()), Py_tp_traverse), reinterpret_cast<void*>(ATraverse));

  // Names and doc.
  EXPECT_EQ(AttrStr(d.get(), "__name__"), "D");
  EXPECT_EQ(AttrStr(d.get(), "__module__"), "m");
  EXPECT_EQ(AttrStr(a.get(), "__doc__"), "the root");
  EXPECT_EQ(U(ObjectRepr(d.get()).get()), "<class 'm.D'>");
}

TEST_F(TypeObjectTest, C3MatchesCpythonForTheClassicExample) {
  // O; A..E(O); K1(A,B,C); K2(D,B,E); K3(D,A); Z(K1,K2,K3).
  auto make = [&](const char* name, std::initializer_list<PyObject*> bases) {
    Ref<> t = TypeNew(name, Tuple(bases).get(), nullptr);
    EXPECT_TRUE(t) << TakeError();
    return t;
  };
  Ref<> A = make("A", {}), B = make("B", {}), C = make("C", {}), D = make("D", {}),
        E = make("E", {});
  Ref<> K1 = make("K1", {A.get(), B.get(), C.get()});
  Ref<> K2 = make("K2", {D.get(), B.get(), E.get()});
  Ref<> K3 = make("K3", {D.get(), A.get()});
  Ref<> Z = make("Z", {K1.get(), K2.get(), K3.get()});
  PyObject* O = AsObj(ObjectType());
  EXPECT_EQ(Mro(Z.get()), (std::vector<PyObject*>{Z.get(), K1.get(), K2.get(), K3.get(), D.get(),
                                                  A.get(), B.get(), C.get(), E.get(), O}));
  EXPECT_EQ(Mro(K1.get()), (std::vector<PyObject*>{K1.get(), A.get(), B.get(), C.get(), O}));
  EXPECT_EQ(Mro(K3.get()), (std::vector<PyObject*>{K3.get(), D.get(), A.get(), O}));

  // The errors, worded as CPython's.
  EXPECT_FALSE(TypeNew("Y", Tuple({A.get(), K1.get()}).get(), nullptr));
  EXPECT_EQ(TakeError(),
            "TypeError: Cannot create a consistent method resolution order (MRO) for bases A, K1");
  EXPECT_FALSE(TypeNew("C2", Tuple({A.get(), B.get(), A.get()}).get(), nullptr));
  EXPECT_EQ(TakeError(), "TypeError: duplicate base class A");
  EXPECT_FALSE(TypeNew("Z2", Tuple({AsObj(BoolType())}).get(), nullptr));
  EXPECT_EQ(TakeError(), "TypeError: type 'bool' is not an acceptable base type");
  Ref<> a = TypeFromSpec(&g_a_spec);
  ASSERT_TRUE(a);
  EXPECT_FALSE(TypeNew("W", Tuple({a.get(), AsObj(IntType())}).get(), nullptr));
  EXPECT_EQ(TakeError(), "TypeError: multiple bases have instance lay-out conflict");
}

TEST_F(TypeObjectTest, ObjectDefaults) {
  Ref<> o1 = CallNoArgs(AsObj(ObjectType()));
  Ref<> o2 = CallNoArgs(AsObj(ObjectType()));
  ASSERT_TRUE(o1 && o2) << TakeError();
  char expect[64];
  std::snprintf(expect, sizeof expect, "<object object at %p>", static_cast<void*>(o1.get()));
  EXPECT_EQ(U(ObjectRepr(o1.get()).get()), expect);
  EXPECT_EQ(U(ObjectStr(o1.get()).get()), expect);
  EXPECT_EQ(ObjectHash(o1.get()), ObjectHash(o1.get()));
  EXPECT_NE(ObjectHash(o1.get()), ObjectHash(o2.get()));
  EXPECT_EQ(ObjectRichCompareBool(o1.get(), o1.get(), Py_EQ), 1);
  EXPECT_EQ(ObjectRichCompareBool(o1.get(), o2.get(), Py_EQ), 0);
  EXPECT_EQ(ObjectRichCompareBool(o1.get(), o2.get(), Py_NE), 1);
  EXPECT_EQ(ObjectRichCompareBool(o1.get(), o2.get(), Py_LT), -1);
  EXPECT_EQ(TakeError(), "TypeError: '<' not supported between instances of 'object' and 'object'");
  EXPECT_FALSE(CallOneArg(AsObj(ObjectType()), I(1).get()));
  EXPECT_EQ(TakeError(), "TypeError: object() takes no arguments");
  Ref<> t = TypeNew("T", nullptr, nullptr);
  ASSERT_TRUE(t);
  EXPECT_FALSE(CallOneArg(t.get(), I(1).get()));
  EXPECT_EQ(TakeError(), "TypeError: T() takes no arguments");
  Ref<> inst = CallNoArgs(t.get());
  ASSERT_TRUE(inst);
  std::snprintf(expect, sizeof expect, "<T object at %p>", static_cast<void*>(inst.get()));
  EXPECT_EQ(U(ObjectRepr(inst.get()).get()), expect);  // __module__ builtins: short form
  EXPECT_EQ(SetAttrString(o1.get(), "x", I(1).get()), -1);
  EXPECT_EQ(TakeError(),
            "AttributeError: 'object' object has no attribute 'x' and no __dict__ for setting new "
            "attributes");
  // type(x) and type(name, bases, dict).
  Ref<> ty = CallOneArg(AsObj(TypeType()), inst.get());
  EXPECT_EQ(ty.get(), t.get());
  Ref<> ns = DictNew().value();
  ASSERT_TRUE(DictSetItemString(ns.get(), "__module__", S("mod").get()).ok());
  Ref<> made = CallArgs(AsObj(TypeType()), {S("Made").get(), EmptyTuple(), ns.get()});
  ASSERT_TRUE(made) << TakeError();
  EXPECT_EQ(U(ObjectRepr(made.get()).get()), "<class 'mod.Made'>");
  EXPECT_FALSE(CallArgs(AsObj(TypeType()), {S("a").get(), I(1).get(), ns.get()}));
  EXPECT_EQ(TakeError(), "TypeError: type.__new__() argument 2 must be tuple, not int");
  // A static type with base object and no tp_new cannot be instantiated.
  EXPECT_FALSE(CallNoArgs(AsObj(&PyListIter_Type)));
  EXPECT_EQ(TakeError(), "TypeError: cannot create 'list_iterator' instances");
}

TEST_F(TypeObjectTest, HashAndCompareAreInheritedAsAPair) {
  static PyType_Slot slots[] = {
      {Py_tp_richcompare, reinterpret_cast<void*>(+[](PyObject*, PyObject*, int) -> PyObject* {
         return NotImplemented();
       })},
      {0, nullptr}};
  static PyType_Spec spec = {"m.EqOnly", sizeof(PyObject), 0, Py_TPFLAGS_DEFAULT, slots};
  Ref<> t = TypeFromSpec(&spec);
  ASSERT_TRUE(t) << TakeError();
  Ref<> inst = CallNoArgs(t.get());
  ASSERT_TRUE(inst) << TakeError();
  EXPECT_EQ(ObjectHash(inst.get()), -1);
  EXPECT_EQ(TakeError(), "TypeError: unhashable type: 'm.EqOnly'");
  Ref<> hash_attr = TypeGetAttr(AsType(t.get()), N("__hash__"));
  EXPECT_EQ(hash_attr.get(), None());
}

TEST_F(TypeObjectTest, SetAttrOnTypesAndInvalidation) {
  EXPECT_EQ(TypeSetAttr(ListType(), N("x"), I(1).get()), -1);
  EXPECT_EQ(TakeError(), "TypeError: cannot set 'x' attribute of immutable type 'list'");
  Ref<> base = TypeNew("Base", nullptr, nullptr);
  Ref<> sub = TypeNew("Sub", Tuple({base.get()}).get(), nullptr);
  ASSERT_TRUE(base && sub);
  Ref<> inst = CallNoArgs(sub.get());
  EXPECT_FALSE(GetAttrString(inst.get(), "k"));
  EXPECT_EQ(TakeError(), "AttributeError: 'Sub' object has no attribute 'k'");
  ASSERT_EQ(TypeSetAttr(AsType(base.get()), N("k"), I(7).get()), 0);
  EXPECT_EQ(AttrStr(inst.get(), "k"), "7");  // the subclass saw the change
  ASSERT_EQ(TypeSetAttr(AsType(base.get()), N("k"), I(8).get()), 0);
  EXPECT_EQ(AttrStr(inst.get(), "k"), "8");
  ASSERT_EQ(TypeSetAttr(AsType(sub.get()), N("k"), I(9).get()), 0);
  EXPECT_EQ(AttrStr(inst.get(), "k"), "9");
  ASSERT_EQ(TypeSetAttr(AsType(sub.get()), N("k"), nullptr), 0);
  EXPECT_EQ(AttrStr(inst.get(), "k"), "8");
  EXPECT_EQ(TypeSetAttr(AsType(sub.get()), N("k"), nullptr), -1);
  EXPECT_EQ(TakeError(), "AttributeError: type object 'Sub' has no attribute 'k'");
  EXPECT_FALSE(TypeGetAttr(AsType(sub.get()), N("nope")));
  EXPECT_EQ(TakeError(), "AttributeError: type object 'Sub' has no attribute 'nope'");
}

// A dunder set on a heap type at run time points the slot at it.
PyObject* ReprMethod(PyObject*, PyObject*) { return Text("<custom repr>"); }
PyMethodDef g_repr_def = {"__repr__", ReprMethod, METH_NOARGS, nullptr};

TEST_F(TypeObjectTest, SettingADunderUpdatesTheSlot) {
  Ref<> t = TypeNew("R", nullptr, nullptr);
  Ref<> sub = TypeNew("RSub", Tuple({t.get()}).get(), nullptr);
  ASSERT_TRUE(t && sub);
  Ref<> inst = CallNoArgs(sub.get());
  EXPECT_EQ(U(ObjectRepr(inst.get()).get()).rfind("<RSub object at", 0), 0u);
  Ref<> descr = NewMethodDescr(AsType(t.get()), &g_repr_def);
  ASSERT_TRUE(descr);
  ASSERT_EQ(TypeSetAttr(AsType(t.get()), N("__repr__"), descr.get()), 0) << TakeError();
  EXPECT_EQ(U(ObjectRepr(inst.get()).get()), "<custom repr>");
  ASSERT_EQ(TypeSetAttr(AsType(t.get()), N("__repr__"), nullptr), 0) << TakeError();
  EXPECT_EQ(U(ObjectRepr(inst.get()).get()).rfind("<RSub object at", 0), 0u);
}

// ---- static types, made ready as extensions do --------------------------

PyObject* StaticHello(PyObject*, PyObject*) { return Text("hello"); }
PyMethodDef g_static_methods[] = {
    {"hello", StaticHello, METH_NOARGS, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

// Positional initializers up to tp_flags, as most extensions write them.
PyTypeObject g_static_type = {
    PyVarObject_HEAD_INIT(nullptr, 0) "ext.Static",
    sizeof(PyObject),
    0,
    nullptr,  // tp_dealloc
    0,        // tp_vectorcall_offset
    nullptr,  // tp_getattr
    nullptr,  // tp_setattr
    nullptr,  // tp_as_async
    nullptr,  // tp_repr
    nullptr,  // tp_as_number
    nullptr,  // tp_as_sequence
    nullptr,  // tp_as_mapping
    nullptr,  // tp_hash
    nullptr,  // tp_call
    nullptr,  // tp_str
    nullptr,  // tp_getattro
    nullptr,  // tp_setattro
    nullptr,  // tp_as_buffer
    Py_TPFLAGS_DEFAULT,
};

TEST_F(TypeObjectTest, StaticTypeReadyFromManyThreads) {
  g_static_type.tp_methods = g_static_methods;
  g_static_type.tp_new = PyType_GenericNew;
  std::atomic<int> ok{0};
  RunThreads(4, [&](int) {
    if (TypeReady(&g_static_type) == 0) ok.fetch_add(1);
  });
  EXPECT_EQ(ok.load(), 4);
  EXPECT_EQ(TypeReady(&g_static_type), 0);
  EXPECT_TRUE(g_static_type.tp_flags & Py_TPFLAGS_READY);
  EXPECT_TRUE(g_static_type.tp_flags & Py_TPFLAGS_IMMUTABLETYPE);
  EXPECT_EQ(g_static_type.tp_base, ObjectType());
  EXPECT_EQ(g_static_type.tp_getattro, PyObject_GenericGetAttr);
  EXPECT_TRUE(IsImmortal(g_static_type.tp_dict));
  Ref<> inst = CallNoArgs(AsObj(&g_static_type));
  ASSERT_TRUE(inst) << TakeError();
  EXPECT_EQ(CallStr(inst.get(), "hello"), "hello");
  EXPECT_EQ(TypeSetAttr(&g_static_type, N("x"), None()), -1);
  EXPECT_EQ(TakeError(), "TypeError: cannot set 'x' attribute of immutable type 'ext.Static'");
  EXPECT_EQ(AttrStr(AsObj(&g_static_type), "__module__"), "ext");
}

TEST_F(TypeObjectTest, SpecErrorsAndModules) {
  static PyType_Slot gc_no_traverse[] = {{0, nullptr}};
  static PyType_Spec bad = {"m.Bad", sizeof(PyObject), 0,
                            Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC, gc_no_traverse};
  EXPECT_FALSE(TypeFromSpec(&bad));
  EXPECT_EQ(TakeError(),
            "SystemError: type m.Bad has the Py_TPFLAGS_HAVE_GC flag but has no traverse function");
  static PyType_Slot plain_slots[] = {{0, nullptr}};
  static PyType_Spec plain = {"m.Plain", sizeof(PyObject), 0, Py_TPFLAGS_DEFAULT, plain_slots};
  Ref<> t = TypeFromSpec(&plain);
  ASSERT_TRUE(t);
  EXPECT_EQ(TypeGetModule(AsType(t.get())), nullptr);
  EXPECT_EQ(TakeError(), "TypeError: PyType_GetModule: Type 'm.Plain' has no associated module");
  EXPECT_EQ(TypeGetModule(ListType()), nullptr);
  EXPECT_EQ(TakeError(), "TypeError: PyType_GetModule: Type 'list' is not a heap type");
  // Subclassing a spec type without BASETYPE is refused.
  EXPECT_FALSE(TypeNew("Sub", Tuple({t.get()}).get(), nullptr));
  EXPECT_EQ(TakeError(), "TypeError: type 'm.Plain' is not an acceptable base type");
}

}  // namespace
}  // namespace ftrt
