// Tests for attributes.h: generic lookup with data and non-data
// descriptors and instance dicts, assignment, method lookup, and the
// shared-instance stress test (8 readers while one thread adds methods to
// the type and another mutates the instance dict).
#include "object/attributes.h"

#include <atomic>
#include <cstddef>
#include <random>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "object/call.h"
#include "object/descriptors.h"
#include "object/dict.h"
#include "object/dispatch.h"
#include "object/error_indicator.h"
#include "object/exceptions.h"
#include "object/int.h"
#include "object/intern.h"
#include "object/none_bool.h"
#include "object/object.h"
#include "object/protocol_testing.h"
#include "object/str.h"
#include "object/tuple.h"
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
using testing_util::U;

PyObject* AsObj(PyTypeObject* t) { return reinterpret_cast<PyObject*>(t); }
PyTypeObject* AsType(PyObject* o) { return reinterpret_cast<PyTypeObject*>(o); }

struct Shared {
  PyObject ob_base;
  long x;
  PyObject* label;
  PyObject* dict;
};

void SharedDealloc(PyObject* self) {
  PyTypeObject* tp = self->ob_type;
  UntrackObject(self);
  auto* s = reinterpret_cast<Shared*>(self);
  if (PyObject* o = std::exchange(s->label, nullptr)) Decref(o);
  if (PyObject* d = std::exchange(s->dict, nullptr)) Decref(d);
  tp->tp_free(self);
  Decref(AsObj(tp));
}

int SharedTraverse(PyObject* self, visitproc visit, void* arg) {
  auto* s = reinterpret_cast<Shared*>(self);
  for (PyObject* o : {s->label, s->dict, AsObj(self->ob_type)}) {
    if (o != nullptr) {
      if (int r = visit(o, arg)) return r;
    }
  }
  return 0;
}

PyObject* GetX(PyObject* self, PyObject*) {
  return IntFromInt64(reinterpret_cast<Shared*>(self)->x)->Release();
}
PyObject* AddX(PyObject* self, PyObject* arg) {
  return IntFromInt64(reinterpret_cast<Shared*>(self)->x + IntValue(arg))->Release();
}
PyObject* Version1(PyObject*, PyObject*) { return IntFromInt64(1)->Release(); }
PyObject* Version2(PyObject*, PyObject*) { return IntFromInt64(2)->Release(); }

