/* A shared object not built against ftrt's Python.h (as one built against
 * CPython's headers would be): no ftrt ABI tag. */
int not_an_ftrt_extension(int x) { return x + 1; }
