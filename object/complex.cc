// complex (see complex.h).
#include "object/complex.h"

#include <cerrno>
#include <cmath>
#include <compare>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "object/builtin_internal.h"
#include "object/compare.h"
#include "object/dict.h"
#include "object/errors.h"
#include "object/float.h"
#include "object/hash.h"
#include "object/int.h"
#include "object/none_bool.h"
#include "object/number.h"
#include "object/object.h"
#include "object/str.h"
#include "object/tuple.h"

namespace ftrt {
namespace {

// An operand as a complex: a complex's value, an int or float as (x, 0.0)
// (CPython 3.13's mixed-mode rule); false for anything else.
bool AsComplex(const PyObject* op, Py_complex* out) {
  if (IsComplex(op)) {
    *out = ComplexValue(op);
  } else if (IsFloat(op)) {
    *out = {FloatValue(op), 0.0};
  } else if (IsInt(op)) {
    // An int beyond the double range converts to an infinity here; the
    // slots below reject it first (OverflowError, as CPython raises).
    absl::StatusOr<double> d = IntAsDouble(op);
    *out = {d.ok() ? *d : IntSign(op) * HUGE_VAL, 0.0};
  } else {
    return false;
  }
  return true;
}

// Null with OverflowError set if a or b is an int too large for a double
// (CPython: "int too large to convert to float"); NotImplemented if one is
// not a number; otherwise true with both values.
bool Operands(PyObject* a, PyObject* b, Py_complex* x, Py_complex* y, PyObject** result) {
  if (internal::IntOverflowsDouble(a) || internal::IntOverflowsDouble(b)) {
    *result = nullptr;
    return false;
  }
  if (!AsComplex(a, x) || !AsComplex(b, y)) {
    *result = internal::NotImplementedResult();
    return false;
  }
  return true;
}

Py_complex Sum(Py_complex a, Py_complex b) { return {a.real + b.real, a.imag + b.imag}; }
Py_complex Difference(Py_complex a, Py_complex b) { return {a.real - b.real, a.imag - b.imag}; }
// The textbook product: no recovery of infinities from NaN parts (as
// CPython: (inf+infj) * 1 is (nan+nanj)).
Py_complex Product(Py_complex a, Py_complex b) {
  return {a.real * b.real - a.imag * b.imag, a.real * b.imag + a.imag * b.real};
}

// Smith's division; false for a zero divisor.
bool Quotient(Py_complex a, Py_complex b, Py_complex* out) {
  const double abs_real = std::fabs(b.real), abs_imag = std::fabs(b.imag);
  if (abs_real >= abs_imag) {
    if (abs_real == 0.0) return false;  // both parts are zero
    const double ratio = b.imag / b.real;
    const double denom = b.real + b.imag * ratio;
    *out = {(a.real + a.imag * ratio) / denom, (a.imag - a.real * ratio) / denom};
  } else if (abs_imag >= abs_real) {
    const double ratio = b.real / b.imag;
    const double denom = b.real * ratio + b.imag;
    *out = {(a.real * ratio + a.imag) / denom, (a.imag * ratio - a.real) / denom};
  } else {
    // A NaN part: neither comparison holds.
    const double nan = std::nan("");
    *out = {nan, nan};
  }
  return true;
}

// x ** n for n >= 0 by repeated squaring.
Py_complex PowUnsigned(Py_complex x, uint64_t n) {
  Py_complex r = {1.0, 0.0};
  Py_complex p = x;
  for (uint64_t mask = 1; mask != 0 && mask <= n; mask <<= 1) {
    if (n & mask) r = Product(r, p);
    p = Product(p, p);
  }
  return r;
}

absl::Status ZeroToNegativePower() {
  return MakeError(ErrorKind::kZeroDivisionError, "0.0 to a negative or complex power");
}

PyObject* NewComplex(Py_complex z) {
  return internal::SlotResult(ComplexFromDoubles(z.real, z.imag));
}

// --- slots ---------------------------------------------------------------------------

Py_hash_t ComplexHashSlot(PyObject* op) { return ComplexHash(ComplexValue(op), op); }

// == and != with int, float and complex; ordering is not defined.
PyObject* ComplexRichCompareSlot(PyObject* a, PyObject* b, int op) {
  if (op != Py_EQ && op != Py_NE) return internal::NotImplementedResult();
  // One of the two is a complex (the slot is complex's, maybe reflected).
  PyObject* self = IsComplex(a) ? a : b;
  PyObject* other = self == a ? b : a;
  const Py_complex z = ComplexValue(self);
  bool equal;
  if (IsComplex(other)) {
    const Py_complex w = ComplexValue(other);
    equal = z.real == w.real && z.imag == w.imag;
  } else if (IsFloat(other)) {
    equal = z.imag == 0.0 && z.real == FloatValue(other);
  } else if (IsInt(other)) {
    // Exactly, as float == int is.
    equal = z.imag == 0.0 &&
            IntCompareDouble(other, z.real) == std::partial_ordering::equivalent;
  } else {
    return internal::NotImplementedResult();
  }
  return internal::BoolResult(op == Py_EQ ? equal : !equal);
}

template <Py_complex (*F)(Py_complex, Py_complex)>
PyObject* ArithmeticSlot(PyObject* a, PyObject* b) {
  Py_complex x, y;
  PyObject* result;
  if (!Operands(a, b, &x, &y, &result)) return result;
  return NewComplex(F(x, y));
}

PyObject* ComplexTrueDivideSlot(PyObject* a, PyObject* b) {
  Py_complex x, y;
  PyObject* result;
  if (!Operands(a, b, &x, &y, &result)) return result;
  absl::StatusOr<Py_complex> q = ComplexQuotient(x, y);
  if (!q.ok()) {
    SetErrorIndicator(q.status());
    return nullptr;
  }
  return NewComplex(*q);
}

PyObject* ComplexNegativeSlot(PyObject* a) {
  const Py_complex z = ComplexValue(a);
  return NewComplex({-z.real, -z.imag});
}

// +z: z itself when exactly complex, else a complex of its value.
PyObject* ComplexPositiveSlot(PyObject* a) {
  if (IsComplexExact(a)) return Ref<>::NewRef(a).Release();
  return NewComplex(ComplexValue(a));
}

PyObject* ComplexAbsoluteSlot(PyObject* a) {
  absl::StatusOr<double> r = ComplexAbs(ComplexValue(a));
  if (!r.ok()) {
    SetErrorIndicator(r.status());
    return nullptr;
  }
  return internal::SlotResult(FloatFromDouble(*r));
}

int ComplexBoolSlot(PyObject* a) {
  const Py_complex z = ComplexValue(a);
  return z.real != 0.0 || z.imag != 0.0;
}

constinit PyNumberMethods g_complex_number_methods = [] {
  PyNumberMethods m{};
  m.nb_add = ArithmeticSlot<Sum>;
  m.nb_subtract = ArithmeticSlot<Difference>;
  m.nb_multiply = ArithmeticSlot<Product>;
  m.nb_power = internal::ComplexPowerSlot;
  m.nb_negative = ComplexNegativeSlot;
  m.nb_positive = ComplexPositiveSlot;
  m.nb_absolute = ComplexAbsoluteSlot;
  m.nb_bool = ComplexBoolSlot;
  m.nb_true_divide = ComplexTrueDivideSlot;
  return m;
}();

// z.conjugate()
PyObject* ComplexConjugate(PyObject* self, PyObject*) {
  const Py_complex z = ComplexValue(self);
  return NewComplex({z.real, -z.imag});
}

// z.__complex__(): z itself when exactly complex.
PyObject* ComplexDunderComplex(PyObject* self, PyObject*) { return ComplexPositiveSlot(self); }

PyMethodDef g_complex_methods[] = {
    {"conjugate", ComplexConjugate, METH_NOARGS,
     "Return the complex conjugate of its argument. (3-4j).conjugate() == 3+4j."},
    {"__complex__", ComplexDunderComplex, METH_NOARGS,
     "Convert this value to exact type complex."},
    {nullptr, nullptr, 0, nullptr},
};

PyMemberDef g_complex_members[] = {
    {"real", Py_T_DOUBLE, offsetof(PyComplexObject, cval.real), Py_READONLY,
     "the real part of a complex number"},
    {"imag", Py_T_DOUBLE, offsetof(PyComplexObject, cval.imag), Py_READONLY,
     "the imaginary part of a complex number"},
    {nullptr, 0, 0, 0, nullptr},
};

// --- complex(str) ------------------------------------------------------------------
//
// CPython 3.13's grammar, our scanner: optional whitespace, an optional
// pair of parentheses (whitespace allowed inside), then "x", "yj", "x+yj",
// "x-yj", "x+j", "j", "-j" ..., where x and y are Python float literals
// ("1.5", ".5", "5.", "1e-3", "inf", "infinity", "nan", any case, signed),
// underscores allowed only between digits. Whitespace is Python's ASCII
// set; other non-ASCII text is malformed (CPython would also accept
// non-ASCII digits and spaces).

bool IsSpace(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\x1c' && c <= '\x1f');
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool StartsWithNoCase(absl::string_view s, size_t pos, absl::string_view word) {
  if (s.size() - pos < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    char c = s[pos + i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != word[i]) return false;
  }
  return true;
}

// A float literal at s[*pos] (with its sign): its value, *pos past it.
// False (and *pos unchanged) if there is none.
bool ScanFloat(absl::string_view s, size_t* pos, double* out) {
  size_t i = *pos;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  if (StartsWithNoCase(s, i, "infinity")) {
    i += 8;
  } else if (StartsWithNoCase(s, i, "inf") || StartsWithNoCase(s, i, "nan")) {
    i += 3;
  } else {
    size_t digits = 0;
    while (i < s.size() && IsDigit(s[i])) ++i, ++digits;
    if (i < s.size() && s[i] == '.') {
      ++i;
      while (i < s.size() && IsDigit(s[i])) ++i, ++digits;
    }
    if (digits == 0) return false;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
      size_t e = i + 1;
      if (e < s.size() && (s[e] == '+' || s[e] == '-')) ++e;
      if (e < s.size() && IsDigit(s[e])) {
        while (e < s.size() && IsDigit(s[e])) ++e;
        i = e;
      }
    }
  }
  const std::string token(s.substr(*pos, i - *pos));
  *out = std::strtod(token.c_str(), nullptr);
  *pos = i;
  return true;
}

// The Python repr of an ASCII-or-UTF-8 text, for the underscore message.
std::string QuoteForMessage(absl::string_view s) {
  const bool has_single = s.find('\'') != absl::string_view::npos;
  const bool has_double = s.find('"') != absl::string_view::npos;
  const char quote = has_single && !has_double ? '"' : '\'';
  std::string out(1, quote);
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == quote || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  out += quote;
  return out;
}

absl::StatusOr<Py_complex> ParseComplex(absl::string_view text) {
  // Underscores: only between two digits, then dropped.
  std::string s;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '_') {
      s += text[i];
      continue;
    }
    if (i == 0 || i + 1 == text.size() || !IsDigit(text[i - 1]) || !IsDigit(text[i + 1])) {
      return Errorf(ErrorKind::kValueError, "could not convert string to complex: %s",
                    QuoteForMessage(text));
    }
  }
  const absl::Status malformed =
      MakeError(ErrorKind::kValueError, "complex() arg is a malformed string");
  size_t pos = 0;
  auto skip_space = [&] {
    while (pos < s.size() && IsSpace(s[pos])) ++pos;
  };
  skip_space();
  const bool bracket = pos < s.size() && s[pos] == '(';
  if (bracket) {
    ++pos;
    skip_space();
  }
  auto is_j = [&] { return pos < s.size() && (s[pos] == 'j' || s[pos] == 'J'); };
  Py_complex z = {0.0, 0.0};
  double x;
  if (ScanFloat(s, &pos, &x)) {
    if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
      // x+yj, x-yj, x+j, x-j
      double y;
      if (!ScanFloat(s, &pos, &y)) y = s[pos++] == '-' ? -1.0 : 1.0;
      if (!is_j()) return malformed;
      ++pos;
      z = {x, y};
    } else if (is_j()) {
      ++pos;
      z = {0.0, x};
    } else {
      z = {x, 0.0};
    }
  } else {
    // j, +j, -j
    double sign = 1.0;
    if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) sign = s[pos++] == '-' ? -1.0 : 1.0;
    if (!is_j()) return malformed;
    ++pos;
    z = {0.0, sign};
  }
  skip_space();
  if (bracket) {
    if (pos >= s.size() || s[pos] != ')') return malformed;
    ++pos;
    skip_space();
  }
  if (pos != s.size()) return malformed;
  return z;
}

