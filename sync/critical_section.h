// Critical sections: per-object locking that cannot deadlock by nesting.
//
// After CPython's Python/critical_section.c (PEP 703, "Container
// thread-safety"). Each thread keeps a stack of the sections it has begun;
// a section locks one Mutex (or two, in address order). The stack is
// intrusive: each frame is caller-provided storage (usually on the C stack,
// as with Py_BEGIN_CRITICAL_SECTION), linked to the frame below, and the
// thread-local word points at the innermost one.
//
// THE CONTRACT: ONLY THE INNERMOST SECTION IS GUARANTEED HELD.
// Whenever the thread is about to block (it parks in the parking lot with
// detach, which every Mutex::Lock, Event::Wait and section does; or the
// runtime detaches it, or a section must wait for a mutex it or an outer
// section already holds), every active section on its stack is SUSPENDED:
// its mutexes are unlocked. When the thread resumes (wakes, or the runtime
// re-attaches it), only the innermost section is re-locked. Each outer
// section is re-locked when the section above it ends. So:
//   - code inside a section may rely on its own mutex(es) being held, at
//     every point where it is running;
//   - but anything that may block (taking another lock, beginning a nested
//     section on a contended object, waiting, detaching, calling code that
//     may do any of these) may let other threads run in the OUTER sections'
//     objects; after such a call, re-validate what you read from an outer
//     object before relying on it;
//   - two threads nesting sections in opposite orders (A then B, B then A)
//     can therefore never deadlock.
// Beginning a section on a mutex the innermost section already holds locks
// nothing (the frame is a no-op), so re-entering one object is cheap and
// safe; beginning one on a mutex an outer active section holds suspends the
// outer sections first (it would otherwise wait for itself).
//
// Frames must end in reverse order of beginning, on the thread that began
// them, while it is running (not detached). Memory ordering: as the
// underlying Mutex operations (begin acquires, end releases).
//
// Frame layout: CriticalSectionFrame and CriticalSectionFrame2 are laid out
// as CPython 3.13's PyCriticalSection and PyCriticalSection2, so ext_abi's
// Py_BEGIN_CRITICAL_SECTION can pass its struct here directly. `prev` is a
// tagged pointer to the enclosing frame; its low bits describe THAT frame:
//   bit 0 kCsSuspended  the frame pointed to is suspended (mutexes unlocked)
//   bit 1 kCsTwo        the frame pointed to is a CriticalSectionFrame2
// The thread-local top word carries the same bits for the innermost frame.
#ifndef FTRT_SYNC_CRITICAL_SECTION_H_
#define FTRT_SYNC_CRITICAL_SECTION_H_

#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "sync/config.h"
#include "sync/mutex.h"

