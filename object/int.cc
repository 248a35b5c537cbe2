// int (see int.h).
#include "object/int.h"

#include <array>
#include <cmath>
#include <compare>

#include "object/builtin_internal.h"
#include "object/errors.h"
#include "object/float.h"
#include "object/hash.h"
#include "object/none_bool.h"
#include "object/object.h"
#include "object/tuple.h"

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
  t.tp_as_number = &internal::kIntNumberMethods;
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
  if (!IsInt(a) || !IsInt(b)) return CheckInts(a, b, "%");
  if (IntValue(b) == 0) return MakeError(ErrorKind::kZeroDivisionError, "integer modulo by zero");
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

absl::StatusOr<Ref<>> IntTrueDivide(const PyObject* a, const PyObject* b) {
  if (absl::Status s = CheckInts(a, b, "/"); !s.ok()) return s;
  const int64_t n = IntValue(a), d = IntValue(b);
  if (d == 0) return MakeError(ErrorKind::kZeroDivisionError, "division by zero");
  constexpr int64_t kExact = int64_t{1} << 53;  // every int up to here is a double
  if (n > -kExact && n < kExact && d > -kExact && d < kExact) {
    return FloatFromDouble(static_cast<double>(n) / static_cast<double>(d));
  }
  // 64-bit mantissas hold both exactly; the quotient is rounded twice.
  return FloatFromDouble(
      static_cast<double>(static_cast<long double>(n) / static_cast<long double>(d)));
}

absl::StatusOr<Ref<>> IntDivmod(const PyObject* a, const PyObject* b) {
  if (absl::Status s = CheckDivision(a, b, "divmod()"); !s.ok()) return s;
  if (IntValue(a) == INT64_MIN && IntValue(b) == -1) return OverflowError64();
  int64_t q, r;
  FloorDivMod(IntValue(a), IntValue(b), &q, &r);
  absl::StatusOr<Ref<>> qo = IntFromInt64(q);
  if (!qo.ok()) return qo;
  absl::StatusOr<Ref<>> ro = IntFromInt64(r);
  if (!ro.ok()) return ro;
  PyObject* items[] = {qo->get(), ro->get()};
  return TupleFromItems(items);
}

namespace {

// x**e for e >= 0, or OverflowError.
absl::StatusOr<int64_t> PowInt64(int64_t x, int64_t e) {
  int64_t result = 1;
  while (e > 0) {
    if (e & 1) {
      if (__builtin_mul_overflow(result, x, &result)) return OverflowError64();
    }
    e >>= 1;
    if (e > 0 && __builtin_mul_overflow(x, x, &x)) return OverflowError64();
  }
  return result;
}

// x mod m in [0, m), m > 0.
uint64_t ModPositive(int64_t x, uint64_t m) {
  const __int128 r = static_cast<__int128>(x) % static_cast<__int128>(m);
  return static_cast<uint64_t>(r < 0 ? r + static_cast<__int128>(m) : r);
}

// The inverse of x modulo m (x in [0, m), m > 0), if gcd(x, m) == 1.
bool InverseMod(uint64_t x, uint64_t m, uint64_t* inverse) {
  __int128 r0 = m, r1 = x, t0 = 0, t1 = 1;
  while (r1 != 0) {
    const __int128 q = r0 / r1;
    __int128 t = r0 - q * r1;
    r0 = r1;
    r1 = t;
    t = t0 - q * t1;
    t0 = t1;
    t1 = t;
  }
  if (r0 != 1) return m == 1 ? (*inverse = 0, true) : false;
  if (t0 < 0) t0 += m;
  *inverse = static_cast<uint64_t>(t0);
  return true;
}

}  // namespace

