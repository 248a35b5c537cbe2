// PyThreadState_GetDict: a dict private to each thread state, where
// extensions keep per-thread data (CPython's tstate->dict).
//
// The dict lives in one of runtime/'s opaque per-thread slots, taken when
// the C API adopts a runtime (Py_Initialize, EmbedRuntime), and is made on
// the first call, on its own thread (so that thread owns it and its
// refcounting stays local). It goes away with its thread state:
//   * thread exit (or Runtime::ReleaseCurrentThread): our exit hook drops
//     it, on the exiting thread, before object/'s exit hook unowns the
//     thread's objects (exit hooks run in reverse order of registration);
//     in a fork child, the survivor drops each dead thread's dict during
//     the stop, and object/'s hook then merges it;
//   * Py_FinalizeEx: with the world stopped for good, the finalizer drops
//     every thread's dict (threads left suspended by the final stop never
//     run their exit hooks), before the collections that free them.
// Dropping takes the dict out of the slot before the decrement: the
// values' destructors may run code that asks for the dict again (and
// gets a new one, dropped in turn; or, once closed, none).
//
// CPython's semantics: a borrowed reference; NULL with no exception set
// when there is no thread state, or when the dict cannot be made (CPython
// clears the MemoryError), and here also once finalization has closed the
// slots and on a thread attached to a runtime the C API has not adopted.
#include <atomic>
#include <cstdint>
#include <utility>

#include "absl/status/statusor.h"
#include "ext_abi/capi_internal.h"
#include "object/dict.h"
#include "object/refcount.h"
#include "runtime/runtime.h"
#include "runtime/thread_state.h"

namespace ftrt::ext::internal {
namespace {

// The slot of the runtime the C API has adopted (CurrentRuntime()):
// written under the life-cycle lock before that runtime is published with
// a release store; read after an acquire load of it.
std::atomic<SlotId> g_dict_slot{0};

// A closed slot: finalization has dropped the dict for good.
void* const kClosed = reinterpret_cast<void*>(uintptr_t{1});

// Empties `ts`'s slot (leaving it null, or closed) and drops what it held,
// until no destructor has made a new dict meanwhile. On ts's own thread,
// or with the world stopped by the caller. Returns how many dicts it
// dropped.
size_t Drop(ThreadState* ts, SlotId slot, bool close) {
  size_t n = 0;
  for (;;) {
    void* v = ts->slot(slot);
    ts->set_slot(slot, close ? kClosed : nullptr);
    if (v == nullptr || v == kClosed) return n;
    // Must not hold any lock here: the dict's values may run any code.
    Decref(static_cast<PyObject*>(v));
    ++n;
  }
}

void OnThreadExit(ThreadState* ts, void* arg) {
  Drop(ts, static_cast<SlotId>(reinterpret_cast<uintptr_t>(arg)), /*close=*/true);
}

}  // namespace

void InstallThreadDicts(Runtime& runtime) {
  const SlotId slot = runtime.AddSlot();
  LifecycleHooks hooks;
  hooks.thread_exit = OnThreadExit;
  hooks.arg = reinterpret_cast<void*>(uintptr_t{slot});
  runtime.AddLifecycleHooks(hooks);
  g_dict_slot.store(slot, std::memory_order_relaxed);
}

size_t DropThreadDicts(Runtime& runtime, bool close) {
  const SlotId slot = g_dict_slot.load(std::memory_order_relaxed);
  size_t n = 0;
  runtime.ForEachThread([&](ThreadState* ts) { n += Drop(ts, slot, close); });
  return n;
}

void DropThreadDict(ThreadState* ts) {
  const SlotId slot = g_dict_slot.load(std::memory_order_relaxed);
  if (ts->slot(slot) == kClosed) return;  // finalization closed it for good
  Drop(ts, slot, /*close=*/false);
}

}  // namespace ftrt::ext::internal

extern "C" PyObject* PyThreadState_GetDict(void) {
  ftrt::ThreadState* ts = ftrt::ThreadState::Current();
  if (ts == nullptr) return nullptr;
  if (&ts->runtime() != ftrt::ext::internal::CurrentRuntime()) return nullptr;
  const ftrt::SlotId slot = ftrt::ext::internal::g_dict_slot.load(std::memory_order_relaxed);
  void* v = ts->slot(slot);
  if (v == ftrt::ext::internal::kClosed) return nullptr;
  if (v != nullptr) return static_cast<PyObject*>(v);
  absl::StatusOr<ftrt::Ref<>> dict = ftrt::DictNew();
  if (!dict.ok()) return nullptr;  // nothing raised: CPython clears it too
  PyObject* d = std::move(*dict).Release();
  ts->set_slot(slot, d);
  return d;
}
