// float (see float.h).
#include "object/float.h"

#include <cmath>

#include "object/builtin_internal.h"
#include "object/complex.h"
#include "object/errors.h"
#include "object/hash.h"
#include "object/int.h"
#include "object/none_bool.h"
#include "object/object.h"
#include "object/tuple.h"

namespace ftrt {
namespace {

Py_hash_t FloatHashSlot(PyObject* op) { return HashDouble(FloatValue(op), op); }

PyObject* FloatRichCompareSlot(PyObject* a, PyObject* b, int op) {
  // a is a float (the slot is float's) or, reflected, b is.
  std::partial_ordering c = std::partial_ordering::unordered;
  if (IsFloat(a) && IsFloat(b)) {
    c = FloatValue(a) <=> FloatValue(b);
  } else if (IsFloat(a) && IsInt(b)) {
    c = 0 <=> IntCompareDouble(b, FloatValue(a));
  } else if (IsInt(a) && IsFloat(b)) {
    c = IntCompareDouble(a, FloatValue(b));
  } else {
    return NotImplemented();
  }
  return internal::BoolResult(internal::CompareSatisfies(c, op));
}

// --- float's number slots ----------------------------------------------------------
//
// C slots (number.h calls them with both orders of operands): either
// operand may be an int (converted to the nearest double; OverflowError
// for one beyond the double range, as CPython); any other pair answers
// NotImplemented. The results and errors are Python's: floor division and
// modulo round toward negative infinity and the remainder takes the
// divisor's sign.

bool AsDouble(const PyObject* op, double* out) {
  if (IsFloat(op)) {
    *out = FloatValue(op);
    return true;
  }
  if (IsInt(op)) {
    absl::StatusOr<double> d = IntAsDouble(op);
    *out = d.ok() ? *d : IntSign(op) * HUGE_VAL;  // (IntOverflowsDouble refuses it)
    return true;
  }
  return false;
}

PyObject* NewFloat(double v) { return internal::SlotResult(FloatFromDouble(v)); }

PyObject* Raise(ErrorKind kind, const char* message) {
  SetErrorIndicator(MakeError(kind, message));
  return nullptr;
}

// Python's divmod on doubles (wx != 0): *mod takes wx's sign, *div is the
// floored quotient, rounded to the nearest integral double.
void DivMod(double vx, double wx, double* div_out, double* mod_out) {
  double mod = std::fmod(vx, wx);
  double div = (vx - mod) / wx;
  if (mod != 0.0) {
    if ((wx < 0) != (mod < 0)) {
      mod += wx;
      div -= 1.0;
    }
  } else {
    mod = std::copysign(0.0, wx);
  }
  double floordiv;
  if (div != 0.0) {
    floordiv = std::floor(div);
    if (div - floordiv > 0.5) floordiv += 1.0;
  } else {
    floordiv = std::copysign(0.0, vx / wx);
  }
  *div_out = floordiv;
  *mod_out = mod;
}

template <typename Op>
PyObject* Binary(PyObject* a, PyObject* b, Op op) {
  double x, y;
  if (!AsDouble(a, &x) || !AsDouble(b, &y)) return internal::NotImplementedResult();
  if (internal::IntOverflowsDouble(a) || internal::IntOverflowsDouble(b)) return nullptr;
  return op(x, y);
}

PyObject* FloatAddSlot(PyObject* a, PyObject* b) {
  return Binary(a, b, [](double x, double y) { return NewFloat(x + y); });
}
PyObject* FloatSubtractSlot(PyObject* a, PyObject* b) {
  return Binary(a, b, [](double x, double y) { return NewFloat(x - y); });
}
PyObject* FloatMultiplySlot(PyObject* a, PyObject* b) {
  return Binary(a, b, [](double x, double y) { return NewFloat(x * y); });
}
PyObject* FloatTrueDivideSlot(PyObject* a, PyObject* b) {
  return Binary(a, b, [](double x, double y) {
    if (y == 0.0) return Raise(ErrorKind::kZeroDivisionError, "float division by zero");
    return NewFloat(x / y);
  });
}
PyObject* FloatFloorDivideSlot(PyObject* a, PyObject* b) {
  return Binary(a, b, [](double x, double y) {
    if (y == 0.0) return Raise(ErrorKind::kZeroDivisionError, "float floor division by zero");
    double div, mod;
    DivMod(x, y, &div, &mod);
    return NewFloat(div);
  });
}
PyObject* FloatRemainderSlot(PyObject* a, PyObject* b) {
  return Binary(a, b, [](double x, double y) {
    if (y == 0.0) return Raise(ErrorKind::kZeroDivisionError, "float modulo by zero");
    double div, mod;
    DivMod(x, y, &div, &mod);
    return NewFloat(mod);
  });
}
PyObject* FloatDivmodSlot(PyObject* a, PyObject* b) {
  return Binary(a, b, [](double x, double y) -> PyObject* {
    if (y == 0.0) return Raise(ErrorKind::kZeroDivisionError, "float divmod()");
    double div, mod;
    DivMod(x, y, &div, &mod);
    absl::StatusOr<Ref<>> d = FloatFromDouble(div);
    if (!d.ok()) return internal::SlotResult(std::move(d));
    absl::StatusOr<Ref<>> m = FloatFromDouble(mod);
    if (!m.ok()) return internal::SlotResult(std::move(m));
    PyObject* items[] = {d->get(), m->get()};
    return internal::SlotResult(TupleFromItems(items));
  });
}

// x ** y with Python's special cases. A negative base to a non-integral
// power is a complex number: complex's slot computes it (complex.h).
PyObject* FloatPowerSlot(PyObject* a, PyObject* b, PyObject* mod) {
  double x, y;
  if (!AsDouble(a, &x) || !AsDouble(b, &y)) return internal::NotImplementedResult();
  if (internal::IntOverflowsDouble(a) || internal::IntOverflowsDouble(b)) return nullptr;
  if (mod != None()) {
    return Raise(ErrorKind::kTypeError,
                 "pow() 3rd argument not allowed unless all arguments are integers");
  }
  if (y == 0.0) return NewFloat(1.0);
  if (std::isnan(x)) return NewFloat(x);
  if (x == 0.0 && y < 0.0 && std::isfinite(y)) {
    return Raise(ErrorKind::kZeroDivisionError, "0.0 cannot be raised to a negative power");
  }
  if (x < 0.0 && std::isfinite(x) && std::isfinite(y) && y != std::floor(y)) {
    return internal::ComplexPowerSlot(a, b, mod);
  }
  const double r = std::pow(x, y);
  if (std::isinf(r) && std::isfinite(x) && std::isfinite(y)) {
    return Raise(ErrorKind::kOverflowError, "Numerical result out of range");
  }
  return NewFloat(r);
}

PyObject* FloatNegativeSlot(PyObject* a) { return NewFloat(-FloatValue(a)); }
// +x and float(x): x itself when it is an exact float, else (a subclass
// instance) an exact float of its value, as CPython's float_float.
PyObject* FloatExactSlot(PyObject* a) {
  return IsFloatExact(a) ? Ref<>::NewRef(a).Release() : NewFloat(FloatValue(a));
}
PyObject* FloatAbsoluteSlot(PyObject* a) { return NewFloat(std::fabs(FloatValue(a))); }
int FloatBoolSlot(PyObject* a) { return FloatValue(a) != 0.0; }
PyObject* FloatIntSlot(PyObject* a) { return internal::SlotResult(IntFromDouble(FloatValue(a))); }

constinit PyNumberMethods g_float_number_methods = [] {
  PyNumberMethods m{};
  m.nb_add = FloatAddSlot;
  m.nb_subtract = FloatSubtractSlot;
  m.nb_multiply = FloatMultiplySlot;
  m.nb_remainder = FloatRemainderSlot;
  m.nb_divmod = FloatDivmodSlot;
  m.nb_power = FloatPowerSlot;
  m.nb_negative = FloatNegativeSlot;
  m.nb_positive = FloatExactSlot;
  m.nb_absolute = FloatAbsoluteSlot;
  m.nb_bool = FloatBoolSlot;
  m.nb_int = FloatIntSlot;
  m.nb_float = FloatExactSlot;
  m.nb_floor_divide = FloatFloorDivideSlot;
  m.nb_true_divide = FloatTrueDivideSlot;
  return m;
}();

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
  t.tp_as_number = &g_float_number_methods;
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

absl::StatusOr<Ref<>> FloatSubtypeCopy(PyTypeObject* type, const PyObject* value) {
  Ref<> obj = Ref<>::Steal(type->tp_alloc(type, 0));
  if (!obj) return TakeErrorIndicator("tp_alloc");
  reinterpret_cast<FloatObject*>(obj.get())->ob_fval = FloatValue(value);
  return obj;
}

absl::StatusOr<double> FloatAsDouble(const PyObject* op) {
  if (IsFloat(op)) return FloatValue(op);
  if (IsInt(op)) return IntAsDouble(op);
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
