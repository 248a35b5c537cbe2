// str's Python-level character methods: the tests (isalpha, isdecimal,
// isdigit, isnumeric, isalnum, islower, isupper, istitle, isspace,
// isprintable, isascii) and the case conversions (lower, upper, casefold,
// swapcase, title, capitalize); see str_methods.cc.
#ifndef FTRT_OBJECT_STR_METHODS_H_
#define FTRT_OBJECT_STR_METHODS_H_

namespace ftrt::internal {

// Sets str's tp_methods (unless something already did); called once
// before the static types are readied (typeobject.cc).
void InstallStrMethods();

}  // namespace ftrt::internal

#endif  // FTRT_OBJECT_STR_METHODS_H_
