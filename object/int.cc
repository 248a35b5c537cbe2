// int (see int.h).
#include "object/int.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <compare>
#include <span>
#include <string>

#include "object/builtin_internal.h"
#include "object/errors.h"
#include "object/float.h"
#include "object/hash.h"
#include "object/none_bool.h"
#include "object/object.h"
#include "object/tuple.h"

namespace ftrt {
namespace internal {

Py_hash_t IntHashSlot(PyObject* op) { return IntHash(op); }

bool IntOverflowsDouble(const PyObject* op) {
  if (!IsInt(op) || !IntIsBig(op)) return false;
  absl::StatusOr<double> d = IntAsDouble(op);
  if (d.ok()) return false;
  SetErrorIndicator(d.status());
  return true;
}

PyObject* IntRichCompareSlot(PyObject* a, PyObject* b, int op) {
  // Other types (float included: it compares exactly, see float.cc) get
  // their reflected turn.
  if (!IsInt(a) || !IsInt(b)) return NotImplemented();
  return BoolResult(CompareSatisfies(IntCompare(a, b), op));
}

}  // namespace internal

extern "C" {
// tp_itemsize stays 0 although big ints carry digits: no generic code
// sizes or fills an int from it (only int.cc allocates ints), and a
// non-zero item size would make generic allocation write an ob_size over
// ftrt_value.
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
    ints[i].ftrt_ndigits = 0;
  }
  return ints;
}

constinit std::array<PyLongObject, kNumSmallInts> g_small_ints = MakeSmallInts();

const bool g_types_ready = [] {
  InitStaticType(&PyLong_Type);
  return true;
}();

// CPython's default limit on decimal digits converted to or from text
// (sys.int_info.default_max_str_digits).
constexpr size_t kMaxStrDigits = 4300;

absl::Status NotAnInt(const PyObject* op) {
  return Errorf(ErrorKind::kTypeError, "'%s' object cannot be interpreted as an integer",
                op->ob_type->tp_name);
}

absl::Status CheckInts(const PyObject* a, const PyObject* b, const char* symbol) {
  if (IsInt(a) && IsInt(b)) return absl::OkStatus();
  return Errorf(ErrorKind::kTypeError, "unsupported operand type(s) for %s: '%s' and '%s'", symbol,
                a->ob_type->tp_name, b->ob_type->tp_name);
}

const BigInt::Digit* BigDigits(const IntObject* o) {
  return reinterpret_cast<const BigInt::Digit*>(o + 1);
}

// Both operands in the small form: the 64-bit fast paths apply.
bool BothSmall(const PyObject* a, const PyObject* b) { return !IntIsBig(a) && !IntIsBig(b); }

absl::StatusOr<Ref<>> FromBig(absl::StatusOr<BigInt> v) {
  if (!v.ok()) return v.status();
  return IntFromBigInt(*v);
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
  obj->ftrt_ndigits = 0;
  return Ref<>(std::move(obj));
}

absl::StatusOr<Ref<>> IntExact(const PyObject* op) {
  if (IsIntExact(op)) return Ref<>::NewRef(const_cast<PyObject*>(op));
  if (!IntIsBig(op)) return IntFromInt64(IntValue(op));
  return IntFromBigInt(IntToBigInt(op));
}

BigInt IntToBigInt(const PyObject* op) {
  const auto* o = reinterpret_cast<const IntObject*>(op);
  if (o->ftrt_ndigits == 0) return BigInt::FromInt64(o->ftrt_value);
  const size_t n = static_cast<size_t>(o->ftrt_ndigits < 0 ? -o->ftrt_ndigits : o->ftrt_ndigits);
  return BigInt::FromMagnitude(o->ftrt_ndigits < 0, std::span(BigDigits(o), n));
}

