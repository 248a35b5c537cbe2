// int (see int.h).
#include "object/int.h"

#include <array>
#include <cmath>
#include <compare>

#include "object/builtin_internal.h"
#include "object/errors.h"
#include "object/hash.h"
#include "object/none_bool.h"
#include "object/object.h"

namespace ftrt {
namespace internal {

Py_hash_t IntHashSlot(PyObject* op) { return HashInt64(IntValue(op)); }

PyObject* IntRichCompareSlot(PyObject* a, PyObject* b, int op) {
  // Other types (float included: it compares exactly, see float.cc) get
  // their reflected turn.
  if (!IsInt(a) || !IsInt(b)) return NotImplemented();
  return BoolResult(CompareSatisfies(IntValue(a) <=> IntValue(b), op));
}

}  // namespace internal

extern "C" {
constinit PyTypeObject PyLong_Type = [] {
  PyTypeObject t{};
  t.ob_base.ob_base = ::ftrt::internal::StaticObjectHeader(nullptr);
  t.tp_name = "int";
  t.tp_basicsize = sizeof(PyLongObject);
  t.tp_hash = internal::IntHashSlot;
  t.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_LONG_SUBCLASS |
               Py_TPFLAGS_IMMUTABLETYPE;
  t.tp_doc = "int(x=0) -> integer";
  t.tp_richcompare = internal::IntRichCompareSlot;
  return t;
}();
}  // extern "C"

namespace {

constexpr size_t kNumSmallInts = kSmallIntMax - kSmallIntMin + 1;

constexpr std::array<PyLongObject, kNumSmallInts> MakeSmallInts() {
  std::array<PyLongObject, kNumSmallInts> ints{};
  for (size_t i = 0; i < kNumSmallInts; ++i) {
    ints[i].ob_base = internal::StaticObjectHeader(&PyLong_Type);
    ints[i].ftrt_value = kSmallIntMin + static_cast<int64_t>(i);
  }
  return ints;
}

constinit std::array<PyLongObject, kNumSmallInts> g_small_ints = MakeSmallInts();

const bool g_types_ready = [] {
  InitStaticType(&PyLong_Type);
  return true;
}();

absl::Status OverflowError64() {
  return MakeError(ErrorKind::kOverflowError,
                   "int result does not fit in 64 bits (ftrt ints are 64-bit)");
}

absl::Status NotAnInt(const PyObject* op) {
  return Errorf(ErrorKind::kTypeError, "'%s' object cannot be interpreted as an integer",
                op->ob_type->tp_name);
}

absl::Status CheckInts(const PyObject* a, const PyObject* b, const char* symbol) {
  if (IsInt(a) && IsInt(b)) return absl::OkStatus();
  return Errorf(ErrorKind::kTypeError, "unsupported operand type(s) for %s: '%s' and '%s'", symbol,
                a->ob_type->tp_name, b->ob_type->tp_name);
}

}  // namespace

PyTypeObject* IntType() { return &PyLong_Type; }

PyObject* SmallInt(int64_t v) {
  FTRT_DCHECK(v >= kSmallIntMin && v <= kSmallIntMax, "SmallInt(%ld) out of range",
              static_cast<long>(v));
  return &g_small_ints[static_cast<size_t>(v - kSmallIntMin)].ob_base;
}

absl::StatusOr<Ref<>> IntFromInt64(int64_t v) {
  (void)g_types_ready;
  if (v >= kSmallIntMin && v <= kSmallIntMax) return Ref<>::Steal(SmallInt(v));
  Ref<IntObject> obj = NewObject<IntObject>(&PyLong_Type);
  if (!obj) return NoMemoryError();
  obj->ftrt_value = v;
  return Ref<>(std::move(obj));
}

absl::StatusOr<Ref<>> IntFromUint64(uint64_t v) {
  if (v > static_cast<uint64_t>(INT64_MAX)) return OverflowError64();
  return IntFromInt64(static_cast<int64_t>(v));
}

absl::StatusOr<Ref<>> IntFromDouble(double v) {
  if (std::isnan(v))
    return MakeError(ErrorKind::kValueError, "cannot convert float NaN to integer");
  if (std::isinf(v)) {
    return MakeError(ErrorKind::kOverflowError, "cannot convert float infinity to integer");
  }
  const double t = std::trunc(v);
  // [-2^63, 2^63) is exactly the doubles that convert.
  if (t < -9223372036854775808.0 || t >= 9223372036854775808.0) return OverflowError64();
  return IntFromInt64(static_cast<int64_t>(t));
}

absl::StatusOr<int64_t> IntAsInt64(const PyObject* op) {
  if (!IsInt(op)) return NotAnInt(op);
  return IntValue(op);
}

absl::StatusOr<int32_t> IntAsInt32(const PyObject* op) {
  if (!IsInt(op)) return NotAnInt(op);
  const int64_t v = IntValue(op);
  if (v < INT32_MIN || v > INT32_MAX) {
    return MakeError(ErrorKind::kOverflowError, "Python int too large to convert to C int");
  }
  return static_cast<int32_t>(v);
}

absl::StatusOr<uint64_t> IntAsUint64(const PyObject* op) {
  if (!IsInt(op)) return NotAnInt(op);
  const int64_t v = IntValue(op);
  if (v < 0) return MakeError(ErrorKind::kOverflowError, "can't convert negative int to unsigned");
  return static_cast<uint64_t>(v);
}

absl::StatusOr<Ref<>> IntAdd(const PyObject* a, const PyObject* b) {
  if (absl::Status s = CheckInts(a, b, "+"); !s.ok()) return s;
  int64_t r;
  if (__builtin_add_overflow(IntValue(a), IntValue(b), &r)) return OverflowError64();
  return IntFromInt64(r);
}

absl::StatusOr<Ref<>> IntSubtract(const PyObject* a, const PyObject* b) {
  if (absl::Status s = CheckInts(a, b, "-"); !s.ok()) return s;
  int64_t r;
  if (__builtin_sub_overflow(IntValue(a), IntValue(b), &r)) return OverflowError64();
  return IntFromInt64(r);
}

absl::StatusOr<Ref<>> IntMultiply(const PyObject* a, const PyObject* b) {
  if (absl::Status s = CheckInts(a, b, "*"); !s.ok()) return s;
  int64_t r;
  if (__builtin_mul_overflow(IntValue(a), IntValue(b), &r)) return OverflowError64();
  return IntFromInt64(r);
}

namespace {

// Python's floor division and modulo; the caller checked d != 0 and the
// one overflowing case (INT64_MIN // -1).
void FloorDivMod(int64_t n, int64_t d, int64_t* q, int64_t* r) {
  int64_t qq = n / d;
  int64_t rr = n % d;
  if (rr != 0 && ((rr < 0) != (d < 0))) {
    qq -= 1;
    rr += d;
  }
  *q = qq;
  *r = rr;
}

absl::Status CheckDivision(const PyObject* a, const PyObject* b, const char* symbol) {
  if (absl::Status s = CheckInts(a, b, symbol); !s.ok()) return s;
  if (IntValue(b) == 0) {
    return MakeError(ErrorKind::kZeroDivisionError, "integer division or modulo by zero");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Ref<>> IntFloorDivide(const PyObject* a, const PyObject* b) {
  if (absl::Status s = CheckDivision(a, b, "//"); !s.ok()) return s;
  if (IntValue(a) == INT64_MIN && IntValue(b) == -1) return OverflowError64();
  int64_t q, r;
  FloorDivMod(IntValue(a), IntValue(b), &q, &r);
  return IntFromInt64(q);
}

absl::StatusOr<Ref<>> IntRemainder(const PyObject* a, const PyObject* b) {
  if (absl::Status s = CheckDivision(a, b, "%"); !s.ok()) return s;
  if (IntValue(b) == -1) return IntFromInt64(0);
  int64_t q, r;
  FloorDivMod(IntValue(a), IntValue(b), &q, &r);
  return IntFromInt64(r);
}

absl::StatusOr<Ref<>> IntNegate(const PyObject* a) {
  if (!IsInt(a)) {
    return Errorf(ErrorKind::kTypeError, "bad operand type for unary -: '%s'", a->ob_type->tp_name);
  }
  if (IntValue(a) == INT64_MIN) return OverflowError64();
  return IntFromInt64(-IntValue(a));
}

}  // namespace ftrt
