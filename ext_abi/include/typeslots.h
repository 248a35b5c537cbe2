/* Slot ids for PyType_Slot (Py_tp_*, Py_nb_*, ...): object/cpython_types.h
 * defines them with CPython's numbers. */
#ifndef Py_TYPESLOTS_H
#define Py_TYPESLOTS_H
#include "pytypedefs.h"
#endif /* !Py_TYPESLOTS_H */
