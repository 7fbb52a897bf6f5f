// Checksums and range checks that turn a pattern match into a finding.
#include <arpa/inet.h>

#include <cctype>
#include <cmath>
#include <map>

#include "guard/guard.h"
#include "guard/recognisers.h"

namespace fl::guard {
namespace {

// Registered IBAN lengths by country (SWIFT IBAN registry).
const std::map<std::string, int>& IbanLengths() {
  static const std::map<std::string, int> k = {
      {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16}, {"BG", 22},
      {"BH", 22}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22}, {"CY", 28}, {"CZ", 24}, {"DE", 22},
      {"DK", 18}, {"DO", 28}, {"EE", 20}, {"EG", 29}, {"ES", 24}, {"FI", 18}, {"FO", 18}, {"FR", 27},
      {"GB", 22}, {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27}, {"GT", 28}, {"HR", 21}, {"HU", 28},
      {"IE", 22}, {"IL", 23}, {"IQ", 23}, {"IS", 26}, {"IT", 27}, {"JO", 30}, {"KW", 30}, {"KZ", 20},
      {"LB", 28}, {"LC", 32}, {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21}, {"MC", 27}, {"MD", 24},
      {"ME", 22}, {"MK", 19}, {"MR", 27}, {"MT", 31}, {"MU", 30}, {"NL", 18}, {"NO", 15}, {"PK", 24},
      {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"SA", 24}, {"SC", 31},
      {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27}, {"ST", 25}, {"SV", 28}, {"TL", 23}, {"TN", 24},
      {"TR", 26}, {"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20},
  };
  return k;
}

std::string Digits(std::string_view s) {
  std::string d;
  for (char c : s) {
    if (c >= '0' && c <= '9') d.push_back(c);
  }
  return d;
}

}  // namespace

double ShannonEntropy(std::string_view s) {
  if (s.empty()) return 0;
  int counts[256] = {0};
  for (unsigned char c : s) ++counts[c];
  double h = 0;
  for (int c : counts) {
    if (c == 0) continue;
    const double p = static_cast<double>(c) / s.size();
    h -= p * std::log2(p);
  }
  return h;
}

bool LuhnValid(std::string_view s) {
  const std::string d = Digits(s);
  return d.size() >= 12 && d.size() <= 19 && internal::LuhnSum(d);
}

namespace internal {

bool LuhnSum(std::string_view digits) {
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int v = *it - '0';
    if (twice && (v *= 2) > 9) v -= 9;
    sum += v;
    twice = !twice;
  }
  return sum % 10 == 0;
}

}  // namespace internal

namespace {

// An IBAN's letters and digits, upper-cased.
std::string IbanChars(std::string_view s) {
  std::string a;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c))) a.push_back(static_cast<char>(std::toupper(c)));
  }
  return a;
}

// How many characters a's length is off its country's (-1: no such country).
int IbanLengthOff(const std::string& a) {
  if (a.size() < 15) return -1;
  auto it = IbanLengths().find(a.substr(0, 2));
  return it == IbanLengths().end() ? -1 : std::abs(static_cast<int>(a.size()) - it->second);
}

// The ISO 13616 check: the first four characters moved to the end, letters as 10-35,
// the number mod 97 is 1.
bool IbanChecksumValid(const std::string& a) {
  const std::string r = a.substr(4) + a.substr(0, 4);
  int mod = 0;
  for (char c : r) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      mod = (mod * 10 + (c - '0')) % 97;
    } else if (c >= 'A' && c <= 'Z') {
      mod = (mod * 100 + (c - 'A' + 10)) % 97;
    } else {
      return false;
    }
  }
  return mod == 1;
}

}  // namespace

bool IbanValid(std::string_view s) {
  const std::string a = IbanChars(s);
  return IbanLengthOff(a) == 0 && IbanChecksumValid(a);
}

