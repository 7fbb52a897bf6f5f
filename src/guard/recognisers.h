// Private to guard: the built-in recognisers, as data. Each is a PCRE2 pattern (the finding
// is capture group `group`, or the whole match for 0), a base score, an optional
// validator, and context words that raise the score when they occur within 48 bytes
// before the finding. Also the lookups that guard.cc and pseudonym.cc share: ranges of
// findings by overlap, whole-word occurrences of values.
#pragma once

#include <cctype>
#include <iterator>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace fl::guard::internal {

using Validator = bool (*)(std::string_view);

// Disjoint [start, end) ranges of a text, each with a value, found by overlap in O(log n):
// the findings kept so far, the protected spans, the marks of a redaction. Scanning a
// list instead made a hostile megabyte of names and numbers take minutes.
class Ranges {
 public:
  // The value of the range that overlaps [s, e), or nullptr.
  size_t* Overlapping(size_t s, size_t e) {
    auto it = map_.lower_bound(s);
    if (it != map_.end() && it->first < e) return &it->second.second;
    if (it != map_.begin() && std::prev(it)->second.first > s) return &std::prev(it)->second.second;
    return nullptr;
  }
  void Add(size_t s, size_t e, size_t value) { map_.emplace(s, std::make_pair(e, value)); }

 private:
  std::map<size_t, std::pair<size_t, size_t>> map_;  // start -> (end, value)
};

// A byte of a word: letters, digits, '_' and every byte of a multi-byte UTF-8 character.
inline bool IsWordByte(char c) { return std::isalnum(static_cast<unsigned char>(c)) || (c & 0x80) || c == '_'; }

// The whole-word occurrences of values in a text. The first few values are searched for;
// after that, an index of where each word starts is built once and a value is found from
// its first word's positions (thousands of distinct values, each searched for in the
// whole text, were quadratic).
class WordIndex {
 public:
  explicit WordIndex(std::string_view text) : text_(text) {}

  // fn(at) for each occurrence of value in the text that is whole words: no word byte
  // just before or after it. In order of position.
  template <class Fn>
  void ForEachWholeWord(std::string_view value, Fn fn) {
    if (value.empty()) return;
    auto whole = [&](size_t at) {
      const size_t end = at + value.size();
      return !(at > 0 && IsWordByte(text_[at - 1])) && !(end < text_.size() && IsWordByte(text_[end]));
    };
    if (++lookups_ <= kSearches || !IsWordByte(value[0])) {  // search
      for (size_t at = text_.find(value); at != std::string_view::npos; at = text_.find(value, at + 1))
        if (whole(at)) fn(at);
      return;
    }
    if (starts_.empty()) Build();
    size_t first = 0;
    while (first < value.size() && IsWordByte(value[first])) ++first;
    const auto it = starts_.find(value.substr(0, first));
    if (it == starts_.end()) return;
    for (size_t at : it->second)
      if (text_.compare(at, value.size(), value) == 0 && whole(at)) fn(at);
  }

 private:
  static constexpr int kSearches = 8;
  void Build() {
    for (size_t i = 0; i < text_.size();) {
      if (!IsWordByte(text_[i])) {
        ++i;
        continue;
      }
      size_t end = i;
      while (end < text_.size() && IsWordByte(text_[end])) ++end;
      starts_[text_.substr(i, end - i)].push_back(i);
      i = end;
    }
  }
  std::string_view text_;
  int lookups_ = 0;
  std::unordered_map<std::string_view, std::vector<size_t>> starts_;
};

struct Recogniser {
  const char* name;
  const char* type;
  const char* pattern;
  int group;
  double score;
  Validator validate;    // null: none
  const char* context;   // '|'-separated lower-case words; null: none
  double context_boost;
  bool skip_after_version;  // drop when "version", "build", "v" ... precedes it
  // '|'-separated literals of which one must occur in the text for the pattern to be run
  // at all (a cheap prefilter: most texts have no '@', "://" or "-----BEGIN"); null: none.
  const char* require = nullptr;
  // '|'-separated lower-case words that drop a finding when they occur in the 16 bytes
  // before it ("Seq: 3226706533", "code 4294967295"); "^word" must start a word, "word$" end one; null: none.
  const char* against = nullptr;
  // '|'-separated lower-case words that drop a finding when they occur in the 48 bytes
  // before it ("driver's license number is 6940579") unless one of `veto_unless` does too
  // ("license renewals: call 555 0132"); null: none.
  const char* veto = nullptr;
  const char* veto_unless = nullptr;
  // '|'-separated lower-case words that drop a finding without a cue when they follow it
  // on its line within 32 bytes: a street's name after a house number ("370 3911 Fourth
  // Avenue"), a unit after a count ("358 0594 rows"); null: none.
  const char* after_against = nullptr;
  // When the match fails `validate`, its longest prefix that ends before a space and
  // passes: for a value written in groups that may run on into the next word
  // ("AT44 5421 4304 4324 4519 from").
  bool trim_at_spaces = false;
  // A veto word counts only when it is nearer the finding than the recogniser's own
  // context word ("SSN 123-45-6789, phone 039722003", not "phone and SSN: 078051120").
  bool veto_if_nearer = false;
};