absl::StatusOr<Ref<>> IntFromBigInt(const BigInt& v) {
  if (v.FitsInt64()) return IntFromInt64(v.ToInt64());
  std::span<const BigInt::Digit> mag = v.magnitude();
  const size_t bytes = sizeof(IntObject) + mag.size() * sizeof(BigInt::Digit);
  Ref<IntObject> obj = NewObject<IntObject>(&PyLong_Type, static_cast<Py_ssize_t>(bytes));
  if (!obj) return NoMemoryError();
  obj->ftrt_value = 0;
  const int64_t n = static_cast<int64_t>(mag.size());
  obj->ftrt_ndigits = v.negative() ? -n : n;
  std::copy(mag.begin(), mag.end(), reinterpret_cast<BigInt::Digit*>(obj.get() + 1));
  return Ref<>(std::move(obj));
}

absl::StatusOr<Ref<>> IntSubtypeCopy(PyTypeObject* type, const PyObject* value) {
  const auto* src = reinterpret_cast<const IntObject*>(value);
  const size_t n = static_cast<size_t>(src->ftrt_ndigits < 0 ? -src->ftrt_ndigits : src->ftrt_ndigits);
  Ref<> obj;
  if (n == 0) {
    obj = Ref<>::Steal(type->tp_alloc(type, 0));
    if (!obj) return TakeErrorIndicator("tp_alloc");
  } else {
    // The digits follow the int's struct, where a subclass keeps its own
    // fields (or __dict__): only a subclass without any can hold them. Its
    // tp_alloc knows nothing of digits (int's item size is 0), so the
    // object is allocated here as PyType_GenericAlloc would.
    if (type->tp_basicsize != static_cast<Py_ssize_t>(sizeof(IntObject)) ||
        type->tp_dictoffset != 0 || type->tp_weaklistoffset != 0) {
      return Errorf(ErrorKind::kOverflowError,
                    "int subclass '%s' cannot hold a value beyond 64 bits (its fields follow the "
                    "int's value)",
                    type->tp_name);
    }
    obj = Ref<>::Steal(AllocObjectOfType(type, static_cast<Py_ssize_t>(
                                                   sizeof(IntObject) + n * sizeof(BigInt::Digit))));
    if (!obj) return NoMemoryError();
    if (type->tp_flags & Py_TPFLAGS_HAVE_GC) TrackObject(obj.get());
    std::copy(BigDigits(src), BigDigits(src) + n,
              reinterpret_cast<BigInt::Digit*>(reinterpret_cast<IntObject*>(obj.get()) + 1));
  }
  auto* dst = reinterpret_cast<IntObject*>(obj.get());
  dst->ftrt_value = src->ftrt_value;
  dst->ftrt_ndigits = src->ftrt_ndigits;
  return obj;
}

absl::StatusOr<Ref<>> IntFromUint64(uint64_t v) {
  if (v <= static_cast<uint64_t>(INT64_MAX)) return IntFromInt64(static_cast<int64_t>(v));
  return IntFromBigInt(BigInt::FromUint64(v));
}

absl::StatusOr<Ref<>> IntFromDouble(double v) {
  if (std::isnan(v))
    return MakeError(ErrorKind::kValueError, "cannot convert float NaN to integer");
  if (std::isinf(v)) {
    return MakeError(ErrorKind::kOverflowError, "cannot convert float infinity to integer");
  }
  const double t = std::trunc(v);
  // [-2^63, 2^63) is exactly the doubles that convert to an int64_t.
  if (t >= -9223372036854775808.0 && t < 9223372036854775808.0) {
    return IntFromInt64(static_cast<int64_t>(t));
  }
  return IntFromBigInt(BigInt::FromDouble(t));
}

absl::StatusOr<Ref<>> IntFromDigitString(std::string_view digits, int base, bool negative) {
  const bool power_of_two = (base & (base - 1)) == 0;
  if (!power_of_two && digits.size() > kMaxStrDigits) {
    return Errorf(ErrorKind::kValueError,
                  "Exceeds the limit (%d digits) for integer string conversion: value has %d "
                  "digits; use sys.set_int_max_str_digits() to increase the limit",
                  kMaxStrDigits, digits.size());
  }
  return FromBig(BigInt::FromDigitString(digits, base, negative));
}