namespace internal {

// The lengths of the digit runs between single separators: "02/123 4567" -> 2, 3, 4 (a
// separator next to another or at an end makes a run of 0).
std::vector<size_t> DigitGroups(std::string_view s) {
  std::vector<size_t> groups(1, 0);
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      ++groups.back();
    } else {
      groups.push_back(0);
    }
  }
  return groups;
}

// Whether a year of 19xx or 20xx starts at `at`.
bool YearAt(std::string_view s, size_t at) {
  return s.compare(at, 2, "19") == 0 || s.compare(at, 2, "20") == 0;
}

// How card numbers are written: one run of digits, or groups split by one kind of
// separator, all of 4 but the last (1-4), or 4-6-5 / 4-6-4 (Amex, Diners). A run such as
// "50668 0543505646" (a zip code and a phone number) is not one, even when Luhn passes.
bool CardGrouping(std::string_view s) {
  const size_t sep = s.find_first_not_of("0123456789");
  if (sep != std::string_view::npos && s.find_first_not_of(std::string("0123456789") + s[sep]) != std::string_view::npos) {
    return false;  // two kinds of separator
  }
  const std::vector<size_t> groups = DigitGroups(s);
  if (groups.size() == 1) return true;
  if (groups.size() == 3 && groups[0] == 4 && groups[1] == 6 && (groups[2] == 5 || groups[2] == 4)) return true;
  for (size_t i = 0; i + 1 < groups.size(); ++i)
    if (groups[i] != 4) return false;
  return groups.back() >= 1 && groups.back() <= 4;
}

bool ValidCard(std::string_view s) {
  const std::string d = Digits(s);
  if (d.size() < 12 || d.size() > 19 || !LuhnValid(d) || !CardGrouping(s)) return false;
  // Issuer prefixes: Visa 4, Mastercard 51-55 / 2221-2720, Amex 34/37, Diners 30/36/38,
  // Discover 6011/65/644-649, JCB 35 / 2131 / 1800, UnionPay 62, Maestro 50/56-58/63/67
  // and 0604, an old Maestro range that IIN lists and Faker still carry (Maestro numbers
  // may have 12 digits; the others at least 13).
  const int p1 = d[0] - '0', p2 = std::stoi(d.substr(0, 2)), p4 = std::stoi(d.substr(0, 4));
  const bool maestro = p2 == 50 || (p2 >= 56 && p2 <= 58) || p2 == 63 || p2 == 67 || d.starts_with("0604");
  if (d.size() == 12 && !maestro) return false;
  // The issuers with fixed lengths: Amex 15 digits, Mastercard 16, Visa 13, 16 or 19.
  const size_t n = d.size();
  const bool visa = p1 == 4, amex = p2 == 34 || p2 == 37;
  const bool mastercard = (p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720);
  if ((amex && n != 15) || (mastercard && n != 16) || (visa && n != 13 && n != 16 && n != 19)) return false;
  return visa || mastercard || amex || p2 == 30 || p2 == 36 || p2 == 38 || p2 == 35 || p2 == 62 || p2 == 65 ||
         p4 == 6011 || (p4 >= 6440 && p4 <= 6499) || p4 == 2131 || p4 == 1800 || maestro;
}

bool ValidSsn(std::string_view s) {
  const std::string d = Digits(s);
  if (d.size() != 9) return false;
  const int area = std::stoi(d.substr(0, 3)), group = std::stoi(d.substr(3, 2)), serial = std::stoi(d.substr(5));
  if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0) return false;
  // Well-known invalid / advertising numbers.
  return d != "078051120" && d != "219099999" && d != "123456789";
}

bool ValidIpv4(std::string_view s) {
  int parts = 0, value = -1, digits = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '.') {
      if (value < 0 || value > 255 || (digits > 1 && s[i - digits] == '0')) return false;
      ++parts;
      value = -1;
      digits = 0;
    } else if (s[i] >= '0' && s[i] <= '9') {
      value = (value < 0 ? 0 : value * 10) + (s[i] - '0');
      if (++digits > 3) return false;
    } else {
      return false;
    }
  }
  return parts == 4;
}

