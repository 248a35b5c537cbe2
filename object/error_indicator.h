// The per-thread error indicator: how every fallible operation of the
// object protocol (and of ext_abi/'s C API, which wraps these functions one
// for one) reports failure.
//
// As in CPython 3.12+ (Python/errors.c), the indicator holds one exception
// object, already normalized: setting an error makes the exception instance
// at once. It lives in the calling thread's protocol state, which sits in
// the runtime's per-thread slot (protocol.h; one TLS compare to find), so no
// other thread ever sees it: an error raised on one thread never appears on
// another. A thread that is not attached has no indicator (ErrorOccurred()
// is null there; setting one is a bug).
//
// Conventions, CPython's: a function returning Ref<> returns null with the
// indicator set on failure; one returning int returns -1 with it set (and
// 0, or a truth value, on success). Functions named after a C API function
// have its semantics; the C API names are in comments.
//
// Chaining: SetError* while an exception is being *handled* (an
// ExceptionHandlerScope is active: the C analogue of an except block) sets
// the new exception's __context__ to the handled one, avoiding cycles, as
// CPython's _PyErr_SetObject does. Explicit chaining (raise ... from ...)
// is SetRaisedExceptionFrom.
//
// Interim errors: the built-in types' C++ API (errors.h) reports failures
// as absl::Status, and their C slots leave a Status in errors.h's interim
// indicator. SetErrorFromStatus maps a Status onto the exception type its
// ErrorKind names; ErrorOccurred() absorbs a pending interim error into
// this indicator, so C code sees one indicator. TakeErrorAsStatus goes the
// other way (for C++ callers that want a Status).
#ifndef FTRT_OBJECT_ERROR_INDICATOR_H_
#define FTRT_OBJECT_ERROR_INDICATOR_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "object/cpython_types.h"
#include "object/ref.h"

namespace ftrt {

// PyErr_Occurred: the type of the pending exception (borrowed), or null.
PyObject* ErrorOccurred();
inline bool HasError() { return ErrorOccurred() != nullptr; }

// PyErr_GetRaisedException: takes the pending exception (null if none) and
// clears the indicator.
Ref<> GetRaisedException();
// PyErr_SetRaisedException: makes `exc` (an exception instance, or null to
// clear) the pending exception, replacing (and dropping) any pending one.
void SetRaisedException(Ref<> exc);
// raise exc from cause: sets exc.__cause__ (cause may be null or None) and
// __suppress_context__, then raises exc (no implicit context is added).
void SetRaisedExceptionFrom(Ref<> exc, PyObject* cause);
// PyErr_Clear.
void ClearError();

// PyErr_SetObject: raises `type` (an exception class) with `value`: an
// instance of it is raised as is; a tuple gives the arguments; null or None
// gives none; anything else is the single argument.
void SetError(PyObject* type, PyObject* value);
// PyErr_SetNone.
void SetNone(PyObject* type);
// KeyError(key), with the key itself as the only argument (a tuple key
// too, where SetError would take it for the arguments), so that str() of
// it is repr(key) and args[0] is the key, as CPython's dict raises it.
void SetKeyError(PyObject* key);
// PyErr_SetString (the message is UTF-8).
void SetErrorString(PyObject* type, absl::string_view message);
// PyErr_Format with absl's format syntax (%s %d ...). For object reprs use
// ReprUtf8 / StrUtf8 (dispatch.h) in the arguments.
template <typename... Args>
std::nullptr_t SetErrorFormat(PyObject* type, const absl::FormatSpec<Args...>& format,
                              const Args&... args) {
  SetErrorString(type, absl::StrFormat(format, args...));
  return nullptr;
}
// PyErr_NoMemory: raises MemoryError (without allocating a new instance
// if that fails too: a preallocated one is used).
std::nullptr_t NoMemory();
// PyErr_BadInternalCall: SystemError "bad argument to internal function".
void BadInternalCall();

// PyErr_ExceptionMatches: whether the pending exception matches `exc`.
int ExceptionMatches(PyObject* exc);
// PyErr_GivenExceptionMatches: `given` (an exception class or instance)
// is, or derives from, `exc` (a class or a tuple of classes, nested
// tuples allowed).
int GivenExceptionMatches(PyObject* given, PyObject* exc);

// PyErr_Fetch / PyErr_Restore, the pre-3.12 triple (the traceback is
// always null here). Fetch clears the indicator.
void Fetch(Ref<>* type, Ref<>* value, Ref<>* traceback);
void Restore(Ref<> type, Ref<> value, Ref<> traceback);

// The exception being handled (sys.exception(); PyErr_GetHandledException),
// a new reference or null.
Ref<> GetHandledException();
// PyErr_SetHandledException (null or None clears).
void SetHandledException(PyObject* exc);

// An except block in C++: while it lives, `exc` is the handled exception,
// so exceptions raised meanwhile chain to it through __context__. Restores
// the previous handled exception when it ends.
class ExceptionHandlerScope {
 public:
  explicit ExceptionHandlerScope(PyObject* exc);
  ~ExceptionHandlerScope();
  ExceptionHandlerScope(const ExceptionHandlerScope&) = delete;
  ExceptionHandlerScope& operator=(const ExceptionHandlerScope&) = delete;