absl::StatusOr<Ref<>> IntPower(const PyObject* a, const PyObject* b, const PyObject* mod) {
  if (absl::Status s = CheckInts(a, b, "** or pow()"); !s.ok()) return s;
  int64_t x = IntValue(a), e = IntValue(b);
  if (mod == nullptr || mod == None()) {
    if (e < 0) {
      if (x == 0) {
        return MakeError(ErrorKind::kZeroDivisionError,
                         "0.0 cannot be raised to a negative power");
      }
      return FloatFromDouble(std::pow(static_cast<double>(x), static_cast<double>(e)));
    }
    absl::StatusOr<int64_t> r = PowInt64(x, e);
    if (!r.ok()) return r.status();
    return IntFromInt64(*r);
  }
  if (!IsInt(mod)) {
    return Errorf(ErrorKind::kTypeError,
                  "unsupported operand type(s) for ** or pow(): '%s', '%s', '%s'",
                  a->ob_type->tp_name, b->ob_type->tp_name, mod->ob_type->tp_name);
  }
  const int64_t m = IntValue(mod);
  if (m == 0) return MakeError(ErrorKind::kValueError, "pow() 3rd argument cannot be 0");
  const uint64_t um = m < 0 ? 0 - static_cast<uint64_t>(m) : static_cast<uint64_t>(m);
  uint64_t base = ModPositive(x, um);
  uint64_t ue;
  if (e < 0) {
    if (!InverseMod(base, um, &base)) {
      return MakeError(ErrorKind::kValueError, "base is not invertible for the given modulus");
    }
    ue = 0 - static_cast<uint64_t>(e);
  } else {
    ue = static_cast<uint64_t>(e);
  }
  unsigned __int128 result = um == 1 ? 0 : 1, sq = base;
  for (; ue > 0; ue >>= 1) {
    if (ue & 1) result = result * sq % um;
    sq = sq * sq % um;
  }
  int64_t r = static_cast<int64_t>(static_cast<uint64_t>(result));
  if (m < 0 && r != 0) r = static_cast<int64_t>(static_cast<uint64_t>(r) - um);  // (m, 0]
  return IntFromInt64(r);
}

absl::StatusOr<Ref<>> IntLshift(const PyObject* a, const PyObject* b) {
  if (absl::Status s = CheckInts(a, b, "<<"); !s.ok()) return s;
  const int64_t x = IntValue(a), n = IntValue(b);
  if (n < 0) return MakeError(ErrorKind::kValueError, "negative shift count");
  if (x == 0) return IntFromInt64(0);
  if (n >= 64) return OverflowError64();
  const __int128 r = static_cast<__int128>(x) * (static_cast<__int128>(1) << n);
  if (r < INT64_MIN || r > INT64_MAX) return OverflowError64();
  return IntFromInt64(static_cast<int64_t>(r));
}

absl::StatusOr<Ref<>> IntRshift(const PyObject* a, const PyObject* b) {
  if (absl::Status s = CheckInts(a, b, ">>"); !s.ok()) return s;
  const int64_t x = IntValue(a), n = IntValue(b);
  if (n < 0) return MakeError(ErrorKind::kValueError, "negative shift count");
  // An arithmetic shift floors, as Python's does.
  return IntFromInt64(n >= 64 ? (x < 0 ? -1 : 0) : x >> n);
}

namespace {

template <typename Op>
absl::StatusOr<Ref<>> Bitwise(const PyObject* a, const PyObject* b, const char* symbol, Op op) {
  if (absl::Status s = CheckInts(a, b, symbol); !s.ok()) return s;
  const int64_t r = op(IntValue(a), IntValue(b));
  if (IsBool(a) && IsBool(b)) return Ref<>::NewRef(BoolFrom(r != 0));
  return IntFromInt64(r);
}

}  // namespace

absl::StatusOr<Ref<>> IntAnd(const PyObject* a, const PyObject* b) {
  return Bitwise(a, b, "&", [](int64_t x, int64_t y) { return x & y; });
}
absl::StatusOr<Ref<>> IntOr(const PyObject* a, const PyObject* b) {
  return Bitwise(a, b, "|", [](int64_t x, int64_t y) { return x | y; });
}
absl::StatusOr<Ref<>> IntXor(const PyObject* a, const PyObject* b) {
  return Bitwise(a, b, "^", [](int64_t x, int64_t y) { return x ^ y; });
}

