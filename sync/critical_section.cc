// The critical-section stack's slow paths (see critical_section.h), after
// CPython's Python/critical_section.c.
//
// States of a frame on the stack (the tag bits of the word pointing at it):
//   active     its mutexes are held by this thread;
//   suspended  (kCsSuspended) its mutexes were unlocked when the thread
//              blocked; re-locked when it becomes the innermost frame again
//              (ResumeTop) - on End of the frame above, or on attach/wake.
// Invariant: the active frames are a run at the top of the stack; every
// frame below a suspended one is suspended too. SuspendAll therefore walks
// down only until the first suspended frame.
//
// A frame whose mutex pointers are null is being (re-)locked: Begin's slow
// path pushes it empty before it waits, and ResumeTop empties it while it
// re-locks. If the thread blocks meanwhile, suspending it unlocks nothing
// and resuming it locks nothing, so the nesting (lock -> park -> suspend ->
// wake -> resume) never unlocks what it does not hold nor locks twice.
#include "sync/critical_section.h"

namespace ftrt {
namespace internal {

constinit thread_local uintptr_t tls_critical_section = 0;

}  // namespace internal

namespace {

using internal::kCsSuspended;
using internal::kCsTagMask;
using internal::kCsTwo;
using internal::tls_critical_section;

CriticalSectionFrame* Untag(uintptr_t tagged) {
  return reinterpret_cast<CriticalSectionFrame*>(tagged & ~kCsTagMask);
}

Mutex* SecondMutex(uintptr_t tagged) {
  if ((tagged & kCsTwo) == 0) return nullptr;
  return reinterpret_cast<CriticalSectionFrame2*>(Untag(tagged))->mutex2;
}

bool FrameHolds(uintptr_t tagged, const Mutex* m) {
  return Untag(tagged)->mutex == m || SecondMutex(tagged) == m;
}

// Whether an active frame of this thread holds m.
bool ActiveStackHolds(const Mutex* m) {
  for (uintptr_t p = tls_critical_section; p != 0 && (p & kCsSuspended) == 0;
       p = Untag(p)->prev) {
    if (FrameHolds(p, m)) return true;
  }
  return false;
}

// Unlocks the active frames, innermost first, and marks them suspended.
// Returns whether there was any.
bool SuspendAll() ABSL_NO_THREAD_SAFETY_ANALYSIS {
  uintptr_t* link = &tls_critical_section;
  bool any = false;
  while (*link != 0 && (*link & kCsSuspended) == 0) {
    CriticalSectionFrame* f = Untag(*link);
    if (Mutex* m2 = SecondMutex(*link)) m2->Unlock();
    if (f->mutex != nullptr) f->mutex->Unlock();
    *link |= kCsSuspended;
    any = true;
    link = &f->prev;
  }
  return any;
}

// Re-locks the innermost frame if it is suspended.
void ResumeTop() ABSL_NO_THREAD_SAFETY_ANALYSIS {
  uintptr_t top = tls_critical_section;
  if ((top & kCsSuspended) == 0) return;  // none, or already active
  CriticalSectionFrame* f = Untag(top);
  auto* f2 = (top & kCsTwo) != 0 ? reinterpret_cast<CriticalSectionFrame2*>(f) : nullptr;
  Mutex* m1 = f->mutex;
  Mutex* m2 = f2 != nullptr ? f2->mutex2 : nullptr;
  // Empty while locking: a nested park must neither unlock nor re-lock them.
  f->mutex = nullptr;
  if (f2 != nullptr) f2->mutex2 = nullptr;
  if (m1 != nullptr) m1->Lock();
  if (m2 != nullptr) m2->Lock();  // m1 < m2: address order
  f->mutex = m1;
  if (f2 != nullptr) f2->mutex2 = m2;
  tls_critical_section &= ~kCsSuspended;
}

}  // namespace

namespace internal {

void BeginCriticalSectionSlow(CriticalSectionFrame* f, Mutex* m) ABSL_NO_THREAD_SAFETY_ANALYSIS {
  uintptr_t top = tls_critical_section;
  if (top != 0 && (top & kCsSuspended) == 0 && FrameHolds(top, m)) {
    // The innermost section already holds m: nothing to lock or push.
    f->mutex = nullptr;
    f->prev = 0;
    return;
  }
  // An outer active section holds m: we would wait for ourselves.
  if (ActiveStackHolds(m)) SuspendAll();
  f->mutex = nullptr;
  f->prev = tls_critical_section;
  tls_critical_section = reinterpret_cast<uintptr_t>(f);
  m->Lock();  // if it parks, the outer sections are suspended (f is empty)
  f->mutex = m;
}

void BeginCriticalSection2Slow(CriticalSectionFrame2* f, Mutex* a, Mutex* b)
    ABSL_NO_THREAD_SAFETY_ANALYSIS {
  // a <= b by address (the inline path ordered them).
  uintptr_t top = tls_critical_section;
  if (top != 0 && (top & kCsSuspended) == 0 && FrameHolds(top, a) && FrameHolds(top, b)) {
    f->base.mutex = nullptr;
    f->mutex2 = nullptr;
    f->base.prev = 0;
    return;
  }
  if (ActiveStackHolds(a) || (b != a && ActiveStackHolds(b))) SuspendAll();
  f->base.mutex = nullptr;
  f->mutex2 = nullptr;
  f->base.prev = tls_critical_section;
  tls_critical_section = reinterpret_cast<uintptr_t>(f) | kCsTwo;
  a->Lock();
  if (b != a) b->Lock();
  f->base.mutex = a;
  f->mutex2 = b != a ? b : nullptr;
}

void ResumeAfterEndSlow() { ResumeTop(); }

bool SuspendCriticalSectionsForBlocking() {
  if (tls_critical_section == 0) return false;
  return SuspendAll();
}

void ResumeCriticalSectionsAfterBlocking() { ResumeTop(); }

}  // namespace internal

void SuspendAllCriticalSections() { SuspendAll(); }

void ResumeCriticalSections() { ResumeTop(); }

}  // namespace ftrt
