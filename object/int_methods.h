// int's Python-level methods (bit_length, to_bytes, from_bytes, ...) and
// attributes (real, imag, numerator, denominator); see int_methods.cc.
#ifndef FTRT_OBJECT_INT_METHODS_H_
#define FTRT_OBJECT_INT_METHODS_H_

namespace ftrt::internal {

// Sets int's tp_methods and tp_getset; called once before the static
// types are readied (typeobject.cc), so bool inherits them.
void InstallIntMethods();

}  // namespace ftrt::internal

#endif  // FTRT_OBJECT_INT_METHODS_H_
