// Codecs chosen by name (see codec_names.h).
#include "object/codec_names.h"

#include <cctype>
#include <optional>
#include <string>
#include <vector>

#include "object/bytes.h"
#include "object/error_indicator.h"
#include "object/errors.h"
#include "object/exceptions.h"
#include "object/str.h"
#include "object/str_codecs.h"
#include "object/str_ops.h"

namespace ftrt {
namespace {

// Runs `codec` with the handler `errors` names; an unknown name runs it
// strict and turns a Unicode error it reports into the LookupError.
template <typename Codec>
Ref<> WithHandler(absl::string_view errors, Codec codec) {
  const std::string name(errors);
  const std::optional<CodecErrors> handler = CodecErrorsFromName(name.c_str());
  absl::StatusOr<Ref<>> r = codec(handler.value_or(CodecErrors::kStrict));
  if (!r.ok() && !handler.has_value() &&
      (IsError(r.status(), ErrorKind::kUnicodeDecodeError) ||
       IsError(r.status(), ErrorKind::kUnicodeEncodeError))) {
    return SetErrorFormat(PyExc_LookupError, "unknown error handler name '%s'", name);
  }
  return RefOrRaise(std::move(r));
}

std::nullptr_t UnknownEncoding(absl::string_view encoding) {
  return SetErrorFormat(PyExc_LookupError, "unknown encoding: %s", std::string(encoding));
}

// ASCII (limit 0x7F) or Latin-1 (0xFF) encoding with a handler.
absl::StatusOr<Ref<>> EncodeOneByte(const PyObject* s, Py_UCS4 limit, CodecErrors errors) {
  if (errors == CodecErrors::kStrict) {
    return limit == 0x7F ? StrEncodeAscii(s) : StrEncodeLatin1(s);
  }
  const Py_ssize_t n = StrLength(s);
  std::string out;
  out.reserve(static_cast<size_t>(n));
  for (Py_ssize_t i = 0; i < n; ++i) {
    const Py_UCS4 ch = StrReadChar(s, i);
    if (ch <= limit) {
      out.push_back(static_cast<char>(ch));
    } else if (errors == CodecErrors::kReplace) {
      out.push_back('?');
    } else if (errors == CodecErrors::kSurrogateEscape) {
      if (ch < 0xDC80 || ch > 0xDCFF) {
        return limit == 0x7F ? StrEncodeAscii(s) : StrEncodeLatin1(s);  // its error
      }
      out.push_back(static_cast<char>(ch - 0xDC00));
    }  // kIgnore: dropped
  }
  return BytesFromData(out);
}

// ASCII decoding with a handler.
absl::StatusOr<Ref<>> DecodeAscii(absl::string_view bytes, CodecErrors errors) {
  if (errors == CodecErrors::kStrict) return StrDecodeAscii(bytes);
  std::vector<Py_UCS4> out;
  out.reserve(bytes.size());
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x80) {
      out.push_back(b);
    } else if (errors == CodecErrors::kReplace) {
      out.push_back(0xFFFD);
    } else if (errors == CodecErrors::kSurrogateEscape) {
      out.push_back(0xDC00 + b);
    }
  }
  return StrFromCodePoints(out);
}

}  // namespace

const char* CodecCanonicalName(absl::string_view encoding) {
  std::string n;
  for (const char ch : encoding) {
    const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    n.push_back(c == '_' || c == ' ' ? '-' : c);
  }
  if (n == "utf-8" || n == "utf8" || n == "u8" || n == "utf") return "utf-8";
  if (n == "ascii" || n == "us-ascii" || n == "646") return "ascii";
  if (n == "latin-1" || n == "latin1" || n == "iso-8859-1" || n == "iso8859-1" || n == "l1" ||
      n == "8859" || n == "cp819" || n == "latin") {
    return "latin-1";
  }
  if (n == "utf-16" || n == "utf16" || n == "u16") return "utf-16";
  if (n == "utf-16le" || n == "utf-16-le") return "utf-16-le";
  if (n == "utf-16be" || n == "utf-16-be") return "utf-16-be";
  if (n == "utf-32" || n == "utf32" || n == "u32") return "utf-32";
  if (n == "utf-32le" || n == "utf-32-le") return "utf-32-le";
  if (n == "utf-32be" || n == "utf-32-be") return "utf-32-be";
  return nullptr;
}

Ref<> StrEncodeByName(const PyObject* s, absl::string_view encoding,
                      absl::string_view errors) {
  const char* codec = CodecCanonicalName(encoding);
  if (codec == nullptr) {
    return UnknownEncoding(encoding);
  }
  const std::string c = codec;
  return WithHandler(errors, [&](CodecErrors e) -> absl::StatusOr<Ref<>> {
    if (c == "utf-8") return StrEncodeUtf8With(s, e);
    if (c == "ascii") return EncodeOneByte(s, 0x7F, e);
    if (c == "latin-1") return EncodeOneByte(s, 0xFF, e);
    // utf-16 / utf-32, then -le / -be: strict only.
    const int order = c.size() == 6 ? 0 : c[7] == 'l' ? -1 : 1;
    return c[4] == '1' ? StrEncodeUtf16(s, order) : StrEncodeUtf32(s, order);
  });
}

Ref<> StrDecodeByName(absl::string_view bytes, absl::string_view encoding,
                      absl::string_view errors) {
  const char* codec = CodecCanonicalName(encoding);
  if (codec == nullptr) {
    return UnknownEncoding(encoding);
  }
  const std::string c = codec;
  return WithHandler(errors, [&](CodecErrors e) -> absl::StatusOr<Ref<>> {
    if (c == "utf-8") return StrDecodeUtf8With(bytes, e, nullptr);
    if (c == "ascii") return DecodeAscii(bytes, e);
    if (c == "latin-1") return StrDecodeLatin1(bytes);
    // "utf-16": a BOM picks the order (native without one); "-le" / "-be"
    // fix it.
    int order = c.size() == 6 ? 0 : c[7] == 'l' ? -1 : 1;
    return c[4] == '1' ? StrDecodeUtf16(bytes, e, &order, nullptr)
                       : StrDecodeUtf32(bytes, e, &order, nullptr);
  });
}

}  // namespace ftrt
