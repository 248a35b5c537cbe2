/* CPython 3.13's type-layout declarations, shared by object/ and ext_abi/.
 *
 * A C extension written for CPython 3.13t reads and writes these structs
 * directly: it fills a static PyTypeObject with positional initializers,
 * hands PyMethodDef / PyMemberDef / PyGetSetDef tables to the runtime, and
 * describes itself with a PyModuleDef. So they must have CPython's names,
 * field order, field types and, on x86-64, its sizes and offsets, byte for
 * byte. This header is that layout and nothing more: no functions, no
 * behaviour. object/ (C++) gives the structs their behaviour; ext_abi/'s
 * Python.h includes this header so that extensions see the same bytes.
 * It compiles as C11 and as C++20.
 *
 * The facts follow CPython 3.13's Include/object.h, Include/cpython/object.h,
 * Include/pybuffer.h, Include/methodobject.h, Include/descrobject.h,
 * Include/structmember.h, Include/moduleobject.h and Include/typeslots.h,
 * and the figures asserted at the bottom were checked against those headers
 * compiled with Py_GIL_DISABLED on x86-64 (the free-threaded PyObject is 32
 * bytes, PyVarObject 40, PyTypeObject 432).
 *
 * One deliberate difference: PyObject_HEAD_INIT stores FTRT_OBJ_FLAG_STATIC
 * in ob_flags (3.13t leaves that word as padding; 3.14t stores its own
 * "statically allocated" flag there in the same way), so the runtime can
 * tell an object in static storage from one made immortal at run time.
 *
 * The older structmember.h names (T_INT, READONLY, ...) are in
 * object/cpython_structmember.h, as CPython keeps them out of Python.h.
 */
#ifndef FTRT_OBJECT_CPYTHON_TYPES_H_
#define FTRT_OBJECT_CPYTHON_TYPES_H_

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "alloc/object_layout.h"

