// Guard: compiles the recognisers once (PCRE2 with JIT) and runs them over a text.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>
#include <cmath>
#include <cctype>
#include <cstring>
#include <set>

#include "guard/guard.h"
#include "guard/recognisers.h"

namespace fl::guard {
namespace {

using internal::Recogniser;

// Upper bound on backtracking per match attempt: a hostile input fails closed instead of
// hanging the pipeline.
constexpr uint32_t kMatchLimit = 2'000'000;
constexpr size_t kContextBytes = 48;

struct Compiled {
  Recogniser rec;
  pcre2_code* code = nullptr;
  std::string type, name;  // owned copies for custom and hostname recognisers
  bool needs_digit = false;  // its pattern cannot match a text without one: skipped there
};


Result<pcre2_code*> Compile(const std::string& pattern, const std::string& what) {
  int error = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), 0, &error,
                                   &offset, nullptr);
  if (code == nullptr) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error, message, sizeof message);
    return InvalidArgumentError(what + ": pattern does not compile at offset " + std::to_string(offset) + ": " +
                                reinterpret_cast<const char*>(message));
  }
  pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);  // falls back to the interpreter if JIT is unavailable
  return code;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Where the last of the '|'-separated words found in the window ends (npos: none); with
// first_only, the first one found. A word written "^tel" must start a word ("tel", "Tel:",
// "telephone", not "hotel"); one written "len$" must end one ("len 12", not "Lena"). With
// just_before, only spaces and punctuation may follow the word to the window's end:
// "Seq: 3226706533", not "Order 4471 0143526119".
size_t ContextEnd(const char* words, const std::string& window, bool just_before, bool first_only) {
  std::string_view w(words);
  auto word_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || (c & 0x80); };
  size_t last = std::string::npos;
  while (!w.empty()) {
    const size_t bar = w.find('|');
    std::string_view word = w.substr(0, bar);
    const bool at_start = !word.empty() && word[0] == '^';
    if (at_start) word.remove_prefix(1);
    const bool at_end = !word.empty() && word.back() == '$';
    if (at_end) word.remove_suffix(1);
    for (size_t at = word.empty() ? std::string::npos : window.find(word); at != std::string::npos;
         at = window.find(word, at + 1)) {
      const size_t end = at + word.size();
      if ((at_start && at > 0 && word_char(window[at - 1])) || (at_end && end < window.size() && word_char(window[end])) ||
          (just_before && std::any_of(window.begin() + end, window.end(), word_char))) {
        continue;
      }
      if (first_only) return end;
      if (last == std::string::npos || end > last) last = end;
    }
    if (bar == std::string_view::npos) break;
    w.remove_prefix(bar + 1);
  }
  return last;
}

// Whether any of the words occurs in the window (ContextEnd's rules).
bool HasContext(const char* words, const std::string& window, bool just_before = false) {
  return ContextEnd(words, window, just_before, /*first_only=*/true) != std::string::npos;
}

// The window without a trailing "no.", "nr", "#" or "number" (and what follows it): the
// word before is then the one that names the number ("Phone No. 451 5986", "Cell no.").
std::string WithoutNumberMark(const std::string& window) {
  size_t end = window.size();
  auto mark_char = [](char c) { return c == ' ' || c == ':' || c == '.' || c == '-' || c == '\t'; };
  while (end > 0 && mark_char(window[end - 1])) --end;
  for (std::string_view mark : {"number", "no", "nr", "num", "#"}) {
    if (end >= mark.size() && std::string_view(window).substr(end - mark.size(), mark.size()) == mark &&
        (end == mark.size() || !std::isalnum(static_cast<unsigned char>(window[end - mark.size() - 1])))) {
      return window.substr(0, end - mark.size());
    }
  }
  return window;
}

// Words after an id's word that make the number one to call: a service the word names
// ("Customer service: …"), a way to reach one, the writer's own number ("my order is late
// and my number is …").
constexpr const char* kServiceWords =
    "servic|^line|^care|hotline|helpline|^office|^desk|support|^team|enquir|inquir|question|manager|^center|"
    "^centre|department|^dept|^agent|^rep$|^sales|^info|^reach|^contact|^help|^ring|^text|my number|landline|"
    "voicemail";

// Whether the text right after a number calls it a phone: "is my phone", "is my
// mobile", "is my number", "(mobile)", "(cell)".
bool SaysPhoneAfter(std::string_view after) {
  const std::string a = Lower(after);
  for (const char* lead : {" is my phone", " is my mobile", " is my cell", " is my number", " is my telephone",
                           " (mobile", " (cell", " (phone", " (tel", " (home)", " (work)"}) {
    if (a.rfind(lead, 0) == 0) return true;
  }
  return false;
}

// Whether the first word of `after` (the text after a number) is one no street name or
// unit follows: "Is 22 962 24 63 a way for you" ("a way", "the court" are no street).
bool FunctionWordFirst(std::string_view after) {
  static const std::set<std::string_view> k = {"a", "an", "the", "to", "for", "of", "in", "on", "at", "and",
                                                "or", "is", "was", "my", "your", "if"};
  const size_t start = after.find_first_not_of(' ');
  if (start == std::string_view::npos) return false;
  const size_t end = after.find(' ', start);
  return k.count(after.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start)) > 0;
}

