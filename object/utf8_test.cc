// Tests for object/utf8.h: scanning, decoding at each width, encoding, and
// CPython's error messages for invalid input.
#include "object/utf8.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "object/errors.h"

namespace ftrt {
namespace {

std::vector<Py_UCS4> Decode(absl::string_view s) {
  absl::StatusOr<Utf8Scan> scan = ScanUtf8(s);
  EXPECT_TRUE(scan.ok()) << scan.status();
  if (!scan.ok()) return {};
  std::vector<Py_UCS4> out(static_cast<size_t>(scan->length));
  DecodeUtf8(s, PyUnicode_4BYTE_KIND, out.data());
  return out;
}

std::string Encode(const std::vector<Py_UCS4>& cps) {
  absl::StatusOr<size_t> n =
      Utf8EncodedSize(PyUnicode_4BYTE_KIND, cps.data(), static_cast<Py_ssize_t>(cps.size()));
  EXPECT_TRUE(n.ok()) << n.status();
  if (!n.ok()) return "";
  std::string out(*n, '\0');
  EncodeUtf8(PyUnicode_4BYTE_KIND, cps.data(), static_cast<Py_ssize_t>(cps.size()), out.data());
  return out;
}

TEST(Utf8Test, ScanFindsLengthAndWidestCharacter) {
  absl::StatusOr<Utf8Scan> ascii = ScanUtf8("hello, world: a long ascii run");
  ASSERT_TRUE(ascii.ok());
  EXPECT_EQ(ascii->length, 30);
  EXPECT_EQ(ascii->max_char, 0u);
  EXPECT_EQ(ScanUtf8("h\xc3\xa9llo")->max_char, 0xE9u);
  EXPECT_EQ(ScanUtf8("\xe2\x82\xac")->max_char, 0x20ACu);
  EXPECT_EQ(ScanUtf8("x\xf0\x9f\x98\x80")->max_char, 0x1F600u);
  EXPECT_EQ(ScanUtf8("x\xf0\x9f\x98\x80")->length, 2);
  EXPECT_EQ(KindForMaxChar(0x7F), PyUnicode_1BYTE_KIND);
  EXPECT_EQ(KindForMaxChar(0xFF), PyUnicode_1BYTE_KIND);
  EXPECT_EQ(KindForMaxChar(0x100), PyUnicode_2BYTE_KIND);
  EXPECT_EQ(KindForMaxChar(0xFFFF), PyUnicode_2BYTE_KIND);
  EXPECT_EQ(KindForMaxChar(0x10000), PyUnicode_4BYTE_KIND);
}

TEST(Utf8Test, RoundTripsEveryBoundary) {
  const std::vector<Py_UCS4> cps = {0,       0x7F,     0x80,   0x7FF,  0x800,
                                    0xD7FF,  0xE000,   0xFFFD, 0xFFFF, 0x10000,
                                    0x1F600, 0x10FFFF, 'a',    0xE9,   0x20AC};
  const std::string utf8 = Encode(cps);
  EXPECT_EQ(Decode(utf8), cps);
}

TEST(Utf8Test, DecodesAtEachWidth) {
  const std::string s = "a\xc3\xa9\xe2\x82\xac";  // a, U+00E9, U+20AC
  std::vector<Py_UCS2> two(3);
  DecodeUtf8(s, PyUnicode_2BYTE_KIND, two.data());
  EXPECT_EQ(two, (std::vector<Py_UCS2>{'a', 0xE9, 0x20AC}));
  std::vector<Py_UCS1> one(2);
  DecodeUtf8("a\xc3\xa9", PyUnicode_1BYTE_KIND, one.data());
  EXPECT_EQ(one, (std::vector<Py_UCS1>{'a', 0xE9}));
}

struct BadInput {
  std::string bytes;
  std::string message;
};

TEST(Utf8Test, InvalidInputGivesCPythonsMessages) {
  const BadInput cases[] = {
      {"\xff", "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"},
      {"\xc3", "'utf-8' codec can't decode byte 0xc3 in position 0: unexpected end of data"},
      {"\xe2\x82", "'utf-8' codec can't decode bytes in position 0-1: unexpected end of data"},
      {"\xe2\x82(", "'utf-8' codec can't decode bytes in position 0-1: invalid continuation byte"},
      {"abc\xc3(", "'utf-8' codec can't decode byte 0xc3 in position 3: invalid continuation byte"},
      // Overlong, surrogate, above U+10FFFF, truncated 4-byte, stray
      // continuation byte.
      {"\xc0\x80", "'utf-8' codec can't decode byte 0xc0 in position 0: invalid start byte"},
      {"\xed\xa0\x80",
       "'utf-8' codec can't decode byte 0xed in position 0: invalid continuation byte"},
      {"\xf4\x90\x80\x80",
       "'utf-8' codec can't decode byte 0xf4 in position 0: invalid continuation byte"},
      {"\xf0\x9f\x98", "'utf-8' codec can't decode bytes in position 0-2: unexpected end of data"},
      {"a\x80", "'utf-8' codec can't decode byte 0x80 in position 1: invalid start byte"},
      // After a long ASCII run (the word-at-a-time path).
      {"0123456789abcdef\xfe",
       "'utf-8' codec can't decode byte 0xfe in position 16: invalid start byte"},
  };
  for (const BadInput& c : cases) {
    absl::StatusOr<Utf8Scan> scan = ScanUtf8(c.bytes);
    ASSERT_FALSE(scan.ok());
    EXPECT_EQ(KindOf(scan.status()), ErrorKind::kUnicodeDecodeError);
    EXPECT_TRUE(IsError(scan.status(), ErrorKind::kValueError));
    EXPECT_EQ(scan.status().message(), c.message);
  }
}

TEST(Utf8Test, EncodingASurrogateFails) {
  const Py_UCS2 s[] = {'a', 0xD800};
  absl::StatusOr<size_t> n = Utf8EncodedSize(PyUnicode_2BYTE_KIND, s, 2);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(KindOf(n.status()), ErrorKind::kUnicodeEncodeError);
  EXPECT_EQ(n.status().message(),
            "'utf-8' codec can't encode character '\\ud800' in position 1: surrogates not "
            "allowed");
}

}  // namespace
}  // namespace ftrt