#ifdef __cplusplus
#include <type_traits>
extern "C" {
#endif

/* ---- Integer types ------------------------------------------------------
 * Py_ssize_t is ssize_t, as CPython has it wherever ssize_t exists; on the
 * platforms we build for it is the same type as intptr_t, which the header
 * layout uses for ob_size and ob_ref_shared (checked below). */
typedef ssize_t Py_ssize_t;
#define PY_SSIZE_T_MAX INTPTR_MAX
#define PY_SSIZE_T_MIN (-PY_SSIZE_T_MAX - 1)
typedef Py_ssize_t Py_hash_t;
typedef size_t Py_uhash_t;

/* ---- Objects ------------------------------------------------------------ */
typedef struct _object PyObject;
typedef struct _varobject PyVarObject;
typedef struct _typeobject PyTypeObject;
typedef struct PyMethodDef PyMethodDef;
typedef struct PyMemberDef PyMemberDef;
typedef struct PyGetSetDef PyGetSetDef;
typedef struct PyModuleDef PyModuleDef;
typedef struct PyModuleDef_Slot PyModuleDef_Slot;

#define PyObject_HEAD PyObject ob_base;
#define PyObject_VAR_HEAD PyVarObject ob_base;

/* Header initializers for objects in static storage. Field by field:
 * ob_tid 0 (unowned), ob_flags FTRT_OBJ_FLAG_STATIC, ob_mutex unlocked,
 * ob_gc_bits 0, ob_ref_local immortal, ob_ref_shared 0, ob_type. Static
 * types, static module definitions and other static objects are therefore
 * immortal: refcounting never writes to them and never frees them.
 * As in CPython, each expands with a trailing comma, so that
 *   { PyVarObject_HEAD_INIT(NULL, 0) "m.Foo", ... }
 * needs none after the macro. */
#define PyObject_HEAD_INIT(type)  \
  {                               \
    0,                            \
    FTRT_OBJ_FLAG_STATIC,         \
    { 0 },                        \
    0,                            \
    FTRT_IMMORTAL_REFCNT_LOCAL,   \
    0,                            \
    (type),                       \
  },

#define PyVarObject_HEAD_INIT(type, size) \
  {                                       \
    PyObject_HEAD_INIT(type)              \
    (size)                                \
  },

/* Rich comparison operators passed to tp_richcompare. */
#define Py_LT 0
#define Py_LE 1
#define Py_EQ 2
#define Py_NE 3
#define Py_GT 4
#define Py_GE 5

/* What an am_send slot reports. */
typedef enum {
  PYGEN_RETURN = 0,
  PYGEN_ERROR = -1,
  PYGEN_NEXT = 1,
} PySendResult;

/* ---- Slot function types ------------------------------------------------ */
typedef PyObject* (*unaryfunc)(PyObject*);
typedef PyObject* (*binaryfunc)(PyObject*, PyObject*);
typedef PyObject* (*ternaryfunc)(PyObject*, PyObject*, PyObject*);
typedef int (*inquiry)(PyObject*);
typedef Py_ssize_t (*lenfunc)(PyObject*);
typedef PyObject* (*ssizeargfunc)(PyObject*, Py_ssize_t);
typedef PyObject* (*ssizessizeargfunc)(PyObject*, Py_ssize_t, Py_ssize_t);
typedef int (*ssizeobjargproc)(PyObject*, Py_ssize_t, PyObject*);
typedef int (*ssizessizeobjargproc)(PyObject*, Py_ssize_t, Py_ssize_t,
                                    PyObject*);
typedef int (*objobjargproc)(PyObject*, PyObject*, PyObject*);
typedef int (*objobjproc)(PyObject*, PyObject*);
typedef int (*visitproc)(PyObject*, void*);
typedef int (*traverseproc)(PyObject*, visitproc, void*);
typedef void (*freefunc)(void*);
typedef void (*destructor)(PyObject*);
typedef PyObject* (*getattrfunc)(PyObject*, char*);
typedef PyObject* (*getattrofunc)(PyObject*, PyObject*);
typedef int (*setattrfunc)(PyObject*, char*, PyObject*);
typedef int (*setattrofunc)(PyObject*, PyObject*, PyObject*);
typedef PyObject* (*reprfunc)(PyObject*);
typedef Py_hash_t (*hashfunc)(PyObject*);
typedef PyObject* (*richcmpfunc)(PyObject*, PyObject*, int);
typedef PyObject* (*getiterfunc)(PyObject*);
typedef PyObject* (*iternextfunc)(PyObject*);
typedef PyObject* (*descrgetfunc)(PyObject*, PyObject*, PyObject*);
typedef int (*descrsetfunc)(PyObject*, PyObject*, PyObject*);
typedef int (*initproc)(PyObject*, PyObject*, PyObject*);
typedef PyObject* (*newfunc)(PyTypeObject*, PyObject*, PyObject*);
typedef PyObject* (*allocfunc)(PyTypeObject*, Py_ssize_t);
typedef PyObject* (*vectorcallfunc)(PyObject* callable, PyObject* const* args,
                                    size_t nargsf, PyObject* kwnames);
typedef PySendResult (*sendfunc)(PyObject* iter, PyObject* value,
                                 PyObject** result);
/* Old extensions may still put a printfunc (0) where tp_vectorcall_offset
 * now is; the type is Py_ssize_t so that keeps compiling. */
typedef Py_ssize_t printfunc;

/* ---- The buffer protocol (pybuffer.h) ----------------------------------- */
typedef struct {
  void* buf;
  PyObject* obj; /* the exporter; a strong reference */
  Py_ssize_t len;
  Py_ssize_t itemsize;
  int readonly;
  int ndim;
  char* format;
  Py_ssize_t* shape;
  Py_ssize_t* strides;
  Py_ssize_t* suboffsets;
  void* internal;
} Py_buffer;

typedef int (*getbufferproc)(PyObject*, Py_buffer*, int);
typedef void (*releasebufferproc)(PyObject*, Py_buffer*);

#define PyBUF_MAX_NDIM 64
#define PyBUF_SIMPLE 0
#define PyBUF_WRITABLE 0x0001
#define PyBUF_WRITEABLE PyBUF_WRITABLE
#define PyBUF_FORMAT 0x0004
#define PyBUF_ND 0x0008
#define PyBUF_STRIDES (0x0010 | PyBUF_ND)
#define PyBUF_C_CONTIGUOUS (0x0020 | PyBUF_STRIDES)
#define PyBUF_F_CONTIGUOUS (0x0040 | PyBUF_STRIDES)
#define PyBUF_ANY_CONTIGUOUS (0x0080 | PyBUF_STRIDES)
#define PyBUF_INDIRECT (0x0100 | PyBUF_STRIDES)
#define PyBUF_CONTIG (PyBUF_ND | PyBUF_WRITABLE)
#define PyBUF_CONTIG_RO (PyBUF_ND)
#define PyBUF_STRIDED (PyBUF_STRIDES | PyBUF_WRITABLE)
#define PyBUF_STRIDED_RO (PyBUF_STRIDES)
#define PyBUF_RECORDS (PyBUF_STRIDES | PyBUF_WRITABLE | PyBUF_FORMAT)
#define PyBUF_RECORDS_RO (PyBUF_STRIDES | PyBUF_FORMAT)
#define PyBUF_FULL (PyBUF_INDIRECT | PyBUF_WRITABLE | PyBUF_FORMAT)
#define PyBUF_FULL_RO (PyBUF_INDIRECT | PyBUF_FORMAT)
#define PyBUF_READ 0x100
#define PyBUF_WRITE 0x200

/* ---- Method suites ------------------------------------------------------ */
typedef struct {
  binaryfunc nb_add;
  binaryfunc nb_subtract;
  binaryfunc nb_multiply;
  binaryfunc nb_remainder;
  binaryfunc nb_divmod;
  ternaryfunc nb_power;
  unaryfunc nb_negative;
  unaryfunc nb_positive;
  unaryfunc nb_absolute;
  inquiry nb_bool;
  unaryfunc nb_invert;
  binaryfunc nb_lshift;
  binaryfunc nb_rshift;
  binaryfunc nb_and;
  binaryfunc nb_xor;
  binaryfunc nb_or;
  unaryfunc nb_int;
  void* nb_reserved; /* was nb_long in Python 2; always NULL */
  unaryfunc nb_float;

  binaryfunc nb_inplace_add;
  binaryfunc nb_inplace_subtract;
  binaryfunc nb_inplace_multiply;
  binaryfunc nb_inplace_remainder;
  ternaryfunc nb_inplace_power;
  binaryfunc nb_inplace_lshift;
  binaryfunc nb_inplace_rshift;
  binaryfunc nb_inplace_and;
  binaryfunc nb_inplace_xor;
  binaryfunc nb_inplace_or;

  binaryfunc nb_floor_divide;
  binaryfunc nb_true_divide;
  binaryfunc nb_inplace_floor_divide;
  binaryfunc nb_inplace_true_divide;

  unaryfunc nb_index;

  binaryfunc nb_matrix_multiply;
  binaryfunc nb_inplace_matrix_multiply;
} PyNumberMethods;

typedef struct {
  lenfunc sq_length;
  binaryfunc sq_concat;
  ssizeargfunc sq_repeat;
  ssizeargfunc sq_item;
  void* was_sq_slice; /* unused, kept for the layout */
  ssizeobjargproc sq_ass_item;
  void* was_sq_ass_slice; /* unused, kept for the layout */
  objobjproc sq_contains;

  binaryfunc sq_inplace_concat;
  ssizeargfunc sq_inplace_repeat;
} PySequenceMethods;

typedef struct {
  lenfunc mp_length;
  binaryfunc mp_subscript;
  objobjargproc mp_ass_subscript;
} PyMappingMethods;

typedef struct {
  unaryfunc am_await;
  unaryfunc am_aiter;
  unaryfunc am_anext;
  sendfunc am_send;
} PyAsyncMethods;

typedef struct {
  getbufferproc bf_getbuffer;
  releasebufferproc bf_releasebuffer;
} PyBufferProcs;

/* ---- Methods (methodobject.h) ------------------------------------------- */
typedef PyObject* (*PyCFunction)(PyObject*, PyObject*);
typedef PyObject* (*PyCFunctionFast)(PyObject*, PyObject* const*, Py_ssize_t);
typedef PyObject* (*PyCFunctionWithKeywords)(PyObject*, PyObject*, PyObject*);
typedef PyObject* (*PyCFunctionFastWithKeywords)(PyObject*, PyObject* const*,
                                                 Py_ssize_t, PyObject*);
typedef PyObject* (*PyCMethod)(PyObject*, PyTypeObject*, PyObject* const*,
                               size_t, PyObject*);
/* The older, underscored names, still used by many extensions. */
typedef PyCFunctionFast _PyCFunctionFast;
typedef PyCFunctionFastWithKeywords _PyCFunctionFastWithKeywords;

/* Stores any calling convention's function in PyMethodDef.ml_meth; the
 * detour through void (*)(void) keeps -Wcast-function-type quiet. */
#define _PyCFunction_CAST(func) \
  ((PyCFunction)(void (*)(void))(func))

struct PyMethodDef {
  const char* ml_name;
  PyCFunction ml_meth; /* really of the type ml_flags names */
  int ml_flags;        /* METH_* */
  const char* ml_doc;  /* or NULL */
};

/* ml_flags: the calling convention, then how the method binds. */
#define METH_VARARGS 0x0001
#define METH_KEYWORDS 0x0002
#define METH_NOARGS 0x0004
#define METH_O 0x0008
#define METH_CLASS 0x0010
#define METH_STATIC 0x0020
#define METH_COEXIST 0x0040
#define METH_FASTCALL 0x0080
#define METH_STACKLESS 0x0000
#define METH_METHOD 0x0200

/* ---- Members and getsets (descrobject.h) -------------------------------- */
typedef PyObject* (*getter)(PyObject*, void*);
typedef int (*setter)(PyObject*, PyObject*, void*);

struct PyGetSetDef {
  const char* name;
  getter get;
  setter set; /* NULL: read-only */
  const char* doc;
  void* closure; /* passed to get and set */
};

struct PyMemberDef {
  const char* name;
  int type;          /* Py_T_* */
  Py_ssize_t offset; /* of the field from the object's start */
  int flags;         /* Py_READONLY, ... */
  const char* doc;
};

/* PyMemberDef.type: the C type of the field. The numbering is CPython's,
 * gaps and all (15 is unused). */
#define Py_T_SHORT 0
#define Py_T_INT 1
#define Py_T_LONG 2
#define Py_T_FLOAT 3
#define Py_T_DOUBLE 4
#define Py_T_STRING 5
#define _Py_T_OBJECT 6 /* deprecated: NULL reads as None */
#define Py_T_CHAR 7
#define Py_T_BYTE 8
#define Py_T_UBYTE 9
#define Py_T_USHORT 10
#define Py_T_UINT 11
#define Py_T_ULONG 12
#define Py_T_STRING_INPLACE 13
#define Py_T_BOOL 14
#define Py_T_OBJECT_EX 16 /* NULL reads as AttributeError */
#define Py_T_LONGLONG 17
#define Py_T_ULONGLONG 18
#define Py_T_PYSSIZET 19
#define _Py_T_NONE 20 /* deprecated: always None */

/* PyMemberDef.flags. */
#define Py_READONLY 1
#define Py_AUDIT_READ 2
#define _Py_WRITE_RESTRICTED 4 /* no-op; the value stays taken */
#define Py_RELATIVE_OFFSET 8

/* ---- Type objects ------------------------------------------------------- */
/* The type object, field for field as in CPython 3.13 (see the offsets
 * asserted at the end of this file). Static types written by extensions
 * rely on this exact order. */
struct _typeobject {
  PyObject_VAR_HEAD
  const char* tp_name; /* "module.Name" */
  Py_ssize_t tp_basicsize, tp_itemsize;

  destructor tp_dealloc;
  Py_ssize_t tp_vectorcall_offset;
  getattrfunc tp_getattr;
  setattrfunc tp_setattr;
  PyAsyncMethods* tp_as_async;
  reprfunc tp_repr;

  PyNumberMethods* tp_as_number;
  PySequenceMethods* tp_as_sequence;
  PyMappingMethods* tp_as_mapping;

  hashfunc tp_hash;
  ternaryfunc tp_call;
  reprfunc tp_str;
  getattrofunc tp_getattro;
  setattrofunc tp_setattro;

  PyBufferProcs* tp_as_buffer;

  unsigned long tp_flags; /* Py_TPFLAGS_* */

  const char* tp_doc;

  traverseproc tp_traverse;
  inquiry tp_clear;
  richcmpfunc tp_richcompare;
  Py_ssize_t tp_weaklistoffset;

  getiterfunc tp_iter;
  iternextfunc tp_iternext;

  PyMethodDef* tp_methods;
  PyMemberDef* tp_members;
  PyGetSetDef* tp_getset;
  PyTypeObject* tp_base; /* borrowed for static types, owned for heap ones */
  PyObject* tp_dict;
  descrgetfunc tp_descr_get;
  descrsetfunc tp_descr_set;
  Py_ssize_t tp_dictoffset;
  initproc tp_init;
  allocfunc tp_alloc;
  newfunc tp_new;
  freefunc tp_free;
  inquiry tp_is_gc;
  PyObject* tp_bases;
  PyObject* tp_mro;
  PyObject* tp_cache;    /* unused */
  void* tp_subclasses;   /* the runtime's own use */
  PyObject* tp_weaklist; /* weak references to the type itself */
  destructor tp_del;

  unsigned int tp_version_tag; /* attribute-cache version; 0 = invalid */

  destructor tp_finalize; /* PEP 442 */
  vectorcallfunc tp_vectorcall;

  unsigned char tp_watched;  /* which type watchers look at this type */
  uint16_t tp_versions_used; /* how many version tags it has consumed */
};

/* tp_flags. The values are CPython's; the low bits that 3.0 freed were
 * reused, so some carry int rather than unsigned long type, as there. */
#define _Py_TPFLAGS_STATIC_BUILTIN (1 << 1)
#define Py_TPFLAGS_INLINE_VALUES (1 << 2)
#define Py_TPFLAGS_MANAGED_WEAKREF (1 << 3)
#define Py_TPFLAGS_MANAGED_DICT (1 << 4)
#define Py_TPFLAGS_PREHEADER \
  (Py_TPFLAGS_MANAGED_WEAKREF | Py_TPFLAGS_MANAGED_DICT)
#define Py_TPFLAGS_SEQUENCE (1 << 5)
#define Py_TPFLAGS_MAPPING (1 << 6)
#define Py_TPFLAGS_DISALLOW_INSTANTIATION (1UL << 7)
#define Py_TPFLAGS_IMMUTABLETYPE (1UL << 8)
#define Py_TPFLAGS_HEAPTYPE (1UL << 9)
#define Py_TPFLAGS_BASETYPE (1UL << 10)
#define Py_TPFLAGS_HAVE_VECTORCALL (1UL << 11)
#define _Py_TPFLAGS_HAVE_VECTORCALL Py_TPFLAGS_HAVE_VECTORCALL
#define Py_TPFLAGS_READY (1UL << 12)
#define Py_TPFLAGS_READYING (1UL << 13)
#define Py_TPFLAGS_HAVE_GC (1UL << 14)
#define Py_TPFLAGS_HAVE_STACKLESS_EXTENSION 0 /* bits 15-16: Stackless only */
#define Py_TPFLAGS_METHOD_DESCRIPTOR (1UL << 17)
#define Py_TPFLAGS_VALID_VERSION_TAG (1UL << 19) /* legacy, unused */
#define Py_TPFLAGS_IS_ABSTRACT (1UL << 20)
#define _Py_TPFLAGS_MATCH_SELF (1UL << 22)
#define Py_TPFLAGS_ITEMS_AT_END (1UL << 23)
#define Py_TPFLAGS_LONG_SUBCLASS (1UL << 24)
#define Py_TPFLAGS_LIST_SUBCLASS (1UL << 25)
#define Py_TPFLAGS_TUPLE_SUBCLASS (1UL << 26)
#define Py_TPFLAGS_BYTES_SUBCLASS (1UL << 27)
#define Py_TPFLAGS_UNICODE_SUBCLASS (1UL << 28)
#define Py_TPFLAGS_DICT_SUBCLASS (1UL << 29)
#define Py_TPFLAGS_BASE_EXC_SUBCLASS (1UL << 30)
#define Py_TPFLAGS_TYPE_SUBCLASS (1UL << 31)
#define Py_TPFLAGS_DEFAULT (Py_TPFLAGS_HAVE_STACKLESS_EXTENSION | 0)
/* Kept only so that old code naming them compiles; they mean nothing now
 * and their bits must not be reused. */
#define Py_TPFLAGS_HAVE_FINALIZE (1UL << 0)
#define Py_TPFLAGS_HAVE_VERSION_TAG (1UL << 18)

/* ---- Types from a spec (PyType_FromSpec) -------------------------------- */
typedef struct {
  int slot;    /* Py_tp_*, Py_nb_*, ...; 0 ends the array */
  void* pfunc; /* the function or value for that slot */
} PyType_Slot;

typedef struct {
  const char* name;
  int basicsize;
  int itemsize;
  unsigned int flags;
  PyType_Slot* slots; /* ends with a {0, NULL} entry */
} PyType_Spec;

/* Slot ids (typeslots.h). Part of the stable ABI: never renumbered. */
#define Py_bf_getbuffer 1
#define Py_bf_releasebuffer 2
#define Py_mp_ass_subscript 3
#define Py_mp_length 4
#define Py_mp_subscript 5
#define Py_nb_absolute 6
#define Py_nb_add 7
#define Py_nb_and 8
#define Py_nb_bool 9
#define Py_nb_divmod 10
#define Py_nb_float 11
#define Py_nb_floor_divide 12
#define Py_nb_index 13
#define Py_nb_inplace_add 14
#define Py_nb_inplace_and 15
#define Py_nb_inplace_floor_divide 16
#define Py_nb_inplace_lshift 17
#define Py_nb_inplace_multiply 18
#define Py_nb_inplace_or 19
#define Py_nb_inplace_power 20
#define Py_nb_inplace_remainder 21
#define Py_nb_inplace_rshift 22
#define Py_nb_inplace_subtract 23
#define Py_nb_inplace_true_divide 24
#define Py_nb_inplace_xor 25
#define Py_nb_int 26
#define Py_nb_invert 27
#define Py_nb_lshift 28
#define Py_nb_multiply 29
#define Py_nb_negative 30
#define Py_nb_or 31
#define Py_nb_positive 32
#define Py_nb_power 33
#define Py_nb_remainder 34
#define Py_nb_rshift 35
#define Py_nb_subtract 36
#define Py_nb_true_divide 37
#define Py_nb_xor 38
#define Py_sq_ass_item 39
#define Py_sq_concat 40
#define Py_sq_contains 41
#define Py_sq_inplace_concat 42
#define Py_sq_inplace_repeat 43
#define Py_sq_item 44
#define Py_sq_length 45
#define Py_sq_repeat 46
#define Py_tp_alloc 47
#define Py_tp_base 48
#define Py_tp_bases 49
#define Py_tp_call 50
#define Py_tp_clear 51
#define Py_tp_dealloc 52
#define Py_tp_del 53
#define Py_tp_descr_get 54
#define Py_tp_descr_set 55
#define Py_tp_doc 56
#define Py_tp_getattr 57
#define Py_tp_getattro 58
#define Py_tp_hash 59
#define Py_tp_init 60
#define Py_tp_is_gc 61
#define Py_tp_iter 62
#define Py_tp_iternext 63
#define Py_tp_methods 64
#define Py_tp_new 65
#define Py_tp_repr 66
#define Py_tp_richcompare 67
#define Py_tp_setattr 68
#define Py_tp_setattro 69
#define Py_tp_str 70
#define Py_tp_traverse 71
#define Py_tp_members 72
#define Py_tp_getset 73
#define Py_tp_free 74
#define Py_nb_matrix_multiply 75
#define Py_nb_inplace_matrix_multiply 76
#define Py_am_await 77
#define Py_am_aiter 78
#define Py_am_anext 79
#define Py_tp_finalize 80
#define Py_am_send 81

/* ---- Module definitions (moduleobject.h) -------------------------------- */
typedef struct PyModuleDef_Base {
  PyObject_HEAD
  /* Re-creates a single-phase module; set by the loader. */
  PyObject* (*m_init)(void);
  /* The definition's index in the runtime's table of modules. */
  Py_ssize_t m_index;
  /* A single-phase module's dict, copied after its first load. */
  PyObject* m_copy;
} PyModuleDef_Base;

/* A module definition lives in static storage, so it is immortal too. */
#define PyModuleDef_HEAD_INIT \
  {                           \
    PyObject_HEAD_INIT(NULL)  \
    NULL, /* m_init */        \
    0,    /* m_index */       \
    NULL, /* m_copy */        \
  }

struct PyModuleDef_Slot {
  int slot; /* Py_mod_*; 0 ends the array */
  void* value;
};

#define Py_mod_create 1
#define Py_mod_exec 2
#define Py_mod_multiple_interpreters 3
#define Py_mod_gil 4
#define _Py_mod_LAST_SLOT 4

/* Values for Py_mod_multiple_interpreters. */
#define Py_MOD_MULTIPLE_INTERPRETERS_NOT_SUPPORTED ((void*)0)
#define Py_MOD_MULTIPLE_INTERPRETERS_SUPPORTED ((void*)1)
#define Py_MOD_PER_INTERPRETER_GIL_SUPPORTED ((void*)2)

/* Values for Py_mod_gil. A module without the slot counts as
 * Py_MOD_GIL_USED. */
#define Py_MOD_GIL_USED ((void*)0)
#define Py_MOD_GIL_NOT_USED ((void*)1)

struct PyModuleDef {
  PyModuleDef_Base m_base;
  const char* m_name;
  const char* m_doc;
  Py_ssize_t m_size; /* bytes of per-module state; -1: single-phase, none */
  PyMethodDef* m_methods;
  PyModuleDef_Slot* m_slots; /* NULL: single-phase initialization */
  traverseproc m_traverse;
  inquiry m_clear;
  freefunc m_free;
};

/* ---- Small macros (pymacro.h) ------------------------------------------- */
#define PyDoc_VAR(name) static const char name[]
#define PyDoc_STR(str) str
#define PyDoc_STRVAR(name, str) PyDoc_VAR(name) = PyDoc_STR(str)

#if defined(__GNUC__) || defined(__clang__)
#define Py_UNUSED(name) _unused_##name __attribute__((unused))
#else
#define Py_UNUSED(name) _unused_##name
#endif

#ifdef __cplusplus
} /* extern "C" */
#endif