// Whether the '.' at `dot` ends a title, an initial or a common abbreviation ("Mr.", "J.",
// "Inc."), not a sentence. The window is in lower case.
bool AfterAbbreviation(std::string_view window, size_t dot) {
  size_t start = dot;
  while (start > 0 && std::isalpha(static_cast<unsigned char>(window[start - 1]))) --start;
  const std::string_view word = window.substr(start, dot - start);
  static const std::set<std::string_view> k = {"mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "inc", "ltd", "co",
                                                "corp", "no", "nr", "tel", "ph", "mob", "vs", "acct", "ref", "ext"};
  return word.size() == 1 || k.count(word) > 0;
}

// Whether window[i] ends a sentence: '.', '!' or '?' before a space or the end, not the
// dot of an abbreviation.
bool SentenceEndAt(std::string_view window, size_t i) {
  const char c = window[i];
  return (c == '.' || c == '!' || c == '?') && (i + 1 == window.size() || window[i + 1] == ' ') &&
         !(c == '.' && AfterAbbreviation(window, i));
}

// Whether the text from `from` to the window's end closes a clause or holds digits: a
// veto word before that belongs to another sentence or another number.
bool ClauseOrNumberBetween(std::string_view window, size_t from) {
  for (size_t i = from; i < window.size(); ++i) {
    const char c = window[i];
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '\n' || c == ';' || c == ',') return true;
    if (SentenceEndAt(window, i)) return true;
    // A colon ends one when words follow ("invoice: reach me at"), not when it
    // introduces the number ("Passport number: 1234 5678").
    auto letter = [](char a) { return std::isalpha(static_cast<unsigned char>(a)) != 0; };
    if (c == ':' && std::any_of(window.begin() + i, window.end(), letter)) return true;
  }
  return false;
}

// Which of the phones have a finding of personal data just before or after them, only
// separators between: a contact record's fields ("Ana Silva, ana@x.org, 48784005"), an
// address and its number ("…, 1373 Sandvik (90055230)", "QLD, 2916 24464311").
// - After a town's name, the number may be its postcode ("כפר יונה, 3834492", "Q. ROO
//   05878-1153"): a place without a number of its own counts only with a bracket, a line,
//   a bar or a semicolon between.
// - A name before the number is the name cue's to judge (it knows the number's shapes); a
//   name after it counts here ("4173803, Anna Williams").
// The findings are searched by position, not pairwise: a hostile text may hold many of both.
std::vector<bool> BesideData(std::string_view text, const std::vector<Span>& found, const std::vector<Span>& phones) {
  if (phones.empty()) return {};
  static const std::set<std::string_view> kPersonal = {"EMAIL", "PERSON", "LOCATION", "CREDIT_CARD", "IBAN",
                                                       "US_SSN", "NATIONAL_ID", "DATE_OF_BIRTH", "IP_ADDRESS",
                                                       "URL", "USERNAME"};
  constexpr size_t kGap = 4;
  // (offset, whether a place without a number of its own) of the findings' starts and ends.
  std::vector<std::pair<size_t, bool>> starts, ends;
  for (const Span& f : found) {
    if (!kPersonal.count(f.type)) continue;
    const std::string_view value = text.substr(f.start, f.end - f.start);
    const bool bare_place = f.type == "LOCATION" && value.find_first_of("0123456789") == std::string_view::npos;
    starts.emplace_back(f.start, bare_place);
    if (f.type != "PERSON") ends.emplace_back(f.end, bare_place);
  }
  std::sort(starts.begin(), starts.end());
  std::sort(ends.begin(), ends.end());
  auto separators = [&](size_t a, size_t b, bool bare_place) {
    const std::string_view gap = text.substr(a, b - a);
    return gap.find_first_not_of(" \t\n,;|/()-") == std::string_view::npos &&
           (!bare_place || gap.find_first_of("(\n|;") != std::string_view::npos);
  };
  auto beside = [&](const Span& p) {
    // Not the head of a host's name ("24.54.76.216 (24-54-76-216.bflony.adelphia.net)").
    if (p.end + 1 < text.size() && text[p.end] == '.' && std::isalnum(static_cast<unsigned char>(text[p.end + 1]))) {
      return false;
    }
    // A finding that ends in [p.start - kGap, p.start] or starts in [p.end, p.end + kGap].
    const size_t earliest = p.start >= kGap ? p.start - kGap : 0;
    for (auto it = std::lower_bound(ends.begin(), ends.end(), std::make_pair(earliest, false));
         it != ends.end() && it->first <= p.start; ++it) {
      if (separators(it->first, p.start, it->second)) return true;
    }
    for (auto it = std::lower_bound(starts.begin(), starts.end(), std::make_pair(p.end, false));
         it != starts.end() && it->first <= p.end + kGap; ++it) {
      if (separators(p.end, it->first, it->second)) return true;
    }
    return false;
  };
  std::vector<bool> keep;
  keep.reserve(phones.size());
  for (const Span& p : phones) keep.push_back(beside(p));
  return keep;
}

