// Tests for object/bytes_methods.cc: every method of bytes called through
// the method-call path on ASCII, non-ASCII and empty bytes, with bytes,
// bytearray and int arguments: results, slice bounds and argument errors
// compared with CPython 3.13's (the table was printed by CPython 3.13 from
// the same calls), then exactness of results and 8 threads sharing one
// bytes object.
#include "object/bytes_methods.h"

#include <atomic>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "object/bytes.h"
#include "object/str.h"
#include "object/text_methods_testing.h"

namespace ftrt {
namespace {

using testing_util::B;
using testing_util::BA;
using testing_util::F;
using testing_util::I;
using testing_util::L;
using testing_util::MethodCase;
using testing_util::Outcome;
using testing_util::ProtocolTest;
using testing_util::S;
using testing_util::T;
using testing_util::TakeError;

using BytesMethodsTest = ProtocolTest;

std::vector<MethodCase> Cases() {
  return {
    {B(std::string("h\xc3""\xa9""llo", 6)), "decode", {}, {}, "'h\xc3""\xa9""llo'"},
    {B(std::string("h\xc3""\xa9""llo", 6)), "split", {}, {}, "[b'h\\xc3\\xa9llo']"},
    {B(std::string("h\xc3""\xa9""llo", 6)), "strip", {}, {}, "b'h\\xc3\\xa9llo'"},
    {B(std::string("h\xc3""\xa9""llo", 6)), "find", {B(std::string("l", 1))}, {}, "3"},
    {B(std::string("h\xc3""\xa9""llo", 6)), "count", {B(std::string("", 0))}, {}, "7"},
    {B(std::string("h\xc3""\xa9""llo", 6)), "hex", {}, {}, "'68c3a96c6c6f'"},
    {B(std::string("a,b,,c", 6)), "decode", {}, {}, "'a,b,,c'"},
    {B(std::string("a,b,,c", 6)), "split", {}, {}, "[b'a,b,,c']"},
    {B(std::string("a,b,,c", 6)), "strip", {}, {}, "b'a,b,,c'"},
    {B(std::string("a,b,,c", 6)), "find", {B(std::string("l", 1))}, {}, "-1"},
    {B(std::string("a,b,,c", 6)), "count", {B(std::string("", 0))}, {}, "7"},
    {B(std::string("a,b,,c", 6)), "hex", {}, {}, "'612c622c2c63'"},
    {B(std::string("", 0)), "decode", {}, {}, "''"},
    {B(std::string("", 0)), "split", {}, {}, "[]"},
    {B(std::string("", 0)), "strip", {}, {}, "b''"},
    {B(std::string("", 0)), "find", {B(std::string("l", 1))}, {}, "-1"},
    {B(std::string("", 0)), "count", {B(std::string("", 0))}, {}, "1"},
    {B(std::string("", 0)), "hex", {}, {}, "''"},
    {B(std::string("\xff""", 1)), "decode", {}, {}, "!! UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"},
    {B(std::string("\xff""", 1)), "decode", {S("ascii")}, {}, "!! UnicodeDecodeError: 'ascii' codec can't decode byte 0xff in position 0: ordinal not in range(128)"},
    {B(std::string("\xff""a", 2)), "decode", {S("utf-8"), S("replace")}, {}, "'\xef""\xbf""\xbd""a'"},
    {B(std::string("\xff""a", 2)), "decode", {S("ascii"), S("ignore")}, {}, "'a'"},
    {B(std::string("\xff""a", 2)), "decode", {S("utf-8"), S("surrogateescape")}, {}, "'\\udcffa'"},
    {B(std::string("a", 1)), "decode", {I(1)}, {}, "!! TypeError: decode() argument 'encoding' must be str, not int"},
    {B(std::string("a", 1)), "decode", {S("utf-8"), I(1)}, {}, "!! TypeError: decode() argument 'errors' must be str, not int"},
    {B(std::string("a", 1)), "decode", {S("foo")}, {}, "!! LookupError: unknown encoding: foo"},
    {B(std::string("\xe9""", 1)), "decode", {S("latin-1")}, {}, "'\xc3""\xa9""'"},
    {B(std::string("\xe9""", 1)), "decode", {}, {{"encoding", S("latin_1")}, {"errors", S("x")}}, "'\xc3""\xa9""'"},
    {B(std::string("\xff""", 1)), "decode", {S("utf-8"), S("bogus")}, {}, "!! LookupError: unknown error handler name 'bogus'"},
    {B(std::string("a", 1)), "decode", {S("utf-8"), S("bogus")}, {}, "'a'"},
    {B(std::string("=\xd8""\x00""\xde""", 4)), "decode", {S("utf-16-le")}, {}, "'\xf0""\x9f""\x98""\x80""'"},
    {B(std::string("\xff""\xfe""\x00""\x00""\xe9""\x00""\x00""\x00""", 8)), "decode", {S("utf-32")}, {}, "'\xc3""\xa9""'"},
    {B(std::string(",", 1)), "join", {L({B(std::string("a", 1)), B(std::string("b", 1))})}, {}, "b'a,b'"},
    {B(std::string(",", 1)), "join", {L({})}, {}, "b''"},
    {B(std::string(",", 1)), "join", {L({B(std::string("a", 1)), BA(std::string("b", 1))})}, {}, "b'a,b'"},
    {B(std::string(",", 1)), "join", {I(1)}, {}, "!! TypeError: can only join an iterable"},
    {B(std::string(",", 1)), "join", {L({I(1)})}, {}, "!! TypeError: sequence item 0: expected a bytes-like object, int found"},
    {B(std::string(",", 1)), "join", {L({S("a")})}, {}, "!! TypeError: sequence item 0: expected a bytes-like object, str found"},
    {B(std::string("", 0)), "join", {T({B(std::string("x", 1)), B(std::string("", 0))})}, {}, "b'x'"},
    {B(std::string(" a  b ", 6)), "split", {}, {}, "[b'a', b'b']"},
    {B(std::string(" a  b ", 6)), "split", {Ref<>::NewRef(None()), I(1)}, {}, "[b'a', b'b ']"},
    {B(std::string(" a  b ", 6)), "rsplit", {Ref<>::NewRef(None()), I(1)}, {}, "[b' a', b'b']"},
    {B(std::string("a,b,c", 5)), "rsplit", {B(std::string(",", 1)), I(1)}, {}, "[b'a,b', b'c']"},
    {B(std::string("a,b", 3)), "split", {BA(std::string(",", 1))}, {}, "[b'a', b'b']"},
    {B(std::string("a,b,,c", 6)), "split", {}, {{"sep", B(std::string(",", 1))}, {"maxsplit", I(2)}}, "[b'a', b'b', b',c']"},
    {B(std::string("a b", 3)), "split", {I(1)}, {}, "!! TypeError: a bytes-like object is required, not 'int'"},
    {B(std::string("a", 1)), "split", {S("a")}, {}, "!! TypeError: a bytes-like object is required, not 'str'"},
    {B(std::string("a", 1)), "split", {B(std::string("", 0))}, {}, "!! ValueError: empty separator"},
    {B(std::string("a", 1)), "split", {}, {{"maxsplit", S("x")}}, "!! TypeError: 'str' object cannot be interpreted as an integer"},
    {B(std::string("a", 1)), "split", {Ref<>::NewRef(None()), I(1), I(2)}, {}, "!! TypeError: split() takes at most 2 arguments (3 given)"},
    {B(std::string("a,,b", 4)), "rsplit", {B(std::string(",,", 2))}, {}, "[b'a', b'b']"},
    {B(std::string("  ", 2)), "split", {}, {}, "[]"},
    {B(std::string("abab", 4)), "rsplit", {B(std::string("ab", 2))}, {}, "[b'', b'', b'']"},
    {B(std::string("a\x0a""b\x0d""\x0a""c\x0d""d", 8)), "splitlines", {}, {}, "[b'a', b'b', b'c', b'd']"},
    {B(std::string("a\x0a""b\x0d""\x0a""", 5)), "splitlines", {}, {{"keepends", Ref<>::NewRef(BoolFrom(true))}}, "[b'a\\n', b'b\\r\\n']"},
    {B(std::string("a\x0b""b", 3)), "splitlines", {}, {}, "[b'a\\x0bb']"},
    {B(std::string("a", 1)), "strip", {I(1)}, {}, "!! TypeError: a bytes-like object is required, not 'int'"},
    {B(std::string("a", 1)), "strip", {S("a")}, {}, "!! TypeError: a bytes-like object is required, not 'str'"},
    {B(std::string("xax", 3)), "strip", {B(std::string("x", 1))}, {}, "b'a'"},
    {B(std::string("xax", 3)), "lstrip", {B(std::string("x", 1))}, {}, "b'ax'"},
    {B(std::string("xax", 3)), "rstrip", {BA(std::string("x", 1))}, {}, "b'xa'"},
    {B(std::string("a", 1)), "strip", {}, {{"bytes", B(std::string("a", 1))}}, "!! TypeError: bytes.strip() takes no keyword arguments"},
    {B(std::string("a", 1)), "strip", {B(std::string("a", 1)), B(std::string("b", 1))}, {}, "!! TypeError: strip expected at most 1 argument, got 2"},
    {B(std::string("  a \x0b""", 5)), "lstrip", {}, {}, "b'a \\x0b'"},
    {B(std::string(" \x09"" a \x0c""", 6)), "rstrip", {}, {}, "b' \\t a'"},
    {B(std::string("a", 1)), "strip", {Ref<>::NewRef(None())}, {}, "b'a'"},
    {B(std::string("hello", 5)), "startswith", {B(std::string("he", 2))}, {}, "True"},
    {B(std::string("hello", 5)), "startswith", {B(std::string("lo", 2)), I(3)}, {}, "True"},
    {B(std::string("hello", 5)), "endswith", {T({B(std::string("x", 1)), BA(std::string("lo", 2))})}, {}, "True"},
    {B(std::string("hello", 5)), "endswith", {B(std::string("l", 1)), I(0), I(4)}, {}, "True"},
    {B(std::string("hello", 5)), "startswith", {B(std::string("", 0)), I(6)}, {}, "False"},
    {B(std::string("hello", 5)), "startswith", {B(std::string("", 0)), I(5)}, {}, "True"},
    {B(std::string("a", 1)), "startswith", {I(1)}, {}, "!! TypeError: startswith first arg must be bytes or a tuple of bytes, not int"},
    {B(std::string("a", 1)), "startswith", {S("a")}, {}, "!! TypeError: startswith first arg must be bytes or a tuple of bytes, not str"},
    {B(std::string("a", 1)), "startswith", {T({I(1)})}, {}, "!! TypeError: a bytes-like object is required, not 'int'"},
    {B(std::string("a", 1)), "startswith", {T({S("a")})}, {}, "!! TypeError: a bytes-like object is required, not 'str'"},
    {B(std::string("a", 1)), "startswith", {}, {}, "!! TypeError: startswith expected at least 1 argument, got 0"},
    {B(std::string("a", 1)), "endswith", {B(std::string("a", 1)), S("x")}, {}, "!! TypeError: slice indices must be integers or None or have an __index__ method"},
    {B(std::string("abcabc", 6)), "find", {B(std::string("bc", 2))}, {}, "1"},
    {B(std::string("abcabc", 6)), "find", {B(std::string("bc", 2)), I(2)}, {}, "4"},
    {B(std::string("abcabc", 6)), "find", {B(std::string("bc", 2)), I(-3)}, {}, "4"},
    {B(std::string("abcabc", 6)), "find", {B(std::string("bc", 2)), I(0), I(4)}, {}, "1"},
    {B(std::string("abcabc", 6)), "find", {B(std::string("x", 1))}, {}, "-1"},
    {B(std::string("abcabc", 6)), "find", {B(std::string("", 0))}, {}, "0"},
    {B(std::string("abcabc", 6)), "find", {B(std::string("", 0)), I(7)}, {}, "-1"},
    {B(std::string("abcabc", 6)), "find", {I(98)}, {}, "1"},
    {B(std::string("abcabc", 6)), "find", {BA(std::string("c", 1))}, {}, "2"},
    {B(std::string("a", 1)), "find", {S("a")}, {}, "!! TypeError: argument should be integer or bytes-like object, not 'str'"},
    {B(std::string("a", 1)), "find", {I(256)}, {}, "!! ValueError: byte must be in range(0, 256)"},
    {B(std::string("a", 1)), "find", {I(-1)}, {}, "!! ValueError: byte must be in range(0, 256)"},
    {B(std::string("a", 1)), "find", {F(1.5)}, {}, "!! TypeError: argument should be integer or bytes-like object, not 'float'"},
    {B(std::string("a", 1)), "find", {}, {}, "!! TypeError: find expected at least 1 argument, got 0"},
    {B(std::string("a", 1)), "find", {B(std::string("a", 1)), S("x")}, {}, "!! TypeError: slice indices must be integers or None or have an __index__ method"},
    {B(std::string("abc", 3)), "find", {B(std::string("c", 1)), I(0), I(2)}, {}, "-1"},
    {B(std::string("abcabc", 6)), "rfind", {B(std::string("bc", 2))}, {}, "4"},
    {B(std::string("abcabc", 6)), "rfind", {B(std::string("bc", 2)), I(2)}, {}, "4"},
    {B(std::string("abcabc", 6)), "rfind", {B(std::string("bc", 2)), I(-3)}, {}, "4"},
    {B(std::string("abcabc", 6)), "rfind", {B(std::string("bc", 2)), I(0), I(4)}, {}, "1"},
    {B(std::string("abcabc", 6)), "rfind", {B(std::string("x", 1))}, {}, "-1"},
    {B(std::string("abcabc", 6)), "rfind", {B(std::string("", 0))}, {}, "6"},
    {B(std::string("abcabc", 6)), "rfind", {B(std::string("", 0)), I(7)}, {}, "-1"},
    {B(std::string("abcabc", 6)), "rfind", {I(98)}, {}, "4"},
    {B(std::string("abcabc", 6)), "rfind", {BA(std::string("c", 1))}, {}, "5"},
    {B(std::string("a", 1)), "rfind", {S("a")}, {}, "!! TypeError: argument should be integer or bytes-like object, not 'str'"},
    {B(std::string("a", 1)), "rfind", {I(256)}, {}, "!! ValueError: byte must be in range(0, 256)"},
    {B(std::string("a", 1)), "rfind", {I(-1)}, {}, "!! ValueError: byte must be in range(0, 256)"},
    {B(std::string("a", 1)), "rfind", {F(1.5)}, {}, "!! TypeError: argument should be integer or bytes-like object, not 'float'"},
    {B(std::string("a", 1)), "rfind", {}, {}, "!! TypeError: rfind expected at least 1 argument, got 0"},
    {B(std::string("a", 1)), "rfind", {B(std::string("a", 1)), S("x")}, {}, "!! TypeError: slice indices must be integers or None or have an __index__ method"},
    {B(std::string("abc", 3)), "rfind", {B(std::string("c", 1)), I(0), I(2)}, {}, "-1"},
    {B(std::string("abcabc", 6)), "index", {B(std::string("bc", 2))}, {}, "1"},
    {B(std::string("abcabc", 6)), "index", {B(std::string("bc", 2)), I(2)}, {}, "4"},
    {B(std::string("abcabc", 6)), "index", {B(std::string("bc", 2)), I(-3)}, {}, "4"},
    {B(std::string("abcabc", 6)), "index", {B(std::string("bc", 2)), I(0), I(4)}, {}, "1"},
    {B(std::string("abcabc", 6)), "index", {B(std::string("x", 1))}, {}, "!! ValueError: subsection not found"},
    {B(std::string("abcabc", 6)), "index", {B(std::string("", 0))}, {}, "0"},
    {B(std::string("abcabc", 6)), "index", {B(std::string("", 0)), I(7)}, {}, "!! ValueError: subsection not found"},
    {B(std::string("abcabc", 6)), "index", {I(98)}, {}, "1"},
    {B(std::string("abcabc", 6)), "index", {BA(std::string("c", 1))}, {}, "2"},
    {B(std::string("a", 1)), "index", {S("a")}, {}, "!! TypeError: argument should be integer or bytes-like object, not 'str'"},
    {B(std::string("a", 1)), "index", {I(256)}, {}, "!! ValueError: byte must be in range(0, 256)"},
    {B(std::string("a", 1)), "index", {I(-1)}, {}, "!! ValueError: byte must be in range(0, 256)"},
    {B(std::string("a", 1)), "index", {F(1.5)}, {}, "!! TypeError: argument should be integer or bytes-like object, not 'float'"},
    {B(std::string("a", 1)), "index", {}, {}, "!! TypeError: index expected at least 1 argument, got 0"},
    {B(std::string("a", 1)), "index", {B(std::string("a", 1)), S("x")}, {}, "!! TypeError: slice indices must be integers or None or have an __index__ method"},
    {B(std::string("abc", 3)), "index", {B(std::string("c", 1)), I(0), I(2)}, {}, "!! ValueError: subsection not found"},
    {B(std::string("abcabc", 6)), "rindex", {B(std::string("bc", 2))}, {}, "4"},
    {B(std::string("abcabc", 6)), "rindex", {B(std::string("bc", 2)), I(2)}, {}, "4"},
    {B(std::string("abcabc", 6)), "rindex", {B(std::string("bc", 2)), I(-3)}, {}, "4"},
    {B(std::string("abcabc", 6)), "rindex", {B(std::string("bc", 2)), I(0), I(4)}, {}, "1"},
    {B(std::string("abcabc", 6)), "rindex", {B(std::string("x", 1))}, {}, "!! ValueError: subsection not found"},
    {B(std::string("abcabc", 6)), "rindex", {B(std::string("", 0))}, {}, "6"},
    {B(std::string("abcabc", 6)), "rindex", {B(std::string("", 0)), I(7)}, {}, "!! ValueError: subsection not found"},
    {B(std::string("abcabc", 6)), "rindex", {I(98)}, {}, "4"},
    {B(std::string("abcabc", 6)), "rindex", {BA(std::string("c", 1))}, {}, "5"},
    {B(std::string("a", 1)), "rindex", {S("a")}, {}, "!! TypeError: argument should be integer or bytes-like object, not 'str'"},
    {B(std::string("a", 1)), "rindex", {I(256)}, {}, "!! ValueError: byte must be in range(0, 256)"},
    {B(std::string("a", 1)), "rindex", {I(-1)}, {}, "!! ValueError: byte must be in range(0, 256)"},
    {B(std::string("a", 1)), "rindex", {F(1.5)}, {}, "!! TypeError: argument should be integer or bytes-like object, not 'float'"},
    {B(std::string("a", 1)), "rindex", {}, {}, "!! TypeError: rindex expected at least 1 argument, got 0"},
    {B(std::string("a", 1)), "rindex", {B(std::string("a", 1)), S("x")}, {}, "!! TypeError: slice indices must be integers or None or have an __index__ method"},
    {B(std::string("abc", 3)), "rindex", {B(std::string("c", 1)), I(0), I(2)}, {}, "!! ValueError: subsection not found"},
    {B(std::string("abcabc", 6)), "count", {B(std::string("bc", 2))}, {}, "2"},
    {B(std::string("abcabc", 6)), "count", {B(std::string("bc", 2)), I(2)}, {}, "1"},
    {B(std::string("abcabc", 6)), "count", {B(std::string("bc", 2)), I(-3)}, {}, "1"},
    {B(std::string("abcabc", 6)), "count", {B(std::string("bc", 2)), I(0), I(4)}, {}, "1"},
    {B(std::string("abcabc", 6)), "count", {B(std::string("x", 1))}, {}, "0"},
    {B(std::string("abcabc", 6)), "count", {B(std::string("", 0))}, {}, "7"},
    {B(std::string("abcabc", 6)), "count", {B(std::string("", 0)), I(7)}, {}, "0"},
    {B(std::string("abcabc", 6)), "count", {I(98)}, {}, "2"},
    {B(std::string("abcabc", 6)), "count", {BA(std::string("c", 1))}, {}, "2"},
    {B(std::string("a", 1)), "count", {S("a")}, {}, "!! TypeError: argument should be integer or bytes-like object, not 'str'"},
    {B(std::string("a", 1)), "count", {I(256)}, {}, "!! ValueError: byte must be in range(0, 256)"},
    {B(std::string("a", 1)), "count", {I(-1)}, {}, "!! ValueError: byte must be in range(0, 256)"},
    {B(std::string("a", 1)), "count", {F(1.5)}, {}, "!! TypeError: argument should be integer or bytes-like object, not 'float'"},
    {B(std::string("a", 1)), "count", {}, {}, "!! TypeError: count expected at least 1 argument, got 0"},
    {B(std::string("a", 1)), "count", {B(std::string("a", 1)), S("x")}, {}, "!! TypeError: slice indices must be integers or None or have an __index__ method"},
    {B(std::string("abc", 3)), "count", {B(std::string("c", 1)), I(0), I(2)}, {}, "0"},
    {B(std::string("aaa", 3)), "replace", {B(std::string("a", 1)), B(std::string("b", 1))}, {}, "b'bbb'"},
    {B(std::string("aaa", 3)), "replace", {B(std::string("a", 1)), B(std::string("b", 1)), I(2)}, {}, "b'bba'"},
    {B(std::string("abc", 3)), "replace", {B(std::string("", 0)), B(std::string("-", 1))}, {}, "b'-a-b-c-'"},
    {B(std::string("abc", 3)), "replace", {B(std::string("", 0)), B(std::string("-", 1)), I(2)}, {}, "b'-a-bc'"},
    {B(std::string("abc", 3)), "replace", {B(std::string("x", 1)), B(std::string("y", 1))}, {}, "b'abc'"},
    {B(std::string("abc", 3)), "replace", {BA(std::string("b", 1)), B(std::string("", 0))}, {}, "b'ac'"},
    {B(std::string("a", 1)), "replace", {S("a"), B(std::string("b", 1))}, {}, "!! TypeError: a bytes-like object is required, not 'str'"},
    {B(std::string("a", 1)), "replace", {B(std::string("a", 1)), S("b")}, {}, "!! TypeError: a bytes-like object is required, not 'str'"},
    {B(std::string("aaa", 3)), "replace", {B(std::string("a", 1)), B(std::string("b", 1))}, {{"count", I(1)}}, "!! TypeError: bytes.replace() takes no keyword arguments"},
    {B(std::string("a", 1)), "replace", {B(std::string("a", 1))}, {}, "!! TypeError: replace expected at least 2 arguments, got 1"},
    {B(std::string("a", 1)), "replace", {B(std::string("a", 1)), B(std::string("b", 1)), S("c")}, {}, "!! TypeError: 'str' object cannot be interpreted as an integer"},
    {B(std::string("a,b", 3)), "partition", {B(std::string(",", 1))}, {}, "(b'a', b',', b'b')"},
    {B(std::string("a,b,c", 5)), "rpartition", {B(std::string(",", 1))}, {}, "(b'a,b', b',', b'c')"},
    {B(std::string("ab", 2)), "partition", {B(std::string("x", 1))}, {}, "(b'ab', b'', b'')"},
    {B(std::string("ab", 2)), "rpartition", {B(std::string("x", 1))}, {}, "(b'', b'', b'ab')"},
    {B(std::string("a", 1)), "partition", {S("a")}, {}, "!! TypeError: a bytes-like object is required, not 'str'"},
    {B(std::string("a", 1)), "partition", {B(std::string("", 0))}, {}, "!! ValueError: empty separator"},
    {B(std::string("a", 1)), "rpartition", {B(std::string("", 0))}, {}, "!! ValueError: empty separator"},
    {B(std::string("\x01""\xab""", 2)), "hex", {}, {}, "'01ab'"},
    {B(std::string("\x01""\xab""\xcd""", 3)), "hex", {S(":")}, {}, "'01:ab:cd'"},
    {B(std::string("\x01""\xab""\xcd""", 3)), "hex", {S(":"), I(2)}, {}, "'01:abcd'"},
    {B(std::string("\x01""\xab""\xcd""", 3)), "hex", {S(":"), I(-2)}, {}, "'01ab:cd'"},
    {B(std::string("\x01""\xab""\xcd""\xef""", 4)), "hex", {B(std::string("-", 1)), I(3)}, {}, "'01-abcdef'"},
    {B(std::string("ab", 2)), "hex", {I(1)}, {}, "!! TypeError: object of type 'int' has no len()"},
    {B(std::string("ab", 2)), "hex", {S("::")}, {}, "!! ValueError: sep must be length 1."},
    {B(std::string("ab", 2)), "hex", {}, {{"sep", S("-")}}, "'61-62'"},
    {B(std::string("ab", 2)), "hex", {S("\xc3""\xa9""")}, {}, "!! ValueError: sep must be ASCII."},
    {B(std::string("", 0)), "fromhex", {S("01 ab")}, {}, "b'\\x01\\xab'"},
    {B(std::string("", 0)), "fromhex", {S("0")}, {}, "!! ValueError: non-hexadecimal number found in fromhex() arg at position 1"},
    {B(std::string("", 0)), "fromhex", {S("zz")}, {}, "!! ValueError: non-hexadecimal number found in fromhex() arg at position 0"},
    {B(std::string("", 0)), "fromhex", {I(1)}, {}, "!! TypeError: fromhex() argument must be str, not int"},
    {B(std::string("", 0)), "fromhex", {S(" 01AB  cd ")}, {}, "b'\\x01\\xab\\xcd'"},
    {B(std::string("", 0)), "fromhex", {S("01 a")}, {}, "!! ValueError: non-hexadecimal number found in fromhex() arg at position 4"},
    {B(std::string("", 0)), "fromhex", {S("0 1")}, {}, "!! ValueError: non-hexadecimal number found in fromhex() arg at position 1"},
    {B(std::string("", 0)), "fromhex", {S("")}, {}, "b''"},
    {B(std::string("aB1", 3)), "lower", {}, {}, "b'ab1'"},
    {B(std::string("aB1\xc9""", 4)), "upper", {}, {}, "b'AB1\\xc9'"},
    {B(std::string("ab", 2)), "removeprefix", {B(std::string("a", 1))}, {}, "b'b'"},
    {B(std::string("ab", 2)), "removeprefix", {S("a")}, {}, "!! TypeError: a bytes-like object is required, not 'str'"},
    {B(std::string("ab", 2)), "removesuffix", {BA(std::string("b", 1))}, {}, "b'a'"},
    {B(std::string("ab", 2)), "removesuffix", {B(std::string("", 0))}, {}, "b'ab'"},
    {B(std::string("12", 2)), "isdigit", {}, {}, "True"},
    {B(std::string("12", 2)), "isalpha", {}, {}, "False"},
    {B(std::string("12", 2)), "isspace", {}, {}, "False"},
    {B(std::string("12", 2)), "isalnum", {}, {}, "True"},
    {B(std::string("12", 2)), "islower", {}, {}, "False"},
    {B(std::string("12", 2)), "isupper", {}, {}, "False"},
    {B(std::string("12", 2)), "isascii", {}, {}, "True"},
    {B(std::string("", 0)), "isdigit", {}, {}, "False"},
    {B(std::string("", 0)), "isalpha", {}, {}, "False"},
    {B(std::string("", 0)), "isspace", {}, {}, "False"},
    {B(std::string("", 0)), "isalnum", {}, {}, "False"},
    {B(std::string("", 0)), "islower", {}, {}, "False"},
    {B(std::string("", 0)), "isupper", {}, {}, "False"},
    {B(std::string("", 0)), "isascii", {}, {}, "True"},
    {B(std::string("ab", 2)), "isdigit", {}, {}, "False"},
    {B(std::string("ab", 2)), "isalpha", {}, {}, "True"},
    {B(std::string("ab", 2)), "isspace", {}, {}, "False"},
    {B(std::string("ab", 2)), "isalnum", {}, {}, "True"},
    {B(std::string("ab", 2)), "islower", {}, {}, "True"},
    {B(std::string("ab", 2)), "isupper", {}, {}, "False"},
    {B(std::string("ab", 2)), "isascii", {}, {}, "True"},
    {B(std::string(" \x09""", 2)), "isdigit", {}, {}, "False"},
    {B(std::string(" \x09""", 2)), "isalpha", {}, {}, "False"},
    {B(std::string(" \x09""", 2)), "isspace", {}, {}, "True"},
    {B(std::string(" \x09""", 2)), "isalnum", {}, {}, "False"},
    {B(std::string(" \x09""", 2)), "islower", {}, {}, "False"},
    {B(std::string(" \x09""", 2)), "isupper", {}, {}, "False"},
    {B(std::string(" \x09""", 2)), "isascii", {}, {}, "True"},
    {B(std::string("a1", 2)), "isdigit", {}, {}, "False"},
    {B(std::string("a1", 2)), "isalpha", {}, {}, "False"},
    {B(std::string("a1", 2)), "isspace", {}, {}, "False"},
    {B(std::string("a1", 2)), "isalnum", {}, {}, "True"},
    {B(std::string("a1", 2)), "islower", {}, {}, "True"},
    {B(std::string("a1", 2)), "isupper", {}, {}, "False"},
    {B(std::string("a1", 2)), "isascii", {}, {}, "True"},
    {B(std::string("A1", 2)), "isdigit", {}, {}, "False"},
    {B(std::string("A1", 2)), "isalpha", {}, {}, "False"},
    {B(std::string("A1", 2)), "isspace", {}, {}, "False"},
    {B(std::string("A1", 2)), "isalnum", {}, {}, "True"},
    {B(std::string("A1", 2)), "islower", {}, {}, "False"},
    {B(std::string("A1", 2)), "isupper", {}, {}, "True"},
    {B(std::string("A1", 2)), "isascii", {}, {}, "True"},
    {B(std::string("aB", 2)), "isdigit", {}, {}, "False"},
    {B(std::string("aB", 2)), "isalpha", {}, {}, "True"},
    {B(std::string("aB", 2)), "isspace", {}, {}, "False"},
    {B(std::string("aB", 2)), "isalnum", {}, {}, "True"},
    {B(std::string("aB", 2)), "islower", {}, {}, "False"},
    {B(std::string("aB", 2)), "isupper", {}, {}, "False"},
    {B(std::string("aB", 2)), "isascii", {}, {}, "True"},
    {B(std::string("\x80""", 1)), "isdigit", {}, {}, "False"},
    {B(std::string("\x80""", 1)), "isalpha", {}, {}, "False"},
    {B(std::string("\x80""", 1)), "isspace", {}, {}, "False"},
    {B(std::string("\x80""", 1)), "isalnum", {}, {}, "False"},
    {B(std::string("\x80""", 1)), "islower", {}, {}, "False"},
    {B(std::string("\x80""", 1)), "isupper", {}, {}, "False"},
    {B(std::string("\x80""", 1)), "isascii", {}, {}, "False"},
    {B(std::string("1", 1)), "isdigit", {}, {}, "True"},
    {B(std::string("1", 1)), "isalpha", {}, {}, "False"},
    {B(std::string("1", 1)), "isspace", {}, {}, "False"},
    {B(std::string("1", 1)), "isalnum", {}, {}, "True"},
    {B(std::string("1", 1)), "islower", {}, {}, "False"},
    {B(std::string("1", 1)), "isupper", {}, {}, "False"},
    {B(std::string("1", 1)), "isascii", {}, {}, "True"},
  };
}

TEST_F(BytesMethodsTest, MatchesCPython) {
  const std::vector<MethodCase> cases = Cases();
  ASSERT_GT(cases.size(), 200u);
  for (const MethodCase& c : cases) {
    EXPECT_EQ(Outcome(c), c.expected) << "method " << c.method;
  }
}

TEST_F(BytesMethodsTest, UnchangedResultIsSelf) {
  Ref<> b = B("abc");
  Ref<> r = CallMethod(b.get(), "strip", {});
  EXPECT_EQ(r.get(), b.get());
  r = CallMethod(b.get(), "replace", {B("x").get(), B("y").get()});
  EXPECT_EQ(r.get(), b.get());
  // fromhex is a classmethod: from the type as from an instance.
  r = CallMethod(reinterpret_cast<PyObject*>(BytesType()), "fromhex", {S("61 62").get()});
  ASSERT_TRUE(r) << TakeError();
  EXPECT_EQ(BytesView(r.get()), "ab");
}

TEST_F(BytesMethodsTest, SharedBetweenThreads) {
  Ref<> b = B("k1=v1, k2=v2 ");
  constexpr int kThreads = 8;
  std::atomic<int> failures{0};
  RunThreads(kThreads, [&](int t) {
    for (int i = 0; i < 200; ++i) {
      Ref<> parts = CallMethod(b.get(), (i + t) % 2 ? "split" : "rsplit", {B(",").get()});
      Ref<> stripped = CallMethod(b.get(), "strip", {});
      Ref<> dec = CallMethod(b.get(), "decode", {});
      Ref<> hex = CallMethod(b.get(), "hex", {});
      const bool ok = parts && ListSize(parts.get()) == 2 && stripped &&
                      BytesView(stripped.get()) == "k1=v1, k2=v2" && dec &&
                      StrLength(dec.get()) == 13 && hex && StrLength(hex.get()) == 26;
      if (!ok) failures.fetch_add(1, std::memory_order_relaxed);
    }
  });
  EXPECT_EQ(failures.load(std::memory_order_relaxed), 0);
}

}  // namespace
}  // namespace ftrt
