// bytes' Python-level methods (decode, join, split, rsplit, splitlines,
// strip, lstrip, rstrip, startswith, endswith, find, rfind, index, rindex,
// count, replace, partition, rpartition, hex, fromhex, lower, upper,
// removeprefix, removesuffix and the is* tests); see bytes_methods.cc.
#ifndef FTRT_OBJECT_BYTES_METHODS_H_
#define FTRT_OBJECT_BYTES_METHODS_H_

#include "absl/strings/string_view.h"
#include "object/cpython_types.h"
#include "object/ref.h"

namespace ftrt {

// sep.join(iterable) for bytes: the items, each bytes-like (any buffer
// exporter), with sep between them, as a new exact bytes. TypeError "can
// only join an iterable" or "sequence item 1: expected a bytes-like
// object, int found", as CPython's (bytes.join and _PyBytes_Join).
Ref<> BytesJoinIterable(absl::string_view sep, PyObject* iterable);

namespace internal {

// Sets bytes' tp_methods (unless something already did); called once
// before the static types are readied (typeobject.cc).
void InstallBytesMethods();

}  // namespace internal
}  // namespace ftrt

#endif  // FTRT_OBJECT_BYTES_METHODS_H_