namespace {

int DigitValue(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 99;
}

bool IsLiteralSpace(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

}  // namespace

absl::StatusOr<Ref<>> IntFromLiteral(std::string_view text, int base, bool* syntax_error) {
  *syntax_error = false;
  auto not_a_literal = [syntax_error]() -> absl::StatusOr<Ref<>> {
    *syntax_error = true;
    return Ref<>();
  };
  size_t i = 0, n = text.size();
  while (i < n && IsLiteralSpace(static_cast<unsigned char>(text[i]))) ++i;
  while (n > i && IsLiteralSpace(static_cast<unsigned char>(text[n - 1]))) --n;
  bool negative = false;
  if (i < n && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  // A prefix: required to pick base 0's base, allowed when it matches.
  bool prefixed = false;
  if (n - i >= 2 && text[i] == '0') {
    const char p = static_cast<char>(std::tolower(static_cast<unsigned char>(text[i + 1])));
    const int pbase = p == 'x' ? 16 : p == 'o' ? 8 : p == 'b' ? 2 : 0;
    if (pbase != 0 && (base == 0 || base == pbase)) {
      base = pbase;
      i += 2;
      prefixed = true;
      if (i < n && text[i] == '_') ++i;  // 0x_1f is allowed
    }
  }
  const bool base0_decimal = base == 0;
  if (base == 0) base = 10;
  if (i >= n) return not_a_literal();
  uint64_t mag = 0;
  bool overflow = false;
  bool all_zero = true;
  std::string digits;
  const size_t first = i;
  for (; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '_') {
      // Only between two digits.
      if (i == first || i + 1 >= n || text[i + 1] == '_') return not_a_literal();
      continue;
    }
    const int d = DigitValue(c);
    if (d >= base) return not_a_literal();
    if (d != 0) all_zero = false;
    digits.push_back(static_cast<char>(c));
    if (mag > (UINT64_MAX - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base)) {
      overflow = true;
    } else {
      mag = mag * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
    }
  }
  if (digits.empty()) return not_a_literal();
  // Base 0: no leading zeros in a non-zero decimal ("010").
  if (base0_decimal && !prefixed && text[first] == '0' && !all_zero) return not_a_literal();
  // (Too many digits for the limit: IntFromDigitString says so.)
  if (overflow || digits.size() > kMaxStrDigits) return IntFromDigitString(digits, base, negative);
  if (!negative) return IntFromUint64(mag);
  if (mag <= uint64_t{1} << 63) return IntFromInt64(static_cast<int64_t>(uint64_t{0} - mag));
  return IntFromBigInt(BigInt::FromUint64(mag).Negated());
}

absl::StatusOr<int64_t> IntAsInt64(const PyObject* op) {
  if (!IsInt(op)) return NotAnInt(op);
  if (IntIsBig(op)) {
    return MakeError(ErrorKind::kOverflowError, "Python int too large to convert to C long");
  }
  return IntValue(op);
}

absl::StatusOr<int32_t> IntAsInt32(const PyObject* op) {
  if (!IsInt(op)) return NotAnInt(op);
  if (IntIsBig(op) || IntValue(op) < INT32_MIN || IntValue(op) > INT32_MAX) {
    return MakeError(ErrorKind::kOverflowError, "Python int too large to convert to C int");
  }
  return static_cast<int32_t>(IntValue(op));
}

absl::StatusOr<uint64_t> IntAsUint64(const PyObject* op) {
  if (!IsInt(op)) return NotAnInt(op);
  if (IntSign(op) < 0) {
    return MakeError(ErrorKind::kOverflowError, "can't convert negative int to unsigned");
  }
  if (!IntIsBig(op)) return static_cast<uint64_t>(IntValue(op));
  const BigInt v = IntToBigInt(op);
  if (!v.FitsUint64()) {
    return MakeError(ErrorKind::kOverflowError,
                     "Python int too large to convert to C unsigned long");
  }
  return v.ToUint64();
}

absl::StatusOr<double> IntAsDouble(const PyObject* op) {
  if (!IntIsBig(op)) return static_cast<double>(IntValue(op));
  return IntToBigInt(op).ToDouble();
}

uint64_t IntLowBits64(const PyObject* op) {
  if (!IntIsBig(op)) return static_cast<uint64_t>(IntValue(op));
  return IntToBigInt(op).LowBits64();
}

int64_t IntClampedValue(const PyObject* op) {
  if (!IntIsBig(op)) return IntValue(op);
  return IntSign(op) < 0 ? INT64_MIN : INT64_MAX;
}

std::strong_ordering IntCompare(const PyObject* a, const PyObject* b) {
  if (BothSmall(a, b)) return IntValue(a) <=> IntValue(b);
  // A big value lies beyond every small one, on the side of its sign.
  if (!IntIsBig(a)) return 0 <=> IntSign(b);
  if (!IntIsBig(b)) return IntSign(a) <=> 0;
  return IntToBigInt(a) <=> IntToBigInt(b);
}

std::partial_ordering IntCompareDouble(const PyObject* a, double d) {
  if (!IntIsBig(a)) return CompareInt64Double(IntValue(a), d);
  return IntToBigInt(a).CompareDouble(d);
}

Py_hash_t IntHash(const PyObject* op) {
  if (!IntIsBig(op)) return HashInt64(IntValue(op));
  return static_cast<Py_hash_t>(IntToBigInt(op).Hash());
}

absl::StatusOr<std::string> IntToString(const PyObject* op, int base) {
  if (!IntIsBig(op)) {
    if (base == 10) return std::to_string(IntValue(op));
    return BigInt::FromInt64(IntValue(op)).ToString(base);
  }
  const BigInt v = IntToBigInt(op);
  auto too_long = [] {
    return Errorf(ErrorKind::kValueError,
                  "Exceeds the limit (%d digits) for integer string conversion; use "
                  "sys.set_int_max_str_digits() to increase the limit",
                  kMaxStrDigits);
  };
  // 10**4300 has 14284.5 bits: a value of more bits has too many digits
  // (refused before the quadratic conversion); the few just below are
  // counted after it.
  if (base == 10 && v.BitLength() > 14300) return too_long();
  std::string text = v.ToString(base);
  if (base == 10 && text.size() - (v.negative() ? 1 : 0) > kMaxStrDigits) return too_long();
  return text;
}

uint64_t IntBitLength(const PyObject* op) {
  if (IntIsBig(op)) return IntToBigInt(op).BitLength();
  const int64_t v = IntValue(op);
  const uint64_t mag = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  return mag == 0 ? 0 : 64 - static_cast<uint64_t>(__builtin_clzll(mag));
}

absl::StatusOr<Ref<>> IntAdd(const PyObject* a, const PyObject* b) {
  if (absl::Status s = CheckInts(a, b, "+"); !s.ok()) return s;
  int64_t r;
  if (BothSmall(a, b) && !__builtin_add_overflow(IntValue(a), IntValue(b), &r)) {
    return IntFromInt64(r);
  }
  return IntFromBigInt(BigInt::Add(IntToBigInt(a), IntToBigInt(b)));
}

absl::StatusOr<Ref<>> IntSubtract(const PyObject* a, const PyObject* b) {
  if (absl::Status s = CheckInts(a, b, "-"); !s.ok()) return s;
  int64_t r;
  if (BothSmall(a, b) && !__builtin_sub_overflow(IntValue(a), IntValue(b), &r)) {
    return IntFromInt64(r);
  }
  return IntFromBigInt(BigInt::Subtract(IntToBigInt(a), IntToBigInt(b)));
}

absl::StatusOr<Ref<>> IntMultiply(const PyObject* a, const PyObject* b) {
  if (absl::Status s = CheckInts(a, b, "*"); !s.ok()) return s;
  int64_t r;
  if (BothSmall(a, b) && !__builtin_mul_overflow(IntValue(a), IntValue(b), &r)) {
    return IntFromInt64(r);
  }
  return FromBig(BigInt::Multiply(IntToBigInt(a), IntToBigInt(b)));
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
  if (IntSign(b) == 0) {
    return MakeError(ErrorKind::kZeroDivisionError, "integer division or modulo by zero");
  }
  return absl::OkStatus();
}

// The 64-bit division applies: both small and not INT64_MIN // -1.
bool SmallDivision(const PyObject* a, const PyObject* b) {
  return BothSmall(a, b) && !(IntValue(a) == INT64_MIN && IntValue(b) == -1);
}

}  // namespace

