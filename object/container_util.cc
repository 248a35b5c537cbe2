// Shared container helpers (see container_util.h).
#include "object/container_util.h"

#include <cstdlib>
#include <string>

#include "alloc/qsbr.h"
#include "object/compare.h"
#include "object/errors.h"
#include "object/hash.h"
#include "object/int.h"
#include "object/str.h"
#include "runtime/runtime.h"
#include "runtime/thread_state.h"
#include "sync/config.h"

namespace ftrt::internal {

absl::StatusOr<Py_hash_t> KeyHash(PyObject* key) {
  if (IsStrExact(key)) return StrHash(key);
  if (IsIntExact(key)) return IntHash(key);
  return Hash(key);
}

absl::Status MissingKey(PyObject* key) {
  if (IsStr(key)) {
    absl::StatusOr<absl::string_view> utf8 = StrAsUtf8(key);
    if (utf8.ok()) return Errorf(ErrorKind::kKeyError, "'%s'", std::string(*utf8));
  }
  if (IsIntExact(key)) {
    absl::StatusOr<std::string> digits = IntToString(key, 10);
    if (digits.ok()) return Errorf(ErrorKind::kKeyError, "%s", *digits);
  }
  return Errorf(ErrorKind::kKeyError, "<%s object at %p>", key->ob_type->tp_name,
                static_cast<void*>(key));
}

std::optional<bool> SimpleKeysEqual(PyObject* a, PyObject* b) {
  if (IsStrExact(a) && IsStrExact(b)) return StrEqual(a, b);
  if (IsIntExact(a) && IsIntExact(b)) return IntCompare(a, b) == 0;
  return std::nullopt;
}

void FreeAfterGracePeriod(void* p, size_t size) {
  ThreadState* ts = ThreadState::Current();
  FTRT_CHECK(ts != nullptr,
             "freeing a container block (%p) on a thread that is not attached: lock-free "
             "readers could still be reading it",
             p);
  ts->runtime().qsbr().FreeDelayed(ts->qsbr(), p, size, std::free);
}

void DeferredDrops::Flush() {
  // Blocks first: they hold no references, and freeing them cannot run code.
  for (auto& [p, size] : blocks_) FreeAfterGracePeriod(p, size);
  blocks_.clear();
  // Dropping a reference may run a destructor that drops more; take the
  // list out first so a re-entrant Flush (through a destructor) is safe.
  absl::InlinedVector<PyObject*, 4> objects = std::move(objects_);
  objects_.clear();
  for (PyObject* op : objects) Decref(op);
}

}  // namespace ftrt::internal
