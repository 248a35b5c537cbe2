// float (see float.h).
#include "object/float.h"

#include <cmath>

#include "object/builtin_internal.h"
#include "object/errors.h"
#include "object/hash.h"
#include "object/int.h"
#include "object/none_bool.h"
#include "object/object.h"

namespace ftrt {
namespace {

Py_hash_t FloatHashSlot(PyObject* op) { return HashDouble(FloatValue(op), op); }

PyObject* FloatRichCompareSlot(PyObject* a, PyObject* b, int op) {
  // a is a float (the slot is float's) or, reflected, b is.
  std::partial_ordering c = std::partial_ordering::unordered;
  if (IsFloat(a) && IsFloat(b)) {
    c = FloatValue(a) <=> FloatValue(b);
  } else if (IsFloat(a) && IsInt(b)) {
    c = 0 <=> CompareInt64Double(IntValue(b), FloatValue(a));
  } else if (IsInt(a) && IsFloat(b)) {
    c = CompareInt64Double(IntValue(a), FloatValue(b));
  } else {
    return NotImplemented();
  }
  return internal::BoolResult(internal::CompareSatisfies(c, op));
}

}  // namespace

extern "C" {
constinit PyTypeObject PyFloat_Type = [] {
  PyTypeObject t{};
  t.ob_base.ob_base = ::ftrt::internal::StaticObjectHeader(nullptr);
  t.tp_name = "float";
  t.tp_basicsize = sizeof(PyFloatObject);
  t.tp_hash = FloatHashSlot;
  t.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_IMMUTABLETYPE;
  t.tp_doc = "float(x=0, /) -> floating-point number";
  t.tp_richcompare = FloatRichCompareSlot;
  return t;
}();
}  // extern "C"

namespace {
const bool g_types_ready = [] {
  InitStaticType(&PyFloat_Type);
  return true;
}();
}  // namespace

PyTypeObject* FloatType() { return (void)g_types_ready, &PyFloat_Type; }

absl::StatusOr<Ref<>> FloatFromDouble(double v) {
  Ref<FloatObject> obj = NewObject<FloatObject>(&PyFloat_Type);
  if (!obj) return NoMemoryError();
  obj->ob_fval = v;
  return Ref<>(std::move(obj));
}

absl::StatusOr<double> FloatAsDouble(const PyObject* op) {
  if (IsFloat(op)) return FloatValue(op);
  if (IsInt(op)) return static_cast<double>(IntValue(op));
  return Errorf(ErrorKind::kTypeError, "must be real number, not %s", op->ob_type->tp_name);
}

std::partial_ordering CompareInt64Double(int64_t i, double d) {
  if (std::isnan(d)) return std::partial_ordering::unordered;
  // Every int64 lies in [-2^63, 2^63).
  if (d >= 9223372036854775808.0) return std::partial_ordering::less;
  if (d < -9223372036854775808.0) return std::partial_ordering::greater;
  // d's integer part is exactly an int64; compare with it, then let the
  // fraction break a tie.
  const double t = std::trunc(d);
  const int64_t ti = static_cast<int64_t>(t);
  if (i != ti) return i < ti ? std::partial_ordering::less : std::partial_ordering::greater;
  const double frac = d - t;
  if (frac > 0) return std::partial_ordering::less;
  if (frac < 0) return std::partial_ordering::greater;
  return std::partial_ordering::equivalent;
}

}  // namespace ftrt