absl::StatusOr<Ref<>> IntFloorDivide(const PyObject* a, const PyObject* b) {
  if (absl::Status s = CheckDivision(a, b, "//"); !s.ok()) return s;
  if (SmallDivision(a, b)) {
    int64_t q, r;
    FloorDivMod(IntValue(a), IntValue(b), &q, &r);
    return IntFromInt64(q);
  }
  BigInt q;
  BigInt::DivMod(IntToBigInt(a), IntToBigInt(b), &q, nullptr);
  return IntFromBigInt(q);
}

absl::StatusOr<Ref<>> IntRemainder(const PyObject* a, const PyObject* b) {
  if (!IsInt(a) || !IsInt(b)) return CheckInts(a, b, "%");
  if (IntSign(b) == 0) {
    return MakeError(ErrorKind::kZeroDivisionError, "integer modulo by zero");
  }
  if (SmallDivision(a, b)) {
    int64_t q, r;
    FloorDivMod(IntValue(a), IntValue(b), &q, &r);
    return IntFromInt64(r);
  }
  BigInt r;
  BigInt::DivMod(IntToBigInt(a), IntToBigInt(b), nullptr, &r);
  return IntFromBigInt(r);
}

absl::StatusOr<Ref<>> IntNegate(const PyObject* a) {
  if (!IsInt(a)) {
    return Errorf(ErrorKind::kTypeError, "bad operand type for unary -: '%s'", a->ob_type->tp_name);
  }
  if (!IntIsBig(a) && IntValue(a) != INT64_MIN) return IntFromInt64(-IntValue(a));
  return IntFromBigInt(IntToBigInt(a).Negated());
}

