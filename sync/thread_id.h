// The fast thread id: what biased reference counting compares an object's
// owner with, on every increment and decrement.
//
// On x86-64 Linux it is the thread pointer (the TLS base, %fs:0 holds its
// own address), one instruction to read from any module, extensions
// included, as CPython's _Py_ThreadId does. Elsewhere it falls back to the
// address of a thread-local variable. It is never 0, so 0 can mean
// "unowned".
//
// Ids are reused: glibc hands an exited thread's TLS block to the next
// thread. Whoever keys state by this id must clear it when the thread exits
// (see shared/DESIGN.md, "Thread ids and ownership").
#ifndef FTRT_SYNC_THREAD_ID_H_
#define FTRT_SYNC_THREAD_ID_H_

#include <cstdint>

namespace ftrt {

inline uintptr_t CurrentThreadId() {
#if defined(__x86_64__) && defined(__linux__)
  // The TLS base (the TCB's self pointer at %fs:0). A builtin rather than
  // inline asm, so the compiler may keep it in a register across a loop.
  return reinterpret_cast<uintptr_t>(__builtin_thread_pointer());
#elif defined(__aarch64__) && defined(__linux__)
  uintptr_t tid;
  __asm__("mrs %0, tpidr_el0" : "=r"(tid));
  return tid;
#else
  static thread_local char anchor;
  return reinterpret_cast<uintptr_t>(&anchor);
#endif
}

}  // namespace ftrt

#endif  // FTRT_SYNC_THREAD_ID_H_
