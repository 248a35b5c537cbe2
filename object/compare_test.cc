// Tests for object/compare.h's dispatch with types defined at run time:
// reflected operands, subclass priority, NotImplemented, identity
// fallbacks, slot errors through the interim indicator, inherited slots.
#include "object/compare.h"

#include "gtest/gtest.h"
#include "object/builtin_test_env.h"
#include "object/errors.h"
#include "object/hash.h"
#include "object/int.h"
#include "object/none_bool.h"
#include "object/object.h"

namespace ftrt {
namespace {

using CompareTest = testing_util::RuntimeTest;

struct Box {
  PyObject ob_base;
  int64_t value;
};

int g_calls = 0;

// Compares Boxes by value; records which side's slot ran.
PyObject* BoxRichCompare(PyObject* a, PyObject* b, int op) {
  ++g_calls;
  if (!IsInt(b) && b->ob_type->tp_richcompare != BoxRichCompare &&
      (b->ob_type->tp_base == nullptr || b->ob_type->tp_base->tp_richcompare != BoxRichCompare)) {
    return NotImplemented();
  }
  const int64_t va = reinterpret_cast<Box*>(a)->value;
  const int64_t vb = IsInt(b) ? IntValue(b) : reinterpret_cast<Box*>(b)->value;
  bool r = false;
  switch (op) {
    case Py_LT:
      r = va < vb;
      break;
    case Py_LE:
      r = va <= vb;
      break;
    case Py_EQ:
      r = va == vb;
      break;
    case Py_NE:
      r = va != vb;
      break;
    case Py_GT:
      r = va > vb;
      break;
    case Py_GE:
      r = va >= vb;
      break;
  }
  return BoolFrom(r);
}

Py_hash_t FailingHash(PyObject*) {
  SetErrorIndicator(MakeError(ErrorKind::kValueError, "no hash today"));
  return -1;
}

PyObject* FailingCompare(PyObject*, PyObject*, int) {
  SetErrorIndicator(MakeError(ErrorKind::kRuntimeError, "no comparison today"));
  return nullptr;
}

Ref<PyTypeObject> MakeType(const char* name, PyTypeObject* base = nullptr) {
  HeapTypeSpec spec;
  spec.name = name;
  spec.basicsize = sizeof(Box);
  spec.base = base;
  return *NewHeapType(spec);
}

Ref<> MakeBox(PyTypeObject* type, int64_t v) {
  Ref<Box> b = NewObject<Box>(type);
  b->value = v;
  return Ref<>(std::move(b));
}

TEST_F(CompareTest, ObjectDefaultsAreIdentity) {
  Ref<PyTypeObject> plain = MakeType("Plain");
  Ref<> a = MakeBox(plain.get(), 1);
  Ref<> b = MakeBox(plain.get(), 1);
  EXPECT_TRUE(*RichCompareBool(a.get(), a.get(), Py_EQ));
  EXPECT_FALSE(*RichCompareBool(a.get(), b.get(), Py_EQ));
  EXPECT_TRUE(*RichCompareBool(a.get(), b.get(), Py_NE));
  EXPECT_EQ(*Hash(a.get()), HashPointer(a.get()));
  absl::StatusOr<bool> lt = RichCompareBool(a.get(), b.get(), Py_LT);
  EXPECT_EQ(lt.status().message(), "'<' not supported between instances of 'Plain' and 'Plain'");
  EXPECT_TRUE(*IsTrue(a.get()));
}

TEST_F(CompareTest, SlotsDispatchReflectAndInherit) {
  Ref<PyTypeObject> box = MakeType("Box");
  box->tp_richcompare = BoxRichCompare;
  Ref<PyTypeObject> sub = MakeType("SubBox", box.get());  // inherits the slot
  Ref<> b1 = MakeBox(box.get(), 1);
  Ref<> b2 = MakeBox(box.get(), 2);
  Ref<> s3 = MakeBox(sub.get(), 3);
  EXPECT_TRUE(*RichCompareBool(b1.get(), b2.get(), Py_LT));
  EXPECT_TRUE(*RichCompareBool(s3.get(), b2.get(), Py_GT));
  // int's slot declines a Box; the Box's reflected slot answers 5 > box(2).
  EXPECT_TRUE(*RichCompareBool(IntFromInt64(5)->get(), b2.get(), Py_GT));
  // The subclass on the right goes first (reflected), once.
  g_calls = 0;
  EXPECT_TRUE(*RichCompareBool(b2.get(), s3.get(), Py_LT));
  EXPECT_EQ(g_calls, 1);
  // __eq__ without __hash__ is unhashable, as in Python.
  absl::StatusOr<Py_hash_t> h = Hash(b1.get());
  EXPECT_EQ(h.status().message(), "unhashable type: 'Box'");
  EXPECT_EQ(Hash(s3.get()).status().message(), "unhashable type: 'SubBox'");
}

TEST_F(CompareTest, SlotErrorsComeBackAsStatuses) {
  Ref<PyTypeObject> bad = MakeType("Bad");
  bad->tp_hash = FailingHash;
  bad->tp_richcompare = FailingCompare;
  Ref<> x = MakeBox(bad.get(), 0);
  absl::StatusOr<Py_hash_t> h = Hash(x.get());
  EXPECT_EQ(KindOf(h.status()), ErrorKind::kValueError);
  EXPECT_EQ(h.status().message(), "no hash today");
  absl::StatusOr<bool> eq = RichCompareBool(x.get(), None(), Py_EQ);
  EXPECT_EQ(KindOf(eq.status()), ErrorKind::kRuntimeError);
  EXPECT_FALSE(ErrorIndicatorSet());
  // Identity still short-circuits equality, without calling the slot.
  EXPECT_TRUE(*RichCompareBool(x.get(), x.get(), Py_EQ));
  EXPECT_EQ(KindOf(RichCompare(x.get(), x.get(), 7).status()), ErrorKind::kSystemError);
}

TEST_F(CompareTest, HashNotImplementedIsUnhashable) {
  Ref<PyTypeObject> t = MakeType("Unhashable");
  t->tp_hash = PyObject_HashNotImplemented;
  Ref<> x = MakeBox(t.get(), 0);
  EXPECT_EQ(Hash(x.get()).status().message(), "unhashable type: 'Unhashable'");
  EXPECT_EQ(PyObject_HashNotImplemented(x.get()), -1);
  EXPECT_EQ(TakeErrorIndicator().message(), "unhashable type: 'Unhashable'");
}

TEST_F(CompareTest, IsSubtypeWalksBases) {
  EXPECT_TRUE(IsSubtype(BoolType(), IntType()));
  EXPECT_FALSE(IsSubtype(IntType(), BoolType()));
  EXPECT_TRUE(IsSubtype(IntType(), IntType()));
}

}  // namespace
}  // namespace ftrt