 private:
  Ref<> previous_;
};

// --- Status bridge -------------------------------------------------------

// Raises the exception a Status stands for: errors.h's ErrorKind picks the
// class (TypeError, KeyError, ...), other codes map to the nearest class
// (kInvalidArgument: ValueError, kNotFound: KeyError, kOutOfRange:
// IndexError, kResourceExhausted: MemoryError, kFailedPrecondition:
// RuntimeError, anything else: SystemError); the message is the Status
// message. If an exception is already pending and the Status is errors.h's
// "returned an error without setting one", the pending one is kept (it is
// the real error a slot raised).
void SetErrorFromStatus(const absl::Status& status);

// Unwraps a StatusOr<Ref<>> from the built-in types' API: the reference, or
// null with the error raised.
inline Ref<> RefOrRaise(absl::StatusOr<Ref<>> r) {
  if (FTRT_LIKELY(r.ok())) return *std::move(r);
  SetErrorFromStatus(r.status());
  return nullptr;
}
// The same for a Status: 0, or -1 with the error raised.
inline int OkOrRaise(const absl::Status& s) {
  if (FTRT_LIKELY(s.ok())) return 0;
  SetErrorFromStatus(s);
  return -1;
}

// Takes the pending exception as a Status (errors.h's ErrorKind of the
// nearest built-in class in its MRO, message str(exc)), clearing the
// indicator. OK if none is pending.
absl::Status TakeErrorAsStatus();

// --- Unraisable errors and warnings ---------------------------------------

// PyErr_WriteUnraisable: reports and clears the pending exception, which
// could not be raised to anyone ("Exception ignored in: <repr of obj>").
// The report goes to the unraisable hook (stderr by default).
void WriteUnraisable(PyObject* obj);
// PyErr_FormatUnraisable: the same with `header` (already formatted) as
// the first line instead of "Exception ignored in: ..."; no header line
// if it is empty.
void WriteUnraisableWithHeader(const std::string& header);

// PyErr_Print: reports and clears the pending exception as an uncaught one
// ("<type name>: <message>"; there are no frames to show a traceback of),
// through the same hook as WriteUnraisable. Nothing if none is pending. A
// SystemExit is reported like any other: ftrt has no interpreter to exit.
void PrintError();

// PyErr_WarnEx: issues a warning of `category` (a Warning subclass; null
// means RuntimeWarning). The warning goes to the warning hook (stderr by
// default: "<category name>: <message>"), unless warnings are errors
// (SetWarningsAsErrors), in which case it is raised and -1 returned.
int WarnEx(PyObject* category, absl::string_view message, Py_ssize_t stack_level = 1);

// Hooks for where unraisable errors and warnings go (process-wide; null
// restores stderr). Each receives a formatted line.
using ReportHook = void (*)(const std::string& line);
void SetUnraisableHook(ReportHook hook);
void SetWarningHook(ReportHook hook);
// Whether WarnEx raises instead of reporting (the "-W error" filter).
void SetWarningsAsErrors(bool as_errors);

}  // namespace ftrt

#endif  // FTRT_OBJECT_ERROR_INDICATOR_H_
