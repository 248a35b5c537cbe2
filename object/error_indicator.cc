// The per-thread error indicator (see error_indicator.h).
#include "object/error_indicator.h"

#include <atomic>
#include <cstdio>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "object/call.h"
#include "object/none_bool.h"
#include "object/dispatch.h"
#include "object/errors.h"
#include "object/exceptions.h"
#include "object/protocol_internal.h"
#include "object/str.h"
#include "object/tuple.h"
#include "object/typeobject.h"

namespace ftrt {
namespace {

using internal::CurrentProtocolState;
using internal::ProtocolThreadState;

ProtocolThreadState* State() {
  ProtocolThreadState* st = CurrentProtocolState();
  FTRT_CHECK(st != nullptr,
             "error indicator used on a thread that is not attached to a runtime with the "
             "object protocol installed (InstallObjectProtocol)");
  return st;
}

// Moves errors.h's interim error (a Status left by a built-in type's C
// slot) into the indicator.
FTRT_COLD FTRT_NOINLINE void AbsorbInterim() {
  absl::Status s = TakeErrorIndicator();
  SetErrorFromStatus(s);
}

// Replaces the pending exception with `exc` (owned; may be null).
void Install(ProtocolThreadState* st, PyObject* exc) {
  PyObject* old = std::exchange(st->current_exception, exc);
  // May run a destructor, which may raise and clear: after the store.
  if (old != nullptr) Decref(old);
}

// An instance of `type` for `value` (see SetError).
Ref<> Normalize(PyObject* type, PyObject* value) {
  if (value != nullptr && IsExceptionInstance(value) &&
      TypeCheck(value, reinterpret_cast<PyTypeObject*>(type))) {
    return Ref<>::NewRef(value);
  }
  Ref<> args;
  if (value == nullptr || value == None()) {
    args = Ref<>::NewRef(EmptyTuple());
  } else if (IsTuple(value)) {
    args = Ref<>::NewRef(value);
  } else {
    args = RefOrRaise(TupleFromItems({value}));
    if (!args) return nullptr;
  }
  return NewException(type, args.get());
}

// Sets exc.__context__ = handled unless that would make a cycle (CPython's
// _PyErr_SetObject: a chain through `exc` is cut where it meets it).
void ChainContext(PyObject* exc, PyObject* handled) {
  if (handled == nullptr || handled == exc || handled == None() || IsImmortal(exc)) return;
  // Walk handled's context chain; if exc is on it, cut the link that
  // points at exc. Bounded (a chain made elsewhere could loop).
  PyObject* o = handled;
  for (int i = 0; i < 1000 && o != nullptr; ++i) {
    Ref<> ctx = ExceptionGetContext(o);
    if (!ctx) break;
    if (ctx.get() == exc) {
      ExceptionSetContext(o, nullptr);
      break;
    }
    if (ctx.get() == o) break;
    o = ctx.get();  // kept alive by the chain (ctx dropped below is not the last ref)
  }
  ExceptionSetContext(exc, Ref<>::NewRef(handled));
}

constinit std::atomic<ReportHook> g_unraisable_hook{nullptr};
constinit std::atomic<ReportHook> g_warning_hook{nullptr};
constinit std::atomic<bool> g_warnings_as_errors{false};

void Report(std::atomic<ReportHook>& hook, const std::string& line) {
  if (ReportHook h = hook.load(std::memory_order_acquire)) {
    h(line);
  } else {
    std::fputs(line.c_str(), stderr);
  }
}

struct KindClass {
  PyObject** cls;
  ErrorKind kind;
};
// From the most specific to the least, so a subclass maps to its own kind.
const KindClass kKindClasses[] = {
    {&PyExc_UnicodeDecodeError, ErrorKind::kUnicodeDecodeError},
    {&PyExc_UnicodeEncodeError, ErrorKind::kUnicodeEncodeError},
    {&PyExc_ZeroDivisionError, ErrorKind::kZeroDivisionError},
    {&PyExc_OverflowError, ErrorKind::kOverflowError},
    {&PyExc_IndexError, ErrorKind::kIndexError},
    {&PyExc_KeyError, ErrorKind::kKeyError},
    {&PyExc_TypeError, ErrorKind::kTypeError},
    {&PyExc_ValueError, ErrorKind::kValueError},
    {&PyExc_MemoryError, ErrorKind::kMemoryError},
    {&PyExc_RuntimeError, ErrorKind::kRuntimeError},
    {&PyExc_SystemError, ErrorKind::kSystemError},
    {&PyExc_BufferError, ErrorKind::kBufferError},
};

PyObject* ClassForKind(ErrorKind kind) {
  for (const KindClass& kc : kKindClasses) {
    if (kc.kind == kind) return *kc.cls;
  }
  return PyExc_SystemError;
}

PyObject* ClassForCode(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kInvalidArgument:
      return PyExc_ValueError;
    case absl::StatusCode::kNotFound:
      return PyExc_KeyError;
    case absl::StatusCode::kOutOfRange:
      return PyExc_IndexError;
    case absl::StatusCode::kResourceExhausted:
      return PyExc_MemoryError;
    case absl::StatusCode::kFailedPrecondition:
      return PyExc_RuntimeError;
    default:
      return PyExc_SystemError;
  }
}

}  // namespace

