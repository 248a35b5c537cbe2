/* The reference-counting fast path in C, for ext_abi/'s Python.h.
 *
 * C extensions compiled against Python.h inline Py_INCREF and Py_DECREF into
 * their own code, as they do against CPython 3.13t, so those must do exactly
 * what object/refcount.h does, on the same header fields: the owner check
 * (ob_tid against the TLS base, one instruction), then, for other threads
 * only, the immortal check (an immortal object is never owned), and the
 * count update, calling the exported slow paths below for everything else.
 * This header is that C twin. It compiles as C11 and as C++; atomics are
 * the GCC/Clang __atomic builtins (what C11 <stdatomic.h> lowers to and what
 * TSan instruments), with the same memory orders as refcount.h, whose
 * comments are the specification (lifecycle table, memory ordering).
 * refcount_abi_test.c checks the two against each other.
 */
#ifndef FTRT_OBJECT_REFCOUNT_ABI_H_
#define FTRT_OBJECT_REFCOUNT_ABI_H_

#include <stdint.h>

#include "alloc/object_layout.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Exported slow paths (object/refcount.cc). */
void ftrt_MergeZeroLocalRefcount(struct _object* op); /* T2/T3 */
/* T5's free and T6's fix-up, given the word the inline subtraction made. */
void ftrt_DecRefShared(struct _object* op, intptr_t shared);
int ftrt_TryIncrefShared(struct _object* op);         /* T10 */
/* Debug checks: abort naming the object if op is freed, being freed, or
 * (decrement) already at zero. Called only when FTRT_DEBUG_CHECKS is
 * defined for the including translation unit. */
void ftrt_CheckIncref(struct _object* op);
void ftrt_CheckDecref(struct _object* op);

/* The owner's update of its local count is a load and a store (only the
 * owner writes the field; others read it relaxed), with no lock prefix.
 * Inline asm forms were tried on x86-64 and dropped: a read-modify-write
 * instruction (addl/subl on the field) and a compare with a memory operand
 * for the owner check take 7 instructions per owner increment+decrement
 * under callgrind, against 13 in this form, but on a Xeon (Sapphire Rapids
 * class) the asm pair ran 1.43x to 1.48x a plain counter's time, against
 * 1.06x to 1.10x in this form (on an AMD Zen 5 the two ran alike). */
static inline void ftrt_OwnerLocalIncrement(struct _object* op) {
  uint32_t local = __atomic_load_n(&op->ob_ref_local, __ATOMIC_RELAXED);
  __atomic_store_n(&op->ob_ref_local, local + 1, __ATOMIC_RELAXED);
}

/* Returns nonzero if the local count reached zero. */
static inline int ftrt_OwnerLocalDecrement(struct _object* op) {
  uint32_t local = __atomic_load_n(&op->ob_ref_local, __ATOMIC_RELAXED) - 1;
  __atomic_store_n(&op->ob_ref_local, local, __ATOMIC_RELAXED);
  return local == 0;
}

#if defined(__x86_64__) && defined(__linux__) && defined(__has_builtin)
#if __has_builtin(__builtin_thread_pointer)
#define FTRT_HAVE_THREAD_POINTER_BUILTIN 1
#endif
#endif

/* The fast thread id: the same value as ftrt::CurrentThreadId(). A builtin
 * where the compiler has it, so it may keep it in a register. */
static inline uintptr_t ftrt_ThreadId(void) {
#if defined(FTRT_HAVE_THREAD_POINTER_BUILTIN)
  return (uintptr_t)__builtin_thread_pointer();
#elif defined(__x86_64__) && defined(__linux__)
  uintptr_t tid;
  __asm__("movq %%fs:0, %0" : "=r"(tid));
  return tid;
#elif defined(__aarch64__) && defined(__linux__)
  uintptr_t tid;
  __asm__("mrs %0, tpidr_el0" : "=r"(tid));
  return tid;
#else
#error "ftrt_ThreadId: add this platform (it must match sync/thread_id.h)"
#endif
}

static inline int ftrt_IsImmortal(struct _object* op) {
  return __atomic_load_n(&op->ob_ref_local, __ATOMIC_RELAXED) ==
         FTRT_IMMORTAL_REFCNT_LOCAL;
}

/* The owner check: the thread id against ob_tid. */
static inline int ftrt_IsOwnedByCurrentThread(struct _object* op) {
  return __atomic_load_n(&op->ob_tid, __ATOMIC_RELAXED) == ftrt_ThreadId();
}

static inline void ftrt_Incref(struct _object* op) {
#ifdef FTRT_DEBUG_CHECKS
  ftrt_CheckIncref(op);
#endif
  if (__builtin_expect(ftrt_IsOwnedByCurrentThread(op), 1)) { /* never immortal */
    ftrt_OwnerLocalIncrement(op);
    return;
  }
  if (ftrt_IsImmortal(op)) return;
  __atomic_fetch_add(&op->ob_ref_shared, (intptr_t)1 << FTRT_REF_SHARED_SHIFT,
                     __ATOMIC_RELAXED);
}

static inline void ftrt_Decref(struct _object* op) {
#ifdef FTRT_DEBUG_CHECKS
  ftrt_CheckDecref(op);
#endif
  if (__builtin_expect(ftrt_IsOwnedByCurrentThread(op), 1)) {
    if (__builtin_expect(ftrt_OwnerLocalDecrement(op), 0)) ftrt_MergeZeroLocalRefcount(op);
    return;
  }
  if (ftrt_IsImmortal(op)) return;
  {
    intptr_t shared = __atomic_sub_fetch(&op->ob_ref_shared,
                                         (intptr_t)1 << FTRT_REF_SHARED_SHIFT, __ATOMIC_RELEASE);
    if (__builtin_expect(shared >= 0 && shared != FTRT_REF_MERGED, 1)) return;
    ftrt_DecRefShared(op, shared);
  }
}

static inline int ftrt_TryIncref(struct _object* op) {
  if (ftrt_IsOwnedByCurrentThread(op)) {
    ftrt_OwnerLocalIncrement(op);
    return 1;
  }
  if (ftrt_IsImmortal(op)) return 1;
  return ftrt_TryIncrefShared(op);
}

/* Py_REFCNT's meaning: refcount.h's ftrt::Refcount. */
static inline intptr_t ftrt_Refcount(struct _object* op) {
  uint32_t local = __atomic_load_n(&op->ob_ref_local, __ATOMIC_RELAXED);
  intptr_t shared, count, state;
  if (local == FTRT_IMMORTAL_REFCNT_LOCAL) return (intptr_t)local;
  shared = __atomic_load_n(&op->ob_ref_shared, __ATOMIC_RELAXED);
  count = shared >> FTRT_REF_SHARED_SHIFT;
  state = shared & FTRT_REF_SHARED_FLAG_MASK;
  if (state == FTRT_REF_MERGED) return count;
  return count + (intptr_t)local - (state == FTRT_REF_QUEUED ? 1 : 0);
}

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* FTRT_OBJECT_REFCOUNT_ABI_H_ */