// One argument of complex(): a complex's value, or a real number's (an int,
// a float, or an object with __float__ / __index__) as (x, 0). `first`:
// the real argument (the imaginary one otherwise), for the messages.
bool ConstructorArg(PyObject* v, bool first, Py_complex* out) {
  if (internal::IntOverflowsDouble(v)) return false;
  if (AsComplex(v, out)) return true;
  if (IsStr(v)) {
    // (A string first argument is parsed by the caller.)
    SetErrorIndicator(MakeError(ErrorKind::kTypeError, "complex() second arg can't be a string"));
    return false;
  }
  if (!IsNumber(v)) {
    SetErrorIndicator(first ? Errorf(ErrorKind::kTypeError,
                                     "complex() first argument must be a string or a number, "
                                     "not '%s'",
                                     v->ob_type->tp_name)
                            : Errorf(ErrorKind::kTypeError,
                                     "complex() second argument must be a number, not '%s'",
                                     v->ob_type->tp_name));
    return false;
  }
  absl::StatusOr<Ref<>> f = NumberFloat(v);
  if (!f.ok()) {
    SetErrorIndicator(f.status());
    return false;
  }
  *out = {FloatValue(f->get()), 0.0};
  return true;
}

// complex(real=0, imag=0) from numbers: real + imag*1j.
PyObject* ComplexTpNew(PyTypeObject* type, PyObject* args, PyObject* kwargs) {
  PyObject* real = nullptr;
  PyObject* imag = nullptr;
  const Py_ssize_t n = args == nullptr ? 0 : TupleSize(args);
  if (n > 2) {
    SetErrorIndicator(Errorf(ErrorKind::kTypeError,
                             "complex() takes at most 2 arguments (%d given)",
                             static_cast<int>(n)));
    return nullptr;
  }
  if (n >= 1) real = TupleItem(args, 0);
  if (n == 2) imag = TupleItem(args, 1);
  if (kwargs != nullptr && IsDict(kwargs) && DictSize(kwargs) != 0) {
    Py_ssize_t pos = 0;
    Ref<> k, v;
    while (DictNext(kwargs, &pos, &k, &v)) {
      PyObject** slot = nullptr;
      if (IsStr(k.get()) && StrEqualsUtf8(k.get(), "real")) slot = &real;
      if (IsStr(k.get()) && StrEqualsUtf8(k.get(), "imag")) slot = &imag;
      if (slot == nullptr) {
        SetErrorIndicator(MakeError(ErrorKind::kTypeError,
                                    "complex() got an unexpected keyword argument"));
        return nullptr;
      }
      if (*slot != nullptr && (slot == &real ? n >= 1 : n >= 2)) {
        SetErrorIndicator(MakeError(ErrorKind::kTypeError,
                                    "argument for complex() given by name and position"));
        return nullptr;
      }
      *slot = v.get();  // the dict holds it for the rest of the call
    }
  }
  Py_complex r = {0.0, 0.0}, i = {0.0, 0.0};
  if (real != nullptr && IsStr(real)) {
    if (imag != nullptr) {
      SetErrorIndicator(MakeError(ErrorKind::kTypeError,
                                  "complex() can't take second arg if first is a string"));
      return nullptr;
    }
    absl::StatusOr<absl::string_view> text = StrAsUtf8(real);
    if (!text.ok()) {
      SetErrorIndicator(text.status());
      return nullptr;
    }
    absl::StatusOr<Py_complex> z = ParseComplex(*text);
    if (!z.ok()) {
      SetErrorIndicator(z.status());
      return nullptr;
    }
    if (type == &PyComplex_Type) return NewComplex(*z);
    PyObject* obj = type->tp_alloc(type, 0);
    if (obj != nullptr) reinterpret_cast<ComplexObject*>(obj)->cval = *z;
    return obj;
  }
  if (real != nullptr && !ConstructorArg(real, true, &r)) return nullptr;
  if (imag != nullptr && !ConstructorArg(imag, false, &i)) return nullptr;
  if (type == &PyComplex_Type && real != nullptr && imag == nullptr && IsComplexExact(real)) {
    return Ref<>::NewRef(real).Release();
  }
  // real + imag * 1j, part by part (as CPython: no product with NaNs).
  const Py_complex z = {r.real - i.imag, r.imag + i.real};
  if (type == &PyComplex_Type) return NewComplex(z);
  PyObject* obj = type->tp_alloc(type, 0);
  if (obj == nullptr) return nullptr;
  reinterpret_cast<ComplexObject*>(obj)->cval = z;
  return obj;
}

}  // namespace

