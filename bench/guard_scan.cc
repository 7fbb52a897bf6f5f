// Micro-benchmark for the guard's design choice: PCRE2 with JIT, PCRE2 interpreted, or a
// hand-written scanner, for two hot recognisers (e-mail, IPv4) over the same text. All
// three must find the same number of matches; the speed is reported as MB/s and as a
// ratio to the JIT (run by bench/guard.sh).
//
// usage: bench_guard_scan FILE [repeats]
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <tuple>

namespace {

double Seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

size_t CountPcre(const std::string& pattern, const std::string& text, bool jit) {
  int err;
  PCRE2_SIZE off;
  pcre2_code* re = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.c_str()), pattern.size(), 0, &err, &off, nullptr);
  if (jit) pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
  pcre2_match_data* md = pcre2_match_data_create_from_pattern(re, nullptr);
  size_t n = 0, at = 0;
  const uint32_t options = jit ? 0 : PCRE2_NO_JIT;
  while (at <= text.size() &&
         pcre2_match(re, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), at, options, md, nullptr) >= 0) {
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
    ++n;
    at = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
  }
  pcre2_match_data_free(md);
  pcre2_code_free(re);
  return n;
}

bool LocalChar(unsigned char c) { return std::isalnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'; }

// local@label(.label)*.tld with the same rules as the PCRE2 pattern below.
size_t CountEmailHand(const std::string& t) {
  size_t n = 0, last_end = 0;
  for (size_t at = t.find('@'); at != std::string::npos; at = t.find('@', at + 1)) {
    if (at < last_end) continue;
    size_t s = at;
    while (s > last_end && LocalChar(t[s - 1])) --s;
    while (s < at && !std::isalnum(static_cast<unsigned char>(t[s]))) ++s;  // must start alphanumeric
    if (s == at) continue;
    if (s > 0 && (std::isalnum(static_cast<unsigned char>(t[s - 1])) || t[s - 1] == '_')) continue;
    size_t e = at + 1, last_dot = 0;
    while (e < t.size() && (std::isalnum(static_cast<unsigned char>(t[e])) || t[e] == '-' || t[e] == '.')) {
      if (t[e] == '.') last_dot = e;
      ++e;
    }
    while (e > at + 1 && (t[e - 1] == '.' || t[e - 1] == '-')) --e;
    if (last_dot >= e) {
      last_dot = t.rfind('.', e - 1);
      if (last_dot <= at) continue;
    }
    if (last_dot == 0 || last_dot <= at + 1) continue;
    size_t tld = 0;
    for (size_t k = last_dot + 1; k < e && std::isalpha(static_cast<unsigned char>(t[k])); ++k) ++tld;
    if (tld < 2 || last_dot + 1 + tld != e) continue;
    ++n;
    last_end = e;
  }
  return n;
}

size_t CountIpv4Hand(const std::string& t) {
  size_t n = 0;
  for (size_t i = 0; i < t.size();) {
    if (!std::isdigit(static_cast<unsigned char>(t[i])) || (i > 0 && (std::isalnum(static_cast<unsigned char>(t[i - 1])) || t[i - 1] == '.' || t[i - 1] == '_'))) {
      ++i;
      continue;
    }
    size_t j = i;
    int parts = 0;
    bool ok = true;
    while (parts < 4) {
      size_t d = 0;
      while (j < t.size() && std::isdigit(static_cast<unsigned char>(t[j])) && d < 4) ++j, ++d;
      if (d == 0 || d > 3) {
        ok = false;
        break;
      }
      ++parts;
      if (parts < 4) {
        if (j < t.size() && t[j] == '.') {
          ++j;
        } else {
          ok = false;
          break;
        }
      }
    }
    const bool boundary = j >= t.size() || !(std::isalnum(static_cast<unsigned char>(t[j])) || t[j] == '_' ||
                                             (t[j] == '.' && j + 1 < t.size() && std::isdigit(static_cast<unsigned char>(t[j + 1]))));
    if (ok && boundary) {
      ++n;
      i = j;
    } else {
      ++i;
    }
  }
  return n;
}

template <typename Fn>
double Time(Fn fn, int repeats, size_t* count) {
  double best = 1e9;
  for (int r = 0; r < repeats; ++r) {
    const double t0 = Seconds();
    *count = fn();
    best = std::min(best, Seconds() - t0);
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE [repeats]\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "error: cannot open %s\n", argv[1]);
    return 1;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 3;
  const double mb = text.size() / 1e6;
  const std::string email =
      R"((?<![\w.+%-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?){0,8}\.[A-Za-z]{2,24}\b)";
  const std::string ipv4 = R"((?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d))";
  std::printf("%-8s %-16s %8s %10s %9s\n", "pattern", "engine", "matches", "MB/s", "vs JIT");
  struct Case {
    const char* name;
    std::string pattern;
    size_t (*hand)(const std::string&);
  };
  for (const Case& c : {Case{"email", email, &CountEmailHand}, Case{"ipv4", ipv4, &CountIpv4Hand}}) {
    const char* name = c.name;
    const std::string& pattern = c.pattern;
    auto hand = c.hand;
    size_t n_jit = 0, n_int = 0, n_hand = 0;
    const double t_jit = Time([&] { return CountPcre(pattern, text, true); }, repeats, &n_jit);
    const double t_int = Time([&] { return CountPcre(pattern, text, false); }, repeats, &n_int);
    const double t_hand = Time([&] { return hand(text); }, repeats, &n_hand);
    std::printf("%-8s %-16s %8zu %10.1f %9.2f\n", name, "pcre2-jit", n_jit, mb / t_jit, 1.0);
    std::printf("%-8s %-16s %8zu %10.1f %9.2f\n", name, "pcre2-interp", n_int, mb / t_int, t_jit / t_int);
    std::printf("%-8s %-16s %8zu %10.1f %9.2f\n", name, "hand-written", n_hand, mb / t_hand, t_jit / t_hand);
  }
  return 0;
}