absl::StatusOr<Ref<>> IntInvert(const PyObject* a) {
  if (!IsInt(a)) {
    return Errorf(ErrorKind::kTypeError, "bad operand type for unary ~: '%s'", a->ob_type->tp_name);
  }
  return IntFromInt64(~IntValue(a));
}

absl::StatusOr<Ref<>> IntAbsolute(const PyObject* a) {
  if (!IsInt(a)) {
    return Errorf(ErrorKind::kTypeError, "bad operand type for abs(): '%s'", a->ob_type->tp_name);
  }
  if (IntValue(a) == INT64_MIN) return OverflowError64();
  return IntFromInt64(IntValue(a) < 0 ? -IntValue(a) : IntValue(a));
}

// --- int's number slots ---------------------------------------------------------
//
// C slots (number.h calls them with both orders of operands): a pair that
// is not two ints answers NotImplemented, so float's slots (and any other
// type's) get their turn; failures go to the error indicator.

namespace {

template <absl::StatusOr<Ref<>> (*F)(const PyObject*, const PyObject*)>
PyObject* IntBinarySlot(PyObject* a, PyObject* b) {
  if (!IsInt(a) || !IsInt(b)) return internal::NotImplementedResult();
  return internal::SlotResult(F(a, b));
}

template <absl::StatusOr<Ref<>> (*F)(const PyObject*)>
PyObject* IntUnarySlot(PyObject* a) {
  return internal::SlotResult(F(a));
}

PyObject* IntPowerSlot(PyObject* a, PyObject* b, PyObject* mod) {
  if (!IsInt(a) || !IsInt(b) || (mod != None() && !IsInt(mod))) {
    return internal::NotImplementedResult();
  }
  return internal::SlotResult(IntPower(a, b, mod));
}

// +a, int(a), operator.index(a): an exact int of the value.
PyObject* IntExactSlot(PyObject* a) {
  if (IsIntExact(a)) return Ref<>::NewRef(a).Release();
  return internal::SlotResult(IntFromInt64(IntValue(a)));
}

PyObject* IntFloatSlot(PyObject* a) {
  return internal::SlotResult(FloatFromDouble(static_cast<double>(IntValue(a))));
}

int IntBoolSlot(PyObject* a) { return IntValue(a) != 0; }

}  // namespace

namespace internal {

constinit PyNumberMethods kIntNumberMethods = [] {
  PyNumberMethods m{};
  m.nb_add = IntBinarySlot<IntAdd>;
  m.nb_subtract = IntBinarySlot<IntSubtract>;
  m.nb_multiply = IntBinarySlot<IntMultiply>;
  m.nb_remainder = IntBinarySlot<IntRemainder>;
  m.nb_divmod = IntBinarySlot<IntDivmod>;
  m.nb_power = IntPowerSlot;
  m.nb_negative = IntUnarySlot<IntNegate>;
  m.nb_positive = IntExactSlot;
  m.nb_absolute = IntUnarySlot<IntAbsolute>;
  m.nb_bool = IntBoolSlot;
  m.nb_invert = IntUnarySlot<IntInvert>;
  m.nb_lshift = IntBinarySlot<IntLshift>;
  m.nb_rshift = IntBinarySlot<IntRshift>;
  m.nb_and = IntBinarySlot<IntAnd>;
  m.nb_xor = IntBinarySlot<IntXor>;
  m.nb_or = IntBinarySlot<IntOr>;
  m.nb_int = IntExactSlot;
  m.nb_float = IntFloatSlot;
  m.nb_floor_divide = IntBinarySlot<IntFloorDivide>;
  m.nb_true_divide = IntBinarySlot<IntTrueDivide>;
  m.nb_index = IntExactSlot;
  return m;
}();

}  // namespace internal

}  // namespace ftrt
