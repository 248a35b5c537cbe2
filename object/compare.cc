// Hashing, rich comparison and truth through the slots (see compare.h).
#include "object/compare.h"

#include "object/builtin_internal.h"
#include "object/errors.h"
#include "object/float.h"
#include "object/hash.h"
#include "object/int.h"
#include "object/none_bool.h"

extern "C" Py_hash_t PyObject_HashNotImplemented(PyObject* op) {
  ftrt::SetErrorIndicator(ftrt::UnhashableError(op->ob_type->tp_name));
  return -1;
}

namespace ftrt {
namespace {

// The type that supplies the hash / richcompare pair (see compare.h), or
// null for object's identity defaults.
const PyTypeObject* SlotOwner(const PyTypeObject* type) {
  for (const PyTypeObject* t = type; t != nullptr; t = t->tp_base) {
    if (t->tp_hash != nullptr || t->tp_richcompare != nullptr) return t;
  }
  return nullptr;
}

richcmpfunc RichCompareSlot(const PyTypeObject* type) {
  if (type->tp_richcompare != nullptr) return type->tp_richcompare;
  const PyTypeObject* owner = SlotOwner(type);
  return owner == nullptr ? nullptr : owner->tp_richcompare;
}

// Calls a slot; nullptr result -> the indicator's error.
absl::StatusOr<Ref<>> CallSlot(richcmpfunc f, PyObject* a, PyObject* b, int op) {
  PyObject* r = f(a, b, op);
  if (r == nullptr) return TakeErrorIndicator("rich comparison");
  return Ref<>::Steal(r);
}

}  // namespace

bool IsSubtype(const PyTypeObject* a, const PyTypeObject* b) {
  for (const PyTypeObject* t = a; t != nullptr; t = t->tp_base) {
    if (t == b) return true;
  }
  return false;
}

absl::StatusOr<Py_hash_t> Hash(PyObject* op) {
  const PyTypeObject* type = op->ob_type;
  hashfunc f = type->tp_hash;
  if (f == nullptr) {
    const PyTypeObject* owner = SlotOwner(type);
    if (owner == nullptr) return HashPointer(op);
    f = owner->tp_hash;
    if (f == nullptr) return UnhashableError(type->tp_name);  // __eq__ without __hash__
  }
  if (f == PyObject_HashNotImplemented) return UnhashableError(type->tp_name);
  const Py_hash_t h = f(op);
  if (h == -1) return TakeErrorIndicator("__hash__");
  return h;
}

absl::StatusOr<Ref<>> RichCompare(PyObject* a, PyObject* b, int op) {
  if (op < Py_LT || op > Py_GE) {
    return MakeError(ErrorKind::kSystemError, "bad rich comparison operator");
  }
  PyTypeObject* ta = a->ob_type;
  PyTypeObject* tb = b->ob_type;
  const int reflected = internal::ReflectedOp(op);
  bool checked_reverse = false;
  if (ta != tb && IsSubtype(tb, ta)) {
    if (richcmpfunc f = RichCompareSlot(tb); f != nullptr) {
      checked_reverse = true;
      absl::StatusOr<Ref<>> r = CallSlot(f, b, a, reflected);
      if (!r.ok() || r->get() != NotImplemented()) return r;
    }
  }
  if (richcmpfunc f = RichCompareSlot(ta); f != nullptr) {
    absl::StatusOr<Ref<>> r = CallSlot(f, a, b, op);
    if (!r.ok() || r->get() != NotImplemented()) return r;
  }
  if (!checked_reverse) {
    if (richcmpfunc f = RichCompareSlot(tb); f != nullptr) {
      absl::StatusOr<Ref<>> r = CallSlot(f, b, a, reflected);
      if (!r.ok() || r->get() != NotImplemented()) return r;
    }
  }
  switch (op) {
    case Py_EQ:
      return Ref<>::Steal(BoolFrom(a == b));
    case Py_NE:
      return Ref<>::Steal(BoolFrom(a != b));
    default:
      return Errorf(ErrorKind::kTypeError, "'%s' not supported between instances of '%s' and '%s'",
                    internal::CompareOpSymbol(op), ta->tp_name, tb->tp_name);
  }
}

absl::StatusOr<bool> RichCompareBool(PyObject* a, PyObject* b, int op) {
  if (a == b) {
    if (op == Py_EQ) return true;
    if (op == Py_NE) return false;
  }
  absl::StatusOr<Ref<>> r = RichCompare(a, b, op);
  if (!r.ok()) return r.status();
  return IsTrue(r->get());
}

absl::StatusOr<bool> IsTrue(PyObject* op) {
  if (op == True()) return true;
  if (op == False() || op == None()) return false;
  // Exact types only: a subclass may define its own __bool__ (nb_bool).
  if (IsIntExact(op)) return IntSign(op) != 0;
  if (IsFloatExact(op)) return FloatValue(op) != 0.0;
  PyTypeObject* type = op->ob_type;
  if (type->tp_as_number != nullptr && type->tp_as_number->nb_bool != nullptr) {
    const int r = type->tp_as_number->nb_bool(op);
    if (r < 0) return TakeErrorIndicator("__bool__");
    return r != 0;
  }
  lenfunc len = nullptr;
  if (type->tp_as_mapping != nullptr) len = type->tp_as_mapping->mp_length;
  if (len == nullptr && type->tp_as_sequence != nullptr) len = type->tp_as_sequence->sq_length;
  if (len != nullptr) {
    const Py_ssize_t n = len(op);
    if (n < 0) return TakeErrorIndicator("__len__");
    return n != 0;
  }
  return true;
}

}  // namespace ftrt
