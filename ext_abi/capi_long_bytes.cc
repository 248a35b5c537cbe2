// libftrt.so: ints from raw bytes (_PyLong_FromByteArray; longobject.h),
// the function extensions such as mmh3 use to turn a hash digest into an
// int. It is private in name but declared in CPython 3.13's public
// cpython/longobject.h, and widely used.
//
// The bytes are read as one two's-complement number (is_signed) or an
// unsigned magnitude, least significant byte first when little_endian, of
// any length (a value beyond 64 bits is a big int, object/int.h).
// The functions read only their arguments: safe from any thread.
//
// CPython 3.13's public forms of the same, PyLong_AsNativeBytes and
// PyLong_FromNativeBytes / FromUnsignedNativeBytes (what PyO3 and newer
// extensions call), are here too, with 3.13's flags (Py_ASNATIVEBYTES_*)
// and return values. AsNativeBytes writes all n bytes (the two's
// complement value truncated to n, or extended with its sign) and returns
// the bytes the value needs, as CPython 3.13.0 computes them, so the usual
// check "result <= n" means "it fitted". CPython's figure depends on how it
// stores the value: one 30-bit digit ("compact", |v| < 2^30) gives
// sizeof(Py_ssize_t) unless 0 < n <= 8, where it is n when the value fits
// in n bytes (also as unsigned, if the caller did not ask for a signed
// buffer explicitly), else n + 1 or 8; a longer value gives
// bit_length(|v|) / 8 + 1, less one for the values that fill n bytes
// exactly (-2^(8n-1), and 2^(8n-1) .. 2^(8n) - 1 read as unsigned).
#include <cerrno>
#include <climits>
#include <cstddef>
#include <cstdint>

#include "ext_abi/capi_internal.h"
#include "object/int.h"

using ftrt::ext::internal::BadCall;
using ftrt::ext::internal::NewOrRaise;

namespace {

// The Py_ASNATIVEBYTES_* bits (longobject.h).
constexpr int kLittleEndian = 1, kNativeEndian = 2, kUnsignedBuffer = 4, kRejectNegative = 8,
              kAllowIndex = 16;

// Little endian (1) or big (0) for `flags` (-1: the defaults, native).
int LittleEndianFor(int flags) {
  if (flags == -1 || (flags & kNativeEndian) != 0) {
    return __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? 1 : 0;
  }
  return flags & kLittleEndian;
}

// True if v is representable in `bits` bits of two's complement.
bool FitsInBits(int64_t v, int64_t bits) {
  if (bits >= 64) return true;
  const int64_t half = int64_t{1} << (bits - 1);
  return v >= -half && v < half;
}

}  // namespace

