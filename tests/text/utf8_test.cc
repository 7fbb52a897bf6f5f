#include <gtest/gtest.h>

#include <string>

#include "text/text.h"

namespace fl::text {
namespace {

TEST(IsValidUtf8, AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ASCII text, long enough for the 8-byte fast path"));
  EXPECT_TRUE(IsValidUtf8("caf\xC3\xA9"));                 // é (2 bytes)
  EXPECT_TRUE(IsValidUtf8("\xE2\x82\xAC"));                // € (3 bytes)
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x91\x8D"));            // 👍 (4 bytes)
  EXPECT_TRUE(IsValidUtf8("\xC2\x80"));                    // U+0080, smallest 2-byte
  EXPECT_TRUE(IsValidUtf8("\xE0\xA0\x80"));                // U+0800, smallest 3-byte
  EXPECT_TRUE(IsValidUtf8("\xED\x9F\xBF"));                // U+D7FF, just below surrogates
  EXPECT_TRUE(IsValidUtf8("\xEE\x80\x80"));                // U+E000, just above surrogates
  EXPECT_TRUE(IsValidUtf8("\xEF\xBF\xBF"));                // U+FFFF
  EXPECT_TRUE(IsValidUtf8("\xF0\x90\x80\x80"));            // U+10000, smallest 4-byte
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));            // U+10FFFF, largest
  EXPECT_TRUE(IsValidUtf8(std::string("a\0b", 3)));        // NUL is valid UTF-8
}

struct BadCase {
  const char* name;
  std::string bytes;
  size_t offset;
};

TEST(IsValidUtf8, RejectsMalformedAndReportsOffset) {
  const BadCase cases[] = {
      {"stray continuation", "ab\x80", 2},
      {"lone lead at end", "abc\xC3", 3},
      {"lead without continuation", "\xC3" "a", 0},
      {"overlong 2-byte NUL", "x\xC0\x80", 1},
      {"overlong 2-byte C1", "\xC1\xBF", 0},
      {"overlong 3-byte", "\xE0\x80\xAF", 0},
      {"overlong 3-byte just below U+0800", "\xE0\x9F\xBF", 0},
      {"overlong 4-byte", "\xF0\x80\x80\xAF", 0},
      {"overlong 4-byte just below U+10000", "\xF0\x8F\xBF\xBF", 0},
      {"high surrogate", "ok \xED\xA0\x80", 3},
      {"low surrogate", "\xED\xBF\xBF", 0},
      {"above U+10FFFF", "\xF4\x90\x80\x80", 0},
      {"F5 lead", "\xF5\x80\x80\x80", 0},
      {"FF byte", "abc\xFF", 3},
      {"truncated 3-byte", "\xE2\x82", 0},
      {"truncated 4-byte", "\xF0\x9F\x91", 0},
      {"bad third byte", "\xE2\x82(", 0},
      {"after ASCII fast path", "0123456789abcdef\x80", 16},
      {"after multibyte", "\xC3\xA9\xC3\xA9\xFE", 4},
  };
  for (const BadCase& c : cases) {
    size_t offset = 999;
    EXPECT_FALSE(IsValidUtf8(c.bytes, &offset)) << c.name;
    EXPECT_EQ(offset, c.offset) << c.name;
    EXPECT_FALSE(IsValidUtf8(c.bytes)) << c.name << " (no offset pointer)";
  }
}

TEST(ToLower, Ascii) {
  EXPECT_EQ(ToLower("Hello WORLD 123 _-!"), "hello world 123 _-!");
  EXPECT_EQ(ToLower(""), "");
}

TEST(ToLower, LatinSupplementAndExtendedA) {
  EXPECT_EQ(ToLower("CAF\xC3\x89"), "caf\xC3\xA9");                  // CAFÉ -> café
  EXPECT_EQ(ToLower("M\xC3\x9CLLER"), "m\xC3\xBCller");              // MÜLLER -> müller
  EXPECT_EQ(ToLower("\xC3\x80\xC3\x9E"), "\xC3\xA0\xC3\xBE");        // ÀÞ -> àþ
  EXPECT_EQ(ToLower("\xC3\x97"), "\xC3\x97");                        // × unchanged
  EXPECT_EQ(ToLower("\xC3\x9F"), "\xC3\x9F");                        // ß unchanged
  EXPECT_EQ(ToLower("\xC5\x81\xC3\x93\xC4\x8E\xC5\xB9"),              // ŁÓĎŹ
            "\xC5\x82\xC3\xB3\xC4\x8F\xC5\xBA");                     // łóďź
  EXPECT_EQ(ToLower("\xC4\xBD\xC5\x87"), "\xC4\xBE\xC5\x88");        // ĽŇ -> ľň (odd uppers)
  EXPECT_EQ(ToLower("\xC5\xB8"), "\xC3\xBF");                        // Ÿ -> ÿ
  EXPECT_EQ(ToLower("\xC4\xB0STANBUL"), "istanbul");                 // İ -> i
  EXPECT_EQ(ToLower("\xC8\x98\xC8\x9A"), "\xC8\x99\xC8\x9B");        // ȘȚ -> șț
}

TEST(ToLower, GreekCyrillicArmenian) {
  EXPECT_EQ(ToLower("\xCE\x91\xCE\x92\xCE\x93\xCE\xA9"),              // ΑΒΓΩ
            "\xCE\xB1\xCE\xB2\xCE\xB3\xCF\x89");                      // αβγω
  EXPECT_EQ(ToLower("\xCE\x86\xCE\x88\xCE\x8C\xCE\x8F"),              // ΆΈΌΏ
            "\xCE\xAC\xCE\xAD\xCF\x8C\xCF\x8E");                      // άέόώ
  EXPECT_EQ(ToLower("\xD0\x9F\xD0\xA0\xD0\x98\xD0\x92\xD0\x95\xD0\xA2"),  // ПРИВЕТ
            "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82");          // привет
  EXPECT_EQ(ToLower("\xD0\x81\xD0\x84\xD0\x87"), "\xD1\x91\xD1\x94\xD1\x97");  // ЁЄЇ -> ёєї
  EXPECT_EQ(ToLower("\xD2\x90"), "\xD2\x91");                        // Ґ -> ґ
  EXPECT_EQ(ToLower("\xD4\xB1"), "\xD5\xA1");                        // Ա -> ա
}

TEST(ToLower, LeavesLowercaseOtherScriptsAndInvalidBytesAlone) {
  const std::string already = "caf\xC3\xA9 \xD0\xBF\xD1\x80\xD0\xB8 \xCE\xB1\xCE\xB2";
  EXPECT_EQ(ToLower(already), already);
  EXPECT_EQ(ToLower("\xE2\x82\xAC \xE4\xB8\xAD \xF0\x9F\x91\x8D"),   // € 中 👍
            "\xE2\x82\xAC \xE4\xB8\xAD \xF0\x9F\x91\x8D");
  EXPECT_EQ(ToLower("A\xFF" "B\xC3"), "a\xFF" "b\xC3");              // invalid kept as is
  EXPECT_EQ(ToLower("\xE2\x80\x99"), "\xE2\x80\x99");                // ’ not folded here
}

TEST(ToLower, IsIdempotent) {
  const std::string s = "\xC3\x89T\xC3\x89 \xD0\x9C\xD0\x9E\xD0\xA1\xD0\x9A\xD0\x92\xD0\x90 X";
  EXPECT_EQ(ToLower(ToLower(s)), ToLower(s));
}

}  // namespace
}  // namespace fl::text
