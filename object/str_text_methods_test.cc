// Tests for object/str_text_methods.cc: every text method of str called
// through the method-call path on ASCII, 2-byte (Greek) and 4-byte
// (emoji) strings and '', its results, slice bounds and argument errors
// compared with CPython 3.13's (the table was printed by CPython 3.13
// from the same calls: repr of the result or the exception), then
// exactness of results and 8 threads sharing the strings.
#include "object/str_text_methods.h"

#include <atomic>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "object/attributes.h"
#include "object/int.h"
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
using testing_util::SC;
using testing_util::T;
using testing_util::TakeError;

using StrTextMethodsTest = ProtocolTest;

std::vector<MethodCase> Cases() {
  return {
    {S("h\xc3""\xa9""llo w\xc3""\xb6""rld"), "encode", {}, {}, "b'h\\xc3\\xa9llo w\\xc3\\xb6rld'"},
    {S("h\xc3""\xa9""llo w\xc3""\xb6""rld"), "split", {}, {}, "['h\xc3""\xa9""llo', 'w\xc3""\xb6""rld']"},
    {S("h\xc3""\xa9""llo w\xc3""\xb6""rld"), "rsplit", {Ref<>::NewRef(None()), I(1)}, {}, "['h\xc3""\xa9""llo', 'w\xc3""\xb6""rld']"},
    {S("h\xc3""\xa9""llo w\xc3""\xb6""rld"), "strip", {}, {}, "'h\xc3""\xa9""llo w\xc3""\xb6""rld'"},
    {S("h\xc3""\xa9""llo w\xc3""\xb6""rld"), "find", {S("l")}, {}, "2"},
    {S("h\xc3""\xa9""llo w\xc3""\xb6""rld"), "count", {S("")}, {}, "12"},
    {S("a,b,,c"), "encode", {}, {}, "b'a,b,,c'"},
    {S("a,b,,c"), "split", {}, {}, "['a,b,,c']"},
    {S("a,b,,c"), "rsplit", {Ref<>::NewRef(None()), I(1)}, {}, "['a,b,,c']"},
    {S("a,b,,c"), "strip", {}, {}, "'a,b,,c'"},
    {S("a,b,,c"), "find", {S("l")}, {}, "-1"},
    {S("a,b,,c"), "count", {S("")}, {}, "7"},
    {S(""), "encode", {}, {}, "b''"},
    {S(""), "split", {}, {}, "[]"},
    {S(""), "rsplit", {Ref<>::NewRef(None()), I(1)}, {}, "[]"},
    {S(""), "strip", {}, {}, "''"},
    {S(""), "find", {S("l")}, {}, "-1"},
    {S(""), "count", {S("")}, {}, "1"},
    {S("\xce""\xb1""\xce""\xb2""\xce""\xb3"" \xce""\xb1""\xce""\xb2"""), "encode", {}, {}, "b'\\xce\\xb1\\xce\\xb2\\xce\\xb3 \\xce\\xb1\\xce\\xb2'"},
    {S("\xce""\xb1""\xce""\xb2""\xce""\xb3"" \xce""\xb1""\xce""\xb2"""), "split", {}, {}, "['\xce""\xb1""\xce""\xb2""\xce""\xb3""', '\xce""\xb1""\xce""\xb2""']"},
    {S("\xce""\xb1""\xce""\xb2""\xce""\xb3"" \xce""\xb1""\xce""\xb2"""), "rsplit", {Ref<>::NewRef(None()), I(1)}, {}, "['\xce""\xb1""\xce""\xb2""\xce""\xb3""', '\xce""\xb1""\xce""\xb2""']"},
    {S("\xce""\xb1""\xce""\xb2""\xce""\xb3"" \xce""\xb1""\xce""\xb2"""), "strip", {}, {}, "'\xce""\xb1""\xce""\xb2""\xce""\xb3"" \xce""\xb1""\xce""\xb2""'"},
    {S("\xce""\xb1""\xce""\xb2""\xce""\xb3"" \xce""\xb1""\xce""\xb2"""), "find", {S("l")}, {}, "-1"},
    {S("\xce""\xb1""\xce""\xb2""\xce""\xb3"" \xce""\xb1""\xce""\xb2"""), "count", {S("")}, {}, "7"},
    {S("a\xf0""\x9f""\x98""\x80""b\xf0""\x9f""\x98""\x80""c"), "encode", {}, {}, "b'a\\xf0\\x9f\\x98\\x80b\\xf0\\x9f\\x98\\x80c'"},
    {S("a\xf0""\x9f""\x98""\x80""b\xf0""\x9f""\x98""\x80""c"), "split", {}, {}, "['a\xf0""\x9f""\x98""\x80""b\xf0""\x9f""\x98""\x80""c']"},
    {S("a\xf0""\x9f""\x98""\x80""b\xf0""\x9f""\x98""\x80""c"), "rsplit", {Ref<>::NewRef(None()), I(1)}, {}, "['a\xf0""\x9f""\x98""\x80""b\xf0""\x9f""\x98""\x80""c']"},
    {S("a\xf0""\x9f""\x98""\x80""b\xf0""\x9f""\x98""\x80""c"), "strip", {}, {}, "'a\xf0""\x9f""\x98""\x80""b\xf0""\x9f""\x98""\x80""c'"},
    {S("a\xf0""\x9f""\x98""\x80""b\xf0""\x9f""\x98""\x80""c"), "find", {S("l")}, {}, "-1"},
    {S("a\xf0""\x9f""\x98""\x80""b\xf0""\x9f""\x98""\x80""c"), "count", {S("")}, {}, "6"},
    {S("\xc3""\xa9"""), "encode", {S("ascii")}, {}, "!! UnicodeEncodeError: 'ascii' codec can't encode character '\\xe9' in position 0: ordinal not in range(128)"},
    {S("\xc3""\xa9"""), "encode", {S("ascii"), S("ignore")}, {}, "b''"},
    {S("\xc3""\xa9"""), "encode", {S("ascii"), S("replace")}, {}, "b'?'"},
    {S("\xc3""\xa9"""), "encode", {S("latin-1")}, {}, "b'\\xe9'"},
    {SC({0x61, 0xdc80}), "encode", {S("utf-8"), S("surrogateescape")}, {}, "b'a\\x80'"},
    {SC({0x61, 0xdc80}), "encode", {}, {}, "!! UnicodeEncodeError: 'utf-8' codec can't encode character '\\udc80' in position 1: surrogates not allowed"},
    {S("\xc3""\xa9"""), "encode", {}, {{"errors", S("bogus")}}, "b'\\xc3\\xa9'"},
    {S("\xc3""\xa9"""), "encode", {S("ascii"), S("bogus")}, {}, "!! LookupError: unknown error handler name 'bogus'"},
    {S("a"), "encode", {I(1)}, {}, "!! TypeError: encode() argument 'encoding' must be str, not int"},
    {S("a"), "encode", {S("utf-8"), I(1)}, {}, "!! TypeError: encode() argument 'errors' must be str, not int"},
    {S("a"), "encode", {S("foo")}, {}, "!! LookupError: unknown encoding: foo"},
    {S("a\xf0""\x9f""\x98""\x80""b\xf0""\x9f""\x98""\x80""c"), "encode", {S("utf-16-le")}, {}, "b'a\\x00=\\xd8\\x00\\xdeb\\x00=\\xd8\\x00\\xdec\\x00'"},
    {S("\xce""\xb1""\xce""\xb2""\xce""\xb3"" \xce""\xb1""\xce""\xb2"""), "encode", {S("UTF_32_BE")}, {}, "b'\\x00\\x00\\x03\\xb1\\x00\\x00\\x03\\xb2\\x00\\x00\\x03\\xb3\\x00\\x00\\x00 \\x00\\x00\\x03\\xb1\\x00\\x00\\x03\\xb2'"},
    {S("ab"), "encode", {}, {{"encoding", S("ascii")}, {"errors", S("x")}}, "b'ab'"},
    {S("a"), "encode", {S("utf-8"), S("strict"), S("x")}, {}, "!! TypeError: encode() takes at most 2 arguments (3 given)"},
    {S("a"), "encode", {}, {{"foo", S("x")}}, "!! TypeError: encode() got an unexpected keyword argument 'foo'"},
    {S(","), "join", {L({S("a"), S("b"), S("c")})}, {}, "'a,b,c'"},
    {S(","), "join", {L({})}, {}, "''"},
    {S(","), "join", {L({S("a")})}, {}, "'a'"},
    {S("\xce""\xb1""\xce""\xb2""\xce""\xb3"" \xce""\xb1""\xce""\xb2"""), "join", {L({S("x"), S("a\xf0""\x9f""\x98""\x80""b\xf0""\x9f""\x98""\x80""c")})}, {}, "'x\xce""\xb1""\xce""\xb2""\xce""\xb3"" \xce""\xb1""\xce""\xb2""a\xf0""\x9f""\x98""\x80""b\xf0""\x9f""\x98""\x80""c'"},
    {S(","), "join", {I(1)}, {}, "!! TypeError: can only join an iterable"},
    {S(","), "join", {L({S("a"), I(2)})}, {}, "!! TypeError: sequence item 1: expected str instance, int found"},
    {S(""), "join", {T({S("x"), S("y")})}, {}, "'xy'"},
    {S("a b  c "), "split", {}, {}, "['a', 'b', 'c']"},
    {S(" a b c "), "split", {Ref<>::NewRef(None()), I(1)}, {}, "['a', 'b c ']"},
    {S("a,b,,c"), "split", {S(",")}, {}, "['a', 'b', '', 'c']"},
    {S("a,b,,c"), "split", {S(","), I(2)}, {}, "['a', 'b', ',c']"},
    {S("a,b,,c"), "split", {}, {{"sep", S(",")}, {"maxsplit", I(1)}}, "['a', 'b,,c']"},
    {S("a"), "split", {I(1)}, {}, "!! TypeError: must be str or None, not int"},
    {S("a"), "split", {S("")}, {}, "!! ValueError: empty separator"},
    {S("a"), "split", {}, {{"maxsplit", S("x")}}, "!! TypeError: 'str' object cannot be interpreted as an integer"},
    {S("a"), "split", {Ref<>::NewRef(None()), I(1), I(2)}, {}, "!! TypeError: split() takes at most 2 arguments (3 given)"},
    {S("a b"), "split", {}, {{"sep", Ref<>::NewRef(None())}, {"maxsplit", I(0)}}, "['a b']"},
    {S("a,b,,c"), "rsplit", {S(","), I(1)}, {}, "['a,b,', 'c']"},
    {S(" a b c "), "rsplit", {Ref<>::NewRef(None()), I(1)}, {}, "[' a b', 'c']"},
    {S("a"), "rsplit", {I(1)}, {}, "!! TypeError: must be str or None, not int"},
    {S("a"), "rsplit", {S("")}, {}, "!! ValueError: empty separator"},
    {S("a\xf0""\x9f""\x98""\x80""b\xf0""\x9f""\x98""\x80""c"), "split", {S("\xf0""\x9f""\x98""\x80""")}, {}, "['a', 'b', 'c']"},
    {S("a\xf0""\x9f""\x98""\x80""b\xf0""\x9f""\x98""\x80""c"), "rsplit", {S("\xf0""\x9f""\x98""\x80"""), I(1)}, {}, "['a\xf0""\x9f""\x98""\x80""b', 'c']"},
    {S("a\x0a""b\x0d""\x0a""c\x0d""d"), "splitlines", {}, {}, "['a', 'b', 'c', 'd']"},
    {S("a\x0a""b\x0d""\x0a"""), "splitlines", {Ref<>::NewRef(BoolFrom(true))}, {}, "['a\\n', 'b\\r\\n']"},
    {S("a\x0a""b"), "splitlines", {}, {{"keepends", I(2)}}, "['a\\n', 'b']"},
    {S("a\xe2""\x80""\xa8""b\x1c""c"), "splitlines", {}, {}, "['a', 'b', 'c']"},
    {S(""), "splitlines", {}, {}, "[]"},
    {S("a"), "splitlines", {}, {{"keepends", I(1)}, {"x", I(2)}}, "!! TypeError: splitlines() takes at most 1 keyword argument (2 given)"},
    {S("  a b \x09""\x0a"""), "strip", {}, {}, "'a b'"},
    {S("xxaxx"), "strip", {S("x")}, {}, "'a'"},
    {S("xxaxx"), "lstrip", {S("x")}, {}, "'axx'"},
    {S("xxaxx"), "rstrip", {S("x")}, {}, "'xxa'"},
    {S("\xe3""\x80""\x80""a\xe3""\x80""\x80"""), "strip", {}, {}, "'a'"},
    {S("a\xf0""\x9f""\x98""\x80""b\xf0""\x9f""\x98""\x80""c"), "strip", {S("a\xf0""\x9f""\x98""\x80""c")}, {}, "'b'"},
    {S("a"), "strip", {Ref<>::NewRef(None())}, {}, "'a'"},
    {S("a"), "strip", {I(1)}, {}, "!! TypeError: strip arg must be None or str"},
    {S("a"), "lstrip", {I(1)}, {}, "!! TypeError: lstrip arg must be None or str"},
    {S("a"), "rstrip", {I(1)}, {}, "!! TypeError: rstrip arg must be None or str"},
    {S("a"), "strip", {}, {{"chars", S("a")}}, "!! TypeError: str.strip() takes no keyword arguments"},
    {S("a"), "strip", {S("a"), S("b")}, {}, "!! TypeError: strip expected at most 1 argument, got 2"},
    {S("aaa"), "strip", {S("a")}, {}, "''"},
    {S("hello"), "startswith", {S("he")}, {}, "True"},
    {S("hello"), "startswith", {S("lo"), I(3)}, {}, "True"},
    {S("hello"), "startswith", {T({S("x"), S("he")})}, {}, "True"},
    {S("hello"), "endswith", {S("lo")}, {}, "True"},
    {S("hello"), "endswith", {S("l"), I(0), I(4)}, {}, "True"},
    {S("hello"), "endswith", {T({S("x"), S("y")})}, {}, "False"},
    {S("hello"), "startswith", {S(""), I(5)}, {}, "True"},
    {S("hello"), "startswith", {S(""), I(6)}, {}, "False"},
    {S("hello"), "startswith", {S("h"), I(-5)}, {}, "True"},
    {S("hello"), "startswith", {S("e"), Ref<>::NewRef(None()), Ref<>::NewRef(None())}, {}, "False"},
    {S("a\xf0""\x9f""\x98""\x80""b\xf0""\x9f""\x98""\x80""c"), "endswith", {S("\xf0""\x9f""\x98""\x80""c")}, {}, "True"},
    {S("\xce""\xb1""\xce""\xb2""\xce""\xb3"" \xce""\xb1""\xce""\xb2"""), "startswith", {S("\xce""\xb2""\xce""\xb3"""), I(1)}, {}, "True"},
    {S("a"), "startswith", {I(1)}, {}, "!! TypeError: startswith first arg must be str or a tuple of str, not int"},
    {S("a"), "startswith", {T({I(1)})}, {}, "!! TypeError: tuple for startswith must only contain str, not int"},
    {S("a"), "endswith", {I(1)}, {}, "!! TypeError: endswith first arg must be str or a tuple of str, not int"},
    {S("a"), "startswith", {S("a"), S("x")}, {}, "!! TypeError: slice indices must be integers or None or have an __index__ method"},
    {S("a"), "startswith", {}, {}, "!! TypeError: startswith expected at least 1 argument, got 0"},
    {S("a"), "startswith", {S("a"), I(0), I(1), I(2)}, {}, "!! TypeError: startswith expected at most 3 arguments, got 4"},
    {S("a"), "startswith", {}, {{"prefix", S("a")}}, "!! TypeError: str.startswith() takes no keyword arguments"},
    {S("abcabc"), "find", {S("bc")}, {}, "1"},
    {S("abcabc"), "find", {S("bc"), I(2)}, {}, "4"},
    {S("abcabc"), "find", {S("bc"), I(-3)}, {}, "4"},
    {S("abcabc"), "find", {S("bc"), I(0), I(4)}, {}, "1"},
    {S("abcabc"), "find", {S("x")}, {}, "-1"},
    {S("abcabc"), "find", {S("")}, {}, "0"},
    {S("abcabc"), "find", {S(""), I(7)}, {}, "-1"},
    {S("abcabc"), "find", {S(""), I(6)}, {}, "6"},
    {S("a\xf0""\x9f""\x98""\x80""b\xf0""\x9f""\x98""\x80""c"), "find", {S("\xf0""\x9f""\x98""\x80""")}, {}, "1"},
    {S("\xce""\xb1""\xce""\xb2""\xce""\xb3"" \xce""\xb1""\xce""\xb2"""), "find", {S("\xce""\xb2"""), Ref<>::NewRef(None()), I(-1)}, {}, "1"},
    {S("a"), "find", {I(1)}, {}, "!! TypeError: find() argument 1 must be str, not int"},
    {S("a"), "find", {}, {}, "!! TypeError: find expected at least 1 argument, got 0"},
    {S("a"), "find", {S("a"), S("x")}, {}, "!! TypeError: slice indices must be integers or None or have an __index__ method"},
    {S("a"), "find", {}, {{"sub", S("a")}}, "!! TypeError: str.find() takes no keyword arguments"},
    {S("abcabc"), "rfind", {S("bc")}, {}, "4"},
    {S("abcabc"), "rfind", {S("bc"), I(2)}, {}, "4"},
    {S("abcabc"), "rfind", {S("bc"), I(-3)}, {}, "4"},
    {S("abcabc"), "rfind", {S("bc"), I(0), I(4)}, {}, "1"},
    {S("abcabc"), "rfind", {S("x")}, {}, "-1"},
    {S("abcabc"), "rfind", {S("")}, {}, "6"},
    {S("abcabc"), "rfind", {S(""), I(7)}, {}, "-1"},
    {S("abcabc"), "rfind", {S(""), I(6)}, {}, "6"},
    {S("a\xf0""\x9f""\x98""\x80""b\xf0""\x9f""\x98""\x80""c"), "rfind", {S("\xf0""\x9f""\x98""\x80""")}, {}, "3"},
    {S("\xce""\xb1""\xce""\xb2""\xce""\xb3"" \xce""\xb1""\xce""\xb2"""), "rfind", {S("\xce""\xb2"""), Ref<>::NewRef(None()), I(-1)}, {}, "1"},
    {S("a"), "rfind", {I(1)}, {}, "!! TypeError: rfind() argument 1 must be str, not int"},
    {S("a"), "rfind", {}, {}, "!! TypeError: rfind expected at least 1 argument, got 0"},
    {S("a"), "rfind", {S("a"), S("x")}, {}, "!! TypeError: slice indices must be integers or None or have an __index__ method"},
    {S("a"), "rfind", {}, {{"sub", S("a")}}, "!! TypeError: str.rfind() takes no keyword arguments"},
    {S("abcabc"), "index", {S("bc")}, {}, "1"},
    {S("abcabc"), "index", {S("bc"), I(2)}, {}, "4"},
    {S("abcabc"), "index", {S("bc"), I(-3)}, {}, "4"},
    {S("abcabc"), "index", {S("bc"), I(0), I(4)}, {}, "1"},
    {S("abcabc"), "index", {S("x")}, {}, "!! ValueError: substring not found"},
    {S("abcabc"), "index", {S("")}, {}, "0"},
    {S("abcabc"), "index", {S(""), I(7)}, {}, "!! ValueError: substring not found"},
    {S("abcabc"), "index", {S(""), I(6)}, {}, "6"},
    {S("a\xf0""\x9f""\x98""\x80""b\xf0""\x9f""\x98""\x80""c"), "index", {S("\xf0""\x9f""\x98""\x80""")}, {}, "1"},
    {S("\xce""\xb1""\xce""\xb2""\xce""\xb3"" \xce""\xb1""\xce""\xb2"""), "index", {S("\xce""\xb2"""), Ref<>::NewRef(None()), I(-1)}, {}, "1"},
    {S("a"), "index", {I(1)}, {}, "!! TypeError: index() argument 1 must be str, not int"},
    {S("a"), "index", {}, {}, "!! TypeError: index expected at least 1 argument, got 0"},
    {S("a"), "index", {S("a"), S("x")}, {}, "!! TypeError: slice indices must be integers or None or have an __index__ method"},
    {S("a"), "index", {}, {{"sub", S("a")}}, "!! TypeError: str.index() takes no keyword arguments"},
    {S("abcabc"), "rindex", {S("bc")}, {}, "4"},
    {S("abcabc"), "rindex", {S("bc"), I(2)}, {}, "4"},
    {S("abcabc"), "rindex", {S("bc"), I(-3)}, {}, "4"},
    {S("abcabc"), "rindex", {S("bc"), I(0), I(4)}, {}, "1"},
    {S("abcabc"), "rindex", {S("x")}, {}, "!! ValueError: substring not found"},
    {S("abcabc"), "rindex", {S("")}, {}, "6"},
    {S("abcabc"), "rindex", {S(""), I(7)}, {}, "!! ValueError: substring not found"},
    {S("abcabc"), "rindex", {S(""), I(6)}, {}, "6"},
    {S("a\xf0""\x9f""\x98""\x80""b\xf0""\x9f""\x98""\x80""c"), "rindex", {S("\xf0""\x9f""\x98""\x80""")}, {}, "3"},
    {S("\xce""\xb1""\xce""\xb2""\xce""\xb3"" \xce""\xb1""\xce""\xb2"""), "rindex", {S("\xce""\xb2"""), Ref<>::NewRef(None()), I(-1)}, {}, "1"},
    {S("a"), "rindex", {I(1)}, {}, "!! TypeError: rindex() argument 1 must be str, not int"},
    {S("a"), "rindex", {}, {}, "!! TypeError: rindex expected at least 1 argument, got 0"},
    {S("a"), "rindex", {S("a"), S("x")}, {}, "!! TypeError: slice indices must be integers or None or have an __index__ method"},
    {S("a"), "rindex", {}, {{"sub", S("a")}}, "!! TypeError: str.rindex() takes no keyword arguments"},
    {S("abcabc"), "count", {S("bc")}, {}, "2"},
    {S("abcabc"), "count", {S("bc"), I(2)}, {}, "1"},
    {S("abcabc"), "count", {S("bc"), I(-3)}, {}, "1"},
    {S("abcabc"), "count", {S("bc"), I(0), I(4)}, {}, "1"},
    {S("abcabc"), "count", {S("x")}, {}, "0"},
    {S("abcabc"), "count", {S("")}, {}, "7"},
    {S("abcabc"), "count", {S(""), I(7)}, {}, "0"},
    {S("abcabc"), "count", {S(""), I(6)}, {}, "1"},
    {S("a\xf0""\x9f""\x98""\x80""b\xf0""\x9f""\x98""\x80""c"), "count", {S("\xf0""\x9f""\x98""\x80""")}, {}, "2"},
    {S("\xce""\xb1""\xce""\xb2""\xce""\xb3"" \xce""\xb1""\xce""\xb2"""), "count", {S("\xce""\xb2"""), Ref<>::NewRef(None()), I(-1)}, {}, "1"},
    {S("a"), "count", {I(1)}, {}, "!! TypeError: count() argument 1 must be str, not int"},
    {S("a"), "count", {}, {}, "!! TypeError: count expected at least 1 argument, got 0"},
    {S("a"), "count", {S("a"), S("x")}, {}, "!! TypeError: slice indices must be integers or None or have an __index__ method"},
    {S("a"), "count", {}, {{"sub", S("a")}}, "!! TypeError: str.count() takes no keyword arguments"},
    {S("aaa"), "replace", {S("a"), S("b")}, {}, "'bbb'"},
    {S("aaa"), "replace", {S("a"), S("b"), I(2)}, {}, "'bba'"},
    {S("aaa"), "replace", {S("a"), S("b")}, {{"count", I(1)}}, "'baa'"},
    {S("abc"), "replace", {S(""), S("-")}, {}, "'-a-b-c-'"},
    {S("abc"), "replace", {S("x"), S("y")}, {}, "'abc'"},
    {S("a\xf0""\x9f""\x98""\x80""b\xf0""\x9f""\x98""\x80""c"), "replace", {S("\xf0""\x9f""\x98""\x80"""), S("\xc3""\xa9""")}, {}, "'a\xc3""\xa9""b\xc3""\xa9""c'"},
    {S("a\xc3""\xa9"""), "replace", {S("\xc3""\xa9"""), S("a")}, {}, "'aa'"},
    {S("a"), "replace", {I(1), S("b")}, {}, "!! TypeError: replace() argument 1 must be str, not int"},
    {S("a"), "replace", {S("a"), I(1)}, {}, "!! TypeError: replace() argument 2 must be str, not int"},
    {S("a"), "replace", {S("a"), S("b"), S("c")}, {}, "!! TypeError: 'str' object cannot be interpreted as an integer"},
    {S("a"), "replace", {S("a")}, {}, "!! TypeError: replace() takes at least 2 positional arguments (1 given)"},
    {S("a"), "replace", {S("a"), S("b"), I(1), I(2)}, {}, "!! TypeError: replace() takes at most 3 arguments (4 given)"},
    {S("a,b,c"), "partition", {S(",")}, {}, "('a', ',', 'b,c')"},
    {S("a,b,c"), "rpartition", {S(",")}, {}, "('a,b', ',', 'c')"},
    {S("abc"), "partition", {S("x")}, {}, "('abc', '', '')"},
    {S("abc"), "rpartition", {S("x")}, {}, "('', '', 'abc')"},
    {S("a"), "partition", {I(1)}, {}, "!! TypeError: must be str, not int"},
    {S("a"), "partition", {S("")}, {}, "!! ValueError: empty separator"},
    {S("a"), "rpartition", {S("")}, {}, "!! ValueError: empty separator"},
    {S("a\xf0""\x9f""\x98""\x80""b\xf0""\x9f""\x98""\x80""c"), "partition", {S("\xf0""\x9f""\x98""\x80""")}, {}, "('a', '\xf0""\x9f""\x98""\x80""', 'b\xf0""\x9f""\x98""\x80""c')"},
    {S("prefix-x"), "removeprefix", {S("prefix-")}, {}, "'x'"},
    {S("x"), "removeprefix", {S("y")}, {}, "'x'"},
    {S("x-suf"), "removesuffix", {S("-suf")}, {}, "'x'"},
    {S("a"), "removeprefix", {I(1)}, {}, "!! TypeError: removeprefix() argument must be str, not int"},
    {S("a"), "removesuffix", {I(1)}, {}, "!! TypeError: removesuffix() argument must be str, not int"},
    {S("a"), "removeprefix", {S("")}, {}, "'a'"},
    {S("a\xf0""\x9f""\x98""\x80""b\xf0""\x9f""\x98""\x80""c"), "removesuffix", {S("\xf0""\x9f""\x98""\x80""c")}, {}, "'a\xf0""\x9f""\x98""\x80""b'"},
    {S("42"), "zfill", {I(5)}, {}, "'00042'"},
    {S("-42"), "zfill", {I(5)}, {}, "'-0042'"},
    {S("+42"), "zfill", {I(2)}, {}, "'+42'"},
    {S(""), "zfill", {I(3)}, {}, "'000'"},
    {S("-"), "zfill", {I(3)}, {}, "'-00'"},
    {S("a"), "zfill", {S("x")}, {}, "!! TypeError: 'str' object cannot be interpreted as an integer"},
    {S("\xce""\xb1""\xce""\xb2""\xce""\xb3"" \xce""\xb1""\xce""\xb2"""), "zfill", {I(8)}, {}, "'00\xce""\xb1""\xce""\xb2""\xce""\xb3"" \xce""\xb1""\xce""\xb2""'"},
    {S("ab"), "ljust", {I(5)}, {}, "'ab   '"},
    {S("ab"), "rjust", {I(5), S("*")}, {}, "'***ab'"},
    {S("ab"), "center", {I(5)}, {}, "'  ab '"},
    {S("ab"), "center", {I(6), S("\xc3""\xa9""")}, {}, "'\xc3""\xa9""\xc3""\xa9""ab\xc3""\xa9""\xc3""\xa9""'"},
    {S("abc"), "center", {I(6)}, {}, "' abc  '"},
    {S("abc"), "center", {I(2)}, {}, "'abc'"},
    {S("a"), "ljust", {S("x")}, {}, "!! TypeError: 'str' object cannot be interpreted as an integer"},
    {S("a"), "ljust", {I(3), S("ab")}, {}, "!! TypeError: The fill character must be exactly one character long"},
    {S("a"), "ljust", {I(3), I(1)}, {}, "!! TypeError: The fill character must be a unicode character, not int"},
    {S("a"), "center", {I(3), S("")}, {}, "!! TypeError: The fill character must be exactly one character long"},
    {S("a"), "rjust", {}, {}, "!! TypeError: rjust expected at least 1 argument, got 0"},
    {S("a\xf0""\x9f""\x98""\x80""b\xf0""\x9f""\x98""\x80""c"), "center", {I(7), S("\xf0""\x9f""\x98""\x80""")}, {}, "'\xf0""\x9f""\x98""\x80""a\xf0""\x9f""\x98""\x80""b\xf0""\x9f""\x98""\x80""c\xf0""\x9f""\x98""\x80""'"},
    {S("a\x09""bc\x09""d"), "expandtabs", {}, {}, "'a       bc      d'"},
    {S("a\x09""b\x0a""c\x09""d"), "expandtabs", {I(4)}, {}, "'a   b\\nc   d'"},
    {S("a\x09""b"), "expandtabs", {}, {{"tabsize", I(2)}}, "'a b'"},
    {S("a\x09""b"), "expandtabs", {I(0)}, {}, "'ab'"},
    {S("a\x09""b"), "expandtabs", {I(-1)}, {}, "'ab'"},
    {S("a"), "expandtabs", {S("x")}, {}, "!! TypeError: 'str' object cannot be interpreted as an integer"},
    {S("a"), "expandtabs", {I(4), I(5)}, {}, "!! TypeError: expandtabs() takes at most 1 argument (2 given)"},
    {S("a\xf0""\x9f""\x98""\x80""b\xf0""\x9f""\x98""\x80""c\x09"""), "expandtabs", {I(3)}, {}, "'a\xf0""\x9f""\x98""\x80""b\xf0""\x9f""\x98""\x80""c '"},
  };
}