PyObject* ErrorOccurred() {
  ProtocolThreadState* st = CurrentProtocolState();
  if (st == nullptr) return nullptr;
  if (PyObject* exc = st->current_exception) return reinterpret_cast<PyObject*>(exc->ob_type);
  if (FTRT_UNLIKELY(ErrorIndicatorSet())) {
    AbsorbInterim();
    if (PyObject* exc = st->current_exception) return reinterpret_cast<PyObject*>(exc->ob_type);
  }
  return nullptr;
}

Ref<> GetRaisedException() {
  ProtocolThreadState* st = CurrentProtocolState();
  if (st == nullptr) return nullptr;
  if (st->current_exception == nullptr && ErrorIndicatorSet()) AbsorbInterim();
  return Ref<>::Steal(std::exchange(st->current_exception, nullptr));
}

void SetRaisedException(Ref<> exc) {
  FTRT_DCHECK(!exc || IsExceptionInstance(exc.get()),
              "SetRaisedException with a non-exception of type '%s'",
              exc->ob_type->tp_name);
  Install(State(), exc.Release());
}

void SetRaisedExceptionFrom(Ref<> exc, PyObject* cause) {
  if (cause == nullptr || cause == None()) {
    ExceptionSetCause(exc.get(), nullptr);
  } else {
    ExceptionSetCause(exc.get(), Ref<>::NewRef(cause));
  }
  SetRaisedException(std::move(exc));
}

void ClearError() {
  ProtocolThreadState* st = CurrentProtocolState();
  if (st == nullptr) return;
  if (ErrorIndicatorSet()) ClearErrorIndicator();
  Install(st, nullptr);
}

void SetError(PyObject* type, PyObject* value) {
  ProtocolThreadState* st = State();
  if (type == nullptr || !IsExceptionClass(type)) {
    SetErrorFormat(PyExc_SystemError,
                   "_PyErr_SetObject: exception %s is not a BaseException subclass",
                   type == nullptr ? "NULL" : ReprUtf8(type));
    return;
  }
  // The pending error, if any, is being replaced: constructing the new one
  // must not see it.
  Install(st, nullptr);
  Ref<> exc = Normalize(type, value);
  if (!exc) return;  // constructing it raised; that error stands
  ChainContext(exc.get(), st->handled_exception);
  Install(st, exc.Release());
}

void SetNone(PyObject* type) { SetError(type, nullptr); }

void SetKeyError(PyObject* key) {
  PyObject* items[] = {key};
  absl::StatusOr<Ref<>> args = TupleFromItems(items);
  if (!args.ok()) {
    SetErrorFromStatus(args.status());
    return;
  }
  SetError(PyExc_KeyError, args->get());
}

