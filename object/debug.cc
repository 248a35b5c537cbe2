// Debug checks and object descriptions (see debug.h).
#include "object/debug.h"

#include <cinttypes>
#include <cstdio>

#include "object/cpython_types.h"
#include "object/refcount.h"

namespace ftrt {
namespace {

const char* StateBitsName(intptr_t shared) {
  switch (shared & kRefStateMask) {
    case kRefDefault: return "DEFAULT";
    case kRefMaybeWeakref: return "MAYBE_WEAKREF";
    case kRefQueued: return "QUEUED";
    default: return "MERGED";
  }
}

const char* TypeName(const ObjectHeader* op) {
  const PyTypeObject* type = internal::Mut(op)->ob_type;
  if (type == nullptr) return "<no type>";
  if (type->tp_name == nullptr) return "<unnamed>";
  return type->tp_name;
}

// A snapshot with no reference held is DEAD when no thread can add one:
// MERGED with count 0, or an owned object whose counts are both zero (T2).
bool LooksDead(uint32_t local, intptr_t shared) {
  return shared == kRefMerged || (shared == 0 && local == 0);
}

}  // namespace

const char* LifecycleStateName(const ObjectHeader* op) {
  ObjectHeader* o = internal::Mut(op);
  const uint16_t flags = internal::FlagsRef(o).load(std::memory_order_relaxed);
  if (flags & FTRT_OBJ_FLAG_FREED) return "FREED";
  if (flags & (kObjFlagDeallocating | kObjFlagTrashcan)) return "DEALLOCATING";
  const uint32_t local = internal::LocalRef(o).load(std::memory_order_relaxed);
  if (local == kImmortalLocal) return "IMMORTAL";
  const intptr_t shared = internal::SharedRef(o).load(std::memory_order_relaxed);
  if (LooksDead(local, shared)) return "DEAD";
  switch (shared & kRefStateMask) {
    case kRefQueued: return "QUEUED";
    case kRefMerged: return "MERGED";
    default: return "OWNED";
  }
}

std::string DescribeObject(const ObjectHeader* op) {
  if (op == nullptr) return "object (null)";
  ObjectHeader* o = internal::Mut(op);
  const uint32_t local = internal::LocalRef(o).load(std::memory_order_relaxed);
  const intptr_t shared = internal::SharedRef(o).load(std::memory_order_relaxed);
  const uintptr_t tid = internal::TidRef(o).load(std::memory_order_relaxed);
  const uint16_t flags = internal::FlagsRef(o).load(std::memory_order_relaxed);
  const uint8_t gc = internal::GcBitsRef(o).load(std::memory_order_relaxed);
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "object %p of type '%s': local %" PRIu32 "%s, shared %" PRIdPTR
                " (count %" PRIdPTR ", %s), owner %#" PRIxPTR "%s, flags %#x, "
                "gc bits %#x, lifecycle state %s",
                static_cast<const void*>(op), TypeName(op), local,
                local == kImmortalLocal ? " (immortal)" : "", shared,
                shared >> kRefShift, StateBitsName(shared), tid,
                tid == CurrentThreadId() ? " (this thread)"
                                         : (tid == 0 ? " (unowned)" : ""),
                flags, gc, LifecycleStateName(op));
  return buf;
}

namespace internal {

void ReportRefcountError(const ObjectHeader* op, const char* what) {
  Fatal("%s: %s", what, DescribeObject(op).c_str());
}

void CheckIncrefSlow(ObjectHeader* op) {
  if (op == nullptr) Fatal("incref of a null object");
  const uint16_t flags = FlagsRef(op).load(std::memory_order_relaxed);
  if (flags & FTRT_OBJ_FLAG_FREED) ReportRefcountError(op, "incref of a freed object");
  const uint32_t local = LocalRef(op).load(std::memory_order_relaxed);
  if (local >= kImmortalLocal - 1 && IsOwnedByCurrentThread(op)) {
    // The owner's path has no immortal check (refcount.h).
    ReportRefcountError(op, "local count overflow, or an immortal object with an owner");
  }
  if (local == kImmortalLocal) return;
  if (flags & (kObjFlagDeallocating | kObjFlagTrashcan)) {
    ReportRefcountError(op, "incref of an object being freed");
  }
  if (LooksDead(local, SharedRef(op).load(std::memory_order_relaxed))) {
    ReportRefcountError(op, "incref of an object being freed (no references left)");
  }
}

void CheckDecrefSlow(ObjectHeader* op) {
  if (op == nullptr) Fatal("decref of a null object");
  const uint16_t flags = FlagsRef(op).load(std::memory_order_relaxed);
  if (flags & FTRT_OBJ_FLAG_FREED) ReportRefcountError(op, "decref of a freed object");
  const uint32_t local = LocalRef(op).load(std::memory_order_relaxed);
  if (local == kImmortalLocal) return;
  if (flags & (kObjFlagDeallocating | kObjFlagTrashcan)) {
    ReportRefcountError(op, "decref of an object being freed");
  }
  const intptr_t shared = SharedRef(op).load(std::memory_order_relaxed);
  if (LooksDead(local, shared)) {
    ReportRefcountError(op, "decref below zero (no references left)");
  }
  if (IsOwnedByCurrentThread(op) && local == 0) {
    ReportRefcountError(op, "decref below zero (local count)");
  }
  if ((shared & kRefStateMask) == kRefMerged && (shared >> kRefShift) <= 0) {
    ReportRefcountError(op, "decref below zero (shared count)");
  }
}

}  // namespace internal
}  // namespace ftrt