bool ValidIpv4Cidr(std::string_view s) { return ValidIpv4(s.substr(0, s.find('/'))); }

bool ValidIban(std::string_view s) {
  // Up to two characters off the country's length, with a valid checksum: a privacy
  // guard errs towards redacting, and generators get lengths wrong (Debian 12's Faker
  // writes 21-character GB IBANs).
  const std::string a = IbanChars(s);
  const int off = IbanLengthOff(a);
  return off >= 0 && off <= 2 && IbanChecksumValid(a);
}

bool ValidIpv6(std::string_view s) {
  std::string str(s);
  const size_t pct = str.find('%');  // zone id
  if (pct != std::string::npos) str.resize(pct);
  in6_addr addr;
  if (inet_pton(AF_INET6, str.c_str(), &addr) != 1) return false;
  // "::" or a bare group count like "1::" is too weak to call an address.
  return std::count(str.begin(), str.end(), ':') >= 2 && str.size() >= 6;
}

bool ValidPhone(std::string_view s) {
  // The number without its extension ("x8787", "ext. 12") and international prefix "00":
  // 7 to 15 digits (E.164 allows 15).
  const size_t ext = s.find_first_of("xXeE#");
  std::string d = Digits(s.substr(0, ext));
  if (d.rfind("00", 0) == 0) d.erase(0, 2);
  return d.size() >= 7 && d.size() <= 15;
}

bool ValidCuedPhone(std::string_view s) {
  if (ValidPhone(s)) return true;
  // Six digits in pairs or triples split by spaces or hyphens: the whole number in
  // Greenland and the Faroe Islands ("32 12 34"), not a date or a time ("10.30 18").
  if (s.find_first_not_of("0123456789 -") != std::string_view::npos) return false;
  const std::vector<size_t> groups = DigitGroups(s);
  return groups == std::vector<size_t>{2, 2, 2} || groups == std::vector<size_t>{3, 3};
}

bool ValidInternationalPhone(std::string_view s) {
  // No country code starts with 0: "+0.270003", "000000000820" are not numbers.
  std::string d = Digits(s.substr(0, s.find_first_of("xXeE")));
  if (d.rfind("00", 0) == 0) d.erase(0, 2);
  return ValidPhone(s) && !d.empty() && d[0] != '0';
}

bool ValidNationalPhone(std::string_view s) {
  const std::string d = Digits(s);
  // Twelve digits only as a 4-digit area code and an 8-digit number ("0755-12345678").
  if (d.size() == 12 && DigitGroups(s) == std::vector<size_t>{4, 8}) return true;
  if (d.size() < 9 || d.size() > 11 || d[0] != '0') return false;
  // Not a day.month.year date and a number after it ("05.11.2024 150", "05-11-2024 150"):
  // groups of 1-2, 1-2 and 4 digits, the last a year of 19xx or 20xx.
  size_t group[3] = {}, at = 0, g = 0;
  for (; at < s.size() && g < 3; ++at) {
    if (std::isdigit(static_cast<unsigned char>(s[at]))) {
      ++group[g];
    } else if (group[g] > 0) {
      ++g;
    }
  }
  const size_t year = group[0] + group[1];
  const bool date = group[0] <= 2 && group[1] >= 1 && group[1] <= 2 && group[2] == 4 &&
                    YearAt(d, year);
  return !date;
}

bool ValidBarePhone(std::string_view s) {
  // Nine digits: a trunk 0 and eight ("039722003"). Ten: a North American number (no
  // area code starts with 0 or 1) or a national number with its trunk 0. Eleven: a trunk 0
  // and ten digits, or a Chinese mobile number (1, then 3-9).
  if (s.size() == 9) return s[0] == '0' && s[1] != '0';
  // Not a 32-bit integer's limit, common in logs ("is not 51 or 4294967295").
  if (s == "4294967295" || s == "4294967296" || s == "2147483647" || s == "2147483648") return false;
  if (s.size() == 10) return s[0] == '0' ? s[1] != '0' : s[0] >= '2';
  if (s.size() != 11) return false;
  return s[0] == '0' ? s[1] != '0' : s[0] == '1' && s[1] >= '3';
}