void SetErrorString(PyObject* type, absl::string_view message) {
  ProtocolThreadState* st = State();
  Install(st, nullptr);
  absl::StatusOr<Ref<>> s = StrFromUtf8(message);
  if (!s.ok()) {
    // Invalid UTF-8 in a message: raise the decode error instead.
    SetErrorFromStatus(s.status());
    return;
  }
  SetError(type, s->get());
}

std::nullptr_t NoMemory() {
  ProtocolThreadState* st = State();
  Install(st, nullptr);
  Ref<> exc = NewException(PyExc_MemoryError, EmptyTuple());
  if (!exc) {
    Install(st, nullptr);
    exc = Ref<>::NewRef(internal::PreallocatedMemoryError());
  }
  Install(st, exc.Release());
  return nullptr;
}

void BadInternalCall() {
  SetErrorString(PyExc_SystemError, "bad argument to internal function");
}

int GivenExceptionMatches(PyObject* given, PyObject* exc) {
  if (given == nullptr || exc == nullptr) return 0;
  if (IsTuple(exc)) {
    for (PyObject* item : TupleItems(exc)) {
      if (GivenExceptionMatches(given, item)) return 1;
    }
    return 0;
  }
  if (IsExceptionInstance(given)) given = reinterpret_cast<PyObject*>(given->ob_type);
  if (IsExceptionClass(given) && IsExceptionClass(exc)) {
    return TypeIsSubtype(reinterpret_cast<PyTypeObject*>(given),
                         reinterpret_cast<PyTypeObject*>(exc))
               ? 1
               : 0;
  }
  return given == exc ? 1 : 0;
}

int ExceptionMatches(PyObject* exc) { return GivenExceptionMatches(ErrorOccurred(), exc); }

void Fetch(Ref<>* type, Ref<>* value, Ref<>* traceback) {
  Ref<> exc = GetRaisedException();
  if (!exc) {
    *type = nullptr;
    *value = nullptr;
    *traceback = nullptr;
    return;
  }
  *type = Ref<>::NewRef(reinterpret_cast<PyObject*>(exc->ob_type));
  *traceback = nullptr;
  *value = std::move(exc);
}

void Restore(Ref<> type, Ref<> value, Ref<> traceback) {
  (void)traceback;  // there are no traceback objects
  ProtocolThreadState* st = State();
  if (!type) {
    Install(st, nullptr);
    return;
  }
  if (value && IsExceptionInstance(value.get()) &&
      TypeCheck(value.get(), reinterpret_cast<PyTypeObject*>(type.get()))) {
    Install(st, value.Release());
    return;
  }
  if (!IsExceptionClass(type.get())) {
    SetErrorString(PyExc_SystemError, "PyErr_Restore: type is not an exception class");
    return;
  }
  Install(st, nullptr);
  Ref<> exc = Normalize(type.get(), value.get());
  if (exc) Install(st, exc.Release());
}

Ref<> GetHandledException() {
  ProtocolThreadState* st = CurrentProtocolState();
  if (st == nullptr) return nullptr;
  return Ref<>::NewRef(st->handled_exception);
}

void SetHandledException(PyObject* exc) {
  ProtocolThreadState* st = State();
  PyObject* value = (exc == nullptr || exc == None()) ? nullptr : exc;
  if (value != nullptr) Incref(value);
  PyObject* old = std::exchange(st->handled_exception, value);
  if (old != nullptr) Decref(old);
}

ExceptionHandlerScope::ExceptionHandlerScope(PyObject* exc) {
  ProtocolThreadState* st = State();
  previous_ = Ref<>::Steal(std::exchange(st->handled_exception, nullptr));
  if (exc != nullptr && exc != None()) {
    Incref(exc);
    st->handled_exception = exc;
  }
}

