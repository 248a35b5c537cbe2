/* The object header's layout: a plain C struct with its bit constants and no
 * behaviour.
 *
 * Every ftrt object starts with this header, laid out field for field as
 * CPython 3.13t lays out PyObject, so that ext_abi/'s Python.h can hand the
 * very same struct to C extensions (their inline Py_INCREF reads and writes
 * these fields). It lives in alloc/, the lowest layer that must read it (the
 * tracked bit, the owner id); object/ gives it its behaviour. It compiles as
 * C11 and as C++.
 *
 *   offset size field          notes
 *   ------ ---- -------------- ----------------------------------------------
 *    0      8   ob_tid         owner's fast thread id (sync/thread_id.h);
 *                              0 = unowned. The collector uses it as scratch
 *                              during a stop and restores it from alloc/'s
 *                              ownership records.
 *    8      2   ob_flags       FTRT_OBJ_FLAG_* below
 *   10      1   ob_mutex       the per-object 1-byte mutex (sync/ Mutex)
 *   11      1   ob_gc_bits     FTRT_GC_BIT_* below
 *   12      4   ob_ref_local   owner's count, written only by the owner;
 *                              UINT32_MAX = immortal
 *   16      8   ob_ref_shared  other threads' count << 2 | state (atomic)
 *   24      8   ob_type        the type object
 *
 * ob_ref_shared, low 2 bits (FTRT_REF_*):
 *   | bits | state         | meaning                                        |
 *   |------|---------------|------------------------------------------------|
 *   |  00  | DEFAULT       | owner alive, counts split                      |
 *   |  01  | MAYBE_WEAKREF | as DEFAULT; weak references may exist          |
 *   |  10  | QUEUED        | queued once to the owner for a merge           |
 *   |  11  | MERGED        | local count folded in; shared is the only one  |
 */
#ifndef FTRT_ALLOC_OBJECT_LAYOUT_H_
#define FTRT_ALLOC_OBJECT_LAYOUT_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* CPython's PyMutex: one byte, bit 0 locked, bit 1 has-parked. ftrt::Mutex
 * (sync/mutex.h) has the same layout and is what C++ code uses on it. */
typedef struct PyMutex {
  uint8_t _bits;
} PyMutex;

struct _typeobject;

struct _object {
  uintptr_t ob_tid;
  uint16_t ob_flags;
  PyMutex ob_mutex;
  uint8_t ob_gc_bits;
  uint32_t ob_ref_local;
  intptr_t ob_ref_shared;
  struct _typeobject* ob_type;
};

struct _varobject {
  struct _object ob_base;
  intptr_t ob_size;
};

/* ob_ref_local of an immortal object. */
#define FTRT_IMMORTAL_REFCNT_LOCAL UINT32_MAX

/* ob_ref_shared: state in the low bits, count above. */
#define FTRT_REF_SHARED_SHIFT 2
#define FTRT_REF_SHARED_FLAG_MASK 0x3
#define FTRT_REF_DEFAULT 0x0
#define FTRT_REF_MAYBE_WEAKREF 0x1
#define FTRT_REF_QUEUED 0x2
#define FTRT_REF_MERGED 0x3

/* ob_gc_bits: written by the owner or during a stop-the-world. */
#define FTRT_GC_BIT_TRACKED (1u << 0)     /* the collector visits it */
#define FTRT_GC_BIT_FINALIZED (1u << 1)   /* tp_finalize ran (PEP 442) */
#define FTRT_GC_BIT_UNREACHABLE (1u << 2) /* collector scratch */
#define FTRT_GC_BIT_FROZEN (1u << 3)
#define FTRT_GC_BIT_SHARED (1u << 4)      /* lock-free readers may look at it */
#define FTRT_GC_BIT_ALIVE (1u << 5)       /* collector scratch: reachable */
#define FTRT_GC_BIT_DEFERRED (1u << 6)    /* deferred refcounting */
#define FTRT_GC_BIT_GC_CAPABLE (1u << 7)  /* allocated from a GC heap */

/* ob_flags. */
#define FTRT_OBJ_FLAG_FREED (1u << 0)     /* memory returned; header kept */
#define FTRT_OBJ_FLAG_STATIC (1u << 1)    /* static storage, never freed */

#ifdef __cplusplus
}  /* extern "C" */

static_assert(sizeof(struct _object) == 32, "header is 32 bytes on 64-bit");
static_assert(offsetof(struct _object, ob_tid) == 0, "layout");
static_assert(offsetof(struct _object, ob_flags) == 8, "layout");
static_assert(offsetof(struct _object, ob_mutex) == 10, "layout");
static_assert(offsetof(struct _object, ob_gc_bits) == 11, "layout");
static_assert(offsetof(struct _object, ob_ref_local) == 12, "layout");
static_assert(offsetof(struct _object, ob_ref_shared) == 16, "layout");
static_assert(offsetof(struct _object, ob_type) == 24, "layout");
static_assert(sizeof(struct _varobject) == 40, "layout");

namespace ftrt {
/* The C++ name of the header; object/ gives it behaviour. */
using ObjectHeader = ::_object;
}  // namespace ftrt
#else
_Static_assert(sizeof(struct _object) == 32, "header is 32 bytes on 64-bit");
_Static_assert(offsetof(struct _object, ob_ref_shared) == 16, "layout");
_Static_assert(offsetof(struct _object, ob_type) == 24, "layout");
#endif

#endif /* FTRT_ALLOC_OBJECT_LAYOUT_H_ */