/* ---- Layout checks ------------------------------------------------------
 * Figures for LP64 (x86-64, aarch64), from CPython 3.13's headers compiled
 * with Py_GIL_DISABLED. */
#ifdef __cplusplus
#define FTRT_PYTYPES_ASSERT(cond, msg) static_assert(cond, msg)
/* C++11 spellings: extensions written in C++ are not all built as C++17. */
static_assert(std::is_same<Py_ssize_t, intptr_t>::value,
              "Py_ssize_t must be the header layout's intptr_t");
static_assert(std::is_standard_layout<PyTypeObject>::value &&
                  std::is_trivial<PyTypeObject>::value,
              "PyTypeObject must stay a plain C struct");
#else
#define FTRT_PYTYPES_ASSERT(cond, msg) _Static_assert(cond, msg)
_Static_assert(_Generic((Py_ssize_t)0, intptr_t: 1, default: 0),
               "Py_ssize_t must be the header layout's intptr_t");
#endif

#if defined(__LP64__)
FTRT_PYTYPES_ASSERT(sizeof(PyObject) == 32, "PyObject");
FTRT_PYTYPES_ASSERT(sizeof(PyVarObject) == 40, "PyVarObject");
FTRT_PYTYPES_ASSERT(sizeof(PyTypeObject) == 432, "PyTypeObject size");
FTRT_PYTYPES_ASSERT(offsetof(PyTypeObject, tp_name) == 40, "tp_name");
FTRT_PYTYPES_ASSERT(offsetof(PyTypeObject, tp_basicsize) == 48, "tp_basicsize");
FTRT_PYTYPES_ASSERT(offsetof(PyTypeObject, tp_dealloc) == 64, "tp_dealloc");
FTRT_PYTYPES_ASSERT(offsetof(PyTypeObject, tp_vectorcall_offset) == 72,
                    "tp_vectorcall_offset");
