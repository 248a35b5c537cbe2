// UTF-8 decoding into PEP 393's three widths, and encoding back.
//
// Decoding is strict, as Python's 'utf-8' codec with errors='strict':
// only the well-formed sequences of the Unicode standard (Table 3-7) are
// accepted, so overlong forms, encoded surrogates (U+D800..U+DFFF) and
// anything above U+10FFFF are errors. A failure is a UnicodeDecodeError
// Status worded as CPython words it ("'utf-8' codec can't decode byte 0xff
// in position 3: invalid start byte"). Decoding is two passes: ScanUtf8
// validates and finds the length and the widest character (so the string
// can be allocated at its final width), DecodeUtf8 writes the characters.
// Pure ASCII input is checked eight bytes at a time.
//
// Encoding a str whose characters include a lone surrogate (possible
// through PyUnicode_New + PyUnicode_WRITE) is a UnicodeEncodeError
// ("surrogates not allowed"), as in CPython.
#ifndef FTRT_OBJECT_UTF8_H_
#define FTRT_OBJECT_UTF8_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "object/builtin_layouts.h"

namespace ftrt {

struct Utf8Scan {
  Py_ssize_t length = 0;  // code points
  Py_UCS4 max_char = 0;   // the widest non-ASCII code point; 0 if all ASCII
};

// Validates `utf8`; returns its length in code points and widest character,
// or a UnicodeDecodeError.
absl::StatusOr<Utf8Scan> ScanUtf8(absl::string_view utf8);

// Writes the code points of `utf8` (which ScanUtf8 accepted) at `kind`'s
// width (1, 2 or 4 bytes each; the kind must hold scan.max_char) to `out`.
void DecodeUtf8(absl::string_view utf8, int kind, void* out);

// The UTF-8 size of `length` characters of `kind` at `data`, or a
// UnicodeEncodeError naming the first surrogate.
absl::StatusOr<size_t> Utf8EncodedSize(int kind, const void* data, Py_ssize_t length);

// Writes the UTF-8 form (Utf8EncodedSize bytes; no NUL) to `out`.
void EncodeUtf8(int kind, const void* data, Py_ssize_t length, char* out);

// The narrowest kind that holds `max_char` (1, 2 or 4).
inline int KindForMaxChar(Py_UCS4 max_char) {
  return max_char < 0x100 ? PyUnicode_1BYTE_KIND
                          : (max_char < 0x10000 ? PyUnicode_2BYTE_KIND : PyUnicode_4BYTE_KIND);
}

}  // namespace ftrt

#endif  // FTRT_OBJECT_UTF8_H_
