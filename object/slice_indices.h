// Python's slice arithmetic on plain integers: clipping a slice's
// (start, stop, step) to a sequence's length and counting the items it
// selects.
//
// The slice object itself (slice.h) lives with the object protocol, since
// reading its fields may call __index__; this header is the pure part,
// header-only, so that the built-in sequences (list.cc, which must clip
// against its length inside its critical section) can use it from below
// the protocol layer. The semantics are CPython 3.13's
// PySlice_AdjustIndices: a start or stop below -length clips to 0 (or to
// -1 for a negative step: "before the first item"), one at or beyond the
// length clips to length (or length - 1 for a negative step), other
// negative values count from the end.
#ifndef FTRT_OBJECT_SLICE_INDICES_H_
#define FTRT_OBJECT_SLICE_INDICES_H_

#include "object/cpython_types.h"

namespace ftrt {

// Clips *start and *stop (as a slice's unpacked values: any Py_ssize_t)
// to a sequence of `length` (>= 0) items for a step that is not 0 and
// not below -PY_SSIZE_T_MAX (what SliceUnpack gives), and returns how many
// items the slice selects: items start, start + step, ... while before
// stop. Never overflows: after clipping, -1 <= start, stop <= length.
// The bounds of a search in s[start:end] (str's and bytes' find, count,
// startswith, ...; CPython's ADJUST_INDICES): *end clipped to [0, len],
// negative values counted from the end and floored at 0; *start may stay
// past the end (the search then finds nothing).
inline void ClampSearchBounds(Py_ssize_t len, Py_ssize_t* start, Py_ssize_t* end) {
  if (*end > len) {
    *end = len;
  } else if (*end < 0) {
    *end = *end + len < 0 ? 0 : *end + len;
  }
  if (*start < 0) *start = *start + len < 0 ? 0 : *start + len;
}

inline Py_ssize_t SliceAdjustIndices(Py_ssize_t length, Py_ssize_t* start, Py_ssize_t* stop,
                                     Py_ssize_t step) {
  const bool backwards = step < 0;
  auto clip = [&](Py_ssize_t* v) {
    if (*v < 0) {
      *v += length;  // cannot overflow: length >= 0
      if (*v < 0) *v = backwards ? -1 : 0;
    } else if (*v >= length) {
      *v = backwards ? length - 1 : length;
    }
  };
  clip(start);
  clip(stop);
  if (backwards) {
    if (*stop >= *start) return 0;
    return (*start - *stop - 1) / -step + 1;
  }
  if (*start >= *stop) return 0;
  return (*stop - *start - 1) / step + 1;
}

}  // namespace ftrt

#endif  // FTRT_OBJECT_SLICE_INDICES_H_
