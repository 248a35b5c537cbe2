// libftrt.so: the character database behind unicodeobject.h's
// Py_UNICODE_IS* / Py_UNICODE_TO* macros: _PyUnicode_IsAlpha ...
// _PyUnicode_ToNumeric, and for Py_UNICODE_ISSPACE _Py_ascii_whitespace
// (the table its inline check reads below 128) and _PyUnicode_IsWhitespace
// (above it). They are private in name but part of CPython 3.13's public
// headers, because the macros extensions compile in call them. Each is a
// thin wrapper over the function str's own methods use (object/
// unicode_ctype.h; whitespace is object/str_ops.h's IsUnicodeSpace), so the
// C API and str can never disagree. Pure functions of the code point: safe
// from any thread.
#include "object/str_ops.h"
#include "object/unicode_ctype.h"

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

int _PyUnicode_IsLowercase(Py_UCS4 ch) { return ftrt::UnicodeIsLower(ch) ? 1 : 0; }
int _PyUnicode_IsUppercase(Py_UCS4 ch) { return ftrt::UnicodeIsUpper(ch) ? 1 : 0; }
int _PyUnicode_IsTitlecase(Py_UCS4 ch) { return ftrt::UnicodeIsTitle(ch) ? 1 : 0; }
int _PyUnicode_IsLinebreak(const Py_UCS4 ch) { return ftrt::UnicodeIsLinebreak(ch) ? 1 : 0; }
int _PyUnicode_IsDecimalDigit(Py_UCS4 ch) { return ftrt::UnicodeIsDecimal(ch) ? 1 : 0; }
int _PyUnicode_IsDigit(Py_UCS4 ch) { return ftrt::UnicodeIsDigit(ch) ? 1 : 0; }
int _PyUnicode_IsNumeric(Py_UCS4 ch) { return ftrt::UnicodeIsNumeric(ch) ? 1 : 0; }
int _PyUnicode_IsPrintable(Py_UCS4 ch) { return ftrt::UnicodeIsPrintable(ch) ? 1 : 0; }
int _PyUnicode_IsAlpha(Py_UCS4 ch) { return ftrt::UnicodeIsAlpha(ch) ? 1 : 0; }

Py_UCS4 _PyUnicode_ToLowercase(Py_UCS4 ch) { return ftrt::UnicodeToLower(ch); }
Py_UCS4 _PyUnicode_ToUppercase(Py_UCS4 ch) { return ftrt::UnicodeToUpper(ch); }
Py_UCS4 _PyUnicode_ToTitlecase(Py_UCS4 ch) { return ftrt::UnicodeToTitle(ch); }
int _PyUnicode_ToDecimalDigit(Py_UCS4 ch) { return ftrt::UnicodeToDecimal(ch); }
int _PyUnicode_ToDigit(Py_UCS4 ch) { return ftrt::UnicodeToDigit(ch); }
double _PyUnicode_ToNumeric(Py_UCS4 ch) { return ftrt::UnicodeToNumeric(ch); }

}  // extern "C"