extern "C" {

PyObject* PyErr_Format(PyObject* exception, const char* format, ...);
void PyErr_SetString(PyObject* exception, const char* message);
PyObject* PyNumber_Index(PyObject* o);
extern PyObject* PyExc_OverflowError;
extern PyObject* PyExc_TypeError;
extern PyObject* PyExc_ValueError;

PyObject* _PyLong_FromByteArray(const unsigned char* bytes, size_t n, int little_endian,
                                int is_signed) {
  if (n == 0) return NewOrRaise(ftrt::IntFromInt64(0));
  if (bytes == nullptr) {
    BadCall("_PyLong_FromByteArray");
    return nullptr;
  }
  return NewOrRaise(
      ftrt::IntFromBigInt(ftrt::BigInt::FromBytes(bytes, n, little_endian != 0, is_signed != 0)));
}

Py_ssize_t PyLong_AsNativeBytes(PyObject* v, void* buffer, Py_ssize_t n, int flags) {
  if (v == nullptr || n < 0 || (n > 0 && buffer == nullptr)) {
    BadCall("PyLong_AsNativeBytes");
    return -1;
  }
  const bool defaults = flags == -1;
  ftrt::Ref<> index;
  if (!ftrt::IsInt(v)) {
    if (defaults || (flags & kAllowIndex) == 0) {
      PyErr_Format(PyExc_TypeError, "expect int, got %s", v->ob_type->tp_name);
      return -1;
    }
    index = ftrt::Ref<>::Steal(PyNumber_Index(v));
    if (!index) return -1;
    v = index.get();
  }
  if (!defaults && (flags & kRejectNegative) != 0 && ftrt::IntSign(v) < 0) {
    PyErr_SetString(PyExc_ValueError, "Cannot convert negative int");
    return -1;
  }
  constexpr Py_ssize_t kSize = sizeof(int64_t);
  const bool little = LittleEndianFor(flags) != 0;
  const bool unsigned_ok = defaults || (flags & kUnsignedBuffer) != 0;
  auto* out = static_cast<unsigned char*>(buffer);
  const ftrt::BigInt value = ftrt::IntToBigInt(v);
  if (n > 0) {
    // The two's complement value truncated to n bytes (or sign-extended to
    // them): v mod 2**(8n), written unsigned.
    absl::StatusOr<ftrt::BigInt> modulus =
        ftrt::BigInt::ShiftLeft(ftrt::BigInt::FromInt64(1), 8 * static_cast<uint64_t>(n));
    if (!modulus.ok()) {
      ftrt::ext::internal::RaiseStatus(modulus.status());
      return -1;
    }
    ftrt::BigInt low;
    ftrt::BigInt::DivMod(value, *modulus, nullptr, &low);
    const bool ok = low.ToBytes(out, static_cast<size_t>(n), little, /*is_signed=*/false);
    FTRT_DCHECK(ok, "PyLong_AsNativeBytes: a residue did not fit its bytes");
    (void)ok;
  }
  const uint64_t bits = value.BitLength();
  if (bits <= 30) {  // one CPython digit: |v| < 2**30
    const int64_t small = value.ToInt64();
    if (n == 0 || n > kSize) return kSize;
    if (FitsInBits(small, 8 * n)) return n;
    if (small > 0 && FitsInBits(small, 8 * n + 1)) return unsigned_ok ? n : n + 1;
    return kSize;
  }
  const Py_ssize_t need = static_cast<Py_ssize_t>(bits / 8 + 1);
  if (n > 0 && need == n + 1 && bits % 8 == 0) {
    if (value.negative()) {
      // -2**(8n-1): the one negative value of bit length 8n that fits.
      if (ftrt::BigInt::And(value, value.Negated()) == value.Negated()) return n;
    } else {
      return unsigned_ok ? n : n + 1;  // the top bit of n bytes is set
    }
  }
  return need;
}

PyObject* PyLong_FromNativeBytes(const void* buffer, size_t n, int flags) {
  if (buffer == nullptr) {
    BadCall("PyLong_FromNativeBytes");
    return nullptr;
  }
  const int is_signed = flags == -1 || (flags & kUnsignedBuffer) == 0 ? 1 : 0;
  return _PyLong_FromByteArray(static_cast<const unsigned char*>(buffer), n,
                               LittleEndianFor(flags), is_signed);
}

PyObject* PyLong_FromUnsignedNativeBytes(const void* buffer, size_t n, int flags) {
  if (buffer == nullptr) {
    BadCall("PyLong_FromUnsignedNativeBytes");
    return nullptr;
  }
  return _PyLong_FromByteArray(static_cast<const unsigned char*>(buffer), n,
                               LittleEndianFor(flags), 0);
}

int _PyLong_Sign(PyObject* v) { return ftrt::IntSign(v); }

size_t _PyLong_NumBits(PyObject* v) { return static_cast<size_t>(ftrt::IntBitLength(v)); }

int _PyLong_AsByteArray(PyLongObject* v, unsigned char* bytes, size_t n, int little_endian,
                        int is_signed, int with_exceptions) {
  PyObject* op = reinterpret_cast<PyObject*>(v);
  if (op == nullptr || !ftrt::IsInt(op) || (n > 0 && bytes == nullptr)) {
    if (with_exceptions) BadCall("_PyLong_AsByteArray");
    return -1;
  }
  const ftrt::BigInt value = ftrt::IntToBigInt(op);
  if (value.negative() && !is_signed) {
    if (with_exceptions) {
      PyErr_SetString(PyExc_OverflowError, "can't convert negative int to unsigned");
    }
    return -1;
  }
  if (!value.ToBytes(bytes, n, little_endian != 0, is_signed != 0)) {
    if (with_exceptions) PyErr_SetString(PyExc_OverflowError, "int too big to convert");
    return -1;
  }
  return 0;
}

PyObject* _PyLong_GCD(PyObject* a, PyObject* b) {
  if (a == nullptr || b == nullptr || !ftrt::IsInt(a) || !ftrt::IsInt(b)) {
    BadCall("_PyLong_GCD");
    return nullptr;
  }
  return NewOrRaise(
      ftrt::IntFromBigInt(ftrt::BigInt::Gcd(ftrt::IntToBigInt(a), ftrt::IntToBigInt(b))));
}

int PyUnstable_Long_IsCompact(const PyLongObject* op) {
  const auto* o = reinterpret_cast<const PyObject*>(op);
  if (ftrt::IntIsBig(o)) return 0;
  const int64_t v = ftrt::IntValue(o);
  return v > -(int64_t{1} << 30) && v < (int64_t{1} << 30);
}

Py_ssize_t PyUnstable_Long_CompactValue(const PyLongObject* op) {
  return static_cast<Py_ssize_t>(ftrt::IntValue(reinterpret_cast<const PyObject*>(op)));
}

}  // extern "C"

