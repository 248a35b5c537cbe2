// UTF-8 decoding and encoding (see utf8.h).
#include "object/utf8.h"

#include <cstring>
#include <string>

#include "object/errors.h"

namespace ftrt {
namespace {

constexpr uint64_t kHighBits = 0x8080808080808080ull;

// The valid range of the second byte after a lead byte (Unicode 3-7); the
// third and fourth bytes are always 80..BF.
struct LeadInfo {
  int length;      // 0: not a valid lead byte
  uint8_t lo, hi;  // range of the second byte
};

LeadInfo Lead(uint8_t b) {
  if (b >= 0xC2 && b <= 0xDF) return {2, 0x80, 0xBF};
  if (b == 0xE0) return {3, 0xA0, 0xBF};
  if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) return {3, 0x80, 0xBF};
  if (b == 0xED) return {3, 0x80, 0x9F};  // no surrogates
  if (b == 0xF0) return {4, 0x90, 0xBF};  // no overlong forms
  if (b >= 0xF1 && b <= 0xF3) return {4, 0x80, 0xBF};
  if (b == 0xF4) return {4, 0x80, 0x8F};  // nothing above U+10FFFF
  return {0, 0, 0};
}

absl::Status DecodeError(const uint8_t* p, size_t start, size_t end, const char* reason) {
  if (end - start == 1) {
    return Errorf(ErrorKind::kUnicodeDecodeError,
                  "'utf-8' codec can't decode byte 0x%02x in position %d: %s", p[start], start,
                  reason);
  }
  return Errorf(ErrorKind::kUnicodeDecodeError,
                "'utf-8' codec can't decode bytes in position %d-%d: %s", start, end - 1, reason);
}

// Decodes the well-formed sequence at p[i] (of `len` bytes); returns the
// code point.
inline Py_UCS4 DecodeOne(const uint8_t* p, size_t i, int len) {
  switch (len) {
    case 2:
      return (Py_UCS4{p[i] & 0x1Fu} << 6) | (p[i + 1] & 0x3Fu);
    case 3:
      return (Py_UCS4{p[i] & 0x0Fu} << 12) | (Py_UCS4{p[i + 1] & 0x3Fu} << 6) | (p[i + 2] & 0x3Fu);
    default:
      return (Py_UCS4{p[i] & 0x07u} << 18) | (Py_UCS4{p[i + 1] & 0x3Fu} << 12) |
             (Py_UCS4{p[i + 2] & 0x3Fu} << 6) | (p[i + 3] & 0x3Fu);
  }
}

template <typename Char>
void DecodeInto(const uint8_t* p, size_t n, Char* out) {
  size_t i = 0;
  while (i < n) {
    const uint8_t b = p[i];
    if (b < 0x80) {
      *out++ = b;
      ++i;
      continue;
    }
    const int len = Lead(b).length;
    *out++ = static_cast<Char>(DecodeOne(p, i, len));
    i += static_cast<size_t>(len);
  }
}

inline Py_UCS4 ReadChar(int kind, const void* data, Py_ssize_t i) {
  switch (kind) {
    case PyUnicode_1BYTE_KIND:
      return static_cast<const Py_UCS1*>(data)[i];
    case PyUnicode_2BYTE_KIND:
      return static_cast<const Py_UCS2*>(data)[i];
    default:
      return static_cast<const Py_UCS4*>(data)[i];
  }
}

}  // namespace

absl::StatusOr<Utf8Scan> ScanUtf8(absl::string_view utf8) {
  const auto* p = reinterpret_cast<const uint8_t*>(utf8.data());
  const size_t n = utf8.size();
  Utf8Scan scan;
  size_t i = 0;
  while (i < n) {
    // ASCII runs, a word at a time.
    while (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      if (w & kHighBits) break;
      i += 8;
      scan.length += 8;
    }
    if (i >= n) break;
    const uint8_t b = p[i];
    if (b < 0x80) {
      ++i;
      ++scan.length;
      continue;
    }
    const LeadInfo lead = Lead(b);
    if (lead.length == 0) return DecodeError(p, i, i + 1, "invalid start byte");
    // Check the continuation bytes that are present.
    size_t valid = 1;
    for (int k = 1; k < lead.length; ++k) {
      if (i + static_cast<size_t>(k) >= n) {
        return DecodeError(p, i, i + valid, "unexpected end of data");
      }
      const uint8_t c = p[i + static_cast<size_t>(k)];
      const uint8_t lo = k == 1 ? lead.lo : 0x80;
      const uint8_t hi = k == 1 ? lead.hi : 0xBF;
      if (c < lo || c > hi) return DecodeError(p, i, i + valid, "invalid continuation byte");
      ++valid;
    }
    const Py_UCS4 ch = DecodeOne(p, i, lead.length);
    if (ch > scan.max_char) scan.max_char = ch;
    ++scan.length;
    i += static_cast<size_t>(lead.length);
  }
  return scan;
}

void DecodeUtf8(absl::string_view utf8, int kind, void* out) {
  const auto* p = reinterpret_cast<const uint8_t*>(utf8.data());
  switch (kind) {
    case PyUnicode_1BYTE_KIND:
      DecodeInto(p, utf8.size(), static_cast<Py_UCS1*>(out));
      break;
    case PyUnicode_2BYTE_KIND:
      DecodeInto(p, utf8.size(), static_cast<Py_UCS2*>(out));
      break;
    default:
      DecodeInto(p, utf8.size(), static_cast<Py_UCS4*>(out));
      break;
  }
}

absl::StatusOr<size_t> Utf8EncodedSize(int kind, const void* data, Py_ssize_t length) {
  size_t size = 0;
  for (Py_ssize_t i = 0; i < length; ++i) {
    const Py_UCS4 ch = ReadChar(kind, data, i);
    if (ch < 0x80) {
      size += 1;
    } else if (ch < 0x800) {
      size += 2;
    } else if (ch < 0x10000) {
      if (ch >= 0xD800 && ch <= 0xDFFF) {
        return Errorf(ErrorKind::kUnicodeEncodeError,
                      "'utf-8' codec can't encode character '\\u%04x' in position %d: "
                      "surrogates not allowed",
                      ch, i);
      }
      size += 3;
    } else {
      size += 4;
    }
  }
  return size;
}

void EncodeUtf8(int kind, const void* data, Py_ssize_t length, char* out) {
  auto* o = reinterpret_cast<uint8_t*>(out);
  for (Py_ssize_t i = 0; i < length; ++i) {
    const Py_UCS4 ch = ReadChar(kind, data, i);
    if (ch < 0x80) {
      *o++ = static_cast<uint8_t>(ch);
    } else if (ch < 0x800) {
      *o++ = static_cast<uint8_t>(0xC0 | (ch >> 6));
      *o++ = static_cast<uint8_t>(0x80 | (ch & 0x3F));
    } else if (ch < 0x10000) {
      *o++ = static_cast<uint8_t>(0xE0 | (ch >> 12));
      *o++ = static_cast<uint8_t>(0x80 | ((ch >> 6) & 0x3F));
      *o++ = static_cast<uint8_t>(0x80 | (ch & 0x3F));
    } else {
      *o++ = static_cast<uint8_t>(0xF0 | (ch >> 18));
      *o++ = static_cast<uint8_t>(0x80 | ((ch >> 12) & 0x3F));
      *o++ = static_cast<uint8_t>(0x80 | ((ch >> 6) & 0x3F));
      *o++ = static_cast<uint8_t>(0x80 | (ch & 0x3F));
    }
  }
}

}  // namespace ftrt