FTRT_PYTYPES_ASSERT(offsetof(PyTypeObject, tp_as_async) == 96, "tp_as_async");
FTRT_PYTYPES_ASSERT(offsetof(PyTypeObject, tp_repr) == 104, "tp_repr");
FTRT_PYTYPES_ASSERT(offsetof(PyTypeObject, tp_hash) == 136, "tp_hash");
FTRT_PYTYPES_ASSERT(offsetof(PyTypeObject, tp_getattro) == 160, "tp_getattro");
FTRT_PYTYPES_ASSERT(offsetof(PyTypeObject, tp_flags) == 184, "tp_flags");
FTRT_PYTYPES_ASSERT(offsetof(PyTypeObject, tp_doc) == 192, "tp_doc");
FTRT_PYTYPES_ASSERT(offsetof(PyTypeObject, tp_traverse) == 200, "tp_traverse");
FTRT_PYTYPES_ASSERT(offsetof(PyTypeObject, tp_weaklistoffset) == 224,
                    "tp_weaklistoffset");
FTRT_PYTYPES_ASSERT(offsetof(PyTypeObject, tp_methods) == 248, "tp_methods");
FTRT_PYTYPES_ASSERT(offsetof(PyTypeObject, tp_base) == 272, "tp_base");
FTRT_PYTYPES_ASSERT(offsetof(PyTypeObject, tp_dictoffset) == 304,
                    "tp_dictoffset");