absl::StatusOr<Ref<>> IntTrueDivide(const PyObject* a, const PyObject* b) {
  if (absl::Status s = CheckInts(a, b, "/"); !s.ok()) return s;
  if (IntSign(b) == 0) return MakeError(ErrorKind::kZeroDivisionError, "division by zero");
  constexpr int64_t kExact = int64_t{1} << 53;  // every int up to here is a double
  if (BothSmall(a, b)) {
    const int64_t n = IntValue(a), d = IntValue(b);
    if (n > -kExact && n < kExact && d > -kExact && d < kExact) {
      // Both exact: one IEEE division rounds correctly.
      return FloatFromDouble(static_cast<double>(n) / static_cast<double>(d));
    }
  }
  absl::StatusOr<double> q = BigInt::TrueDivide(IntToBigInt(a), IntToBigInt(b));
  if (!q.ok()) return q.status();
  return FloatFromDouble(*q);
}

absl::StatusOr<Ref<>> IntDivmod(const PyObject* a, const PyObject* b) {
  if (absl::Status s = CheckDivision(a, b, "divmod()"); !s.ok()) return s;
  absl::StatusOr<Ref<>> qo, ro;
  if (SmallDivision(a, b)) {
    int64_t q, r;
    FloorDivMod(IntValue(a), IntValue(b), &q, &r);
    qo = IntFromInt64(q);
    ro = IntFromInt64(r);
  } else {
    BigInt q, r;
    BigInt::DivMod(IntToBigInt(a), IntToBigInt(b), &q, &r);
    qo = IntFromBigInt(q);
    ro = IntFromBigInt(r);
  }
  if (!qo.ok()) return qo;
  if (!ro.ok()) return ro;
  PyObject* items[] = {qo->get(), ro->get()};
  return TupleFromItems(items);
}

