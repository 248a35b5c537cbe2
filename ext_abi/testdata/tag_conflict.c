/* A shared object whose translation units were compiled against two
 * different ftrt headers: Python.h's own tag, plus (standing in for a
 * second object file) a hand-made note claiming ABI version 999. */
#include "Python.h"

__attribute__((used, section(FTRT_ABI_NOTE_SECTION), aligned(4)))
static const ftrt_abi_note other_header_note = {
    sizeof(FTRT_ABI_NOTE_NAME),
    sizeof(ftrt_abi_desc),
    FTRT_ABI_NOTE_TYPE,
    FTRT_ABI_NOTE_NAME,
    {999, PY_VERSION_HEX, FTRT_ABI_FLAG_GIL_DISABLED, 32, 40, 432, 120, 0},
};

PyMODINIT_FUNC PyInit_tag_conflict(void) { return NULL; }