// The built-in recognisers (names, shapes and secrets; not HOSTNAME, which is built from
// the configured domains).
const std::vector<Recogniser>& BuiltinRecognisers();
// The names of the built-in recognisers whose every match holds a digit: the guard skips
// them on a text without one (prose tickets: about twice as fast).
const std::set<std::string_view>& DigitRecognisers();
// Patterns whose matches are protected: no finding may overlap one (CVE ids, KB numbers,
// HTTP status codes, cloud/product tokens, versions in context).
const std::vector<const char*>& ProtectedPatterns();
// Words that are never a PERSON after a greeting ("Hi team,").
bool IsGreetingStopword(std::string_view word);

bool ValidCard(std::string_view s);
bool ValidSsn(std::string_view s);
bool ValidIpv4(std::string_view s);
bool ValidIpv4Cidr(std::string_view s);  // an address with an optional "/nn" suffix
bool ValidIban(std::string_view s);
bool ValidIpv6(std::string_view s);
bool ValidPhone(std::string_view s);
// A number after a phone's word: a valid phone, or six digits in pairs or triples ("32 12 34").
bool ValidCuedPhone(std::string_view s);
// A number with its "+" or "00" prefix: a valid phone whose country code does not start with 0.
bool ValidInternationalPhone(std::string_view s);
// A national number with its trunk 0: 9 to 11 digits, in at least two groups, and not a
// date followed by a number ("05.11.2024 150").
bool ValidNationalPhone(std::string_view s);
// Nine to eleven digits in one run that can only be a phone number's shape: a North
// American number, a national number with its trunk 0, a Chinese mobile number.
bool ValidBarePhone(std::string_view s);
// A code in brackets and its groups: 9 to 13 digits in all, or 8 in two groups after it.
bool ValidBracketedPhone(std::string_view s);
// 7-12 digits in groups of 2-4, or 2-4 and then 6-7 digits, or an Indian mobile number
// in two halves of 5 ("98765 43210"), a Greek landline's 5-2-3 ("21500 00 806"); no date.
bool ValidGroupedPhone(std::string_view s);
// A date whose day is 1-31 and month 1-12, in either order when the year is last.
bool ValidDate(std::string_view s);
bool ValidSecretEntropy(std::string_view s);
bool ValidPasswordValue(std::string_view s);
bool ValidPersonName(std::string_view s);
// A login built of names ("priya.sharma"): its last part is no file extension or
// top-level domain, and it is no dotted code word ("config.yaml", "example.com").
bool ValidAccountHandle(std::string_view s);
// Whether the digits' Luhn sum is a multiple of 10 (any length; LuhnValid is a card's).
bool LuhnSum(std::string_view digits);
// European national identity numbers, by their check digits and dates (national_ids.cc):
// Spanish DNI / NIE, Italian codice fiscale, Swedish personnummer, Finnish HETU, Norwegian
// fødselsnummer, French NIR, UK National Insurance number, Polish PESEL.
bool ValidSpanishId(std::string_view s);
bool ValidCodiceFiscale(std::string_view s);
bool ValidSwedishId(std::string_view s);
bool ValidFinnishId(std::string_view s);
bool ValidNorwegianId(std::string_view s);
bool ValidFrenchNir(std::string_view s);
bool ValidUkNino(std::string_view s);
bool ValidPesel(std::string_view s);
// "IL 62704": a US state's or DC's code first.
bool ValidUsStateZip(std::string_view s);
// Writes to *ascii the text with the Unicode spaces people put inside numbers (U+00A0,
// U+2007, U+2009, U+202F) as ' ', the Unicode hyphens (U+2010-U+2013) between two digits
// as '-', and without the invisible characters that split a value (zero-width space and
// joiners U+200B-U+200D, word joiner U+2060, U+FEFF, soft hyphen U+00AD); and to *from,
// for every byte of *ascii and one past its end, the offset in text it came from. False
// (and nothing written) when text has none of them.
bool AsciiSeparators(std::string_view text, std::string* ascii, std::vector<size_t>* from);
// Whether a span is the marker of a missing value that exports write in a field's place,
// in lower case ("Gdańsk, nan 84968": pandas' NaN in an address): never a name.
bool MissingValueMarker(std::string_view span);
// The length of a tagged name without a number glued to it ("Bob Smith-905-674-3793" ->
// 9: up to its last letter before the first digit) and without a possessive ("Anna’s",
// "Anna's" -> 4); the whole name when it has neither.
size_t NameLength(std::string_view name);

}  // namespace fl::guard::internal
