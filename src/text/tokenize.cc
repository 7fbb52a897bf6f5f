// Ticket-aware tokeniser: one pass over the bytes, no regex, no allocation besides the
// token strings themselves (short ones stay in the string's inline buffer).
//
// Characters fall into three classes:
//   word       ASCII letters and digits, '_', and every non-ASCII character that is not
//              punctuation, a symbol or a space (é, ü, Cyrillic, CJK, combining marks);
//              bytes that are not well-formed UTF-8 also count as word bytes.
//   connector  . - : @ \ / ' and U+2019 (’): kept only *between* word characters.
//   separator  everything else (spaces, controls, other ASCII punctuation, non-ASCII
//              punctuation/symbols such as « » “ ” — … NBSP, emoji).
//
// A token is a run of word characters joined by single connectors. The joining rules:
//   . - @ \ / '   join when the next character is a word character, so "srv01.corp.local",
//                 "10.0.19045", "a.b@c.com", "DOMAIN\user", "and/or", "wi-fi", "can't"
//                 stay whole, while "server01." and "users'" lose the trailing mark.
//   :             joins in two cases only: a drive letter ("C:\", "C:/") followed by a word
//                 character, and a run of digits after a token that is an IPv4 address,
//                 hostname or number ("10.2.3.4:8080", "srv01.corp:443", "12:30:05").
//                 "error:0x80070005" is two tokens.
// A token may start with '/' (Unix path: "/var/log/syslog"), or one or two '\' (UNC path)
// when the slash follows a separator or the start of the text and precedes a word char.
// Tokens made of '_' only are dropped. Tokens are lower-cased (see ToLower) and ’ inside a
// token is written as '.

#include <algorithm>

#include "text/internal.h"
#include "text/text.h"

