// Struct sequences: tuples whose items also have names, the type of
// time.struct_time and os.stat_result, made by C extensions from a
// PyStructSequence_Desc (CPython's structseq.h, which ext_abi/ exposes).
//
// A struct sequence type is a subtype of tuple. Its first n_in_sequence
// fields are the tuple's items: len(), indexing, iteration, comparison and
// hash are the tuple's, over those only. Every named field, visible or
// not, is also a read-only attribute (a member descriptor reading the item
// slot, None while unset); a field whose name is
// PyStructSequence_UnnamedField (compared by address) has no attribute.
// The repr is CPython's "mod.Name(x=1, y=2)", over the visible items,
// naming the i-th by the i-th named field (so, as in CPython, a type with
// visible unnamed fields labels them by later names; os.stat_result shows
// its int times as st_atime=...). The type's dict holds n_sequence_fields,
// n_fields, n_unnamed_fields and __match_args__ (the visible named
// fields), its __new__ takes (sequence, dict=None) and __reduce__ gives
// (type, (visible items, {hidden named fields})), as CPython's do.
//
// Layout (CPython 3.13's idea, our code): an instance is a PyTupleObject
// whose ob_size is the number of visible fields, followed in the same
// block by the hidden ones, ob_item[n_in_sequence .. n_fields). The type's
// tp_basicsize counts the hidden slots (offsetof(ob_item) + 8 per hidden
// field) and tp_itemsize is a pointer, so an instance alone tells how many
// items it holds (ob_size plus what tp_basicsize adds), and tp_dealloc
// never needs the type's dict (which the collector may have cleared by
// then).
//
// Lifecycle: StructSeqNew makes an instance with every field None (CPython
// leaves them NULL; None is safer should an extension read one before
// filling it); its creator fills each with StructSeqSetItem (which takes
// the reference and drops the value it replaces) and then publishes it.
// From then on it is immutable, so any thread reads it without a lock.
//
// Types: StructSeqNewType makes a heap type (PyStructSequence_NewType;
// the field names and docs must outlive it, as in CPython, the members
// array is the type's own copy). StructSeqInitType fills a zeroed static
// type in place (PyStructSequence_InitType2) and readies it on the static
// runtime, so its dict is immortal as every static type's is; its members
// array lives for the process, as the type does.
//
// Errors (error indicator; null / -1): SystemError for a null desc, name
// or fields array, a negative n_in_sequence, or an InitType2 type that is
// already in use; TypeError when n_in_sequence exceeds the field count or
// StructSeqNew is given a type that is not a struct sequence type;
// IndexError "struct sequence index out of range" for a field index
// outside [0, n_fields).
#ifndef FTRT_OBJECT_STRUCTSEQ_H_
#define FTRT_OBJECT_STRUCTSEQ_H_

#include "object/builtin_layouts.h"
#include "object/cpython_types.h"
#include "object/ref.h"

extern "C" {
// CPython's structseq.h structures (ext_abi/include/structseq.h declares
// the same for C).
typedef struct PyStructSequence_Field {
  const char* name;
  const char* doc;
} PyStructSequence_Field;

typedef struct PyStructSequence_Desc {
  const char* name;
  const char* doc;
  PyStructSequence_Field* fields;  // ends with a {NULL, NULL} entry
  int n_in_sequence;
} PyStructSequence_Desc;

// The name of a field that has no attribute ("unnamed field").
extern const char* const PyStructSequence_UnnamedField;
}

namespace ftrt {

// Whether `type` is a struct sequence type (made by this file).
bool IsStructSeqType(const PyTypeObject* type);

// PyStructSequence_NewType: a new heap type, or null with an exception.
Ref<> StructSeqNewType(const PyStructSequence_Desc* desc);

// PyStructSequence_InitType2: fills the zeroed static `type` and readies
// it. 0, or -1 with an exception.
int StructSeqInitType(PyTypeObject* type, const PyStructSequence_Desc* desc);

// PyStructSequence_New: an instance with every field None, for its
// creator to fill; null with an exception.
Ref<> StructSeqNew(PyTypeObject* type);

// The number of fields, visible and hidden (unchecked: op must be an
// instance of a struct sequence type).
Py_ssize_t StructSeqFieldCount(const PyObject* op);

// PyStructSequence_SetItem: stores `value` (the reference is taken; it is
// dropped on error) at field i of an unpublished instance, dropping what
// was there. 0, or -1 with SystemError (not a struct sequence) or
// IndexError.
int StructSeqSetItem(PyObject* op, Py_ssize_t i, PyObject* value);

// PyStructSequence_GetItem: field i (borrowed), or null with SystemError /
// IndexError.
PyObject* StructSeqGetItem(PyObject* op, Py_ssize_t i);

}  // namespace ftrt

#endif  // FTRT_OBJECT_STRUCTSEQ_H_
