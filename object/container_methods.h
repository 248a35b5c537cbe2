// The Python-level methods of the built-in containers: list, dict, tuple,
// set and frozenset (list.append, dict.get, set.add, ...), as tp_methods
// tables, so that an extension's PyObject_CallMethod(list, "append", ...)
// or PyObject_GetAttrString(d, "items") finds them as method descriptors,
// exactly as in CPython 3.13. Also the containers' sq_contains where a type
// lacks one.
//
// Why here and not beside each type: the methods parse arguments, raise
// exceptions and call back into Python code (a sort key, an iterator's
// __next__), which is the object protocol's (call.h, iterators.h), a layer
// above the types' own files (list.cc, dict.cc, ...). So each method is a
// thin wrapper over its type's C-level operation (ListAppend,
// DictGetItemRefOrNull, SetAdd, ...) and runs under exactly that
// operation's discipline: the per-object critical section for mutations,
// lock-free reads where the type reads lock-free. No method adds locking
// of its own. Operations that span several calls (extend from a generator,
// update from several iterables, set algebra) read each built-in source
// container through one consistent snapshot (ListAsTuple, DictItems,
// SetItems) and apply one C-level operation per step; what CPython does
// under one critical section is therefore not atomic here for dict.update,
// set.update from a non-list, non-tuple, non-set source, and the in-place
// set updates (difference_update, intersection_update,
// symmetric_difference_update): other threads may see a partly updated
// target (never a torn item).
//
// Argument checks and error messages follow CPython 3.13 ("list.append()
// takes exactly one argument (0 given)", "pop expected at most 1 argument,
// got 2", "popitem(): dictionary is empty", KeyError(key) for a missing
// key, ...).
//
// CALLING THE TYPES. list(iterable) and dict(mapping or pairs, **kwargs)
// as in CPython: tp_new makes an empty one, of the type called or of a
// subtype (a C extension's struct that starts with PyListObject /
// PyDictObject, tp_base = &PyList_Type / &PyDict_Type, or a heap subtype),
// and tp_init (list.__init__: clear, then extend; dict.__init__: merge)
// fills it, so a subtype's own tp_init can call the base's.
// tuple(iterable) does the work in tp_new, for tuple or a subtype (a new
// instance of the subtype, never the shared empty tuple). set(iterable) and
// frozenset(iterable) do the work in tp_new, and their subclasses stay
// uninstantiable ("cannot create 'X' instances").
//
// KNOWN DIFFERENCE: ftrt has no dict views, so dict.keys(), dict.values()
// and dict.items() return new lists (a snapshot, in insertion order) where
// CPython returns live views; iterating, len() and `in` on the result work
// the same, set operations on keys() and live updates do not.
#ifndef FTRT_OBJECT_CONTAINER_METHODS_H_
#define FTRT_OBJECT_CONTAINER_METHODS_H_

#include "object/cpython_types.h"

namespace ftrt {

// PyDict_MergeFromSeq2: adds the (key, value) pairs of an iterable of
// 2-item iterables to `dict`; with `override` a later key replaces the
// value, else the first one stays. 0, or -1 with an exception set
// (TypeError "cannot convert dictionary update sequence element #1 to a
// sequence", ValueError "dictionary update sequence element #0 has length
// 3; 2 is required", or the iteration's own); the pairs before the bad
// one stay added, as in CPython.
int DictMergeFromSeq2(PyObject* dict, PyObject* seq2, bool override);

}  // namespace ftrt

namespace ftrt::internal {

// Fills in tp_methods (and missing sq_contains and tp_new) of list, dict,
// tuple, set and frozenset. Called once by the static-type builder, before the types
// are readied (their dicts are built from tp_methods then).
void InstallContainerMethods();

}  // namespace ftrt::internal

#endif  // FTRT_OBJECT_CONTAINER_METHODS_H_
