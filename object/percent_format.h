// printf-style formatting of str: `format % args`, PyUnicode_Format.
//
// Conversions %s %r %a %d %i %u %x %X %o %e %E %f %F %g %G %c and %%;
// flags '-' '+' ' ' '#' '0'; width and precision, each a number or '*'
// (taken from the arguments); the length modifiers h l L are accepted and
// ignored; %(name)s takes its argument from a mapping. args is a tuple of
// arguments or one non-tuple argument; a mapping (not a tuple, not a str)
// also serves %(name) keys, and leftover arguments are then no error.
//
// Semantics and messages are CPython 3.13's (Objects/unicodeobject.c,
// PyUnicode_Format), written anew: "not enough arguments for format
// string", "not all arguments converted during string formatting",
// "unsupported format character 'q' (0x71) at index 1", "incomplete
// format", "format requires a mapping", "* wants int", "%d format: a real
// number is required, not str", "%x format: an integer is required, not
// float", "must be real number, not str", "%c requires int or char",
// "%c arg not in range(0x110000)". The numbers are laid out with
// format_spec.h's float text (correctly rounded), so "%.2f" and
// format(x, ".2f") agree digit for digit.
//
// str's nb_remainder (format.h) calls this, so PyNumber_Remainder(str,
// args) and `str % args` work as in CPython.
#ifndef FTRT_OBJECT_PERCENT_FORMAT_H_
#define FTRT_OBJECT_PERCENT_FORMAT_H_

#include "object/cpython_types.h"
#include "object/ref.h"

namespace ftrt {

// format % args: a new str, or null with an exception set. format must be
// a str (TypeError "must be str, not T" otherwise); args non-null.
Ref<> StrPercentFormat(PyObject* format, PyObject* args);

}  // namespace ftrt

#endif  // FTRT_OBJECT_PERCENT_FORMAT_H_