namespace fl::text {
namespace {

using internal::DecodeUtf8;
using uchar = unsigned char;

// Bits of kClass for ASCII bytes.
constexpr uint8_t kWordBit = 1;       // [A-Za-z0-9_]
constexpr uint8_t kAlnumBit = 2;      // [A-Za-z0-9]
constexpr uint8_t kDigitBit = 4;      // [0-9]
constexpr uint8_t kAlphaBit = 8;      // [A-Za-z]
constexpr uint8_t kConnectorBit = 16; // . - : @ \ / '

struct ClassTable {
  uint8_t c[128]{};
};

constexpr ClassTable MakeClassTable() {
  ClassTable t;
  for (int i = 0; i < 128; ++i) {
    const bool digit = i >= '0' && i <= '9';
    const bool alpha = (i >= 'a' && i <= 'z') || (i >= 'A' && i <= 'Z');
    uint8_t bits = 0;
    if (digit || alpha || i == '_') bits |= kWordBit;
    if (digit || alpha) bits |= kAlnumBit;
    if (digit) bits |= kDigitBit;
    if (alpha) bits |= kAlphaBit;
    if (i == '.' || i == '-' || i == ':' || i == '@' || i == '\\' || i == '/' || i == '\'') {
      bits |= kConnectorBit;
    }
    t.c[i] = bits;
  }
  return t;
}

constexpr ClassTable kClass = MakeClassTable();

constexpr uint32_t kRightQuote = 0x2019;  // ’, used as an apostrophe

// True for non-ASCII code points that separate words: Latin-1 punctuation and symbols,
// a few script-specific punctuation marks, the general punctuation, symbol, arrow, box and
// dingbat blocks, CJK and fullwidth punctuation, BOM/variation selectors, and emoji.
bool IsSeparatorCodePoint(uint32_t cp) {
  if (cp < 0x100) {
    if (cp <= 0xBF) return cp != 0xAA && cp != 0xB5 && cp != 0xBA;  // ª µ º are letters
    return cp == 0xD7 || cp == 0xF7;                                 // × ÷
  }
  if (cp < 0x2000) {
    switch (cp) {
      case 0x37E: case 0x387:                          // Greek ; and ·
      case 0x589: case 0x5BE: case 0x5C0: case 0x5C3:  // Armenian/Hebrew punctuation
      case 0x60C: case 0x61B: case 0x61F: case 0x6D4:  // Arabic , ; ? .
      case 0x964: case 0x965:                          // Devanagari danda
        return true;
      default:
        return false;
    }
  }
  if (cp <= 0x2BFF) return true;                   // punctuation, symbols, arrows, boxes...
  if (cp >= 0x2E00 && cp <= 0x2E7F) return true;   // supplemental punctuation
  if (cp >= 0x3000 && cp <= 0x303F) return true;   // CJK symbols and punctuation
  if (cp >= 0xFE00 && cp <= 0xFE0F) return true;   // variation selectors
  if (cp >= 0xFE10 && cp <= 0xFE1F) return true;   // vertical forms
  if (cp >= 0xFE30 && cp <= 0xFE6F) return true;   // CJK compatibility / small forms
  if (cp == 0xFEFF || cp == 0xFFFD) return true;   // BOM / ZWNBSP, replacement character
  if (cp >= 0xFF01 && cp <= 0xFF0F) return true;   // fullwidth ! .. /
  if (cp >= 0xFF1A && cp <= 0xFF20) return true;   // fullwidth : .. @
  if (cp >= 0xFF3B && cp <= 0xFF40) return true;   // fullwidth [ .. `
  if (cp >= 0xFF5B && cp <= 0xFF65) return true;   // fullwidth { .. ･
  if (cp >= 0x1F000 && cp <= 0x1FAFF) return true; // emoji, pictographs
  return false;
}

// What the scanner sees at one position.
enum class Kind : uint8_t { kSeparator, kWord, kConnector };

struct Char {
  Kind kind;
  int len;  // bytes
};

// Non-ASCII part of Classify, out of line to keep the ASCII loops small.
Char ClassifyNonAscii(const uchar* p, const uchar* end) {
  uint32_t cp;
  const int len = DecodeUtf8(p, end, &cp);
  if (len == 0) return {Kind::kWord, 1};  // invalid byte: kept as is
  if (cp == kRightQuote) return {Kind::kConnector, len};
  if (IsSeparatorCodePoint(cp)) return {Kind::kSeparator, len};
  return {Kind::kWord, len};
}

inline Char Classify(const uchar* p, const uchar* end) {
  const uchar c = *p;
  if (c >= 0x80) return ClassifyNonAscii(p, end);
  const uint8_t bits = kClass.c[c];
  if (bits & kWordBit) return {Kind::kWord, 1};
  if (bits & kConnectorBit) return {Kind::kConnector, 1};
  return {Kind::kSeparator, 1};
}

inline bool IsWordAt(const uchar* p, const uchar* end) {
  return p < end && Classify(p, end).kind == Kind::kWord;
}

// A '/' or '\' may open a token only after a separator (or at the start): "see /var/log"
// opens a path, while "https://x" and "a//b" do not open one at the second slash.
inline bool MayOpenPath(const uchar* begin, const uchar* p) {
  if (p == begin) return true;
  const uchar prev = p[-1];
  if (prev >= 0x80) return false;
  return (kClass.c[prev] & kWordBit) == 0 && prev != '/' && prev != '\\' && prev != ':';
}

// If a token can start at p with a leading slash, returns the number of slash bytes to
// include (1 for '/', 1 or 2 for '\'); else 0.
inline int LeadingSlashes(const uchar* begin, const uchar* p, const uchar* end) {
  if (!MayOpenPath(begin, p)) return 0;
  if (*p == '/') return IsWordAt(p + 1, end) ? 1 : 0;
  if (*p == '\\') {
    if (IsWordAt(p + 1, end)) return 1;
    if (p + 1 < end && p[1] == '\\' && IsWordAt(p + 2, end)) return 2;
  }
  return 0;
}

// True when p starts a run of ASCII digits that is followed by a non-word character (or
// the end): the port in "10.2.3.4:8080", the minutes in "12:30".
inline bool DigitsOnlyAt(const uchar* p, const uchar* end) {
  const uchar* q = p;
  while (q < end && *q < 0x80 && (kClass.c[*q] & kDigitBit)) ++q;
  return q > p && !IsWordAt(q, end);
}

// True when [p, end) holds only ASCII digits and ':' ("12", "12:30").
inline bool OnlyDigitsAndColons(const uchar* p, const uchar* end) {
  for (; p < end; ++p) {
    if (*p != ':' && (*p >= 0x80 || (kClass.c[*p] & kDigitBit) == 0)) return false;
  }
  return true;
}

// True unless the token [p, end), which starts with a word character, is only '_' (and
// connectors): "__init__" is a token, "____" is not.
inline bool HasAlnum(const uchar* p, const uchar* end) {
  if (*p != '_') return true;  // any other word character is a letter, digit or non-ASCII
  for (; p < end; ++p) {
    if (*p >= 0x80 || (kClass.c[*p] & kAlnumBit)) return true;
  }
  return false;
}

// Appends the token [start, end) lower-cased. ASCII tokens (the common case) skip the
// general UTF-8 path.
void EmitToken(const uchar* start, const uchar* end, bool ascii, std::vector<std::string>* tokens) {
  const size_t len = static_cast<size_t>(end - start);
  if (ascii) {
    std::string& t = tokens->emplace_back(reinterpret_cast<const char*>(start), len);
    for (char& c : t) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  } else {
    internal::AppendLower(std::string_view(reinterpret_cast<const char*>(start), len),
                          /*fold_apostrophe=*/true, &tokens->emplace_back());
  }
}

}  // namespace

std::vector<std::string> Tokenize(std::string_view text) {
  std::vector<std::string> tokens;
  tokens.reserve(std::min<size_t>(text.size() / 8 + 1, 4096));
  const auto* const begin = reinterpret_cast<const uchar*>(text.data());
  const auto* const end = begin + text.size();
  const uchar* p = begin;
  while (p < end) {
    // Find where the next token starts.
    while (p < end && *p < 0x80 && (kClass.c[*p] & (kWordBit | kConnectorBit)) == 0) ++p;
    if (p >= end) break;
    const Char first = Classify(p, end);
    int lead = 0;
    if (first.kind != Kind::kWord) {
      if (first.kind == Kind::kConnector) lead = LeadingSlashes(begin, p, end);
      if (lead == 0) {
        p += first.len;
        continue;
      }
    }

    // Extend it over word runs and joining connectors.
    const uchar* const start = p;
    const uchar* q = p + lead;
    bool ascii = true;
    bool has_dot = false;  // hostname, IPv4, version
    for (;;) {
      while (q < end) {
        if (*q < 0x80) {
          if ((kClass.c[*q] & kWordBit) == 0) break;
          ++q;
        } else {
          const Char ch = ClassifyNonAscii(q, end);
          if (ch.kind != Kind::kWord) break;
          ascii = false;
          q += ch.len;
        }
      }
      if (q >= end) break;
      const Char ch = Classify(q, end);
      if (ch.kind != Kind::kConnector) break;
      const uchar c = *q;
      if (c == ':') {
        // Drive letter: "C:\Users", "C:/Windows".
        if (q == start + 1 && *start < 0x80 && (kClass.c[*start] & kAlphaBit) &&
            q + 1 < end && (q[1] == '\\' || q[1] == '/') && IsWordAt(q + 2, end)) {
          q += 2;
          continue;
        }
        // Port or time: "10.2.3.4:8080", "host.local:443", "12:30:05".
        if ((has_dot || OnlyDigitsAndColons(start, q)) && DigitsOnlyAt(q + 1, end)) {
          q += 1;
          continue;
        }
        break;
      }
      if (!IsWordAt(q + ch.len, end)) break;  // trailing or doubled punctuation
      if (c == '.') has_dot = true;
      if (ch.len > 1) ascii = false;  // ’
      q += ch.len;
    }

    if (HasAlnum(start + lead, q)) EmitToken(start, q, ascii, &tokens);
    p = q;
  }
  return tokens;
}

}  // namespace fl::text
