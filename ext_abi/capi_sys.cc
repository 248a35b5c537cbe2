// libftrt.so: the sys attributes an extension reads and writes through the
// C API (PySys_GetObject / PySys_SetObject, sysmodule.h). ftrt runs no
// Python code and has no sys module object; this is the table such a
// module's namespace would be, with the read-only facts extensions
// actually ask for filled in on first use: maxsize, maxunicode,
// byteorder, platform, hexversion. Anything else is absent until set.
//
// PySys_GetObject returns a borrowed reference, which another thread's
// PySys_SetObject could otherwise free under its reader: a replaced or
// deleted value is kept (not dropped) until finalization, so a borrowed
// value stays valid for the runtime's life, as it practically does in
// CPython. The table is process-wide, guarded by an ftrt::Mutex (never held
// while a reference is dropped or an object made).
#include <climits>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "ext_abi/capi_internal.h"
#include "ext_abi/include/patchlevel.h"
#include "object/error_indicator.h"
#include "object/exceptions.h"
#include "object/int.h"
#include "object/str.h"
#include "sync/mutex.h"

namespace {

using ftrt::Ref;

constinit ftrt::Mutex g_sys_mu;
std::map<std::string, Ref<>>& Table() ABSL_EXCLUSIVE_LOCKS_REQUIRED(g_sys_mu) {
  static auto* table = new std::map<std::string, Ref<>>();
  return *table;
}
// Values replaced or deleted since the last clear (see the top).
std::vector<Ref<>>& Kept() ABSL_EXCLUSIVE_LOCKS_REQUIRED(g_sys_mu) {
  static auto* kept = new std::vector<Ref<>>();
  return *kept;
}
bool g_defaults_made ABSL_GUARDED_BY(g_sys_mu) = false;

// The read-only facts, made once per clear (outside the lock: making an
// object may run allocator and collector hooks).
std::vector<std::pair<std::string, Ref<>>> MakeDefaults() {
  std::vector<std::pair<std::string, Ref<>>> v;
  auto add = [&](const char* name, absl::StatusOr<Ref<>> value) {
    if (value.ok()) v.emplace_back(name, std::move(*value));
  };
  add("maxsize", ftrt::IntFromInt64(PY_SSIZE_T_MAX));
  add("maxunicode", ftrt::IntFromInt64(0x10ffff));
  const uint16_t probe = 1;
  unsigned char first;
  std::memcpy(&first, &probe, 1);
  add("byteorder", ftrt::StrFromUtf8(first == 1 ? "little" : "big"));
  add("platform", ftrt::StrFromUtf8("linux"));
  add("hexversion", ftrt::IntFromInt64(PY_VERSION_HEX));
  return v;
}

void EnsureDefaults() {
  {
    ftrt::MutexLock lock(g_sys_mu);
    if (g_defaults_made) return;
  }
  std::vector<std::pair<std::string, Ref<>>> made = MakeDefaults();
  ftrt::MutexLock lock(g_sys_mu);
  if (g_defaults_made) {
    for (auto& [name, value] : made) Kept().push_back(std::move(value));
    return;
  }
  for (auto& [name, value] : made) Table().emplace(name, std::move(value));
  g_defaults_made = true;
}

}  // namespace

namespace ftrt::ext::internal {

void ClearSysObjects() {
  std::map<std::string, Ref<>> table;
  std::vector<Ref<>> kept;
  {
    ftrt::MutexLock lock(g_sys_mu);
    table.swap(Table());
    kept.swap(Kept());
    g_defaults_made = false;
  }
  // Dropped here, unlocked.
}

}  // namespace ftrt::ext::internal

extern "C" {

// A borrowed reference, or NULL with no exception set if the attribute
// does not exist (or name is NULL).
PyObject* PySys_GetObject(const char* name) {
  if (name == nullptr) return nullptr;
  EnsureDefaults();
  ftrt::MutexLock lock(g_sys_mu);
  auto it = Table().find(name);
  return it == Table().end() ? nullptr : it->second.get();
}

// sys.name = v, or del sys.name when v is NULL (no error if absent, as
// CPython). 0, or -1 with SystemError for a NULL name.
int PySys_SetObject(const char* name, PyObject* v) {
  if (name == nullptr) {
    ftrt::ext::internal::BadCall("PySys_SetObject");
    return -1;
  }
  EnsureDefaults();
  Ref<> value = v == nullptr ? Ref<>() : Ref<>::NewRef(v);
  ftrt::MutexLock lock(g_sys_mu);
  auto it = Table().find(name);
  if (it != Table().end()) {
    Kept().push_back(std::move(it->second));
    if (value) {
      it->second = std::move(value);
    } else {
      Table().erase(it);
    }
  } else if (value) {
    Table().emplace(name, std::move(value));
  }
  return 0;
}

}  // extern "C"