// Whether the words from `from` (inside or after a veto word) to the window's end name the
// number the veto word is for: only naming words ("license number is", "order no.",
// "account #"), or any words and then a copula or a colon ("tracking number for my parcel
// is …"). Other words break the naming: a preposition ("Order placed by …", "Request from
// …", "sent to …"), a verb ("profile still shows …"); so does a possessive ("the account
// holder's number is …"). After "of", one word is what is counted ("number of users …").
bool NamesTheNumber(std::string_view window, size_t from) {
  static const std::set<std::string_view> kNaming = {"number", "numbers", "no", "nr", "num", "id", "of", "the",
                                                     "a", "an", "my", "your", "our", "his", "her", "their", "its",
                                                     "this", "that", "code", "ref"};
  static const std::set<std::string_view> kCopula = {"is", "was", "are", "were", "be", "reads"};
  auto alnum = [&](size_t at) { return std::isalnum(static_cast<unsigned char>(window[at])) != 0; };
  size_t i = from;
  while (i < window.size() && alnum(i)) ++i;  // the veto word's rest
  if (window.substr(i).find('\'') != std::string_view::npos) return false;
  size_t last = window.size();  // the last word or mark before the number
  while (last > i && window[last - 1] == ' ') --last;
  if (last > i && std::strchr(":=#", window[last - 1]) != nullptr) return true;
  size_t first = last;
  while (first > i && alnum(first - 1)) --first;
  if (kCopula.count(window.substr(first, last - first))) return true;
  bool counted = window.substr(0, i).ends_with(" of");
  while (i < window.size()) {
    if (!alnum(i)) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < window.size() && alnum(end)) ++end;
    const std::string_view word = window.substr(i, end - i);
    if (!kNaming.count(word) && !counted) return false;
    counted = word == "of";
    i = end;
  }
  return true;
}

bool IsPrivateIpv4(std::string_view s) {
  int a = 0, b = 0;
  if (std::sscanf(std::string(s).c_str(), "%d.%d", &a, &b) != 2) return false;
  return a == 10 || a == 127 || (a == 172 && b >= 16 && b <= 31) || (a == 192 && b == 168) || (a == 169 && b == 254);
}

std::string EscapeRegex(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (std::string_view(R"(\^$.|?*+()[]{}-/)").find(c) != std::string_view::npos) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// Whether a phone glued to the word before it by a hyphen or a slash is one. The word must
// stand on its own (after a space, a line's start, a bracket or a quote: not a host's or a
// path's part, "calvisitor-10-105-162-124"), not be an id's capitals ("INC-0012 3456",
// "PROJ-1234 5678"), and the number be written with a space or the word be capitalised
// ("Carla-451 5986", "Alexandra-618-226-1460"). True when nothing is glued.
bool GluedWordAllows(std::string_view text, size_t start, std::string_view value) {
  if (start < 2 || (text[start - 1] != '-' && text[start - 1] != '/')) return true;
  auto letter = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) || (c & 0x80); };
  if (!letter(text[start - 2])) return true;
  size_t w = start - 1;
  while (w > 0 && letter(text[w - 1])) --w;
  if (w > 0 && std::strchr(" \t\n(\"'", text[w - 1]) == nullptr) return false;
  const auto capitals = std::count_if(text.begin() + w, text.begin() + start - 1,
                                      [](char c) { return std::isupper(static_cast<unsigned char>(c)); });
  if (capitals > 1) return false;
  const bool capitalised = capitals == 1 && std::isupper(static_cast<unsigned char>(text[w]));
  return capitalised || value.find(' ') != std::string_view::npos;
}

// A number a name alone may cue: grouped by spaces, hyphens or brackets, not dotted like
// a version ("Maria Lopez 10.0.19045") nor shaped like a date ("2023 04 05").
bool NameCueShape(std::string_view v) {
  if (v.find('.') != std::string_view::npos) return false;
  // Six digits after a name are a house's and a flat's number more often than a phone's
  // ("Ampliación Tabasco 290 219"): those need a phone's word.
  if (std::count_if(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }) < 7) return false;
  const bool year = v.size() == 10 && (v.substr(0, 2) == "19" || v.substr(0, 2) == "20") &&
                    (v[4] == ' ' || v[4] == '-') && v[7] == v[4];
  return !year;
}

// Whether a span the tagger found can be a name at all: no Latin-1 symbol (U+0080-U+00BF:
// "¿", "½", no-break space) and no replacement character, which mojibake is made of.
bool NameLike(std::string_view span) {
  for (size_t i = 0; i + 1 < span.size(); ++i) {
    const auto a = static_cast<unsigned char>(span[i]), b = static_cast<unsigned char>(span[i + 1]);
    if (a == 0xC2 && b >= 0x80 && b <= 0xBF) return false;
    if (a == 0xEF && b == 0xBF && i + 2 < span.size() && static_cast<unsigned char>(span[i + 2]) == 0xBD) return false;
  }
  return true;
}