extern "C" {
constinit PyTypeObject PyComplex_Type = [] {
  PyTypeObject t{};
  t.ob_base.ob_base = ::ftrt::internal::StaticObjectHeader(nullptr);
  t.tp_name = "complex";
  t.tp_basicsize = sizeof(PyComplexObject);
  t.tp_hash = ComplexHashSlot;
  t.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_IMMUTABLETYPE;
  t.tp_doc =
      "complex(real=0, imag=0)\n--\n\nCreate a complex number from a string or numbers.\n\n"
      "If a string is given, parse it as a complex number.\nIf a single number is given, "
      "convert it to a complex number.\nIf the 'real' or 'imag' arguments are given, create a "
      "complex number\nwith the specified real and imaginary components.";
  t.tp_richcompare = ComplexRichCompareSlot;
  t.tp_as_number = &g_complex_number_methods;
  t.tp_methods = g_complex_methods;
  t.tp_members = g_complex_members;
  t.tp_new = ComplexTpNew;
  return t;
}();
}  // extern "C"

namespace {
const bool g_types_ready = [] {
  InitStaticType(&PyComplex_Type);
  return true;
}();
}  // namespace

PyTypeObject* ComplexType() { return (void)g_types_ready, &PyComplex_Type; }

absl::StatusOr<Ref<>> ComplexFromDoubles(double real, double imag) {
  Ref<ComplexObject> obj = NewObject<ComplexObject>(&PyComplex_Type);
  if (!obj) return NoMemoryError();
  obj->cval = {real, imag};
  return Ref<>(std::move(obj));
}