namespace {

// The digits of a C string in Python's literal syntax, for PyOS_strto*:
// *value (mod 2**64) and *overflow, *end past the last digit read.
void ScanUnsigned(const char* str, char** end, int base, uint64_t* value, bool* overflow) {
  const char* p = str;
  while (*p == ' ' || (*p >= '\t' && *p <= '\r')) ++p;
  *value = 0;
  *overflow = false;
  *end = const_cast<char*>(str);
  if (base != 0 && (base < 2 || base > 36)) return;
  auto digit = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'z') return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
    return 99;
  };
  if (p[0] == '0') {
    const char x = static_cast<char>(p[1] | 0x20);
    const int prefix = x == 'x' ? 16 : x == 'o' ? 8 : x == 'b' ? 2 : 0;
    if (prefix != 0 && (base == 0 || base == prefix) && digit(p[2]) < prefix) {
      base = prefix;
      p += 2;
    }
  }
  if (base == 0) base = 10;
  const char* first = p;
  for (; digit(*p) < base; ++p) {
    const uint64_t d = static_cast<uint64_t>(digit(*p));
    if (*value > (UINT64_MAX - d) / static_cast<uint64_t>(base)) *overflow = true;
    *value = *value * static_cast<uint64_t>(base) + d;
  }
  if (p != first) *end = const_cast<char*>(p);
}

}  // namespace

extern "C" {

unsigned long PyOS_strtoul(const char* str, char** ptr, int base) {
  char* end;
  uint64_t value;
  bool overflow;
  ScanUnsigned(str, &end, base, &value, &overflow);
  if (ptr != nullptr) *ptr = end;
  if (overflow) {
    errno = ERANGE;
    return ULONG_MAX;
  }
  return static_cast<unsigned long>(value);
}

long PyOS_strtol(const char* str, char** ptr, int base) {
  const char* p = str;
  while (*p == ' ' || (*p >= '\t' && *p <= '\r')) ++p;
  const bool negative = *p == '-';
  if (*p == '+' || *p == '-') ++p;
  char* end;
  uint64_t value;
  bool overflow;
  ScanUnsigned(p, &end, base, &value, &overflow);
  if (ptr != nullptr) *ptr = end == p ? const_cast<char*>(str) : end;
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  if (overflow || value > limit) {
    errno = ERANGE;
    return negative ? LONG_MIN : LONG_MAX;
  }
  return negative ? static_cast<long>(uint64_t{0} - value) : static_cast<long>(value);
}

}  // extern "C"
