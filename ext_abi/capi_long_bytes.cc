// libftrt.so: ints from raw bytes (_PyLong_FromByteArray; longobject.h),
// the function extensions such as mmh3 use to turn a hash digest into an
// int. It is private in name but declared in CPython 3.13's public
// cpython/longobject.h, and widely used.
//
// The bytes are read as one two's-complement number (is_signed) or an
// unsigned magnitude, least significant byte first when little_endian.
// ftrt's ints are 64-bit (object/int.h): leading bytes that only repeat
// the sign (0x00, or 0xff for a negative signed number) are dropped, and a
// value that still needs more than 64 bits raises OverflowError, with the
// message IntFromUint64 gives (its own for a value above INT64_MAX); CPython would build a big int there.
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
  // Byte i counted from the least significant end.
  auto at = [&](size_t i) -> unsigned char {
    return little_endian ? bytes[i] : bytes[n - 1 - i];
  };
  const bool negative = is_signed && (at(n - 1) & 0x80) != 0;
  const unsigned char fill = negative ? 0xff : 0x00;
  // Significant length: drop the top bytes that only repeat the sign.
  size_t len = n;
  while (len > 1 && at(len - 1) == fill) {
    // For a signed number the byte below must keep the same sign bit.
    if (is_signed && ((at(len - 2) & 0x80) != 0) != negative) break;
    --len;
  }
  if (len > 8) {
    PyErr_Format(PyExc_OverflowError, "int result does not fit in 64 bits (ftrt ints are 64-bit)");
    return nullptr;
  }
  uint64_t magnitude = 0;
  for (size_t i = 0; i < len && i < 8; ++i) magnitude |= static_cast<uint64_t>(at(i)) << (8 * i);
  if (!is_signed) return NewOrRaise(ftrt::IntFromUint64(magnitude));
  // Sign-extend the len significant bytes to 64 bits.
  if (negative && len < 8) magnitude |= ~uint64_t{0} << (8 * len);
  return NewOrRaise(ftrt::IntFromInt64(static_cast<int64_t>(magnitude)));
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
  const int64_t value = ftrt::IntValue(v);
  if (!defaults && (flags & kRejectNegative) != 0 && value < 0) {
    PyErr_SetString(PyExc_ValueError, "Cannot convert negative int");
    return -1;
  }
  constexpr Py_ssize_t kSize = sizeof(int64_t);
  const bool little = LittleEndianFor(flags) != 0;
  const bool unsigned_ok = defaults || (flags & kUnsignedBuffer) != 0;
  auto* out = static_cast<unsigned char*>(buffer);
  // Byte i of the value counted from the least significant end (sign-
  // extended past the 8th), stored where `little` puts it among n bytes.
  auto byte = [&](Py_ssize_t i) -> unsigned char {
    if (i >= kSize) return value < 0 ? 0xff : 0x00;
    return static_cast<unsigned char>(static_cast<uint64_t>(value) >> (8 * i));
  };
  for (Py_ssize_t i = 0; i < n; ++i) out[little ? i : n - 1 - i] = byte(i);
  const uint64_t magnitude =
      value < 0 ? uint64_t{0} - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  if (magnitude < (uint64_t{1} << 30)) {  // one CPython digit
    if (n == 0 || n > kSize) return kSize;
    if (FitsInBits(value, 8 * n)) return n;
    if (value > 0 && FitsInBits(value, 8 * n + 1)) return unsigned_ok ? n : n + 1;
    return kSize;
  }
  const int bits = 64 - __builtin_clzll(magnitude);
  const Py_ssize_t need = bits / 8 + 1;
  if (n > 0 && need == n + 1 && bits % 8 == 0) {
    if (value < 0) {
      if (magnitude == uint64_t{1} << (8 * n - 1)) return n;  // -2^(8n-1)
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

}  // extern "C"
