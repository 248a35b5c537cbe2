// Iteration: tp_iter / tp_iternext for list, tuple, dict (keys, values,
// items), set and frozenset, str and bytes, the sequence-protocol fallback,
// the callable iterator, and PyObject_GetIter / PyIter_Next.
//
// After CPython 3.13's Objects/iterobject.c, listobject.c, tupleobject.c,
// dictobject.c (dictiter_*), unicodeobject.c and bytesobject.c iterators,
// with our own code. The iterator types carry CPython's names
// (list_iterator, tuple_iterator, dict_keyiterator, dict_valueiterator,
// dict_itemiterator, set_iterator, str_ascii_iterator / str_iterator,
// bytes_iterator, iterator).
//
// UNDER CONCURRENT MUTATION (PEP 703's rule: never crash, never return a
// freed object):
//   - A list iterator reads item i with list.h's ListNext (lock-free with
//     a critical-section fallback): it returns an item that was in the
//     list, or stops at the end as it stands when read. It keeps its list
//     alive until the iterator dies (exhaustion only sets its index to -1,
//     so two threads sharing one iterator never race on the reference).
//   - A dict iterator walks positions with dict.h's DictNext, which holds
//     the dict's critical section for each step. Like CPython, it raises
//     RuntimeError "dictionary changed size during iteration" when the
//     size it started with has changed, and keeps raising it after.
//   - A set iterator (set and frozenset) walks slots with set.h's SetNext,
//     which holds the set's critical section for each step, and raises
//     RuntimeError "Set changed size during iteration" as CPython does
//     (sticky, like the dict iterator's).
//   - Tuples, frozensets (once made), strs and bytes are immutable.
// An iterator's own position is an atomic word (relaxed): two threads
// sharing one iterator may each see an item twice or skip one, but
// neither crashes.
//
// StopIteration is not raised at the end: IterNext returns null with no
// exception set, as PyIter_Next does.
#ifndef FTRT_OBJECT_ITERATORS_H_
#define FTRT_OBJECT_ITERATORS_H_

#include "object/cpython_types.h"
#include "object/ref.h"

extern "C" {
extern PyTypeObject PyListIter_Type;
extern PyTypeObject PyTupleIter_Type;
extern PyTypeObject PyDictIterKey_Type;
extern PyTypeObject PyDictIterValue_Type;
extern PyTypeObject PyDictIterItem_Type;
extern PyTypeObject PySetIter_Type;
extern PyTypeObject PyUnicodeIter_Type;
extern PyTypeObject PyBytesIter_Type;
extern PyTypeObject PySeqIter_Type;
extern PyTypeObject PyCallIter_Type;
}

namespace ftrt {

// PyObject_GetIter: tp_iter, or a sequence iterator over sq_item; TypeError
// "'int' object is not iterable".
Ref<> GetIter(PyObject* obj);
// PyIter_Check.
bool IterCheck(PyObject* obj);
// PyIter_Next: the next item, or null at the end (no exception) or on
// error (exception set). A StopIteration raised by tp_iternext counts as
// the end (and is cleared).
Ref<> IterNext(PyObject* iter);
// PyIter_NextItem (3.14): 1 and *item, 0 at the end, -1 on error.
int IterNextItem(PyObject* iter, Ref<>* item);

// dict.keys() / values() / items() iterators (what iter(d), iter(d.values())
// and iter(d.items()) give).
Ref<> DictIterKeys(PyObject* dict);
Ref<> DictIterValues(PyObject* dict);
Ref<> DictIterItems(PyObject* dict);

// iter(s) for a set or frozenset.
Ref<> SetIterNew(PyObject* anyset);

// PySeqIter_New: iterates obj[0], obj[1], ... until IndexError.
Ref<> SeqIterNew(PyObject* seq);

// PyCallIter_New, iter(callable, sentinel): calls callable() for each item
// until it returns something equal to sentinel or raises StopIteration
// (then the end, for good); another exception passes through and the
// iterator stays usable. The callable and sentinel are kept until the
// iterator dies (the end only sets an atomic flag), so threads sharing
// one may each call the callable once more near the end, never a freed
// one.
Ref<> CallIterNew(PyObject* callable, PyObject* sentinel);

namespace internal {
// Installs tp_iter on the built-in container types (at readiness).
void InstallIterSlots();
}  // namespace internal

}  // namespace ftrt

#endif  // FTRT_OBJECT_ITERATORS_H_