TEST_F(StrTextMethodsTest, MatchesCPython) {
  const std::vector<MethodCase> cases = Cases();
  ASSERT_GT(cases.size(), 200u);
  for (const MethodCase& c : cases) {
    EXPECT_EQ(Outcome(c), c.expected) << "method " << c.method;
  }
}

TEST_F(StrTextMethodsTest, ResultsAreNewExactStrs) {
  // Unchanged results of an exact str are the str itself.
  Ref<> s = S("abc");
  Ref<> r = CallMethod(s.get(), "strip", {});
  EXPECT_EQ(r.get(), s.get());
  // Narrowed: removing the only wide character gives a 1-byte string.
  r = CallMethod(S("a\xF0\x9F\x98\x80").get(), "removesuffix", {S("\xF0\x9F\x98\x80").get()});
  ASSERT_TRUE(r);
  EXPECT_EQ(StrKind(r.get()), PyUnicode_1BYTE_KIND);
  EXPECT_TRUE(IsStrExact(r.get()));
}

TEST_F(StrTextMethodsTest, MethodsAreOnTheType) {
  for (const char* name : {"encode", "join", "split", "rsplit", "splitlines", "strip", "lstrip",
                           "rstrip", "startswith", "endswith", "find", "rfind", "index",
                           "rindex", "count", "replace", "partition", "rpartition",
                           "removeprefix", "removesuffix", "zfill", "ljust", "rjust", "center",
                           "expandtabs"}) {
    Ref<> m = GetAttrString(reinterpret_cast<PyObject*>(StrType()), name);
    EXPECT_TRUE(m) << name << TakeError();
  }
}

TEST_F(StrTextMethodsTest, SharedBetweenThreads) {
  Ref<> s = S("k\xCE\xB1=v\xF0\x9F\x98\x80, k\xCE\xB2=w ");
  constexpr int kThreads = 8;
  std::atomic<int> failures{0};
  RunThreads(kThreads, [&](int t) {
    for (int i = 0; i < 200; ++i) {
      Ref<> parts = CallMethod(s.get(), (i + t) % 2 ? "split" : "rsplit", {S(",").get()});
      Ref<> stripped = CallMethod(s.get(), "strip", {});
      Ref<> found = CallMethod(s.get(), "find", {S("\xF0\x9F\x98\x80").get()});
      Ref<> enc = CallMethod(s.get(), "encode", {});
      const bool ok = parts && ListSize(parts.get()) == 2 && stripped &&
                      StrLength(stripped.get()) == StrLength(s.get()) - 1 && found &&
                      *IntAsInt64(found.get()) == 4 && enc && BytesSize(enc.get()) == 17;
      if (!ok) failures.fetch_add(1, std::memory_order_relaxed);
    }
  });
  EXPECT_EQ(failures.load(std::memory_order_relaxed), 0);
}

}  // namespace
}  // namespace ftrt
