// Typed errors of the built-in types, until exceptions exist.
//
// Every failing operation of object/'s C++ API returns an absl::Status whose
// code is the nearest absl code and whose payload names the Python exception
// it stands for (TypeError, IndexError, KeyError, ...), so a caller can tell
// an unhashable key (TypeError) from a missing one (KeyError) without
// parsing the message. The messages are worded as CPython words them. The
// object-protocol issue turns these into exception objects and the
// per-thread error indicator; ErrorKind maps one to one onto those
// exception types, and the interim indicator below onto the real one.
//
//   kind                 | absl code           | Python base class
//   ---------------------|---------------------|-------------------
//   kTypeError           | kInvalidArgument    | Exception
//   kValueError          | kInvalidArgument    | Exception
//   kUnicodeDecodeError  | kInvalidArgument    | ValueError
//   kUnicodeEncodeError  | kInvalidArgument    | ValueError
//   kZeroDivisionError   | kInvalidArgument    | ArithmeticError
//   kIndexError          | kOutOfRange         | LookupError
//   kKeyError            | kNotFound           | LookupError
//   kOverflowError       | kOutOfRange         | ArithmeticError
//   kMemoryError         | kResourceExhausted  | Exception
//   kRuntimeError        | kFailedPrecondition | Exception
//   kSystemError         | kInternal           | Exception
//   kBufferError         | kFailedPrecondition | Exception
//
// The interim error indicator. The type slots that C code fills in
// (tp_hash, tp_richcompare, ...) report failure the C way (-1, NULL) and
// leave the error in a per-thread indicator; object/ code that calls a slot
// and sees the failure takes the error from there (TakeErrorIndicator) and
// returns it as a Status. Thread-local; set and taken on one thread.
#ifndef FTRT_OBJECT_ERRORS_H_
#define FTRT_OBJECT_ERRORS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"

namespace ftrt {

enum class ErrorKind : uint8_t {
  kTypeError,
  kValueError,
  kUnicodeDecodeError,
  kUnicodeEncodeError,
  kZeroDivisionError,
  kIndexError,
  kKeyError,
  kOverflowError,
  kMemoryError,
  kRuntimeError,
  kSystemError,
  kBufferError,
};

inline constexpr char kErrorKindPayloadUrl[] = "type.ftrt.dev/ftrt.object.ErrorKind";

// The Python name of the exception ("TypeError").
const char* ErrorKindName(ErrorKind kind);

// The absl code a kind maps to (see the table).
absl::StatusCode ErrorKindCode(ErrorKind kind);

// A Status of `kind` with `message` ("list index out of range").
absl::Status MakeError(ErrorKind kind, absl::string_view message);

template <typename... Args>
absl::Status Errorf(ErrorKind kind, const absl::FormatSpec<Args...>& format,
                    const Args&... args) {
  return MakeError(kind, absl::StrFormat(format, args...));
}

// The kind a Status carries; nullopt for OK or a Status made elsewhere.
std::optional<ErrorKind> KindOf(const absl::Status& status);

// Whether `status` is an error of `kind` or of a subclass of it (a
// UnicodeDecodeError is a ValueError), as Python's except clause matches.
bool IsError(const absl::Status& status, ErrorKind kind);

// "MemoryError" for failed allocations.
absl::Status NoMemoryError();

// "unhashable type: 'list'".
absl::Status UnhashableError(const char* type_name);

// --- the interim per-thread error indicator (see the top of the file) ---

// Sets the calling thread's indicator (replacing any error already there).
void SetErrorIndicator(absl::Status status);
// Whether the indicator holds an error.
bool ErrorIndicatorSet();
// Takes the error out of the indicator, leaving it clear. If a slot
// reported failure without setting one, returns a SystemError naming
// `what` (CPython's "error return without exception set").
absl::Status TakeErrorIndicator(absl::string_view what = "slot");
// Clears the indicator.
void ClearErrorIndicator();

}  // namespace ftrt

#endif  // FTRT_OBJECT_ERRORS_H_
