/* The ABI tag: how the loader tells an extension built against THIS
 * Python.h from one built against any other. (At the end: ftrt's own
 * C-level queries that are not CPython API, such as the leak count after
 * Py_FinalizeEx.)
 *
 * Why. An extension inlines Py_INCREF, Py_DECREF, Py_TYPE, PyTuple_GET_ITEM,
 * PyUnicode_DATA, PyMutex_Lock... into its own machine code. One compiled
 * against a GIL-build CPython treats the first 8 bytes of every object as
 * ob_refcnt and the next 8 as ob_type; on ftrt's header (CPython 3.13t's
 * layout: ob_tid, flags, mutex, gc bits, local count, shared count, type)
 * its first Py_INCREF would bump the owner thread id and its first Py_TYPE
 * would read the shared count as a type pointer. The failure comes late and
 * far from its cause, so the loader must refuse such a module up front,
 * before any of its code runs, with an ImportError that says why.
 *
 * What. Every translation unit that includes this Python.h carries one ELF
 * note, in an allocated section named ".note.ftrt.abi":
 *
 *   offset size field          value
 *   ------ ---- -------------- -----------------------------------------
 *    0      4   n_namesz       5 ("ftrt" and its NUL)
 *    4      4   n_descsz       24
 *    8      4   n_type         FTRT_ABI_NOTE_TYPE
 *   12      8   name           "ftrt", NUL-padded to 4-byte alignment
 *   20      4   abi_version    FTRT_ABI_VERSION (bumped on any change to a
 *                              layout or an inline fast path below)
 *   24      4   py_version_hex PY_VERSION_HEX of the API (3.13)
 *   28      4   flags          FTRT_ABI_FLAG_* (GIL disabled, debug checks,
 *                              sanitizer)
 *   32      2   sizeof_object       sizeof(PyObject)        = 32
 *   34      2   sizeof_varobject    sizeof(PyVarObject)     = 40
 *   36      2   sizeof_typeobject   sizeof(PyTypeObject)    = 432
 *   38      2   sizeof_moduledef    sizeof(PyModuleDef)     = 120
 *   40      4   reserved            0
 *
 * Static linkers gather notes into PT_NOTE program headers, which survive
 * `strip`, -fvisibility=hidden, version scripts that hide every symbol but
 * PyInit_*, LTO (the variable is `used`) and --gc-sections (GNU ld and lld
 * keep SHT_NOTE sections). A shared object holds one copy per translation
 * unit; all must agree.
 *
 * Check. Before dlopen, the loader (ext_abi/abi_tag.h, ReadAbiTag) reads the
 * file's program headers and PT_NOTE segments with plain reads: nothing of
 * the candidate runs, not even its constructors. Then:
 *   - no "ftrt" note           -> ImportError: "<path> was not built against
 *     ftrt's Python.h (a CPython build? its inline Py_INCREF would corrupt
 *     ftrt's object header); rebuild it with the flags of `tools/ft config
 *     --cflags`";
 *   - notes that disagree      -> ImportError naming both versions (objects
 *     compiled against two different headers were linked together);
 *   - abi_version or sizes differ from the runtime's -> ImportError naming
 *     both versions, with the same advice.
 * A module built against CPython 3.13t's own headers has the same object
 * layout but no note, and is refused too: its inline code calls CPython's
 * private slow paths (_Py_DecRefShared, _Py_MergeZeroLocalRefcount), which
 * ftrt does not export.
 *
 * As a second, cheaper check after PyInit_<name> returns, a PyModuleDef
 * built with this header's PyModuleDef_HEAD_INIT carries
 * FTRT_OBJ_FLAG_STATIC in its ob_flags (CPython 3.13t leaves those bytes 0).
 *
 * Prior work: systemd's ELF package-metadata notes (.note.package) and the
 * freedesktop.org .note.dlopen proposal carry build facts the same way;
 * CPython itself only checks the module's file name suffix (abi3, cp313t),
 * which a renamed file defeats.
 */
#ifndef FTRT_EXT_ABI_FTRT_ABI_H_
#define FTRT_EXT_ABI_FTRT_ABI_H_

#include <stdint.h>

#include "patchlevel.h"
#include "pyport.h"
#include "object/cpython_types.h"

/* 2: Py_DECREF's non-owner path subtracts inline and hands the result to
 * ftrt_DecRefShared(op, shared) (1: load + compare-exchange, then
 * ftrt_DecRefShared(op)). */
#define FTRT_ABI_VERSION 2u
#define FTRT_ABI_NOTE_NAME "ftrt"
#define FTRT_ABI_NOTE_TYPE 0x46544131u /* "FTA1" */
#define FTRT_ABI_NOTE_SECTION ".note.ftrt.abi"

/* FTRT_ABI_NOTE_DESC flags. Only GIL_DISABLED is required; the others say
 * how the extension was built (tools/ft check reports them). */
#define FTRT_ABI_FLAG_GIL_DISABLED 0x1u
#define FTRT_ABI_FLAG_DEBUG_CHECKS 0x2u /* inline refcounting calls the debug
                                          checks (FTRT_DEBUG_CHECKS) */
