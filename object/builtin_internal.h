// Internal helpers shared by the built-in types' .cc files: static type and
// static object headers, rich-comparison results, sizes.
#ifndef FTRT_OBJECT_BUILTIN_INTERNAL_H_
#define FTRT_OBJECT_BUILTIN_INTERNAL_H_

#include <compare>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#include "object/builtin_layouts.h"
#include "object/cpython_types.h"
#include "object/none_bool.h"
#include "object/ref.h"

namespace ftrt::internal {

// A C slot's return value from a C++ result: the new reference, or null
// with the error in the indicator (errors.h), as slots report failures.
PyObject* SlotResult(absl::StatusOr<Ref<>> r);

// A binary slot's "not for this pair of operands" (a new reference).
inline PyObject* NotImplementedResult() { return Ref<>::NewRef(NotImplemented()).Release(); }

// The header of an object in static storage (immortal, unowned, STATIC),
// as PyObject_HEAD_INIT writes it; usable in constant initialization.
constexpr PyObject StaticObjectHeader(PyTypeObject* type) {
  return PyObject{0, FTRT_OBJ_FLAG_STATIC, {0}, 0, FTRT_IMMORTAL_REFCNT_LOCAL, 0, type};
}

// Whether a three-way comparison satisfies the rich-comparison `op`
// (Py_LT .. Py_GE). An unordered result (a NaN) satisfies only Py_NE.
inline bool CompareSatisfies(std::partial_ordering c, int op) {
  switch (op) {
    case Py_LT:
      return c < 0;
    case Py_LE:
      return c <= 0;
    case Py_EQ:
      return c == 0;
    case Py_NE:
      return c != 0;
    case Py_GT:
      return c > 0;
    case Py_GE:
      return c >= 0;
  }
  return false;
}

// A rich-comparison slot's result: True or False (immortal, so returning
// them needs no increment, yet the caller may treat them as new references).
inline PyObject* BoolResult(bool b) { return b ? True() : False(); }

// The operator's spelling, for TypeErrors ("'<' not supported ...").
inline const char* CompareOpSymbol(int op) {
  static constexpr const char* kSymbols[] = {"<", "<=", "==", "!=", ">", ">="};
  return op >= 0 && op < 6 ? kSymbols[op] : "?";
}

// The reflected operator (a < b is b > a).
inline int ReflectedOp(int op) {
  static constexpr int kReflected[] = {Py_GT, Py_GE, Py_EQ, Py_NE, Py_LT, Py_LE};
  return kReflected[op];
}

// tp_dealloc of static singletons: reaching it is a refcounting bug.
[[noreturn]] void ImmortalDealloc(PyObject* op);

// TypeError "<what> must be str, not <type>" (str.cc).
absl::Status NotAStr(const char* what, const PyObject* op);

}  // namespace ftrt::internal

#endif  // FTRT_OBJECT_BUILTIN_INTERNAL_H_
