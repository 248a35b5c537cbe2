// Tests for methodobject.h: builtin functions and bound methods as
// objects (names, repr, equality, hash, members), and their creation
// errors.
#include "object/methodobject.h"

#include <string>

#include "gtest/gtest.h"
#include "object/attributes.h"
#include "object/call.h"
#include "object/dispatch.h"
#include "object/error_indicator.h"
#include "object/int.h"
#include "object/module.h"
#include "object/none_bool.h"
#include "object/object.h"
#include "object/protocol_testing.h"
#include "object/str.h"
#include "object/typeobject.h"

namespace ftrt {
namespace {

using testing_util::I;
using testing_util::ProtocolTest;
using testing_util::S;
using testing_util::TakeError;

PyObject* Ident(PyObject* self, PyObject* arg) {
  (void)self;
  return Ref<>::NewRef(arg).Release();
}
PyObject* SelfOf(PyObject* self, PyObject*) { return Ref<>::NewRef(self ? self : None()).Release(); }

PyMethodDef g_ident = {"ident", Ident, METH_O, "returns its argument"};
PyMethodDef g_self_of = {"self_of", SelfOf, METH_NOARGS, nullptr};

class MethodObjectTest : public ProtocolTest {};

TEST_F(MethodObjectTest, BuiltinFunctionObjects) {
  Ref<> module = ModuleNew("mod");
  Ref<> name = S("mod");
  Ref<> f = CFunctionNew(&g_ident, module.get(), name.get());
  ASSERT_TRUE(f) << TakeError();
  EXPECT_TRUE(IsCFunction(f.get()));
  EXPECT_EQ(ReprUtf8(f.get()), "<built-in function ident>");
  EXPECT_EQ(ReprUtf8(GetAttrString(f.get(), "__name__").get()), "'ident'");
  EXPECT_EQ(ReprUtf8(GetAttrString(f.get(), "__qualname__").get()), "'ident'");
  EXPECT_EQ(ReprUtf8(GetAttrString(f.get(), "__module__").get()), "'mod'");
  EXPECT_EQ(ReprUtf8(GetAttrString(f.get(), "__doc__").get()), "'returns its argument'");
  EXPECT_EQ(GetAttrString(f.get(), "__self__").get(), module.get());
  EXPECT_EQ(internal::CFunctionStr(f.get()), "mod.ident()");
  Ref<> same = CFunctionNew(&g_ident, module.get(), name.get());
  EXPECT_EQ(ObjectRichCompareBool(f.get(), same.get(), Py_EQ), 1);
  EXPECT_EQ(ObjectHash(f.get()), ObjectHash(same.get()));
  Ref<> other_self = CFunctionNew(&g_ident, nullptr);
  EXPECT_EQ(ObjectRichCompareBool(f.get(), other_self.get(), Py_EQ), 0);
  EXPECT_EQ(internal::CFunctionStr(other_self.get()), "ident()");
  EXPECT_EQ(GetAttrString(other_self.get(), "__self__").get(), None());
  // Bound to an instance: a builtin method.
  Ref<> obj = CallNoArgs(reinterpret_cast<PyObject*>(ObjectType()));
  Ref<> m = CFunctionNew(&g_self_of, obj.get());
  char expect[128];
  std::snprintf(expect, sizeof expect, "<built-in method self_of of object object at %p>",
                static_cast<void*>(obj.get()));
  EXPECT_EQ(ReprUtf8(m.get()), expect);
  EXPECT_EQ(ReprUtf8(GetAttrString(m.get(), "__qualname__").get()), "'object.self_of'");
  EXPECT_EQ(CallNoArgs(m.get()).get(), obj.get());
}

TEST_F(MethodObjectTest, CreationErrors) {
  static PyMethodDef bad = {"bad", Ident, METH_O | METH_NOARGS, nullptr};
  EXPECT_FALSE(CFunctionNew(&bad, nullptr));
  EXPECT_EQ(TakeError(), "SystemError: bad() method: bad call flags");
  static PyMethodDef needs_class = {"nc", reinterpret_cast<PyCFunction>(+[]() {}),
                                    METH_METHOD | METH_FASTCALL | METH_KEYWORDS, nullptr};
  EXPECT_FALSE(CFunctionNew(&needs_class, nullptr));
  EXPECT_EQ(TakeError(),
            "SystemError: attempting to create PyCMethod with a METH_METHOD flag but no class");
  EXPECT_FALSE(CFunctionNew(&g_ident, nullptr, nullptr, ObjectType()));
  EXPECT_EQ(TakeError(),
            "SystemError: attempting to create PyCFunction with class but no METH_METHOD flag");
  EXPECT_FALSE(MethodNew(nullptr, nullptr));
  EXPECT_EQ(TakeError(), "SystemError: bad argument to internal function");
}

TEST_F(MethodObjectTest, BoundMethods) {
  Ref<> f = CFunctionNew(&g_ident, nullptr);
  Ref<> self = S("me");
  Ref<> m = MethodNew(f.get(), self.get());
  ASSERT_TRUE(m);
  EXPECT_EQ(GetAttrString(m.get(), "__func__").get(), f.get());
  EXPECT_EQ(GetAttrString(m.get(), "__self__").get(), self.get());
  EXPECT_EQ(ReprUtf8(m.get()), "<bound method ident of 'me'>");
  EXPECT_EQ(CallNoArgs(m.get()).get(), self.get());  // ident(self)
  Ref<> m2 = MethodNew(f.get(), self.get());
  EXPECT_EQ(ObjectRichCompareBool(m.get(), m2.get(), Py_EQ), 1);
  EXPECT_EQ(ObjectHash(m.get()), ObjectHash(m2.get()));
  Ref<> other = S("other");
  Ref<> m3 = MethodNew(f.get(), other.get());
  EXPECT_EQ(ObjectRichCompareBool(m.get(), m3.get(), Py_EQ), 0);
  EXPECT_EQ(CallOneArg(m.get(), I(1).get()), nullptr);
  EXPECT_EQ(TakeError(), "TypeError: ident() takes exactly one argument (2 given)");
}

}  // namespace
}  // namespace ftrt
