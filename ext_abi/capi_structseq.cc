// libftrt.so: the struct sequence C API (PyStructSequence_*; structseq.h)
// over object/'s structseq.h, which also defines PyStructSequence_UnnamedField.
//
// CPython 3.13's signatures; its macros PyStructSequence_SET_ITEM and
// PyStructSequence_GET_ITEM are these functions. Where CPython only asserts
// (an index out of range, an object that is not a struct sequence), these
// raise (IndexError / SystemError) and never touch memory outside the
// object; the void functions leave the exception set for the caller.
#include "ext_abi/capi_internal.h"
#include "object/refcount.h"
#include "object/structseq.h"

using ftrt::ext::internal::BadCall;

extern "C" {

PyTypeObject* PyStructSequence_NewType(PyStructSequence_Desc* desc) {
  return reinterpret_cast<PyTypeObject*>(ftrt::StructSeqNewType(desc).Release());
}

int PyStructSequence_InitType2(PyTypeObject* type, PyStructSequence_Desc* desc) {
  return ftrt::StructSeqInitType(type, desc);
}

void PyStructSequence_InitType(PyTypeObject* type, PyStructSequence_Desc* desc) {
  (void)ftrt::StructSeqInitType(type, desc);
}

PyObject* PyStructSequence_New(PyTypeObject* type) {
  return ftrt::StructSeqNew(type).Release();
}

void PyStructSequence_SetItem(PyObject* op, Py_ssize_t i, PyObject* value) {
  (void)ftrt::StructSeqSetItem(op, i, value);
}

PyObject* PyStructSequence_GetItem(PyObject* op, Py_ssize_t i) {
  return ftrt::StructSeqGetItem(op, i);
}

}  // extern "C"