namespace {

// x**e for e >= 0 in 64 bits; false on overflow.
bool PowInt64(int64_t x, int64_t e, int64_t* out) {
  int64_t result = 1;
  while (e > 0) {
    if (e & 1) {
      if (__builtin_mul_overflow(result, x, &result)) return false;
    }
    e >>= 1;
    if (e > 0 && __builtin_mul_overflow(x, x, &x)) return false;
  }
  *out = result;
  return true;
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

absl::Status NotInvertible() {
  return MakeError(ErrorKind::kValueError, "base is not invertible for the given modulus");
}

// Three-argument pow when any of the three is big.
absl::StatusOr<Ref<>> PowerModBig(const PyObject* a, const PyObject* b, const PyObject* mod) {
  const BigInt m = IntToBigInt(mod);
  BigInt base = IntToBigInt(a);
  BigInt e = IntToBigInt(b);
  if (e.negative()) {
    BigInt inverse;
    if (!BigInt::InverseMod(base, m, &inverse)) return NotInvertible();
    base = std::move(inverse);
    e = e.Negated();
  }
  return IntFromBigInt(BigInt::PowerMod(base, e, m));
}

}  // namespace

absl::StatusOr<Ref<>> IntPower(const PyObject* a, const PyObject* b, const PyObject* mod) {
  if (absl::Status s = CheckInts(a, b, "** or pow()"); !s.ok()) return s;
  if (mod == nullptr || mod == None()) {
    if (IntSign(b) < 0) {
      if (IntSign(a) == 0) {
        return MakeError(ErrorKind::kZeroDivisionError,
                         "0.0 cannot be raised to a negative power");
      }
      absl::StatusOr<double> x = IntAsDouble(a);
      if (!x.ok()) return x.status();
      absl::StatusOr<double> e = IntAsDouble(b);
      if (!e.ok()) return e.status();
      return FloatFromDouble(std::pow(*x, *e));
    }
    int64_t r;
    if (BothSmall(a, b) && PowInt64(IntValue(a), IntValue(b), &r)) return IntFromInt64(r);
    return FromBig(BigInt::Power(IntToBigInt(a), IntToBigInt(b)));
  }
  if (!IsInt(mod)) {
    return Errorf(ErrorKind::kTypeError,
                  "unsupported operand type(s) for ** or pow(): '%s', '%s', '%s'",
                  a->ob_type->tp_name, b->ob_type->tp_name, mod->ob_type->tp_name);
  }
  if (IntSign(mod) == 0) {
    return MakeError(ErrorKind::kValueError, "pow() 3rd argument cannot be 0");
  }
  if (IntIsBig(mod) || IntIsBig(a) || IntIsBig(b)) return PowerModBig(a, b, mod);
  const int64_t x = IntValue(a), e = IntValue(b), m = IntValue(mod);
  const uint64_t um = m < 0 ? 0 - static_cast<uint64_t>(m) : static_cast<uint64_t>(m);
  uint64_t base = ModPositive(x, um);
  uint64_t ue;
  if (e < 0) {
    if (!InverseMod(base, um, &base)) return NotInvertible();
    ue = 0 - static_cast<uint64_t>(e);
  } else {
    ue = static_cast<uint64_t>(e);
  }
  unsigned __int128 result = um == 1 ? 0 : 1, sq = base;
  for (; ue > 0; ue >>= 1) {
    if (ue & 1) result = result * sq % um;
    sq = sq * sq % um;
  }
  // In (m, 0] for a negative modulus: the result may be -2**63 .. 2**63 - 1
  // away from the unsigned residue, which always fits.
  const uint64_t ur = static_cast<uint64_t>(result);
  if (m < 0 && ur != 0) return IntFromBigInt(BigInt::Subtract(BigInt::FromUint64(ur),
                                                              BigInt::FromUint64(um)));
  return IntFromUint64(ur);
}

namespace {

absl::Status NegativeShift() { return MakeError(ErrorKind::kValueError, "negative shift count"); }

}  // namespace

absl::StatusOr<Ref<>> IntLshift(const PyObject* a, const PyObject* b) {
  if (absl::Status s = CheckInts(a, b, "<<"); !s.ok()) return s;
  if (IntSign(b) < 0) return NegativeShift();
  if (IntSign(a) == 0) return IntFromInt64(0);
  if (IntIsBig(b)) return NoMemoryError();  // at least 2**63 bits
  const int64_t n = IntValue(b);
  if (!IntIsBig(a) && n < 64) {
    const __int128 r = static_cast<__int128>(IntValue(a)) * (static_cast<__int128>(1) << n);
    if (r >= INT64_MIN && r <= INT64_MAX) return IntFromInt64(static_cast<int64_t>(r));
  }
  return FromBig(BigInt::ShiftLeft(IntToBigInt(a), static_cast<uint64_t>(n)));
}

absl::StatusOr<Ref<>> IntRshift(const PyObject* a, const PyObject* b) {
  if (absl::Status s = CheckInts(a, b, ">>"); !s.ok()) return s;
  if (IntSign(b) < 0) return NegativeShift();
  // Past the value's bits only the sign is left: an arithmetic shift
  // floors, as Python's does.
  if (IntIsBig(b)) return IntFromInt64(IntSign(a) < 0 ? -1 : 0);
  const int64_t n = IntValue(b);
  if (!IntIsBig(a)) return IntFromInt64(n >= 64 ? (IntValue(a) < 0 ? -1 : 0) : IntValue(a) >> n);
  return IntFromBigInt(BigInt::ShiftRight(IntToBigInt(a), static_cast<uint64_t>(n)));
}

namespace {

template <typename Op, typename BigOp>
absl::StatusOr<Ref<>> Bitwise(const PyObject* a, const PyObject* b, const char* symbol, Op op,
                              BigOp big_op) {
  if (absl::Status s = CheckInts(a, b, symbol); !s.ok()) return s;
  if (!BothSmall(a, b)) return IntFromBigInt(big_op(IntToBigInt(a), IntToBigInt(b)));
  const int64_t r = op(IntValue(a), IntValue(b));
  if (IsBool(a) && IsBool(b)) return Ref<>::NewRef(BoolFrom(r != 0));
  return IntFromInt64(r);
}

}  // namespace

absl::StatusOr<Ref<>> IntAnd(const PyObject* a, const PyObject* b) {
  return Bitwise(a, b, "&", [](int64_t x, int64_t y) { return x & y; }, BigInt::And);
}
absl::StatusOr<Ref<>> IntOr(const PyObject* a, const PyObject* b) {
  return Bitwise(a, b, "|", [](int64_t x, int64_t y) { return x | y; }, BigInt::Or);
}
absl::StatusOr<Ref<>> IntXor(const PyObject* a, const PyObject* b) {
  return Bitwise(a, b, "^", [](int64_t x, int64_t y) { return x ^ y; }, BigInt::Xor);
}

absl::StatusOr<Ref<>> IntInvert(const PyObject* a) {
  if (!IsInt(a)) {
    return Errorf(ErrorKind::kTypeError, "bad operand type for unary ~: '%s'", a->ob_type->tp_name);
  }
  if (!IntIsBig(a)) return IntFromInt64(~IntValue(a));
  return IntFromBigInt(IntToBigInt(a).Invert());
}

absl::StatusOr<Ref<>> IntAbsolute(const PyObject* a) {
  if (!IsInt(a)) {
    return Errorf(ErrorKind::kTypeError, "bad operand type for abs(): '%s'", a->ob_type->tp_name);
  }
  if (IntSign(a) >= 0) return IntExact(a);
  return IntNegate(a);
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
PyObject* IntExactSlot(PyObject* a) { return internal::SlotResult(IntExact(a)); }

PyObject* IntFloatSlot(PyObject* a) {
  absl::StatusOr<double> d = IntAsDouble(a);
  if (!d.ok()) return internal::SlotResult(d.status());
  return internal::SlotResult(FloatFromDouble(*d));
}

int IntBoolSlot(PyObject* a) { return IntSign(a) != 0; }

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
