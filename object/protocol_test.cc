// Tests for protocol.h: installing the protocol into runtimes (one after
// another, as tests and embedders do), the static types it readies once
// per process, and the C-level recursion guard.
#include "object/protocol.h"

#include <thread>

#include "gtest/gtest.h"
#include "object/bytes.h"
#include "object/call.h"
#include "object/none_bool.h"
#include "object/dict.h"
#include "object/dispatch.h"
#include "object/error_indicator.h"
#include "object/exceptions.h"
#include "object/int.h"
#include "object/list.h"
#include "object/methodobject.h"
#include "object/module.h"
#include "object/object.h"
#include "object/protocol_testing.h"
#include "object/str.h"
#include "object/tuple.h"
#include "object/typeobject.h"
#include "runtime/runtime.h"

namespace ftrt {
namespace {

using testing_util::ProtocolTest;
using testing_util::TakeError;

class ProtocolInstallTest : public ProtocolTest {};

TEST_F(ProtocolInstallTest, StaticTypesAreReady) {
  EXPECT_TRUE(ProtocolAvailable());
  InstallObjectProtocol(runtime());  // idempotent
  for (PyTypeObject* t :
       {ObjectType(), TypeType(), ListType(), DictType(), TupleType(), StrType(), BytesType(),
        IntType(), BoolType(), &PyCFunction_Type, &PyModule_Type,
        reinterpret_cast<PyTypeObject*>(PyExc_BaseException),
        reinterpret_cast<PyTypeObject*>(PyExc_UserWarning)}) {
    EXPECT_TRUE(t->tp_flags & Py_TPFLAGS_READY) << t->tp_name;
    EXPECT_NE(t->tp_mro, nullptr) << t->tp_name;
    EXPECT_TRUE(IsImmortal(t->tp_dict)) << t->tp_name;
    EXPECT_TRUE(t->tp_flags & Py_TPFLAGS_IMMUTABLETYPE) << t->tp_name;
  }
  EXPECT_EQ(TypeType()->tp_base, ObjectType());
  EXPECT_EQ(reinterpret_cast<PyObject*>(TypeType())->ob_type, TypeType());
  EXPECT_EQ(BoolType()->tp_base, IntType());
  EXPECT_TRUE(TypeIsSubtype(BoolType(), IntType()));
  EXPECT_EQ(ReprUtf8(reinterpret_cast<PyObject*>(DictType())), "<class 'dict'>");
}

TEST_F(ProtocolInstallTest, SecondRuntimeAlongside) {
  // A thread attached to another runtime has its own indicator there.
  std::thread([] {
    std::shared_ptr<Runtime> rt = Runtime::Init();
    InstallObjectProtocol(*rt);
    rt->Attach();
    EXPECT_TRUE(ProtocolAvailable());
    SetErrorString(PyExc_ValueError, "second runtime");
    EXPECT_EQ(TakeError(), "ValueError: second runtime");
    Ref<> l = ListNew().value();
    EXPECT_EQ(ReprUtf8(l.get()), "[]");
    l.Reset();
    rt->Detach();
    rt->ReleaseCurrentThread();
  }).join();
  EXPECT_FALSE(HasError());
}

PyObject* RecursiveRepr(PyObject* self) { return ObjectRepr(self).Release(); }

TEST_F(ProtocolInstallTest, RecursionGuard) {
  static PyType_Slot slots[] = {{Py_tp_repr, reinterpret_cast<void*>(RecursiveRepr)},
                                {Py_tp_new, reinterpret_cast<void*>(PyType_GenericNew)},
                                {0, nullptr}};
  static PyType_Spec spec = {"m.Deep", sizeof(PyObject), 0, Py_TPFLAGS_DEFAULT, slots};
  Ref<> t = TypeFromSpec(&spec);
  ASSERT_TRUE(t) << TakeError();
  Ref<> o = CallNoArgs(t.get());
  EXPECT_FALSE(ObjectRepr(o.get()));
  EXPECT_EQ(TakeError(),
            "RecursionError: maximum recursion depth exceeded while getting the repr of an object");
  // The depth unwound fully: a normal call still works.
  EXPECT_EQ(ReprUtf8(reinterpret_cast<PyObject*>(ObjectType())), "<class 'object'>");
}

}  // namespace
}  // namespace ftrt
