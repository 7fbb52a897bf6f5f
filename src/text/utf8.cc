// UTF-8 validation and lower-casing.
//
// Validation follows Unicode Table 3-7 (well-formed byte sequences): overlong forms,
// surrogates (U+D800..U+DFFF) and code points above U+10FFFF are rejected.
//
// Lower-casing is a simple per-code-point mapping, enough to make ticket words compare
// equal regardless of case: ASCII, and the 2-byte ranges Latin-1 Supplement, Latin
// Extended-A, the Romanian/Latin Extended-B pairs U+0200..U+0233, Greek, Cyrillic
// (U+0400..U+052F) and Armenian. U+0130 (İ) becomes ASCII 'i'. Everything else passes
// through unchanged, so the output is never longer than the input.

#include <array>
#include <cstring>

#include "text/internal.h"
#include "text/text.h"

namespace fl::text {
namespace {

// Lower case of a code point below U+0800 (the 2-byte range), or cp itself.
constexpr uint32_t LowerTwoByte(uint32_t cp) {
  const bool even = cp % 2 == 0;
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 0x20;  // À..Þ, not ×
  if (cp == 0x130) return 'i';                                   // İ
  if (cp >= 0x100 && cp <= 0x137) return even ? cp + 1 : cp;     // Ā..ķ
  if (cp >= 0x139 && cp <= 0x148) return even ? cp : cp + 1;     // Ĺ..ň
  if (cp >= 0x14A && cp <= 0x177) return even ? cp + 1 : cp;     // Ŋ..ŷ
  if (cp == 0x178) return 0xFF;                                  // Ÿ
  if (cp >= 0x179 && cp <= 0x17E) return even ? cp : cp + 1;     // Ź..ž
  if (cp >= 0x200 && cp <= 0x21F) return even ? cp + 1 : cp;     // Ȁ..ȟ (Ș, Ț)
  if (cp >= 0x222 && cp <= 0x233) return even ? cp + 1 : cp;     // Ȣ..ȳ
  if (cp == 0x386) return 0x3AC;                                 // Ά
  if (cp >= 0x388 && cp <= 0x38A) return cp + 0x25;              // Έ Ή Ί
  if (cp == 0x38C) return 0x3CC;                                 // Ό
  if (cp == 0x38E || cp == 0x38F) return cp + 0x3F;              // Ύ Ώ
  if (cp >= 0x391 && cp <= 0x3AB && cp != 0x3A2) return cp + 0x20;  // Α..Ϋ
  if (cp >= 0x400 && cp <= 0x40F) return cp + 0x50;              // Ѐ..Џ
  if (cp >= 0x410 && cp <= 0x42F) return cp + 0x20;              // А..Я
  if (cp >= 0x460 && cp <= 0x481) return even ? cp + 1 : cp;     // Ѡ..ҁ
  if (cp >= 0x48A && cp <= 0x4BF) return even ? cp + 1 : cp;     // Ҋ..ҿ
  if (cp == 0x4C0) return 0x4CF;                                 // Ӏ
  if (cp >= 0x4C1 && cp <= 0x4CE) return even ? cp : cp + 1;     // Ӂ..ӎ
  if (cp >= 0x4D0 && cp <= 0x52F) return even ? cp + 1 : cp;     // Ӑ..ԯ
  if (cp >= 0x531 && cp <= 0x556) return cp + 0x30;              // Armenian Ա..Ֆ
  return cp;
}

struct LowerTables {
  std::array<char, 128> ascii{};
  std::array<uint16_t, 0x800> two_byte{};  // indexed by code point < U+0800
};

constexpr LowerTables MakeLowerTables() {
  LowerTables t;
  for (int c = 0; c < 128; ++c) t.ascii[c] = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  for (uint32_t cp = 0; cp < 0x800; ++cp) t.two_byte[cp] = static_cast<uint16_t>(LowerTwoByte(cp));
  return t;
}

constexpr LowerTables kLower = MakeLowerTables();

inline bool AllAscii8(const unsigned char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return (v & 0x8080808080808080ULL) == 0;
}

}  // namespace

bool IsValidUtf8(std::string_view s, size_t* bad_offset) {
  const auto* const begin = reinterpret_cast<const unsigned char*>(s.data());
  const auto* const end = begin + s.size();
  const auto* p = begin;
  while (p < end) {
    if (end - p >= 8 && AllAscii8(p)) {
      p += 8;
      continue;
    }
    uint32_t cp;
    const int len = internal::DecodeUtf8(p, end, &cp);
    if (len == 0) {
      if (bad_offset != nullptr) *bad_offset = static_cast<size_t>(p - begin);
      return false;
    }
    p += len;
  }
  return true;
}

std::string ToLower(std::string_view s) {
  std::string out;
  internal::AppendLower(s, /*fold_apostrophe=*/false, &out);
  return out;
}

namespace internal {

void AppendLower(std::string_view s, bool fold_apostrophe, std::string* out) {
  const size_t old_size = out->size();
  out->resize(old_size + s.size());  // every mapping keeps or shrinks the length
  char* w = out->data() + old_size;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* const end = p + s.size();
  while (p < end) {
    const unsigned c = *p;
    if (c < 0x80) {
      *w++ = kLower.ascii[c];
      ++p;
    } else if (c >= 0xC2 && c < 0xE0 && end - p >= 2 && (p[1] & 0xC0) == 0x80) {
      const uint32_t lower = kLower.two_byte[((c & 0x1Fu) << 6) | (p[1] & 0x3Fu)];
      if (lower < 0x80) {
        *w++ = static_cast<char>(lower);
      } else {
        *w++ = static_cast<char>(0xC0 | (lower >> 6));
        *w++ = static_cast<char>(0x80 | (lower & 0x3F));
      }
      p += 2;
    } else if (fold_apostrophe && c == 0xE2 && end - p >= 3 && p[1] == 0x80 && p[2] == 0x99) {
      *w++ = '\'';
      p += 3;
    } else {
      *w++ = static_cast<char>(c);
      ++p;
    }
  }
  out->resize(static_cast<size_t>(w - out->data()));
}

std::string_view TrimSpace(std::string_view s) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  size_t b = 0, e = s.size();
  while (b < e && is_space(s[b])) ++b;
  while (e > b && is_space(s[e - 1])) --e;
  return s.substr(b, e - b);
}

}  // namespace internal
}  // namespace fl::text
