// The finalizing status (see status.h).
#include "runtime/status.h"

#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace ftrt {

absl::Status FinalizingError(absl::string_view what) {
  absl::Status status(kFinalizingCode, absl::StrCat(what, ": the runtime is finalizing"));
  status.SetPayload(kFinalizingPayloadUrl, absl::Cord("1"));
  return status;
}

bool IsFinalizingError(const absl::Status& status) {
  return status.code() == kFinalizingCode &&
         status.GetPayload(kFinalizingPayloadUrl).has_value();
}

}  // namespace ftrt
