// Check digits and dates of European national identity numbers: what makes a run of
// digits one person's number rather than any number of that length.
#include <array>
#include <cctype>
#include <string>

#include "guard/recognisers.h"

namespace fl::guard::internal {
namespace {

// s without spaces, hyphens, dots and slashes.
std::string Compact(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != ' ' && c != '-' && c != '.' && c != '/') out.push_back(c);
  return out;
}

int Num(std::string_view digits) {
  int n = 0;
  for (char c : digits) n = n * 10 + (c - '0');
  return n;
}

bool AllDigits(std::string_view s) {
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return !s.empty();
}

// Day 1-31 and month 1-12 (no calendar: "31.02." passes; a check digit does the rest).
bool DayMonth(int day, int month) { return day >= 1 && day <= 31 && month >= 1 && month <= 12; }

}  // namespace

bool ValidSpanishId(std::string_view s) {
  std::string c = Compact(s);
  if (c.size() != 9) return false;
  if (c[0] == 'X' || c[0] == 'Y' || c[0] == 'Z') c[0] = static_cast<char>('0' + (c[0] - 'X'));  // NIE
  if (!AllDigits(std::string_view(c).substr(0, 8))) return false;
  static constexpr char kLetters[] = "TRWAGMYFPDXBNJZSQVHLCKE";
  return c[8] == kLetters[Num(std::string_view(c).substr(0, 8)) % 23];
}

bool ValidCodiceFiscale(std::string_view s) {
  if (s.size() != 16) return false;
  // The value of a character in an odd (1st, 3rd, ...) place; digits count as A-J.
  static constexpr std::array<int, 26> kOdd = {1,  0,  5,  7,  9,  13, 15, 17, 19, 21, 2,  4,  18,
                                               20, 11, 3,  6,  8,  12, 14, 16, 10, 22, 25, 24, 23};
  int sum = 0;
  for (size_t i = 0; i < 15; ++i) {
    const char c = s[i];
    const int k = std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : c - 'A';
    if (k < 0 || k > 25) return false;
    sum += i % 2 == 0 ? kOdd[k] : k;
  }
  return s[15] == 'A' + sum % 26;
}

bool ValidSwedishId(std::string_view s) {
  std::string c = Compact(s);
  if (c.size() == 12) c = c.substr(2);  // a four-digit year
  if (c.size() != 10 || !AllDigits(c)) return false;
  const int day = Num(std::string_view(c).substr(4, 2));
  return DayMonth(day > 60 ? day - 60 : day, Num(std::string_view(c).substr(2, 2))) && LuhnSum(c);
}

bool ValidFinnishId(std::string_view s) {
  if (s.size() != 11 || !AllDigits(s.substr(0, 6)) || !AllDigits(s.substr(7, 3))) return false;
  static constexpr char kCheck[] = "0123456789ABCDEFHJKLMNPRSTUVWXY";
  const long n = static_cast<long>(Num(s.substr(0, 6))) * 1000 + Num(s.substr(7, 3));
  return DayMonth(Num(s.substr(0, 2)), Num(s.substr(2, 2))) && s[10] == kCheck[n % 31];
}

bool ValidNorwegianId(std::string_view s) {
  if (s.size() != 11 || !AllDigits(s)) return false;
  int d[11];
  for (int i = 0; i < 11; ++i) d[i] = s[i] - '0';
  auto check = [&](const int* w, int n) {
    int sum = 0;
    for (int i = 0; i < n; ++i) sum += w[i] * d[i];
    const int k = 11 - sum % 11;
    return k == 11 ? 0 : k;  // 10: no valid number
  };
  static constexpr int kW1[] = {3, 7, 6, 1, 8, 9, 4, 5, 2};
  static constexpr int kW2[] = {5, 4, 3, 2, 7, 6, 5, 4, 3, 2};
  const int day = d[0] * 10 + d[1], month = d[2] * 10 + d[3];
  return DayMonth(day > 40 ? day - 40 : day, month > 40 ? month - 40 : month) && check(kW1, 9) == d[9] &&
         check(kW2, 10) == d[10];
}

bool ValidFrenchNir(std::string_view s) {
  std::string c = Compact(s);
  if (c.size() != 15) return false;
  // Corsica's departments 2A and 2B count as 19 and 18 for the key.
  if (c[5] == '2' && (c[6] == 'A' || c[6] == 'B')) {
    c[6] = c[6] == 'A' ? '9' : '8';
    c[5] = '1';
  }
  if (!AllDigits(c)) return false;
  long long head = 0;
  for (size_t i = 0; i < 13; ++i) head = head * 10 + (c[i] - '0');
  const int month = Num(std::string_view(c).substr(3, 2));
  return (c[0] == '1' || c[0] == '2') && month >= 1 && (month <= 12 || month >= 20) &&
         97 - head % 97 == Num(std::string_view(c).substr(13, 2));
}

bool ValidUkNino(std::string_view s) {
  const std::string c = Compact(s);
  if (c.size() != 9 || !AllDigits(std::string_view(c).substr(2, 6))) return false;
  const std::string_view prefix = std::string_view(c).substr(0, 2);
  static constexpr std::string_view kNever = "DFIQUV";
  if (kNever.find(c[0]) != std::string_view::npos || kNever.find(c[1]) != std::string_view::npos || c[1] == 'O') {
    return false;
  }
  for (std::string_view bad : {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"})
    if (prefix == bad) return false;
  return c[8] >= 'A' && c[8] <= 'D';
}

bool ValidPesel(std::string_view s) {
  if (s.size() != 11 || !AllDigits(s)) return false;
  static constexpr int kW[] = {1, 3, 7, 9, 1, 3, 7, 9, 1, 3};
  int sum = 0;
  for (int i = 0; i < 10; ++i) sum += kW[i] * (s[i] - '0');
  const int month = Num(s.substr(2, 2)) % 20;  // +20 per century after 1900
  return DayMonth(Num(s.substr(4, 2)), month) && (10 - sum % 10) % 10 == s[10] - '0';
}

}  // namespace fl::guard::internal
