// Shared helpers of libftrt.so's C API implementation (ext_abi/capi_*.cc).
//
// The C functions are thin adapters over object/'s C++ API, which reports
// failures as absl::Status or through the per-thread error indicator; these
// helpers turn a Status into the raised exception and give the documented
// error value, as CPython's functions do. The process-wide runtime that
// Py_Initialize creates lives here too (one per process: an extension links
// nothing of ftrt, so its calls always land in this library).
#ifndef FTRT_EXT_ABI_CAPI_INTERNAL_H_
#define FTRT_EXT_ABI_CAPI_INTERNAL_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "object/cpython_types.h"
#include "object/error_indicator.h"
#include "object/exceptions.h"
#include "object/ref.h"
#include "runtime/runtime.h"

namespace ftrt::ext::internal {

// The runtime Py_Initialize made, or null.
Runtime* CurrentRuntime();

// Raises `status` as an exception (PythonFinalizationError for the
// runtime's finalizing status).
void RaiseStatus(const absl::Status& status);

inline PyObject* Out(Ref<> r) { return r.Release(); }

template <typename T>
inline PyObject* NewOrRaise(absl::StatusOr<Ref<T>> r) {
  if (!r.ok()) {
    RaiseStatus(r.status());
    return nullptr;
  }
  return reinterpret_cast<PyObject*>(std::move(*r).Release());
}

inline int StatusToInt(const absl::Status& s) {
  if (s.ok()) return 0;
  RaiseStatus(s);
  return -1;
}

// capi_thread_dict.cc: PyThreadState_GetDict's per-thread slot.
// InstallThreadDicts takes the slot and the exit hook that drops a
// thread's dict; call it under the life-cycle lock when adopting a
// runtime, before publishing it. DropThreadDicts drops every thread's
// dict (close: for good, later calls get NULL); only while the caller has
// the world stopped (finalization). Returns how many it dropped.
void InstallThreadDicts(Runtime& runtime);
size_t DropThreadDicts(Runtime& runtime, bool close);
// Drops the calling thread's dict (PyThreadState_Clear); `ts` is its
// attached state. A later PyThreadState_GetDict makes a new one.
void DropThreadDict(ThreadState* ts);

// capi_sys.cc: drops every value PySys_SetObject stored (and those it
// replaced, kept alive for borrowed references until now). Py_FinalizeEx
// and EndEmbedding call it; later lookups see the defaults again.
void ClearSysObjects();

// capi_type_new.cc: gives int, float, bool and str their tp_new (calling
// the types), once per process; call it under the life-cycle lock.
void InstallScalarTypeNew();
// PyFloat_FromString: float(text) for a str or bytes-like object, by
// Python's syntax; ValueError "could not convert string to float: 'x'"
// (the argument's repr), TypeError for other objects.
PyObject* FloatFromText(PyObject* text);

// SystemError "bad argument to internal function" (CPython's
// PyErr_BadInternalCall), for NULL objects where one is required.
void BadCall(const char* func);

// op if it is a str; else null with SystemError (null op) or TypeError
// "bad argument type for func(): T".
PyObject* NeedStr(PyObject* op, const char* func);

// capi_import.cc: "a.b.c" as loaded module a's attribute b's attribute c
// (a new reference), or null with ModuleNotFoundError (a is not loaded)
// or the attribute lookup's error. PyImport_ImportModule and
// PyCapsule_Import resolve names this way.
Ref<> ResolveDottedName(const std::string& full);

}  // namespace ftrt::ext::internal

#endif  // FTRT_EXT_ABI_CAPI_INTERNAL_H_