namespace ftrt {

struct CriticalSectionFrame {
  uintptr_t prev;  // tagged pointer to the enclosing frame (0 if none)
  Mutex* mutex;    // nullptr: a no-op frame (or being (re-)locked)
};

struct CriticalSectionFrame2 {
  CriticalSectionFrame base;
  Mutex* mutex2;  // the higher-addressed mutex; nullptr if both were the same
};

namespace internal {

inline constexpr uintptr_t kCsSuspended = 1;
inline constexpr uintptr_t kCsTwo = 2;
inline constexpr uintptr_t kCsTagMask = 3;

// The innermost frame of this thread, tagged. Written only by its thread.
extern constinit thread_local uintptr_t tls_critical_section;

FTRT_COLD void BeginCriticalSectionSlow(CriticalSectionFrame* f, Mutex* m);
FTRT_COLD void BeginCriticalSection2Slow(CriticalSectionFrame2* f, Mutex* a, Mutex* b);
// Re-locks the innermost frame after the one above it ended.
FTRT_COLD void ResumeAfterEndSlow();

// The parking lot's side of blocking: suspend before sleeping (returns
// whether anything was suspended), resume after waking.
bool SuspendCriticalSectionsForBlocking();
void ResumeCriticalSectionsAfterBlocking();

}  // namespace internal

// Begins a section on *m: locks it (suspending outer sections if it must
// wait) and pushes `f`. `f` must stay valid until the matching End.
inline void BeginCriticalSection(CriticalSectionFrame* f, Mutex* m)
    ABSL_NO_THREAD_SAFETY_ANALYSIS {
  if (FTRT_LIKELY(m->TryLockFast())) {
    f->mutex = m;
    f->prev = internal::tls_critical_section;
    internal::tls_critical_section = reinterpret_cast<uintptr_t>(f);
    return;
  }
  internal::BeginCriticalSectionSlow(f, m);
}

// Ends the innermost section (which must be `f`), unlocking its mutex; if
// the section below was suspended, re-locks it.
inline void EndCriticalSection(CriticalSectionFrame* f) ABSL_NO_THREAD_SAFETY_ANALYSIS {
  Mutex* m = f->mutex;
  if (m == nullptr) return;  // no-op frame: nothing was pushed
  FTRT_DCHECK(internal::tls_critical_section == reinterpret_cast<uintptr_t>(f),
              "EndCriticalSection(%p): not the innermost active section (top word %#lx)",
              static_cast<void*>(f),
              static_cast<unsigned long>(internal::tls_critical_section));
  m->Unlock();
  uintptr_t prev = f->prev;
  internal::tls_critical_section = prev;
  if (FTRT_UNLIKELY((prev & internal::kCsSuspended) != 0)) internal::ResumeAfterEndSlow();
}

// Begins a section on two mutexes, locked in address order; the same mutex
// twice is locked once.
inline void BeginCriticalSection2(CriticalSectionFrame2* f, Mutex* a, Mutex* b)
    ABSL_NO_THREAD_SAFETY_ANALYSIS {
  if (reinterpret_cast<uintptr_t>(b) < reinterpret_cast<uintptr_t>(a)) {
    Mutex* t = a;
    a = b;
    b = t;
  }
  if (FTRT_LIKELY(a->TryLockFast())) {
    if (a == b || FTRT_LIKELY(b->TryLockFast())) {
      f->base.mutex = a;
      f->mutex2 = a == b ? nullptr : b;
      f->base.prev = internal::tls_critical_section;
      internal::tls_critical_section = reinterpret_cast<uintptr_t>(f) | internal::kCsTwo;
      return;
    }
    a->Unlock();
  }
  internal::BeginCriticalSection2Slow(f, a, b);
}

inline void EndCriticalSection2(CriticalSectionFrame2* f) ABSL_NO_THREAD_SAFETY_ANALYSIS {
  Mutex* m = f->base.mutex;
  if (m == nullptr) return;  // no-op frame
  FTRT_DCHECK(internal::tls_critical_section == (reinterpret_cast<uintptr_t>(f) | internal::kCsTwo),
              "EndCriticalSection2(%p): not the innermost active section (top word %#lx)",
              static_cast<void*>(f),
              static_cast<unsigned long>(internal::tls_critical_section));
  if (f->mutex2 != nullptr) f->mutex2->Unlock();
  m->Unlock();
  uintptr_t prev = f->base.prev;
  internal::tls_critical_section = prev;
  if (FTRT_UNLIKELY((prev & internal::kCsSuspended) != 0)) internal::ResumeAfterEndSlow();
}

// Unlocks the mutexes of every active section of this thread and marks them
// suspended. Called by the runtime when the thread detaches (and by the
// parking lot before it sleeps). Idempotent.
void SuspendAllCriticalSections();

// Re-locks the innermost section if it is suspended (outer ones stay
// suspended until the sections above them end). Called by the runtime when
// the thread attaches. May block (it takes a Mutex with detach).
void ResumeCriticalSections();

// This thread's innermost section (untagged), or nullptr.
inline CriticalSectionFrame* CurrentCriticalSection() {
  return reinterpret_cast<CriticalSectionFrame*>(internal::tls_critical_section &
                                                 ~internal::kCsTagMask);
}

// Whether this thread's innermost section is suspended.
inline bool CriticalSectionSuspended() {
  return (internal::tls_critical_section & internal::kCsSuspended) != 0;
}

// RAII sections. Not copyable or movable: the frame's address is on the
// thread's stack of sections. The analysis treats the mutex as held for
// the scope; see THE CONTRACT above for what that means for outer ones.
class ABSL_SCOPED_LOCKABLE CriticalSection {
 public:
  explicit CriticalSection(Mutex& m) ABSL_EXCLUSIVE_LOCK_FUNCTION(m) {
    BeginCriticalSection(&frame_, &m);
  }
  CriticalSection(const CriticalSection&) = delete;
  CriticalSection& operator=(const CriticalSection&) = delete;
  ~CriticalSection() ABSL_UNLOCK_FUNCTION() { EndCriticalSection(&frame_); }

 private:
  CriticalSectionFrame frame_;
};

class ABSL_SCOPED_LOCKABLE CriticalSection2 {
 public:
  CriticalSection2(Mutex& a, Mutex& b) ABSL_EXCLUSIVE_LOCK_FUNCTION(a, b) {
    BeginCriticalSection2(&frame_, &a, &b);
  }
  CriticalSection2(const CriticalSection2&) = delete;
  CriticalSection2& operator=(const CriticalSection2&) = delete;
  ~CriticalSection2() ABSL_UNLOCK_FUNCTION() { EndCriticalSection2(&frame_); }

 private:
  CriticalSectionFrame2 frame_;
};

}  // namespace ftrt

#endif  // FTRT_SYNC_CRITICAL_SECTION_H_
