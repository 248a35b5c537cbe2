// The runtime's "finalizing" error.
//
// Once Runtime::Finalize() has begun, operations that cannot be done safely
// any more (starting a thread, forking, a first TryAttach by a thread that
// never attached, any TryAttach after the final stop) fail with this status
// instead of touching state that is being torn down. ext_abi/ turns it into
// PythonFinalizationError for attached callers, as CPython 3.14 does.
//
// The status is distinct from every other error: code kUnavailable (the
// service is shutting down, as gRPC uses it) *and* a payload under
// kFinalizingPayloadUrl; IsFinalizingError checks the payload, so no other
// kUnavailable error is mistaken for it.
#ifndef FTRT_RUNTIME_STATUS_H_
#define FTRT_RUNTIME_STATUS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace ftrt {

inline constexpr absl::StatusCode kFinalizingCode = absl::StatusCode::kUnavailable;
inline constexpr char kFinalizingPayloadUrl[] = "type.ftrt.dev/ftrt.runtime.Finalizing";

// "<what>: the runtime is finalizing".
absl::Status FinalizingError(absl::string_view what);

// Whether `status` is a FinalizingError.
bool IsFinalizingError(const absl::Status& status);

}  // namespace ftrt

#endif  // FTRT_RUNTIME_STATUS_H_
