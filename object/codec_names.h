// Codecs chosen by name, as str.encode(encoding, errors) and
// bytes.decode(encoding, errors) choose them, and as the C API's
// PyUnicode_AsEncodedString / PyUnicode_Decode do.
//
// ftrt has no codec registry: the names are those of the codecs it has
// (UTF-8, UTF-16 and UTF-32 in native-with-BOM, little- and big-endian
// forms, ASCII, Latin-1), normalized as Python's codec lookup normalizes
// them (case-insensitive; '-', '_' and ' ' alike; CPython's aliases such
// as "utf8", "latin1", "iso8859_1", "us-ascii"). Any other name is a
// LookupError "unknown encoding: NAME". The error handlers are
// str_codecs.h's four; an unknown handler name is a LookupError "unknown
// error handler name 'NAME'" only once the input has an error the handler
// would be asked about, as in CPython ('a'.encode('utf-8', 'bogus') is
// b'a'). UTF-16 and UTF-32 encoding are strict whatever the handler.
//
// Errors are raised (the thread's error indicator set) and null returned,
// as the methods and the C API that call these need.
//
// Concurrency: pure functions of immutable input; safe from any thread.
#ifndef FTRT_OBJECT_CODEC_NAMES_H_
#define FTRT_OBJECT_CODEC_NAMES_H_

#include "absl/strings/string_view.h"
#include "object/builtin_layouts.h"
#include "object/cpython_types.h"
#include "object/ref.h"

namespace ftrt {

// The canonical name ("utf-8", "utf-16-le", "ascii", "latin-1", ...) of an
// encoding ftrt has, or null.
const char* CodecCanonicalName(absl::string_view encoding);

// s.encode(encoding, errors) as a new bytes object (s must be a str).
Ref<> StrEncodeByName(const PyObject* s, absl::string_view encoding,
                      absl::string_view errors);
// bytes.decode(encoding, errors) as a new exact str.
Ref<> StrDecodeByName(absl::string_view bytes, absl::string_view encoding,
                      absl::string_view errors);

}  // namespace ftrt

#endif  // FTRT_OBJECT_CODEC_NAMES_H_
