/* The C twin of the fast path (refcount_abi.h), compiled as C11: the same
 * operations Python.h's Py_INCREF / Py_DECREF / Py_REFCNT will inline. */
#include "object/refcount_abi.h"

uintptr_t abi_c_thread_id(void) { return ftrt_ThreadId(); }
void abi_c_incref(struct _object* op) { ftrt_Incref(op); }
void abi_c_decref(struct _object* op) { ftrt_Decref(op); }
int abi_c_try_incref(struct _object* op) { return ftrt_TryIncref(op); }
intptr_t abi_c_refcount(struct _object* op) { return ftrt_Refcount(op); }
int abi_c_is_immortal(struct _object* op) { return ftrt_IsImmortal(op); }