PyMethodDef g_methods[] = {
    {"get_x", GetX, METH_NOARGS, nullptr},
    {"add", AddX, METH_O, nullptr},
    {nullptr, nullptr, 0, nullptr},
};
PyMemberDef g_members[] = {
    {"x", Py_T_LONG, offsetof(Shared, x), 0, nullptr},
    {"label", Py_T_OBJECT_EX, offsetof(Shared, label), 0, nullptr},
    {"ro", Py_T_LONG, offsetof(Shared, x), Py_READONLY, nullptr},
    {"__dictoffset__", Py_T_PYSSIZET, offsetof(Shared, dict), Py_READONLY, nullptr},
    {nullptr, 0, 0, 0, nullptr},
};
PyGetSetDef g_getset[] = {
    {"__dict__", PyObject_GenericGetDict, PyObject_GenericSetDict, nullptr, nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};
PyType_Slot g_slots[] = {
    {Py_tp_methods, g_methods},
    {Py_tp_members, g_members},
    {Py_tp_getset, g_getset},
    {Py_tp_dealloc, reinterpret_cast<void*>(SharedDealloc)},
    {Py_tp_traverse, reinterpret_cast<void*>(SharedTraverse)},
    {Py_tp_new, reinterpret_cast<void*>(PyType_GenericNew)},
    {0, nullptr},
};
PyType_Spec g_spec = {"m.Shared", sizeof(Shared), 0,
                      Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC, g_slots};

// A non-data descriptor whose __get__ returns "from-descriptor".
PyObject* NonDataGet(PyObject*, PyObject*, PyObject*) {
  return StrFromUtf8("from-descriptor")->Release();
}
PyType_Slot g_nondata_slots[] = {{Py_tp_descr_get, reinterpret_cast<void*>(NonDataGet)},
                                 {0, nullptr}};
PyType_Spec g_nondata_spec = {"m.NonData", sizeof(PyObject), 0, Py_TPFLAGS_DEFAULT,
                              g_nondata_slots};

std::string Get(PyObject* obj, const char* name) {
  Ref<> r = GetAttrString(obj, name);
  if (!r) return TakeError();
  return StrUtf8(r.get());
}

class AttributesTest : public ProtocolTest {
 protected:
  void SetUp() override {
    ProtocolTest::SetUp();
    type_ = TypeFromSpec(&g_spec);
    ASSERT_TRUE(type_) << TakeError();
    inst_ = CallNoArgs(type_.get());
    ASSERT_TRUE(inst_) << TakeError();
  }
  void TearDown() override {
    inst_.Reset();
    type_.Reset();
    ProtocolTest::TearDown();
  }
  PyTypeObject* type() { return AsType(type_.get()); }

  Ref<> type_;
  Ref<> inst_;
};

TEST_F(AttributesTest, DescriptorAndDictPrecedence) {
  PyObject* o = inst_.get();
  // A data descriptor (the member x) wins over the instance dict.
  ASSERT_EQ(SetAttrString(o, "x", I(5).get()), 0);
  PyObject* dict = GetInstanceDict(o, true);
  ASSERT_NE(dict, nullptr);
  ASSERT_TRUE(DictSetItem(dict, N("x"), I(99).get()).ok());
  EXPECT_EQ(Get(o, "x"), "5");
  // The instance dict wins over a non-data descriptor and a plain class
  // attribute.
  Ref<> nd_type = TypeFromSpec(&g_nondata_spec);
  ASSERT_TRUE(nd_type);
  Ref<> nd = CallNoArgs(nd_type.get());
  ASSERT_EQ(TypeSetAttr(type(), N("nd"), nd.get()), 0);
  ASSERT_EQ(TypeSetAttr(type(), N("plain"), I(1).get()), 0);
  EXPECT_EQ(Get(o, "nd"), "from-descriptor");
  EXPECT_EQ(Get(o, "plain"), "1");
  ASSERT_EQ(SetAttrString(o, "nd", S("from-dict").get()), 0);
  ASSERT_EQ(SetAttrString(o, "plain", I(2).get()), 0);
  EXPECT_EQ(Get(o, "nd"), "from-dict");
  EXPECT_EQ(Get(o, "plain"), "2");
  EXPECT_EQ(Get(type_.get(), "plain"), "1");
  ASSERT_EQ(DelAttr(o, N("plain")), 0);
  EXPECT_EQ(Get(o, "plain"), "1");
  EXPECT_EQ(DelAttr(o, N("plain")), -1);
  EXPECT_EQ(TakeError(), "AttributeError: 'm.Shared' object has no attribute 'plain'");
  // Errors.
  EXPECT_EQ(Get(o, "missing"), "AttributeError: 'm.Shared' object has no attribute 'missing'");
  EXPECT_EQ(SetAttrString(o, "ro", I(1).get()), -1);
  EXPECT_EQ(TakeError(), "AttributeError: readonly attribute");
  EXPECT_FALSE(GetAttr(o, I(3).get()));
  EXPECT_EQ(TakeError(), "TypeError: attribute name must be string, not 'int'");
  EXPECT_EQ(SetAttr(o, I(3).get(), I(3).get()), -1);
  EXPECT_EQ(TakeError(), "TypeError: attribute name must be string, not 'int'");
  EXPECT_EQ(HasAttr(o, N("x")), 1);
  EXPECT_EQ(HasAttr(o, N("missing")), 0);
  Ref<> r;
  EXPECT_EQ(GetOptionalAttr(o, N("missing"), &r), 0);
  EXPECT_FALSE(r);
  EXPECT_EQ(TakeError(), "");
  EXPECT_EQ(GetOptionalAttr(o, N("x"), &r), 1);
  EXPECT_EQ(StrUtf8(r.get()), "5");
  // The dict through __dict__.
  Ref<> d = GetAttrString(o, "__dict__");
  ASSERT_TRUE(d);
  EXPECT_EQ(d.get(), dict);
  Ref<> fresh = DictNew().value();
  ASSERT_TRUE(DictSetItemString(fresh.get(), "only", I(1).get()).ok());
  ASSERT_EQ(SetAttrString(o, "__dict__", fresh.get()), 0);
  EXPECT_EQ(Get(o, "only"), "1");
  EXPECT_EQ(Get(o, "nd"), "from-descriptor");  // replaced contents
  EXPECT_EQ(SetAttrString(o, "__dict__", I(1).get()), -1);
  EXPECT_EQ(TakeError(), "TypeError: __dict__ must be set to a dictionary, not a 'int'");
}

TEST_F(AttributesTest, GetMethodAvoidsBindingMethodDescriptors) {
  PyObject* o = inst_.get();
  ASSERT_EQ(SetAttrString(o, "x", I(40).get()), 0);
  {
    std::optional<StackRef> m;
    ASSERT_EQ(GetMethod(o, N("add"), &m), 1);
    EXPECT_EQ(m->get()->ob_type, &PyMethodDescr_Type);
    PyObject* args[] = {o, I(2).get()};
    Ref<> r = Vectorcall(m->get(), args, 2);
    ASSERT_TRUE(r) << TakeError();
    EXPECT_EQ(IntValue(r.get()), 42);
  }
  {
    // Shadowed by the instance dict: the dict's value, bound already.
    ASSERT_EQ(SetAttrString(o, "add", I(7).get()), 0);
    std::optional<StackRef> m;
    ASSERT_EQ(GetMethod(o, N("add"), &m), 0);
    EXPECT_EQ(IntValue(m->get()), 7);
  }
  {
    std::optional<StackRef> m;
    EXPECT_EQ(GetMethod(o, N("nope"), &m), -1);
    EXPECT_FALSE(m.has_value());
    EXPECT_EQ(TakeError(), "AttributeError: 'm.Shared' object has no attribute 'nope'");
  }
  // Through GetAttr, a method descriptor binds.
  Ref<> bound = GetAttrString(o, "get_x");
  ASSERT_TRUE(bound);
  EXPECT_EQ(StrUtf8(bound.get()).rfind("<built-in method get_x of m.Shared object at", 0), 0u);
  Ref<> r = CallNoArgs(bound.get());
  EXPECT_EQ(IntValue(r.get()), 40);
}

TEST_F(AttributesTest, LookupsHitTheCacheWithoutCountingDescriptors) {
  PyObject* o = inst_.get();
  ASSERT_EQ(SetAttrString(o, "x", I(3).get()), 0);
  Ref<> warm = GetAttrString(o, "x");
  const internal::TypeCacheStats before = internal::TypeCacheStatsForThread();
  const intptr_t descr_count = [&] {
    Ref<> d = TypeLookup(type(), N("x"));
    return Refcount(d.get());
  }();
  for (int i = 0; i < 100; ++i) {
    Ref<> v = GetAttrString(o, "x");
    ASSERT_EQ(IntValue(v.get()), 3);
    Ref<> missing;
    ASSERT_EQ(GetOptionalAttr(o, N("never"), &missing), 0);
  }
  const internal::TypeCacheStats after = internal::TypeCacheStatsForThread();
  EXPECT_GE(after.hits - before.hits, 200u);
  EXPECT_LE(after.misses - before.misses, 2u);
  Ref<> d = TypeLookup(type(), N("x"));
  EXPECT_EQ(Refcount(d.get()), descr_count);  // the reads took no reference
  EXPECT_TRUE(HasDeferredRefcount(d.get()));
}

// ---- the concurrency test --------------------------------------------

TEST_F(AttributesTest, ReadersWhileTypeAndInstanceDictMutate) {
  PyObject* o = inst_.get();
  ASSERT_EQ(SetAttrString(o, "x", I(5).get()), 0);
  ASSERT_EQ(SetAttrString(o, "d", I(0).get()), 0);
  static PyMethodDef v1 = {"extra", Version1, METH_NOARGS, nullptr};
  static PyMethodDef v2 = {"extra", Version2, METH_NOARGS, nullptr};
  {
    Ref<> m = NewMethodDescr(type(), &v1);
    ASSERT_EQ(TypeSetAttr(type(), N("extra"), m.get()), 0);
  }
  const long kReads = testing_util::Scaled(20000, 300);
  const long kWrites = testing_util::Scaled(4000, 100);
  constexpr int kReaders = 8;
  // The mutators stop early once the readers are done, but not before
  // this many writes: a mutator thread that starts after every reader has
  // finished (seen under TSan on 2 cores) still writes, so the final
  // checks below do not depend on thread start order.
  constexpr long kMinWrites = 16;
  std::atomic<int> running{kReaders};
  std::atomic<long> bad{0};
  const uint64_t seed = testing_util::Seed();
  RunThreads(kReaders + 2, [&](int id) {
    std::mt19937_64 rng(seed + static_cast<uint64_t>(id));
    if (id == kReaders) {
      // The type mutator: swaps "extra" between two versions and adds
      // new methods m0, m1, ... (each a new descriptor).
      for (long i = 0;
           i < kWrites && (i < kMinWrites || running.load(std::memory_order_relaxed) > 0); ++i) {
        Ref<> m = NewMethodDescr(type(), (i & 1) ? &v1 : &v2);
        if (!m || TypeSetAttr(type(), N("extra"), m.get()) != 0) bad.fetch_add(1);
        if (i % 16 == 0) {
          const std::string name = "m" + std::to_string(i / 16);
          Ref<> add = NewMethodDescr(type(), &v2);
          if (TypeSetAttr(type(), InternFromString(name), add.get()) != 0) bad.fetch_add(1);
        }
        Checkpoint();
        if (rng() % 4 == 0) std::this_thread::yield();
      }
      return;
    }
    if (id == kReaders + 1) {
      // The instance-dict mutator: "d" counts up; other keys come and go.
      for (long i = 1;
           i <= kWrites && (i <= kMinWrites || running.load(std::memory_order_relaxed) > 0); ++i) {
        if (SetAttrString(o, "d", I(i).get()) != 0) bad.fetch_add(1);
        const std::string key = "k" + std::to_string(i % 8);
        if (i % 3 == 0) {
          if (DelAttr(o, InternFromString(key)) != 0) ClearError();
        } else if (SetAttrString(o, key.c_str(), I(i).get()) != 0) {
          bad.fetch_add(1);
        }
        Checkpoint();
        if (rng() % 4 == 0) std::this_thread::yield();
      }
      return;
    }
    // Readers.
    long last_d = 0;
    for (long i = 0; i < kReads; ++i) {
      switch (rng() % 5) {
        case 0: {  // a member through its descriptor
          Ref<> x = GetAttrString(o, "x");
          if (!x || IntValue(x.get()) != 5) bad.fetch_add(1);
          break;
        }
        case 1: {  // the instance dict: never goes backwards
          Ref<> d = GetAttrString(o, "d");
          if (!d) {
            bad.fetch_add(1);
            break;
          }
          const long v = static_cast<long>(IntValue(d.get()));
          if (v < last_d || v > kWrites) bad.fetch_add(1);
          last_d = v;
          break;
        }
        case 2: {  // a method lookup and call
          Ref<> r = CallMethod(o, "add", {I(1).get()});
          if (!r || IntValue(r.get()) != 6) bad.fetch_add(1);
          break;
        }
        case 3: {  // the method being replaced: old or new
          Ref<> r = CallMethod(o, "extra", {});
          if (!r || (IntValue(r.get()) != 1 && IntValue(r.get()) != 2)) bad.fetch_add(1);
          break;
        }
        case 4: {  // a method being added: absent or working
          Ref<> r = CallMethod(o, "m1", {});
          if (r) {
            if (IntValue(r.get()) != 2) bad.fetch_add(1);
          } else if (!ExceptionMatches(PyExc_AttributeError)) {
            bad.fetch_add(1);
          } else {
            ClearError();
          }
          break;
        }
      }
      if (HasError()) {
        bad.fetch_add(1);
        ClearError();
      }
      if (i % 64 == 0) Checkpoint();
    }
    running.fetch_sub(1);
  });
  EXPECT_EQ(bad.load(), 0);
  Ref<> d = GetAttrString(o, "d");
  ASSERT_TRUE(d);
  EXPECT_GE(IntValue(d.get()), 1);
  EXPECT_LE(IntValue(d.get()), kWrites);
}

}  // namespace
}  // namespace ftrt