FTRT_PYTYPES_ASSERT(offsetof(PyTypeObject, tp_alloc) == 320, "tp_alloc");
FTRT_PYTYPES_ASSERT(offsetof(PyTypeObject, tp_new) == 328, "tp_new");
FTRT_PYTYPES_ASSERT(offsetof(PyTypeObject, tp_free) == 336, "tp_free");
FTRT_PYTYPES_ASSERT(offsetof(PyTypeObject, tp_mro) == 360, "tp_mro");
FTRT_PYTYPES_ASSERT(offsetof(PyTypeObject, tp_del) == 392, "tp_del");
FTRT_PYTYPES_ASSERT(offsetof(PyTypeObject, tp_version_tag) == 400,
                    "tp_version_tag");
FTRT_PYTYPES_ASSERT(offsetof(PyTypeObject, tp_finalize) == 408, "tp_finalize");
FTRT_PYTYPES_ASSERT(offsetof(PyTypeObject, tp_vectorcall) == 416,
                    "tp_vectorcall");
FTRT_PYTYPES_ASSERT(offsetof(PyTypeObject, tp_watched) == 424, "tp_watched");
FTRT_PYTYPES_ASSERT(offsetof(PyTypeObject, tp_versions_used) == 426,
                    "tp_versions_used");
FTRT_PYTYPES_ASSERT(sizeof(PyNumberMethods) == 288, "PyNumberMethods");
FTRT_PYTYPES_ASSERT(sizeof(PySequenceMethods) == 80, "PySequenceMethods");
FTRT_PYTYPES_ASSERT(sizeof(PyMappingMethods) == 24, "PyMappingMethods");
FTRT_PYTYPES_ASSERT(sizeof(PyAsyncMethods) == 32, "PyAsyncMethods");
FTRT_PYTYPES_ASSERT(sizeof(PyBufferProcs) == 16, "PyBufferProcs");
FTRT_PYTYPES_ASSERT(sizeof(Py_buffer) == 80, "Py_buffer");
FTRT_PYTYPES_ASSERT(sizeof(PyMethodDef) == 32, "PyMethodDef");
FTRT_PYTYPES_ASSERT(sizeof(PyMemberDef) == 40, "PyMemberDef");
FTRT_PYTYPES_ASSERT(offsetof(PyMemberDef, offset) == 16, "PyMemberDef.offset");
FTRT_PYTYPES_ASSERT(sizeof(PyGetSetDef) == 40, "PyGetSetDef");
FTRT_PYTYPES_ASSERT(sizeof(PyType_Slot) == 16, "PyType_Slot");
FTRT_PYTYPES_ASSERT(sizeof(PyType_Spec) == 32, "PyType_Spec");
FTRT_PYTYPES_ASSERT(sizeof(PyModuleDef_Base) == 56, "PyModuleDef_Base");
FTRT_PYTYPES_ASSERT(sizeof(PyModuleDef) == 120, "PyModuleDef");
FTRT_PYTYPES_ASSERT(offsetof(PyModuleDef, m_size) == 72, "m_size");
FTRT_PYTYPES_ASSERT(offsetof(PyModuleDef, m_slots) == 88, "m_slots");
FTRT_PYTYPES_ASSERT(sizeof(PyModuleDef_Slot) == 16, "PyModuleDef_Slot");
#endif /* __LP64__ */

#undef FTRT_PYTYPES_ASSERT

#endif /* FTRT_OBJECT_CPYTHON_TYPES_H_ */
