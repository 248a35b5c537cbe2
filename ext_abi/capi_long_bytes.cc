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
// The function reads only its arguments: safe from any thread.
#include <cstddef>
#include <cstdint>

#include "ext_abi/capi_internal.h"
#include "object/int.h"

using ftrt::ext::internal::NewOrRaise;

extern "C" {

PyObject* PyErr_Format(PyObject* exception, const char* format, ...);
extern PyObject* PyExc_OverflowError;

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

}  // extern "C"