// Whether a name the tagger found is a street's: after a street word ("Rua Cyro Schmutzer
// Franco", "ul. Więckowskiego") or a house number of 3-5 digits ("7534 Þorsteinsgata"),
// before a street word ("Sidi Lakhmi street") or a house number that ends the phrase
// ("Joaquin Suarez 2906."), or a compound with a street word ("Brucker Bundesstrasse").
bool InStreetAddress(std::string_view text, size_t start, size_t end) {
  const std::string name = Lower(text.substr(start, end - start));
  for (const char* word : {"strasse", "straße", "gata", "gatan", "katu", "vej", "veien", "utca", "ulica", "gasse",
                           "straat", "laan", "street", "avenue"}) {
    if (name.find(word) != std::string::npos) return true;
  }
  // The 16 bytes before it on its line (a street word is just before).
  size_t line = start > 16 ? start - 16 : 0;
  const size_t newline = text.substr(line, start - line).rfind('\n');
  if (newline != std::string_view::npos) line += newline + 1;
  const std::string before = Lower(text.substr(line, start - line));
  if (HasContext("^rua$|^ul.|^ulica$|^via$|^calle$|^avenida$|^av.|^av$|^rue$|^carrer$|^strada$|^viale$", before,
                 true)) {
    return true;
  }
  size_t digits = 0, at = start;
  while (at > 0 && text[at - 1] == ' ') --at;
  while (at > 0 && std::isdigit(static_cast<unsigned char>(text[at - 1]))) --at, ++digits;
  if (digits >= 3 && digits <= 5 && at < start && (at == 0 || !std::isalnum(static_cast<unsigned char>(text[at - 1])))) {
    return true;
  }
  size_t next = end;
  while (next < text.size() && text[next] == ' ') ++next;
  const size_t word_end = std::min(text.find_first_of(" ,.\n", next), text.size());
  if (next > end && HasContext("^street$|^st$|^road$|^rd$|^avenue$|^ave$|^boulevard$|^blvd$|^lane$|^drive$|^square$|"
                               "^strasse$|^straße$", Lower(text.substr(next, word_end - next)))) {
    return true;
  }
  size_t number = 0;
  while (next + number < text.size() && std::isdigit(static_cast<unsigned char>(text[next + number]))) ++number;
  const size_t after = next + number;
  return next > end && number >= 1 && number <= 5 &&
         (after == text.size() || text[after] == ',' || text[after] == '\n' ||
          (text[after] == '.' && (after + 1 == text.size() || text[after + 1] == ' ' || text[after + 1] == '\n')));
}

// Whether a name the tagger found is part of a company's: it ends with a company word, or
// the words after it on its line, capitalised names joined by "," and "and", end with one
// ("Russell Investments", "Davis, Reynolds and Williamson Orchestra").
bool InCompanyName(std::string_view text, size_t start, size_t end) {
  static constexpr const char* kCompany =
      "^inc$|^inc.|^incorporated$|^llc$|^ltd$|^ltd.|^plc$|^corp$|^corp.|^corporation$|^group$|^holdings$|"
      "^investments$|^partners$|^gmbh$|^ag$|^bank$|^orchestra$|^foundation$|^associates$|^consulting$|"
      "^solutions$|^technologies$|^systems$|^company$|^co.$";
  const std::string name = Lower(text.substr(start, end - start));
  const size_t last_space = name.rfind(' ');
  if (HasContext(kCompany, last_space == std::string::npos ? name : name.substr(last_space + 1))) return true;
  // Up to five words after it: names, "and" or commas, then a company word ("&" joins
  // people as often: "Jason & Michelle").
  size_t at = end;
  for (int words = 0; words < 5; ++words) {
    while (at < text.size() && (text[at] == ' ' || text[at] == ',')) ++at;
    size_t stop = at;
    while (stop < text.size() && text[stop] != ' ' && text[stop] != ',' && text[stop] != '\n') ++stop;
    if (stop == at) return false;
    const std::string word = Lower(text.substr(at, stop - at));
    if (HasContext(kCompany, word)) return true;
    const bool joiner = word == "and";
    if (!joiner && !std::isupper(static_cast<unsigned char>(text[at]))) return false;
    at = stop;
  }
  return false;
}

}  // namespace

struct Guard::Rep {
  GuardOptions options;
  std::unique_ptr<NerModel> ner;  // null: no tagger
  std::vector<Compiled> recognisers;
  std::vector<pcre2_code*> protect;
  std::set<std::string> deny;  // lower-cased
  pcre2_match_context* context = nullptr;

  ~Rep() {
    for (Compiled& c : recognisers) pcre2_code_free(c.code);
    for (pcre2_code* p : protect) pcre2_code_free(p);
    pcre2_match_context_free(context);
  }