ExceptionHandlerScope::~ExceptionHandlerScope() {
  ProtocolThreadState* st = State();
  PyObject* mine = std::exchange(st->handled_exception, previous_.Release());
  if (mine != nullptr) Decref(mine);
}

void SetErrorFromStatus(const absl::Status& status) {
  if (status.ok()) {
    SetErrorString(PyExc_SystemError, "an OK status was raised as an error");
    return;
  }
  std::optional<ErrorKind> kind = KindOf(status);
  if (kind == ErrorKind::kSystemError && HasError() &&
      absl::StrContains(status.message(), "without setting one")) {
    return;  // the slot's own exception is the real error
  }
  PyObject* cls = kind.has_value() ? ClassForKind(*kind) : ClassForCode(status.code());
  if (cls == PyExc_MemoryError && status.message().empty()) {
    NoMemory();
    return;
  }
  SetErrorString(cls, status.message());
}

absl::Status TakeErrorAsStatus() {
  Ref<> exc = GetRaisedException();
  if (!exc) return absl::OkStatus();
  std::string message = StrUtf8(exc.get());
  auto* type = exc->ob_type;
  for (const KindClass& kc : kKindClasses) {
    if (TypeIsSubtype(type, reinterpret_cast<PyTypeObject*>(*kc.cls))) {
      return MakeError(kc.kind, message);
    }
  }
  return absl::UnknownError(absl::StrCat(TypeShortName(type), ": ", message));
}

namespace {
// "<type name>: <message>\n", or just the name if str(exc) is empty.
std::string ExceptionLine(PyObject* exc) {
  const std::string msg = StrUtf8(exc);
  return absl::StrCat(TypeShortName(exc->ob_type), msg.empty() ? "" : ": ", msg, "\n");
}
}  // namespace

void WriteUnraisable(PyObject* obj) {
  Ref<> exc = GetRaisedException();
  if (!exc) return;
  std::string line;
  if (obj != nullptr) line = absl::StrCat("Exception ignored in: ", ReprUtf8(obj), "\n");
  absl::StrAppend(&line, ExceptionLine(exc.get()));
  Report(g_unraisable_hook, line);
}

void WriteUnraisableWithHeader(const std::string& header) {
  Ref<> exc = GetRaisedException();
  if (!exc) return;
  std::string line;
  if (!header.empty()) line = absl::StrCat(header, "\n");
  absl::StrAppend(&line, ExceptionLine(exc.get()));
  Report(g_unraisable_hook, line);
}

void PrintError() {
  Ref<> exc = GetRaisedException();
  if (!exc) return;
  Report(g_unraisable_hook, ExceptionLine(exc.get()));
}

int WarnEx(PyObject* category, absl::string_view message, Py_ssize_t stack_level) {
  (void)stack_level;  // there are no frames to point at
  if (category == nullptr) category = PyExc_RuntimeWarning;
  if (!IsExceptionClass(category) ||
      !TypeIsSubtype(reinterpret_cast<PyTypeObject*>(category),
                     reinterpret_cast<PyTypeObject*>(PyExc_Warning))) {
    SetErrorFormat(PyExc_TypeError, "category must be a Warning subclass, not '%s'",
                   category->ob_type->tp_name);
    return -1;
  }
  if (g_warnings_as_errors.load(std::memory_order_relaxed)) {
    SetErrorString(category, message);
    return -1;
  }
  Report(g_warning_hook,
         absl::StrCat("sys:1: ", TypeShortName(reinterpret_cast<PyTypeObject*>(category)), ": ",
                      message, "\n"));
  return 0;
}

void SetUnraisableHook(ReportHook hook) {
  g_unraisable_hook.store(hook, std::memory_order_release);
}
void SetWarningHook(ReportHook hook) { g_warning_hook.store(hook, std::memory_order_release); }
void SetWarningsAsErrors(bool as_errors) {
  g_warnings_as_errors.store(as_errors, std::memory_order_relaxed);
}

}  // namespace ftrt
