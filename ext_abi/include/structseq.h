/* Struct sequences (CPython's structseq.h): tuples whose items also have
 * names, as time.struct_time and os.stat_result; object/structseq.h has
 * the design.
 *
 * The usual way to define one:
 *     static PyStructSequence_Field point_fields[] = {
 *         {"x", "x coordinate"}, {"y", "y coordinate"},
 *         {"label", "not part of the tuple"}, {NULL, NULL}};
 *     static PyStructSequence_Desc point_desc = {
 *         "mod.Point", "A point.", point_fields, 2};
 *     ... in module init: PyTypeObject* t = PyStructSequence_NewType(&point_desc);
 *     PyObject* p = PyStructSequence_New(t);
 *     PyStructSequence_SET_ITEM(p, 0, PyLong_FromLong(1));  (steals) ...
 * The first n_in_sequence fields are the tuple's items (len, indexing,
 * iteration, ==, hash); every named field is a read-only attribute. The
 * names and docs must outlive the type (static strings).
 *
 * Thread safety. Fill an instance before sharing it (SET_ITEM is for new
 * objects only, as in CPython); once shared it is immutable and any thread
 * reads it without a lock. Differences from CPython, all on bad input:
 * PyStructSequence_New fills every field with None (CPython: NULL);
 * SetItem / GetItem check the index (IndexError "struct sequence index out
 * of range"; SetItem drops the value it was given and the one it
 * replaces), and a NULL or non-struct-sequence object is a SystemError;
 * a desc with NULL fields is a SystemError; n_in_sequence above the field
 * count a TypeError. PyStructSequence_InitType leaves InitType2's
 * exception set on failure. */
#ifndef Py_STRUCTSEQ_H
#define Py_STRUCTSEQ_H

#include "object.h"
#include "tupleobject.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct PyStructSequence_Field {
  const char *name;
  const char *doc;
} PyStructSequence_Field;

typedef struct PyStructSequence_Desc {
  const char *name;
  const char *doc;
  PyStructSequence_Field *fields; /* ends with a {NULL, NULL} entry */
  int n_in_sequence;
} PyStructSequence_Desc;

/* A field name meaning "no attribute" (compared by address). */
PyAPI_DATA(const char * const) PyStructSequence_UnnamedField;

/* Fill a zeroed static type in place and ready it: 0, or -1 with an
 * exception. */
PyAPI_FUNC(void) PyStructSequence_InitType(PyTypeObject *type,
                                           PyStructSequence_Desc *desc);
PyAPI_FUNC(int) PyStructSequence_InitType2(PyTypeObject *type,
                                           PyStructSequence_Desc *desc);
/* A new heap type (a new reference), or NULL with an exception. */
PyAPI_FUNC(PyTypeObject*) PyStructSequence_NewType(PyStructSequence_Desc *desc);

/* A new instance, every field None, for the caller to fill. */
PyAPI_FUNC(PyObject *) PyStructSequence_New(PyTypeObject* type);

/* SetItem steals v; GetItem returns a borrowed reference. */
PyAPI_FUNC(void) PyStructSequence_SetItem(PyObject*, Py_ssize_t, PyObject*);
PyAPI_FUNC(PyObject*) PyStructSequence_GetItem(PyObject*, Py_ssize_t);

typedef PyTupleObject PyStructSequence;
#define PyStructSequence_SET_ITEM PyStructSequence_SetItem
#define PyStructSequence_GET_ITEM PyStructSequence_GetItem

#ifdef __cplusplus
}
#endif

#endif /* !Py_STRUCTSEQ_H */