absl::StatusOr<Py_complex> ComplexQuotient(Py_complex a, Py_complex b) {
  Py_complex q;
  if (!Quotient(a, b, &q)) {
    return MakeError(ErrorKind::kZeroDivisionError, "complex division by zero");
  }
  return q;
}

absl::StatusOr<double> ComplexAbs(Py_complex z) {
  if (!std::isfinite(z.real) || !std::isfinite(z.imag)) {
    // An infinite part wins over a NaN one: |inf + nan j| is inf.
    if (std::isinf(z.real) || std::isinf(z.imag)) return HUGE_VAL;
    return std::nan("");
  }
  const double r = std::hypot(z.real, z.imag);
  if (!std::isfinite(r)) return MakeError(ErrorKind::kOverflowError, "absolute value too large");
  return r;
}

Py_complex ComplexPowerValue(Py_complex base, Py_complex exponent, bool integer_powers,
                             int* error) {
  *error = 0;
  Py_complex r;
  if (integer_powers && exponent.imag == 0.0 && exponent.real == std::floor(exponent.real) &&
      std::fabs(exponent.real) <= 100.0) {
    // An integral power: repeated squaring (its inverse for n < 0).
    const int64_t n = static_cast<int64_t>(exponent.real);
    if (n >= 0) {
      r = PowUnsigned(base, static_cast<uint64_t>(n));
    } else if (!Quotient({1.0, 0.0}, PowUnsigned(base, static_cast<uint64_t>(-n)), &r)) {
      *error = EDOM;
      return {0.0, 0.0};
    }
  } else if (exponent.real == 0.0 && exponent.imag == 0.0) {
    r = {1.0, 0.0};
  } else if (base.real == 0.0 && base.imag == 0.0) {
    if (exponent.imag != 0.0 || exponent.real < 0.0) *error = EDOM;
    r = {0.0, 0.0};
  } else {
    // Polar form: |b|^e * exp(i e arg(b)), e complex.
    const double magnitude = std::hypot(base.real, base.imag);
    const double angle = std::atan2(base.imag, base.real);
    double length = std::pow(magnitude, exponent.real);
    double phase = angle * exponent.real;
    if (exponent.imag != 0.0) {
      length /= std::exp(angle * exponent.imag);
      phase += exponent.imag * std::log(magnitude);
    }
    r = {length * std::cos(phase), length * std::sin(phase)};
  }
  // An infinite part is an overflow (CPython: ERANGE, whatever the base).
  if (*error == 0 && (std::isinf(r.real) || std::isinf(r.imag))) *error = ERANGE;
  return r;
}

