/* pyconfig.h for ftrt's Python.h: the build facts CPython's configure would
 * have written, for the one platform family ftrt targets (64-bit Linux,
 * GCC or Clang). Extensions test a few of these (SIZEOF_LONG, HAVE_*), so
 * they are here under CPython's names.
 *
 * Py_GIL_DISABLED is defined here, as in a CPython 3.13t installation:
 * every extension compiled against this header is compiled for the
 * free-threaded ABI. */
#ifndef Py_PYCONFIG_H
#define Py_PYCONFIG_H

#ifndef Py_GIL_DISABLED
#define Py_GIL_DISABLED 1
#endif

/* Feature-test macros, as CPython's configure writes them: they must come
 * before any system header, which is why Python.h must be included first.
 * They make POSIX and GNU declarations visible even under -std=c11. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef _LARGEFILE_SOURCE
#define _LARGEFILE_SOURCE 1
#endif
#ifndef _FILE_OFFSET_BITS
#define _FILE_OFFSET_BITS 64
#endif

#if !defined(__linux__) || !defined(__LP64__)
#error "ftrt's Python.h supports 64-bit Linux only"
#endif

#define SIZEOF_SHORT 2
#define SIZEOF_INT 4
#define SIZEOF_LONG 8
#define SIZEOF_LONG_LONG 8
#define SIZEOF_VOID_P 8
#define SIZEOF_SIZE_T 8
#define SIZEOF_TIME_T 8
#define SIZEOF_WCHAR_T 4
#define SIZEOF_FLOAT 4
#define SIZEOF_DOUBLE 8
#define SIZEOF_PID_T 4
#define SIZEOF_UINTPTR_T 8
#define ALIGNOF_SIZE_T 8
#define ALIGNOF_MAX_ALIGN_T 16

#define HAVE_UNISTD_H 1
#define HAVE_SYS_TYPES_H 1
#define HAVE_STDINT_H 1
#define HAVE_INTTYPES_H 1
#define HAVE_PTHREAD_H 1
#define HAVE_CLOCK_GETTIME 1
#define HAVE_DLOPEN 1
#define HAVE_FORK 1
#define WITH_THREAD 1 /* always, since 3.7; some extensions still test it */

#endif /* !Py_PYCONFIG_H */
