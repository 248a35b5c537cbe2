/* A shared object built against an earlier ftrt header (ABI version - 1):
 * its inline Py_DECREF would call ftrt_DecRefShared without the word that
 * version 2's inline subtraction hands over, so this runtime must refuse
 * it. */
#define FTRT_NO_ABI_TAG 1
#include "Python.h"

__attribute__((used, section(FTRT_ABI_NOTE_SECTION), aligned(4)))
static const ftrt_abi_note past_note = {
    sizeof(FTRT_ABI_NOTE_NAME),
    sizeof(ftrt_abi_desc),
    FTRT_ABI_NOTE_TYPE,
    FTRT_ABI_NOTE_NAME,
    {FTRT_ABI_VERSION - 1, PY_VERSION_HEX, FTRT_ABI_FLAG_GIL_DISABLED, 32, 40,
     432, 120, 0},
};

PyMODINIT_FUNC PyInit_tag_past(void) { return NULL; }