bool ValidBracketedPhone(std::string_view s) {
  const size_t n = Digits(s).size();
  // Eight digits only as an area code and two groups: "(72) 754-186", not "(12) 345678".
  const size_t close = s.find(')');
  size_t groups = 0;
  if (close != std::string_view::npos)
    for (size_t g : DigitGroups(s.substr(close + 1))) groups += g > 0;
  const bool grouped = groups >= 2;
  // A one-digit area code ("(1) 234-5678", "(2) 2345 6789") only before a local number of
  // 3-4 and 4 digits, not before a list of years ("(1) 2019 2020").
  if (close == 2 && s[0] == '(') {
    const size_t at = s.find_first_of("0123456789", close);
    if (at == std::string_view::npos) return false;
    const std::vector<size_t> local = DigitGroups(s.substr(at));
    const bool years = YearAt(s, at) && YearAt(s, at + 5);
    return local.size() == 2 && local[1] == 4 && (local[0] == 3 || (local[0] == 4 && !years));
  }
  return (n >= 9 || (n == 8 && grouped)) && n <= 13;
}

bool ValidGroupedPhone(std::string_view s) {
  const std::vector<size_t> groups = DigitGroups(s);
  // An area code and the subscriber number in one group: 2-4 digits, then 6-7, 8-11 in
  // all ("99 668472", "0341 8387176"), the first not a year, not a decimal ("14.318180").
  if (groups.size() == 2 && groups[0] == 5 && groups[1] == 5) return s[0] >= '6';  // "98765 43210"
  if (groups == std::vector<size_t>{5, 2, 3}) return s[0] == '2';                    // "21500 00 806"
  if (groups == std::vector<size_t>{2, 5, 4}) return s[3] == '9';                    // "11 94550-5117"
  if (groups == std::vector<size_t>{1, 3, 3, 2, 2}) return s[0] == '8';              // "8 912 081 77 46"
  if (groups == std::vector<size_t>{1, 4, 4}) return s[0] == '9' && !(YearAt(s, 2) && YearAt(s, 7));  // "9 7792 2877"
  if (groups.size() == 2 && groups[1] >= 6) {
    if (s.find('.') != std::string_view::npos) return false;
    const size_t digits = groups[0] + groups[1];
    return groups[0] >= 2 && groups[0] <= 4 && groups[1] <= 7 && digits <= 11 &&
           !(groups[0] == 4 && YearAt(s, 0));
  }
  size_t digits = 0;
  for (size_t g : groups) {
    if (g < 2 || g > 4) return false;
    digits += g;
  }
  if (digits < 7 || digits > 12) return false;
  // Two groups: a local number's 3 + 4 or 4 + 4 ("555 0132", "9469 9966").
  if (groups.size() == 2 && !(groups[1] == 4 && groups[0] >= 3)) return false;
  // Not a list of 4-digit values ("3552 3534 3375"), nor a date: a year of 19xx / 20xx
  // first or last with two-digit groups beside it, or two years ("2000-2002").
  if (groups.size() >= 3 && std::all_of(groups.begin(), groups.end(), [](size_t g) { return g == 4; })) return false;
  if (groups.size() == 2 && groups[0] == 4 && groups[1] == 4 && YearAt(s, 0) && YearAt(s, 5)) return false;
  if (groups.size() == 3 && groups[0] == 4 && groups[1] == 2 && groups[2] == 2 && YearAt(s, 0)) return false;
  if (groups.size() == 3 && groups[2] == 4 && groups[0] == 2 && groups[1] == 2 && YearAt(s, s.size() - 4)) return false;
  return true;
}