#define FTRT_ABI_FLAG_TSAN 0x4u
#define FTRT_ABI_FLAG_ASAN 0x8u

typedef struct ftrt_abi_desc {
  uint32_t abi_version;
  uint32_t py_version_hex;
  uint32_t flags;
  uint16_t sizeof_object;
  uint16_t sizeof_varobject;
  uint16_t sizeof_typeobject;
  uint16_t sizeof_moduledef;
  uint32_t reserved;
} ftrt_abi_desc;

typedef struct ftrt_abi_note {
  uint32_t n_namesz;
  uint32_t n_descsz;
  uint32_t n_type;
  char name[8];
  ftrt_abi_desc desc;
} ftrt_abi_note;

#if defined(__SANITIZE_THREAD__)
#define FTRT_ABI_TSAN_FLAG_ FTRT_ABI_FLAG_TSAN
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define FTRT_ABI_TSAN_FLAG_ FTRT_ABI_FLAG_TSAN
#endif
#endif
#ifndef FTRT_ABI_TSAN_FLAG_
#define FTRT_ABI_TSAN_FLAG_ 0u
#endif

#if defined(__SANITIZE_ADDRESS__)
#define FTRT_ABI_ASAN_FLAG_ FTRT_ABI_FLAG_ASAN
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FTRT_ABI_ASAN_FLAG_ FTRT_ABI_FLAG_ASAN
#endif
#endif
#ifndef FTRT_ABI_ASAN_FLAG_
#define FTRT_ABI_ASAN_FLAG_ 0u
#endif

#ifdef FTRT_DEBUG_CHECKS
#define FTRT_ABI_DEBUG_FLAG_ FTRT_ABI_FLAG_DEBUG_CHECKS
#else
#define FTRT_ABI_DEBUG_FLAG_ 0u
#endif

#define FTRT_ABI_FLAGS                                                  \
  (FTRT_ABI_FLAG_GIL_DISABLED | FTRT_ABI_DEBUG_FLAG_ | FTRT_ABI_TSAN_FLAG_ | \
   FTRT_ABI_ASAN_FLAG_)

/* The tag itself: one per translation unit (static), kept by `used` even
 * though nothing refers to it. Defining FTRT_NO_ABI_TAG before including
 * Python.h leaves it out: for the runtime's own sources, which are not
 * extensions, and for tests that need a shared object without a tag. */
#ifndef FTRT_NO_ABI_TAG
__attribute__((used, unused, section(FTRT_ABI_NOTE_SECTION), aligned(4)))
static const ftrt_abi_note ftrt_abi_note_ = {
    sizeof(FTRT_ABI_NOTE_NAME),
    sizeof(ftrt_abi_desc),
    FTRT_ABI_NOTE_TYPE,
    FTRT_ABI_NOTE_NAME,
    {
        FTRT_ABI_VERSION,
        PY_VERSION_HEX,
        FTRT_ABI_FLAGS,
        (uint16_t)sizeof(PyObject),
        (uint16_t)sizeof(PyVarObject),
        (uint16_t)sizeof(PyTypeObject),
        (uint16_t)sizeof(PyModuleDef),
        0,
    },
};
#endif

#ifdef __cplusplus
static_assert(sizeof(ftrt_abi_note) == 44, "ELF note layout");
static_assert(sizeof(ftrt_abi_desc) == 24, "ELF note layout");
#else
_Static_assert(sizeof(ftrt_abi_note) == 44, "ELF note layout");
_Static_assert(sizeof(ftrt_abi_desc) == 24, "ELF note layout");
#endif

/* ---- ftrt's own queries (not CPython API; prefix ftrt_) ---------------- */

#ifdef __cplusplus
extern "C" {
#endif

/* How many objects were still allocated, not immortal, when the last
 * Py_FinalizeEx of this process had run its collections: 0 means the
 * runtime freed every object (DESIGN.md: "after finalization every
 * non-immortal object has been freed"). -1 before any Py_FinalizeEx.
 *
 * Counted by visiting the runtime's allocator with the world stopped for
 * good, after modules, thread dicts, the Py_AtExit callbacks and the
 * collections, and before the runtime is dropped: LeakSanitizer cannot see
 * these objects (the allocator still tracks them, and frees them all when
 * the runtime goes). An object an extension still holds a reference to
 * (a missing Py_DECREF), or one a daemon thread still holds (a thread left
 * suspended by the final stop), counts.
 *
 * Builds with debug checks (FTRT_DEBUG_CHECKS: the TSan and ASan
 * configurations) also print the first 20 to stderr, one line each:
 *   ftrt: leaked at Py_FinalizeEx: <address> '<type name>' local=<n> shared=<n>
 * (shared: the shared count word, its low 2 bits the refcount state).
 * Callable at any time, attached or not. */
PyAPI_FUNC(Py_ssize_t) ftrt_LeakedObjectsAtLastFinalize(void);

#ifdef __cplusplus
}
#endif

#endif /* FTRT_EXT_ABI_FTRT_ABI_H_ */