  // Calls fn(start, end, match_data) for each match of code in text; Status on a match
  // failure other than "no match" (the budget).
  template <typename Fn>
  Status ForEachMatch(pcre2_code* code, std::string_view text, pcre2_match_data* md, const char* what, Fn fn) const {
    size_t offset = 0;
    while (offset <= text.size()) {
      const int rc = pcre2_match(code, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), offset, 0, md, context);
      if (rc == PCRE2_ERROR_NOMATCH) return OkStatus();
      if (rc < 0) {
        PCRE2_UCHAR message[256];
        pcre2_get_error_message(rc, message, sizeof message);
        return ResourceExhaustedError(std::string("guard: recogniser '") + what + "' failed: " +
                                      reinterpret_cast<const char*>(message));
      }
      const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
      fn(ov, rc);
      offset = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
    }
    return OkStatus();
  }
};

Guard::Guard(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
Guard::Guard(Guard&&) noexcept = default;
Guard& Guard::operator=(Guard&&) noexcept = default;
Guard::~Guard() = default;

Result<Guard> Guard::Create(const GuardOptions& options) {
  auto rep = std::make_unique<Rep>();
  rep->options = options;
  rep->context = pcre2_match_context_create(nullptr);
  pcre2_set_match_limit(rep->context, kMatchLimit);
  pcre2_set_depth_limit(rep->context, 10000);
  for (const Recogniser& r : internal::BuiltinRecognisers()) {
    if (!options.names && std::string_view(r.type) == "PERSON") continue;
    Result<pcre2_code*> code = Compile(r.pattern, std::string("built-in recogniser ") + r.name);
    if (!code.ok()) return InternalError(code.status().message());
    rep->recognisers.push_back({r, *code, "", "", internal::DigitRecognisers().count(r.name) > 0});
  }
  for (const std::string& domain : options.internal_domains) {
    if (domain.empty()) continue;
    Compiled c;
    c.type = "HOSTNAME";
    c.name = "internal-host:" + domain;
    const std::string pattern = R"((?<![\w.-])(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8})" +
                                EscapeRegex(Lower(domain)) + R"((?![\w-]|\.[A-Za-z0-9]))";
    FL_ASSIGN_OR_RETURN(c.code, Compile("(?i)" + pattern, "internal domain '" + domain + "'"));
    c.rec = {nullptr, nullptr, nullptr, 0, 0.9, nullptr, nullptr, 0, false};
    rep->recognisers.push_back(std::move(c));
  }
  for (const CustomPattern& p : options.custom) {
    const bool good_type = !p.type.empty() && std::all_of(p.type.begin(), p.type.end(), [](char ch) {
      return (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
    });
    if (!good_type) {
      return InvalidArgumentError("custom recogniser type '" + p.type + "': use upper-case letters, digits and _");
    }
    if (!(p.score > 0 && p.score <= 1)) {
      return InvalidArgumentError("custom recogniser " + p.type + ": score must be in (0, 1]");
    }
    Compiled c;
    c.type = p.type;
    c.name = "custom:" + p.type;
    FL_ASSIGN_OR_RETURN(c.code, Compile(p.pattern, "custom recogniser " + p.type));
    c.rec = {nullptr, nullptr, nullptr, 0, p.score, nullptr, nullptr, 0, false};
    rep->recognisers.push_back(std::move(c));
  }
  if (!options.ner_model.empty()) {
    FL_ASSIGN_OR_RETURN(NerModel m, NerModel::Load(options.ner_model));
    rep->ner = std::make_unique<NerModel>(std::move(m));
  }
  for (const char* pattern : internal::ProtectedPatterns()) {
    Result<pcre2_code*> code = Compile(pattern, "protected pattern");
    if (!code.ok()) return InternalError(code.status().message());
    rep->protect.push_back(*code);
  }
  for (const std::string& d : options.deny) rep->deny.insert(Lower(d));
  return Guard(std::move(rep));
}

std::vector<std::string> Guard::Types() const {
  std::set<std::string> types;
  for (const Compiled& c : rep_->recognisers) types.insert(c.rec.type != nullptr ? c.rec.type : c.type);
  if (rep_->ner != nullptr) types.insert({"PERSON", "LOCATION", "ORGANIZATION"});
  return {types.begin(), types.end()};
}

Status Guard::Find(std::string_view text, std::vector<Span>* spans) const {
  spans->clear();
  if (text.size() > rep_->options.max_bytes) {
    return ResourceExhaustedError("guard: text of " + std::to_string(text.size()) + " bytes exceeds the limit of " +
                                  std::to_string(rep_->options.max_bytes));
  }
  std::string ascii;
  std::vector<size_t> from;
  if (!internal::AsciiSeparators(text, &ascii, &from)) return FindAscii(text, spans);
  FL_RETURN_IF_ERROR(FindAscii(ascii, spans));
  for (Span& s : *spans) {
    s.start = from[s.start];
    s.end = from[s.end];
  }
  return OkStatus();
}

Status Guard::FindAscii(std::string_view text, std::vector<Span>* spans) const {
  spans->clear();
  pcre2_match_data* md = pcre2_match_data_create(16, nullptr);
  struct Free {
    pcre2_match_data* md;
    ~Free() { pcre2_match_data_free(md); }
  } free_md{md};

  std::vector<std::pair<size_t, size_t>> protected_ranges;
  for (pcre2_code* p : rep_->protect) {
    FL_RETURN_IF_ERROR(rep_->ForEachMatch(p, text, md, "protected", [&](const PCRE2_SIZE* ov, int) {
      protected_ranges.emplace_back(ov[0], ov[1]);
    }));
  }
  // Merged into disjoint ranges (protected matches may overlap each other).
  std::sort(protected_ranges.begin(), protected_ranges.end());
  internal::Ranges protect;
  for (size_t i = 0; i < protected_ranges.size();) {
    size_t start = protected_ranges[i].first, end = protected_ranges[i].second;
    for (++i; i < protected_ranges.size() && protected_ranges[i].first < end; ++i)
      end = std::max(end, protected_ranges[i].second);
    protect.Add(start, end, 0);
  }
  auto overlaps_protected = [&](size_t s, size_t e) { return protect.Overlapping(s, e) != nullptr; };

  // The tagger's names first: a number right after a person's name is a cue of its own.
  std::vector<Span> tagged;
  if (rep_->ner != nullptr && rep_->options.ner_score >= rep_->options.min_score) {
    for (Span& s : rep_->ner->Find(text)) {
      // A name ends before a number glued to it ("Bob Smith-905-674-3793") or its possessive.
      s.end = s.start + internal::NameLength(text.substr(s.start, s.end - s.start));
      if (s.end - s.start < 2) continue;
      if (overlaps_protected(s.start, s.end) || rep_->deny.count(Lower(text.substr(s.start, s.end - s.start)))) continue;
      if (!NameLike(text.substr(s.start, s.end - s.start))) continue;
      if (internal::MissingValueMarker(text.substr(s.start, s.end - s.start))) continue;
      s.score = rep_->options.ner_score;
      if (s.type == "PERSON" && InStreetAddress(text, s.start, s.end)) s.type = "LOCATION";
      if (s.type == "PERSON" && InCompanyName(text, s.start, s.end)) s.type = "ORGANIZATION";
      tagged.push_back(std::move(s));
    }
  }
  std::vector<Span> found;
  // Whether a person's name stands just before `at` (after_name), and a number ending at
  // `end` ends its phrase (the text, the line, or before punctuation): both together cue
  // a phone ("Jan Novak 724 123 456", "ask for Jan Novak on …", a signature's last line;
  // not the "3747 3911" of "3747 3911 Fourth Avenue" under a company's name). The names
  // are the tagger's and the letter frame's (those recognisers run before the phones).
  std::multiset<size_t> name_ends;  // of the names found so far
  for (const Span& k : tagged)
    if (k.type == "PERSON") name_ends.insert(k.end);
  size_t names_seen = 0;  // found[0, names_seen) are in name_ends
  auto ends_phrase = [&](size_t end) {
    size_t next = end;
    while (next < text.size() && text[next] == ' ') ++next;
    return next == text.size() || !std::isalnum(static_cast<unsigned char>(text[next]));
  };
  auto after_name = [&](size_t at) {
    for (; names_seen < found.size(); ++names_seen)
      if (found[names_seen].type == "PERSON") name_ends.insert(found[names_seen].end);
    auto names_it = [&](size_t name_end) {
      std::string gap = Lower(text.substr(name_end, at - name_end));
      for (const char* word : {"on", "at", "tel", "ph"}) {
        const size_t w = gap.find(word);
        if (w != std::string::npos) {
          gap.erase(w, std::strlen(word));
          break;
        }
      }
      return gap.find_first_not_of(" \t\n,:;(-/|") == std::string::npos;
    };
    for (auto it = name_ends.lower_bound(at >= 6 ? at - 6 : 0); it != name_ends.end() && *it <= at; ++it)
      if (names_it(*it)) return true;
    return false;
  };

  // The checks after the cue: an id's word just before, a veto word in the clause, a
  // street or a unit after, a version's word before. False: no finding. Words right after
  // the number that call it a phone outweigh an id's word before it ("Customer number 774
  // 576 864 is my phone number", "Order 1234 5678 (mobile)").
  auto passes = [&](const Recogniser& r, size_t s, size_t e, const std::string& window, bool cue, bool name_before,
                    bool name_cue) {
    const std::string_view value = text.substr(s, e - s);
    if (r.against != nullptr && std::strcmp(r.type != nullptr ? r.type : "", "PHONE") == 0 &&
        SaysPhoneAfter(text.substr(e, std::min<size_t>(24, text.size() - e)))) {
      return true;
    }
    // An id's name just before drops it, unless a cue is just before too ("Phone #: …",
    // not "Order #: …"), or the id's sentence ended ("Close my account. (0681) 241-586").
    const std::string last16 = window.substr(window.size() > 16 ? window.size() - 16 : 0);
    const size_t against_end =
        r.against != nullptr ? ContextEnd(r.against, last16, /*just_before=*/true, /*first_only=*/false)
                             : std::string::npos;
    auto sentence_ends = [&](size_t from) {
      for (size_t i = from; i < last16.size(); ++i)
        if (SentenceEndAt(last16, i)) return true;
      return false;
    };
    if (against_end != std::string::npos && !sentence_ends(against_end) &&
        !(cue && (HasContext(r.context, last16, /*just_before=*/true) ||
                  HasContext(r.context, WithoutNumberMark(last16), /*just_before=*/true)))) {
      return false;
    }
    // A veto word counts in the number's own clause, with no other number between:
    // "My account is locked. Reach me at …" and "order 5531 - contact me on …" keep
    // their phone; so do a service the word names ("Customer service: …", "Ticket
    // office …"), a way to reach one ("our booking office can be reached on …") and a
    // person's name just before a grouped number ("Customer Ana Silva (451 5986)", not
    // "Employee Ana Silva 20231234").
    const size_t veto_end = r.veto != nullptr ? ContextEnd(r.veto, window, false, false) : std::string::npos;
    const bool grouped = value.find_first_of(" -()") != std::string_view::npos;  // ids are one run
    const size_t own_cue_end = r.veto_if_nearer ? ContextEnd(r.context, window, false, false) : std::string::npos;
    const bool own_cue_nearer =
        own_cue_end != std::string::npos && veto_end != std::string::npos && own_cue_end > veto_end;
    if (veto_end != std::string::npos && !own_cue_nearer && !(name_cue && grouped) &&
        !ClauseOrNumberBetween(window, veto_end) &&
        (r.veto_if_nearer || name_before || NamesTheNumber(window, veto_end)) &&
        !HasContext(kServiceWords, window.substr(veto_end)) &&
        (r.veto_unless == nullptr || !HasContext(r.veto_unless, window))) {
      return false;
    }
    // A street's word belongs to this number only with no other number or field
    // between, within two words ("3747 3911 Fourth Avenue"): "60-56-85-91, 701 Russell
    // Mountain Apt. 873" and "… 2810 286570 country many hours ago" keep their phones.
    if (r.after_against != nullptr && !cue) {
      size_t line_end = std::min(text.find('\n', e), std::min(text.size(), e + 32));
      int words = 0;
      for (size_t i = e; i < line_end; ++i) {
        const bool number = std::isdigit(static_cast<unsigned char>(text[i])) && text[i - 1] == ' ';
        const bool word_start = text[i] != ' ' && text[i - 1] == ' ';
        const bool dash = text[i] == '-' && text[i - 1] == ' ';  // "0378 3549890 - Ms."
        if (number || dash || std::strchr(",;|/(", text[i]) != nullptr || (word_start && ++words > 2)) {
          line_end = i;
          break;
        }
      }
      const std::string after = Lower(text.substr(e, line_end - e));
      if (HasContext(r.after_against, after) && !FunctionWordFirst(after)) return false;
    }
    // The words must start one: "server 10.0.0.1" is an address, "ver 10.0.0.1" not.
    if (r.skip_after_version && HasContext("^version|^ver.|^ver |^build|^release|^firmware|^v.", window.substr(
                                                window.size() > 12 ? window.size() - 12 : 0))) {
      return false;
    }
    return true;
  };
  std::vector<Span> beside_pending;  // phones that a finding beside them would cue
  struct PendingFrom {
    const Recogniser* rec;
    bool name_before;
  };
  std::vector<PendingFrom> pending_from;  // for each of beside_pending
  const bool has_digit = text.find_first_of("0123456789") != std::string_view::npos;
  for (const Compiled& c : rep_->recognisers) {
    const Recogniser& r = c.rec;
    if (c.needs_digit && !has_digit) continue;
    if (r.require != nullptr) {
      bool any = false;
      std::string_view req(r.require);
      while (!any && !req.empty()) {
        const size_t bar = req.find('|');
        any = text.find(req.substr(0, bar)) != std::string_view::npos;
        req = bar == std::string_view::npos ? std::string_view() : req.substr(bar + 1);
      }
      if (!any) continue;
    }
    const char* type = r.type != nullptr ? r.type : c.type.c_str();
    const char* name = r.name != nullptr ? r.name : c.name.c_str();
    FL_RETURN_IF_ERROR(rep_->ForEachMatch(c.code, text, md, name, [&](const PCRE2_SIZE* ov, int rc) {
      if (r.group >= rc || ov[2 * r.group] == PCRE2_UNSET) return;
      const size_t s = ov[2 * r.group];
      size_t e = ov[2 * r.group + 1];
      if (e <= s) return;
      std::string_view value = text.substr(s, e - s);
      if (r.validate != nullptr && !r.validate(value)) {
        size_t keep = 0;
        if (r.trim_at_spaces) {
          for (size_t cut = value.rfind(' '); cut != std::string_view::npos && cut > 0 && keep == 0;
               cut = value.rfind(' ', cut - 1)) {
            if (r.validate(value.substr(0, cut))) keep = cut;
          }
        }
        if (keep == 0) return;
        e = s + keep;
        value = value.substr(0, keep);
      }
      if (overlaps_protected(s, e) || rep_->deny.count(Lower(value))) return;
      if (std::strcmp(type, "PHONE") == 0 && !GluedWordAllows(text, s, value)) return;
      const size_t from = s > kContextBytes ? s - kContextBytes : 0;
      const std::string window = Lower(text.substr(from, s - from));
      // Context words count before the finding (48 bytes) or just after it (24 bytes:
      // "555 0132 is my mobile"). A finding that needs one to pass is dropped first when
      // it has none: most digit runs in logs, before the checks below.
      const bool name_before = r.context != nullptr && std::strcmp(type, "PHONE") == 0 && after_name(s);
      const bool name_cue = name_before && ends_phrase(e) && NameCueShape(value);
      const bool cue = r.context != nullptr &&
                       (name_cue || HasContext(r.context, window) ||
                        HasContext(r.context, Lower(text.substr(e, std::min<size_t>(kContextBytes / 2, text.size() - e)))));
      const double score = cue ? std::min(1.0, r.score + r.context_boost) : r.score;
      // A phone number that only a cue would pass may have its cue in the data beside it,
      // known once every finding is in ("kari@hanssen.no, 48784005").
      const bool pending = !cue && score < rep_->options.min_score && std::strcmp(type, "PHONE") == 0 &&
                           r.context != nullptr &&
                           std::min(1.0, r.score + r.context_boost) >= rep_->options.min_score;
      if (score < rep_->options.min_score && !pending) return;
      if (pending) {  // the checks below wait for the data beside it: most digit runs have none
        beside_pending.push_back({s, e, type, std::min(1.0, r.score + r.context_boost), name});
        pending_from.push_back({&r, name_before});
        return;
      }
      if (!passes(r, s, e, window, cue, name_before, name_cue)) return;
      Span span{s, e, type, score, name};
      if (std::string_view(name) == "ipv4") span.recogniser = IsPrivateIpv4(value) ? "ipv4-private" : "ipv4-public";
      found.push_back(std::move(span));
    }));
  }
  found.insert(found.end(), std::make_move_iterator(tagged.begin()), std::make_move_iterator(tagged.end()));
  const std::vector<bool> beside = BesideData(text, found, beside_pending);
  for (size_t i = 0; i < beside_pending.size(); ++i) {
    Span& p = beside_pending[i];
    if (!beside[i]) continue;
    const size_t from = p.start > kContextBytes ? p.start - kContextBytes : 0;
    const std::string window = Lower(text.substr(from, p.start - from));
    if (passes(*pending_from[i].rec, p.start, p.end, window, /*cue=*/false, pending_from[i].name_before, false)) {
      found.push_back(std::move(p));
    }
  }
  // Resolve overlaps: higher score first, then the longer span. Scores are sums of a
  // base and a boost, compared in millionths: 0.55 + 0.4 and 0.75 + 0.2 are one score.
  auto millionths = [](double score) { return std::lround(score * 1e6); };
  std::sort(found.begin(), found.end(), [&](const Span& a, const Span& b) {
    if (millionths(a.score) != millionths(b.score)) return millionths(a.score) > millionths(b.score);
    if (a.end - a.start != b.end - b.start) return a.end - a.start > b.end - b.start;
    return a.start < b.start;
  });
  internal::Ranges kept;  // value: the index in spans
  for (Span& f : found) {
    if (kept.Overlapping(f.start, f.end) != nullptr) continue;
    kept.Add(f.start, f.end, spans->size());
    spans->push_back(std::move(f));
  }
  // A name found once marks its other whole-word occurrences in the text too: "Maria
  // Lopez" in a greeting, "Lopez" alone three lines later.
  std::set<std::string> name_parts;
  for (const Span& s : *spans) {
    if (s.type != "PERSON") continue;
    for (const auto& [a, b] : NerTokens(text.substr(s.start, s.end - s.start))) {
      const std::string part(text.substr(s.start + a, b - a));
      if (part.size() >= 3 && std::isupper(static_cast<unsigned char>(part[0])) && part.back() != '.' &&
          !internal::IsGreetingStopword(part)) {
        name_parts.insert(part);
      }
    }
  }
  internal::WordIndex words(text);
  for (const std::string& part : name_parts) {
    words.ForEachWholeWord(part, [&](size_t at) {
      const size_t end = at + part.size();
      // The tagger's place or organisation on exactly this word is the name again:
      // "directed by Anna Adamska and starring Adamska".
      if (const size_t* index = kept.Overlapping(at, end)) {
        Span& k = (*spans)[*index];
        if (k.start == at && k.end == end && k.recogniser == "ner" && k.type != "PERSON") {
          k.type = "PERSON";
          k.recogniser = "name-repeat";
        }
        return;
      }
      if (overlaps_protected(at, end)) return;
      kept.Add(at, end, spans->size());
      spans->push_back({at, end, "PERSON", 0.8, "name-repeat"});
    });
  }
  std::sort(spans->begin(), spans->end(), [](const Span& a, const Span& b) { return a.start < b.start; });
  return OkStatus();
}

}  // namespace fl::guard