absl::StatusOr<Py_complex> ComplexPower(Py_complex base, Py_complex exponent) {
  int error;
  const Py_complex r = ComplexPowerValue(base, exponent, /*integer_powers=*/true, &error);
  if (error == EDOM) return ZeroToNegativePower();
  if (error == ERANGE) return MakeError(ErrorKind::kOverflowError, "complex exponentiation");
  return r;
}

Py_hash_t ComplexHash(Py_complex z, const void* identity) {
  const uint64_t real = static_cast<uint64_t>(HashDouble(z.real, identity));
  const uint64_t imag = static_cast<uint64_t>(HashDouble(z.imag, identity));
  // Unsigned: the overflow wraps, as CPython's Py_uhash_t does.
  const Py_hash_t h = static_cast<Py_hash_t>(real + 1000003u * imag);
  return h == -1 ? -2 : h;
}

std::string ComplexReprText(Py_complex z, std::string (*float_repr)(double)) {
  // A part as repr(float) gives it, without a trailing ".0" ("3", "1e+16").
  auto part = [float_repr](double v) {
    std::string s = float_repr(v);
    if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
    return s;
  };
  std::string imag = part(z.imag);
  if (z.real == 0.0 && !std::signbit(z.real)) return imag + "j";
  if (imag[0] != '-') imag.insert(0, "+");
  return "(" + part(z.real) + imag + "j)";
}

namespace internal {

PyObject* ComplexPowerSlot(PyObject* a, PyObject* b, PyObject* mod) {
  Py_complex x, y;
  PyObject* result;
  if (!Operands(a, b, &x, &y, &result)) return result;
  if (mod != nullptr && mod != None()) {
    SetErrorIndicator(MakeError(ErrorKind::kValueError, "complex modulo"));
    return nullptr;
  }
  absl::StatusOr<Py_complex> r = ComplexPower(x, y);
  if (!r.ok()) {
    SetErrorIndicator(r.status());
    return nullptr;
  }
  return NewComplex(*r);
}

}  // namespace internal

}  // namespace ftrt
