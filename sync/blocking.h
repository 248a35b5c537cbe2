// The blocking hook: how an upper layer learns that a thread is about to
// sleep in the parking lot, and when it has woken.
//
// The runtime (runtime/) registers these hooks at Init so that a thread that
// parks on a lock detaches from the runtime first (it then counts as stopped
// for stop-the-world, gives up the GIL, and has its critical sections
// suspended) and re-attaches after it wakes. This follows CPython, whose
// _PyParkingLot_Park calls PyEval_SaveThread/PyEval_RestoreThread around the
// sleep when asked to "detach". sync/ cannot call up into runtime/, so the
// runtime hands it two function pointers instead.
//
// Order around one sleep in parking_lot::Park(..., detach = true):
//   1. sync suspends the thread's active critical sections itself
//      (SuspendAllCriticalSections), so it works even with no runtime;
//   2. hooks->before_block() runs (the runtime detaches; its own call to
//      SuspendAllCriticalSections is then a no-op) and returns a token;
//   3. the thread enqueues itself, sleeps, wakes and is dequeued;
//   4. hooks->after_block(token) runs (the runtime attaches; its call to
//      ResumeCriticalSections re-locks the innermost section);
//   5. sync re-locks the innermost section if step 4 did not.
// Both hooks run with no parking-lot lock held and the thread not enqueued,
// so they may themselves lock a Mutex (even park: the nested Park runs the
// hooks again, so a hook must cope with being called on a thread that is
// already detached, e.g. by returning a token that means "nothing to do").
// Park(..., detach = false) (Mutex::LockNoDetach, the runtime's own internal
// locks) calls neither hook and suspends nothing.
#ifndef FTRT_SYNC_BLOCKING_H_
#define FTRT_SYNC_BLOCKING_H_

namespace ftrt {

struct BlockingHooks {
  // Called before the thread sleeps; returns a token passed to after_block.
  // May be null (then after_block receives nullptr).
  void* (*before_block)();
  // Called after the thread wakes (or finds it need not sleep). May be null.
  void (*after_block)(void* token);
};

// Process-wide; `hooks` must outlive its registration (a static object).
// Pass nullptr to clear (runtime shutdown). Memory ordering: the pointer is
// published with a release store and read with an acquire load, so the
// struct's fields, written before the call, are visible to every Park that
// sees the new pointer. A Park already past step 2 when the hooks are
// cleared still calls the old after_block: clear them only once no thread
// can be parked with detach (the runtime's finalization does so after its
// final stop).
void SetBlockingHooks(const BlockingHooks* hooks);

// The hooks currently registered, or nullptr.
const BlockingHooks* GetBlockingHooks();

}  // namespace ftrt

#endif  // FTRT_SYNC_BLOCKING_H_
