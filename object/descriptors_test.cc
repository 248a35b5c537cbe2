// Tests for descriptors.h: member descriptors of every Py_T_* type (get,
// set, delete, read-only, CPython's errors and truncation warnings),
// getset, method and classmethod descriptors, staticmethod / classmethod,
// and an object member read lock-free while another thread replaces it.
#include "object/descriptors.h"

#include <atomic>
#include <cstddef>
#include <random>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "object/attributes.h"
#include "object/call.h"
#include "object/dispatch.h"
#include "object/error_indicator.h"
#include "object/exceptions.h"
#include "object/float.h"
#include "object/int.h"
#include "object/methodobject.h"
#include "object/none_bool.h"
#include "object/object.h"
#include "object/protocol_testing.h"
#include "object/str.h"
#include "object/type_cache.h"
#include "object/typeobject.h"
#include "tests/test_util.h"

namespace ftrt {
namespace {

using testing_util::Checkpoint;
using testing_util::I;
using testing_util::N;
using testing_util::ProtocolTest;
using testing_util::S;
using testing_util::TakeError;

struct Members {
  PyObject ob_base;
  signed char b;
  unsigned char ub;
  short s;
  unsigned short us;
  int i;
  unsigned int ui;
  long l;
  unsigned long ul;
  long long ll;
  unsigned long long ull;
  Py_ssize_t ss;
  float f;
  double d;
  char c;
  char flag;
  const char* str;
  char inplace[8];
  PyObject* obj;
  PyObject* objex;
};

void MembersDealloc(PyObject* self) {
  PyTypeObject* tp = self->ob_type;
  auto* m = reinterpret_cast<Members*>(self);
  if (PyObject* o = std::exchange(m->obj, nullptr)) Decref(o);
  if (PyObject* o = std::exchange(m->objex, nullptr)) Decref(o);
  tp->tp_free(self);
  Decref(reinterpret_cast<PyObject*>(tp));
}

#define M(name, type, field, flags) {name, type, offsetof(Members, field), flags, nullptr}
PyMemberDef g_members[] = {
    M("b", Py_T_BYTE, b, 0),          M("ub", Py_T_UBYTE, ub, 0),
    M("s", Py_T_SHORT, s, 0),         M("us", Py_T_USHORT, us, 0),
    M("i", Py_T_INT, i, 0),           M("ui", Py_T_UINT, ui, 0),
    M("l", Py_T_LONG, l, 0),          M("ul", Py_T_ULONG, ul, 0),
    M("ll", Py_T_LONGLONG, ll, 0),    M("ull", Py_T_ULONGLONG, ull, 0),
    M("ss", Py_T_PYSSIZET, ss, 0),    M("f", Py_T_FLOAT, f, 0),
    M("d", Py_T_DOUBLE, d, 0),        M("c", Py_T_CHAR, c, 0),
    M("flag", Py_T_BOOL, flag, 0),    M("str", Py_T_STRING, str, 0),
    M("inplace", Py_T_STRING_INPLACE, inplace, 0),
    M("obj", _Py_T_OBJECT, obj, 0),   M("objex", Py_T_OBJECT_EX, objex, 0),
    M("ro", Py_T_INT, i, Py_READONLY), {nullptr, 0, 0, 0, nullptr},
};
#undef M

PyObject* GetOnly(PyObject*, void*) { return StrFromUtf8("read")->Release(); }
int SetOnly(PyObject*, PyObject*, void*) { return 0; }
PyGetSetDef g_getset[] = {
    {"get_only", GetOnly, nullptr, nullptr, nullptr},
    {"set_only", nullptr, SetOnly, nullptr, nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};
PyObject* Meth(PyObject* self, PyObject*) { return Ref<>::NewRef(self).Release(); }
PyMethodDef g_methods[] = {{"meth", Meth, METH_NOARGS, "a method"},
                           {nullptr, nullptr, 0, nullptr}};
PyType_Slot g_slots[] = {{Py_tp_members, g_members},
                         {Py_tp_getset, g_getset},
                         {Py_tp_methods, g_methods},
                         {Py_tp_dealloc, reinterpret_cast<void*>(MembersDealloc)},
                         {Py_tp_new, reinterpret_cast<void*>(PyType_GenericNew)},
                         {0, nullptr}};
PyType_Spec g_spec = {"m.Members", sizeof(Members), 0, Py_TPFLAGS_DEFAULT, g_slots};

std::string* g_warnings = nullptr;
void CaptureWarning(const std::string& line) { *g_warnings += line; }

class DescriptorsTest : public ProtocolTest {
 protected:
  void SetUp() override {
    ProtocolTest::SetUp();
    type_ = TypeFromSpec(&g_spec);
    ASSERT_TRUE(type_) << TakeError();
    obj_ = CallNoArgs(type_.get());
    ASSERT_TRUE(obj_) << TakeError();
  }
  void TearDown() override {
    obj_.Reset();
    type_.Reset();
    ProtocolTest::TearDown();
  }
  std::string Get(const char* name) {
    Ref<> r = GetAttrString(obj_.get(), name);
    return r ? ReprUtf8(r.get()) : TakeError();
  }
  std::string Set(const char* name, PyObject* v) {
    return SetAttrString(obj_.get(), name, v) == 0 ? "ok" : TakeError();
  }
  Members* m() { return reinterpret_cast<Members*>(obj_.get()); }

  Ref<> type_, obj_;
};

TEST_F(DescriptorsTest, EveryMemberTypeReadsAndWrites) {
  for (const char* n : {"b", "ub", "s", "us", "i", "ui", "l", "ul", "ll", "ull", "ss"}) {
    EXPECT_EQ(Get(n), "0") << n;
    EXPECT_EQ(Set(n, I(7).get()), "ok") << n;
    EXPECT_EQ(Get(n), "7") << n;
  }
  EXPECT_EQ(m()->ull, 7u);
  EXPECT_EQ(Get("f"), "0.0");
  EXPECT_EQ(Set("f", I(1).get()), "ok");
  EXPECT_EQ(Get("f"), "1.0");
  Ref<> half = FloatFromDouble(0.5).value();
  EXPECT_EQ(Set("d", half.get()), "ok");
  EXPECT_EQ(Get("d"), "0.5");
  EXPECT_EQ(Get("flag"), "False");
  EXPECT_EQ(Set("flag", True()), "ok");
  EXPECT_EQ(Get("flag"), "True");
  EXPECT_EQ(Get("c"), "'\\x00'");
  EXPECT_EQ(Set("c", S("z").get()), "ok");
  EXPECT_EQ(Get("c"), "'z'");
  EXPECT_EQ(Get("str"), "None");
  m()->str = "hello";
  EXPECT_EQ(Get("str"), "'hello'");
  EXPECT_EQ(Get("inplace"), "''");
  std::snprintf(m()->inplace, sizeof m()->inplace, "in");
  EXPECT_EQ(Get("inplace"), "'in'");
  EXPECT_EQ(Get("obj"), "None");
  EXPECT_EQ(Get("objex"), "AttributeError: 'm.Members' object has no attribute 'objex'");
  EXPECT_EQ(Set("objex", S("v").get()), "ok");
  EXPECT_EQ(Get("objex"), "'v'");
  EXPECT_EQ(SetAttrString(obj_.get(), "objex", nullptr), 0);
  EXPECT_EQ(Get("objex"), "AttributeError: 'm.Members' object has no attribute 'objex'");
  EXPECT_EQ(SetAttrString(obj_.get(), "objex", nullptr), -1);
  EXPECT_EQ(TakeError(), "AttributeError: objex");
  EXPECT_EQ(Set("obj", I(3).get()), "ok");
  EXPECT_EQ(SetAttrString(obj_.get(), "obj", nullptr), 0);
  EXPECT_EQ(Get("obj"), "None");
}

TEST_F(DescriptorsTest, MemberErrorsAndWarningsAsCpython) {
  EXPECT_EQ(Set("i", S("x").get()), "TypeError: 'str' object cannot be interpreted as an integer");
  EXPECT_EQ(Set("d", S("x").get()), "TypeError: must be real number, not str");
  EXPECT_EQ(Set("flag", I(1).get()), "TypeError: attribute value type must be bool");
  EXPECT_EQ(Set("inplace", S("x").get()), "TypeError: readonly attribute");
  EXPECT_EQ(Set("str", S("x").get()), "TypeError: readonly attribute");
  EXPECT_EQ(Set("ro", I(1).get()), "AttributeError: readonly attribute");
  EXPECT_EQ(SetAttrString(obj_.get(), "i", nullptr), -1);
  EXPECT_EQ(TakeError(), "TypeError: can't delete numeric/char attribute");
  std::string warnings;
  g_warnings = &warnings;
  SetWarningHook(CaptureWarning);
  EXPECT_EQ(Set("i", I(int64_t{1} << 40).get()), "ok");
  EXPECT_EQ(Set("ui", I(-1).get()), "ok");
  EXPECT_EQ(Set("b", I(300).get()), "ok");
  EXPECT_EQ(Set("i", I(5).get()), "ok");  // in range: no warning
  SetWarningHook(nullptr);
  g_warnings = nullptr;
  EXPECT_EQ(warnings,
            "sys:1: RuntimeWarning: Truncation of value to int\n"
            "sys:1: RuntimeWarning: Writing negative value into unsigned field\n"
            "sys:1: RuntimeWarning: Truncation of value to char\n");
  EXPECT_EQ(m()->b, static_cast<signed char>(300 & 0xff));
  // A descriptor used on an object of another type.
  Ref<> descr = TypeLookup(reinterpret_cast<PyTypeObject*>(type_.get()), N("i"));
  ASSERT_TRUE(descr);
  EXPECT_FALSE(Ref<>::Steal(descr->ob_type->tp_descr_get(descr.get(), I(1).get(), nullptr)));
  EXPECT_EQ(TakeError(), "TypeError: descriptor 'i' for 'm.Members' objects doesn't apply to a 'int' object");
  EXPECT_EQ(ReprUtf8(descr.get()), "<member 'i' of 'm.Members' objects>");
  EXPECT_EQ(ReprUtf8(GetAttrString(type_.get(), "i").get()), "<member 'i' of 'm.Members' objects>");
}

TEST_F(DescriptorsTest, GetSetMethodAndWrappers) {
  EXPECT_EQ(Get("get_only"), "'read'");
  EXPECT_EQ(Set("get_only", I(1).get()),
            "AttributeError: attribute 'get_only' of 'm.Members' objects is not writable");
  EXPECT_EQ(Get("set_only"),
            "AttributeError: attribute 'set_only' of 'm.Members' objects is not readable");
  EXPECT_EQ(Set("set_only", I(1).get()), "ok");
  Ref<> getset = GetAttrString(type_.get(), "get_only");
  EXPECT_EQ(ReprUtf8(getset.get()), "<attribute 'get_only' of 'm.Members' objects>");
  Ref<> meth = GetAttrString(type_.get(), "meth");
  EXPECT_EQ(ReprUtf8(meth.get()), "<method 'meth' of 'm.Members' objects>");
  EXPECT_EQ(ReprUtf8(GetAttrString(meth.get(), "__qualname__").get()), "'Members.meth'");
  EXPECT_EQ(ReprUtf8(GetAttrString(meth.get(), "__doc__").get()), "'a method'");
  EXPECT_EQ(GetAttrString(meth.get(), "__objclass__").get(), type_.get());
  // staticmethod and classmethod around any callable.
  Ref<> sm = StaticMethodNew(meth.get());
  EXPECT_EQ(ReprUtf8(sm.get()), "<staticmethod(<method 'meth' of 'm.Members' objects>)>");
  Ref<> got = Ref<>::Steal(sm->ob_type->tp_descr_get(sm.get(), obj_.get(), type_.get()));
  EXPECT_EQ(got.get(), meth.get());
  Ref<> r = CallOneArg(sm.get(), obj_.get());  // staticmethods are callable
  EXPECT_EQ(r.get(), obj_.get());
  Ref<> cm = ClassMethodNew(meth.get());
  Ref<> bound = Ref<>::Steal(cm->ob_type->tp_descr_get(cm.get(), obj_.get(), nullptr));
  ASSERT_TRUE(bound);
  EXPECT_TRUE(IsMethod(bound.get()));
  EXPECT_EQ(GetAttrString(bound.get(), "__self__").get(), type_.get());
}

TEST_F(DescriptorsTest, ObjectMemberReadWhileReplaced) {
  PyObject* o = obj_.get();
  ASSERT_EQ(SetAttrString(o, "objex", I(1000000).get()), 0);
  const long kWrites = testing_util::Scaled(20000, 500);
  std::atomic<bool> done{false};
  std::atomic<long> bad{0};
  const uint64_t seed = testing_util::Seed();
  RunThreads(4, [&](int id) {
    std::mt19937_64 rng(seed + static_cast<uint64_t>(id));
    if (id == 0) {
      for (long i = 1; i <= kWrites; ++i) {
        if (SetAttrString(o, "objex", I(1000000 + i).get()) != 0) bad.fetch_add(1);
        if (i % 16 == 0) Checkpoint();
      }
      done.store(true);
      return;
    }
    int64_t last = 0;
    while (!done.load(std::memory_order_relaxed)) {
      Ref<> v = GetAttrString(o, "objex");
      if (!v || !IsInt(v.get()) || IntValue(v.get()) < last) {
        bad.fetch_add(1);
      } else {
        last = IntValue(v.get());
      }
      Checkpoint();
      if (rng() % 8 == 0) std::this_thread::yield();
    }
  });
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(Get("objex"), std::to_string(1000000 + kWrites));
}

}  // namespace
}  // namespace ftrt
