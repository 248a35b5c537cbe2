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

#include <memory>

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

// SystemError "bad argument to internal function" (CPython's
// PyErr_BadInternalCall), for NULL objects where one is required.
void BadCall(const char* func);

}  // namespace ftrt::ext::internal

#endif  // FTRT_EXT_ABI_CAPI_INTERNAL_H_
