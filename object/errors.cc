// Typed errors and the interim error indicator (see errors.h).
#include "object/errors.h"

#include <utility>

#include "absl/strings/cord.h"

namespace ftrt {
namespace {

struct KindInfo {
  const char* name;
  absl::StatusCode code;
  std::optional<ErrorKind> base;  // the nearest base class among the kinds
};

KindInfo Info(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kTypeError:
      return {"TypeError", absl::StatusCode::kInvalidArgument, std::nullopt};
    case ErrorKind::kValueError:
      return {"ValueError", absl::StatusCode::kInvalidArgument, std::nullopt};
    case ErrorKind::kUnicodeDecodeError:
      return {"UnicodeDecodeError", absl::StatusCode::kInvalidArgument, ErrorKind::kValueError};
    case ErrorKind::kUnicodeEncodeError:
      return {"UnicodeEncodeError", absl::StatusCode::kInvalidArgument, ErrorKind::kValueError};
    case ErrorKind::kZeroDivisionError:
      return {"ZeroDivisionError", absl::StatusCode::kInvalidArgument, std::nullopt};
    case ErrorKind::kIndexError:
      return {"IndexError", absl::StatusCode::kOutOfRange, std::nullopt};
    case ErrorKind::kKeyError:
      return {"KeyError", absl::StatusCode::kNotFound, std::nullopt};
    case ErrorKind::kOverflowError:
      return {"OverflowError", absl::StatusCode::kOutOfRange, std::nullopt};
    case ErrorKind::kMemoryError:
      return {"MemoryError", absl::StatusCode::kResourceExhausted, std::nullopt};
    case ErrorKind::kRuntimeError:
      return {"RuntimeError", absl::StatusCode::kFailedPrecondition, std::nullopt};
    case ErrorKind::kSystemError:
      return {"SystemError", absl::StatusCode::kInternal, std::nullopt};
    case ErrorKind::kBufferError:
      return {"BufferError", absl::StatusCode::kFailedPrecondition, std::nullopt};
  }
  return {"SystemError", absl::StatusCode::kInternal, std::nullopt};
}

constexpr ErrorKind kAllKinds[] = {
    ErrorKind::kTypeError,          ErrorKind::kValueError,        ErrorKind::kUnicodeDecodeError,
    ErrorKind::kUnicodeEncodeError, ErrorKind::kZeroDivisionError, ErrorKind::kIndexError,
    ErrorKind::kKeyError,           ErrorKind::kOverflowError,     ErrorKind::kMemoryError,
    ErrorKind::kRuntimeError,       ErrorKind::kSystemError,       ErrorKind::kBufferError,
};

// The indicator: OK when clear.
thread_local absl::Status t_indicator;

}  // namespace

const char* ErrorKindName(ErrorKind kind) { return Info(kind).name; }

absl::StatusCode ErrorKindCode(ErrorKind kind) { return Info(kind).code; }

absl::Status MakeError(ErrorKind kind, absl::string_view message) {
  const KindInfo info = Info(kind);
  absl::Status status(info.code, message);
  status.SetPayload(kErrorKindPayloadUrl, absl::Cord(info.name));
  return status;
}

std::optional<ErrorKind> KindOf(const absl::Status& status) {
  if (status.ok()) return std::nullopt;
  absl::optional<absl::Cord> payload = status.GetPayload(kErrorKindPayloadUrl);
  if (!payload.has_value()) return std::nullopt;
  for (ErrorKind kind : kAllKinds) {
    if (*payload == Info(kind).name) return kind;
  }
  return std::nullopt;
}

bool IsError(const absl::Status& status, ErrorKind kind) {
  std::optional<ErrorKind> k = KindOf(status);
  while (k.has_value()) {
    if (*k == kind) return true;
    k = Info(*k).base;
  }
  return false;
}

absl::Status NoMemoryError() { return MakeError(ErrorKind::kMemoryError, ""); }

absl::Status UnhashableError(const char* type_name) {
  return Errorf(ErrorKind::kTypeError, "unhashable type: '%s'", type_name);
}

void SetErrorIndicator(absl::Status status) {
  if (status.ok()) {
    status = MakeError(ErrorKind::kSystemError, "an OK status was set as an error");
  }
  t_indicator = std::move(status);
}

bool ErrorIndicatorSet() { return !t_indicator.ok(); }

absl::Status TakeErrorIndicator(absl::string_view what) {
  if (t_indicator.ok()) {
    return Errorf(ErrorKind::kSystemError, "%s returned an error without setting one",
                  std::string(what));
  }
  return std::exchange(t_indicator, absl::OkStatus());
}

void ClearErrorIndicator() { t_indicator = absl::OkStatus(); }

}  // namespace ftrt