bool ValidDate(std::string_view s) {
  int n[3] = {}, count = 0;
  size_t width0 = 0;
  for (size_t i = 0; i < s.size() && count < 3;) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) n[count] = n[count] * 10 + (s[j++] - '0');
    if (count == 0) width0 = j - i;
    ++count;
    i = j;
  }
  auto day = [](int d) { return d >= 1 && d <= 31; };
  auto month = [](int m) { return m >= 1 && m <= 12; };
  if (count == 3 && width0 == 4) return month(n[1]) && day(n[2]);              // 1977-03-04
  if (count == 3) return (day(n[0]) && month(n[1])) || (month(n[0]) && day(n[1]));  // 04/05/1980
  return count == 2 && day(n[0]);  // "12 March 1980", "March 12, 1980"
}

bool AsciiSeparators(std::string_view text, std::string* ascii, std::vector<size_t>* from) {
  auto byte = [&](size_t i) { return i < text.size() ? static_cast<unsigned char>(text[i]) : 0u; };
  auto digit = [&](size_t i) { return i < text.size() && std::isdigit(byte(i)); };
  // The separator's length at i and its ASCII form ('\0': dropped); 0: none.
  auto separator = [&](size_t i, char* as) -> size_t {
    const unsigned a = byte(i), b = byte(i + 1), c = byte(i + 2);
    if (a == 0xC2 && b == 0xA0) return *as = ' ', 2;
    if (a == 0xC2 && b == 0xAD) return *as = '\0', 2;                    // soft hyphen
    if (a == 0xEF && b == 0xBB && c == 0xBF) return *as = '\0', 3;       // zero-width no-break space
    if (a == 0xE2 && b == 0x81 && c == 0xA0) return *as = '\0', 3;       // word joiner
    if (a != 0xE2 || b != 0x80) return 0;
    if (c >= 0x8B && c <= 0x8D) return *as = '\0', 3;                    // zero-width space and joiners
    if (c == 0x87 || c == 0x89 || c == 0xAF) return *as = ' ', 3;
    if (c >= 0x90 && c <= 0x93 && i > 0 && digit(i - 1) && digit(i + 3)) return *as = '-', 3;
    return 0;
  };
  size_t i = 0;
  char as = 0;
  // Every sequence starts with 0xC2, 0xE2 or 0xEF: skip to those bytes.
  for (;;) {
    i = text.find_first_of("\xC2\xE2\xEF", i);
    if (i == std::string_view::npos) return false;
    if (separator(i, &as) != 0) break;
    ++i;
  }
  ascii->assign(text.substr(0, i));
  from->resize(i);
  for (size_t k = 0; k < i; ++k) (*from)[k] = k;
  while (i < text.size()) {
    const size_t n = separator(i, &as);
    if (n > 0) {
      if (as != '\0') {
        from->push_back(i);
        ascii->push_back(as);
      }
      i += n;
    } else {
      from->push_back(i);
      ascii->push_back(text[i++]);
    }
  }
  from->push_back(text.size());
  return true;
}

bool MissingValueMarker(std::string_view span) {
  return span == "nan" || span == "null" || span == "none" || span == "undefined" || span == "n/a";
}

size_t NameLength(std::string_view name) {
  size_t n = std::min(name.size(), name.find_first_of("0123456789"));
  for (std::string_view possessive : {"\xE2\x80\x99s", "'s", "'S"}) {
    if (n > possessive.size() && name.substr(0, n).ends_with(possessive)) n -= possessive.size();
  }
  while (n > 0 && !std::isalpha(static_cast<unsigned char>(name[n - 1])) &&
         !(static_cast<unsigned char>(name[n - 1]) & 0x80)) {
    --n;
  }
  return n;
}

bool ValidSecretEntropy(std::string_view s) {
  if (s.size() < 24) return false;
  bool lower = false, upper = false, digit = false;
  for (char c : s) {
    lower |= c >= 'a' && c <= 'z';
    upper |= c >= 'A' && c <= 'Z';
    digit |= c >= '0' && c <= '9';
  }
  // Mixed case and digits: not a word, not a hex hash or GUID (entropy <= 4 bits).
  return lower && upper && digit && ShannonEntropy(s) >= 4.2;
}

}  // namespace internal
}  // namespace fl::guard
