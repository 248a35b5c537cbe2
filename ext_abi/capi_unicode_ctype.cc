// libftrt.so: the character class behind Py_UNICODE_ISSPACE
// (unicodeobject.h): _Py_ascii_whitespace, the table the inline check reads
// below 128, and _PyUnicode_IsWhitespace above it. Both are private in name
// but part of CPython 3.13's public headers, because the inline function
// extensions compile in calls them. Whitespace is str.isspace()'s, from
// object/str_ops.h (IsUnicodeSpace), so the two can never disagree.
// Pure functions of the code point: safe from any thread.
#include "object/str_ops.h"

extern "C" {

// 1 for '\t' '\n' '\v' '\f' '\r', 0x1c-0x1f and ' ' (str.isspace()).
extern const unsigned char _Py_ascii_whitespace[128];
const unsigned char _Py_ascii_whitespace[128] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0,  // 0x00-0x0f
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1,  // 0x10-0x1f
    1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // 0x20-0x2f
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // 0x30-0x3f
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // 0x40-0x4f
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // 0x50-0x5f
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // 0x60-0x6f
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // 0x70-0x7f
};

int _PyUnicode_IsWhitespace(const Py_UCS4 ch) { return ftrt::IsUnicodeSpace(ch) ? 1 : 0; }

}  // extern "C"
