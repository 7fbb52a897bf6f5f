#include <gtest/gtest.h>
#include <time.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "text/text.h"

namespace fl::text {
namespace {

using Tokens = std::vector<std::string>;

struct Golden {
  const char* input;
  Tokens expected;
};

void ExpectGolden(const std::vector<Golden>& cases) {
  for (const Golden& g : cases) EXPECT_EQ(Tokenize(g.input), g.expected) << "input: " << g.input;
}

TEST(Tokenize, WordsArePunctuationSplitAndLowerCased) {
  ExpectGolden({
      {"", {}},
      {"   \t\r\n ", {}},
      {"...!!! ,;", {}},
      {"Hello, world!", {"hello", "world"}},
      {"Outlook CRASHES on start-up?", {"outlook", "crashes", "on", "start-up"}},
      {"a\tb\nc\r\nd", {"a", "b", "c", "d"}},
      {"Ticket #123 (urgent) [P1] {x} <y> \"z\"", {"ticket", "123", "urgent", "p1", "x", "y", "z"}},
      {"50% of users; 3+4=7", {"50", "of", "users", "3", "4", "7"}},
      {"a--b, c-, -d", {"a", "b", "c", "d"}},
      {"wi-fi e-mail", {"wi-fi", "e-mail"}},
  });
}

TEST(Tokenize, TrailingSentencePunctuationDoesNotStick) {
  ExpectGolden({
      {"Restart server01.", {"restart", "server01"}},
      {"see srv01.corp.example.com.", {"see", "srv01.corp.example.com"}},
      {"Version is 10.0.19045.", {"version", "is", "10.0.19045"}},
      {"ping 10.2.3.4: timeout", {"ping", "10.2.3.4", "timeout"}},
      {"mail bob@example.com!", {"mail", "bob@example.com"}},
      {"open /var/log/syslog.", {"open", "/var/log/syslog"}},
      {"Done... really?!", {"done", "really"}},
      {"e.g. this", {"e.g", "this"}},
      {"C:", {"c"}},
      {"C:\\ drive", {"c", "drive"}},
  });
}

TEST(Tokenize, TechnicalUnitsStayWhole) {
  ExpectGolden({
      {"Error 0x80070005 occurred", {"error", "0x80070005", "occurred"}},
      {"ERR_CONNECTION_RESET in Chrome", {"err_connection_reset", "in", "chrome"}},
      {"ping 10.2.3.4 failed", {"ping", "10.2.3.4", "failed"}},
      {"connect to 10.2.3.4:8080", {"connect", "to", "10.2.3.4:8080"}},
      {"srv01.corp.local:443 refused", {"srv01.corp.local:443", "refused"}},
      {"at 12:30:05 today", {"at", "12:30:05", "today"}},
      {"C:\\Users\\bob\\Desktop", {"c:\\users\\bob\\desktop"}},
      {"C:/Windows/System32", {"c:/windows/system32"}},
      {"\\\\FileServer\\Share is gone", {"\\\\fileserver\\share", "is", "gone"}},
      {"user CORP\\jsmith locked", {"user", "corp\\jsmith", "locked"}},
      {"mail John.Doe@Corp.Example.com today", {"mail", "john.doe@corp.example.com", "today"}},
      {"srv01.corp.example.com is down", {"srv01.corp.example.com", "is", "down"}},
      {"srv-db-01.corp.local", {"srv-db-01.corp.local"}},
      {"Windows 10.0.19045", {"windows", "10.0.19045"}},
      {"see /var/log/syslog and /etc/hosts", {"see", "/var/log/syslog", "and", "/etc/hosts"}},
      {"(/opt/app/bin)", {"/opt/app/bin"}},
      {"path=/tmp/x", {"path", "/tmp/x"}},
      {"and/or TCP/IP", {"and/or", "tcp/ip"}},
      {"file report_v2.xlsx", {"file", "report_v2.xlsx"}},
  });
}

TEST(Tokenize, ColonJoinsOnlyPortsTimesAndDrives) {
  ExpectGolden({
      {"error:0x80070005", {"error", "0x80070005"}},
      {"Note:the printer", {"note", "the", "printer"}},
      {"10.2.3.4:http", {"10.2.3.4", "http"}},
      {"12:30abc", {"12", "30abc"}},
      {"ab:\\x", {"ab", "x"}},
  });
}

TEST(Tokenize, UrlsSplitIntoSchemeAndHostPath) {
  ExpectGolden({
      {"https://portal.example.com/path?x=1",
       {"https", "portal.example.com/path", "x", "1"}},
      {"a//b", {"a", "b"}},
  });
}

TEST(Tokenize, Apostrophes) {
  // Choice: an apostrophe between word characters is kept ("can't" is one token), and the
  // typographic ’ is written as '.
  ExpectGolden({
      {"I can't log in", {"i", "can't", "log", "in"}},
      {"I can\xE2\x80\x99t log in", {"i", "can't", "log", "in"}},
      {"O'Brien's laptop", {"o'brien's", "laptop"}},
      {"'quoted' words", {"quoted", "words"}},
      {"users' files", {"users", "files"}},
      {"\xE2\x80\x98single\xE2\x80\x99", {"single"}},
  });
}

TEST(Tokenize, UnderscoreOnlyTokensAreDropped) {
  ExpectGolden({
      {"_____ __init__ _x", {"__init__", "_x"}},
      {"_", {}},
  });
}

TEST(Tokenize, NonAsciiLettersAreLetters) {
  ExpectGolden({
      {"Caf\xC3\xA9 M\xC3\xBCLLER", {"caf\xC3\xA9", "m\xC3\xBCller"}},
      {"\xD0\xA1\xD0\x95\xD0\xA0\xD0\x92\xD0\x95\xD0\xA0 \xD0\xBD\xD0\xB5 "
       "\xD0\xBE\xD1\x82\xD0\xB2\xD0\xB5\xD1\x87\xD0\xB0\xD0\xB5\xD1\x82",  // СЕРВЕР не отвечает
       {"\xD1\x81\xD0\xB5\xD1\x80\xD0\xB2\xD0\xB5\xD1\x80", "\xD0\xBD\xD0\xB5",
        "\xD0\xBE\xD1\x82\xD0\xB2\xD0\xB5\xD1\x87\xD0\xB0\xD0\xB5\xD1\x82"}},
      {"\xCE\x9A\xCE\xB1\xCE\xBB\xCE\xB7\xCE\xBC\xCE\xAD\xCF\x81\xCE\xB1",  // Καλημέρα
       {"\xCE\xBA\xCE\xB1\xCE\xBB\xCE\xB7\xCE\xBC\xCE\xAD\xCF\x81\xCE\xB1"}},
      {"na\xC3\xAFve stra\xC3\x9F" "e", {"na\xC3\xAFve", "stra\xC3\x9F" "e"}},
      {"\xE4\xB8\xAD\xE6\x96\x87", {"\xE4\xB8\xAD\xE6\x96\x87"}},  // 中文: one run
  });
}

TEST(Tokenize, NonAsciiPunctuationSeparates) {
  ExpectGolden({
      {"\xC2\xAB\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82\xC2\xBB",  // «Привет»
       {"\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82"}},
      {"\xE2\x80\x9Cquoted\xE2\x80\x9D \xE2\x80\x94 dash\xE2\x80\xA6",  // “quoted” — dash…
       {"quoted", "dash"}},
      {"a\xC2\xA0" "b", {"a", "b"}},                    // no-break space
      {"ok\xF0\x9F\x91\x8D" "done", {"ok", "done"}},    // emoji
      {"\xEF\xBB\xBFhello", {"hello"}},                 // BOM
      {"x\xE2\x80\x8By", {"x", "y"}},                   // zero-width space
      {"10\xC3\x97" "20", {"10", "20"}},                // ×
      {"\xEF\xBC\x88" "fullwidth\xEF\xBC\x89", {"fullwidth"}},
  });
}

TEST(Tokenize, InvalidUtf8IsKeptAsIs) {
  ExpectGolden({
      {"AB\xFF" "CD", {"ab\xFF" "cd"}},
      {"x\xC3", {"x\xC3"}},
      {"\xED\xA0\x80 ok", {"\xED\xA0\x80", "ok"}},
      {"\x80", {"\x80"}},
  });
}

TEST(Tokenize, LeadingPunctuationIsDropped) {
  ExpectGolden({
      {"-5 degrees", {"5", "degrees"}},
      {"@john please", {"john", "please"}},
      {".bashrc", {"bashrc"}},
      {"foo./bar", {"foo", "/bar"}},  // "/" after a separator-like mark opens a path
  });
}

TEST(Tokenize, RealisticTicket) {
  const std::string ticket =
      "Hi team, since this morning Outlook on my laptop (WS-0042) can't connect to "
      "exchange01.corp.example.com: error 0x80070005 ERR_CONNECTION_RESET. I tried "
      "C:\\Users\\jdoe\\AppData and restarted; ping 10.20.30.40:443 works. Logs in "
      "/var/log/syslog. Windows 10.0.19045, user CORP\\jdoe, mail john.doe@example.com. "
      "Caf\xC3\xA9 M\xC3\xBCller \xD0\xA1\xD0\x95\xD0\xA0\xD0\x92\xD0\x95\xD0\xA0! "
      "Please help, thanks.\n";
  const Tokens expected = {
      "hi", "team", "since", "this", "morning", "outlook", "on", "my", "laptop", "ws-0042",
      "can't", "connect", "to", "exchange01.corp.example.com", "error", "0x80070005",
      "err_connection_reset", "i", "tried", "c:\\users\\jdoe\\appdata", "and", "restarted",
      "ping", "10.20.30.40:443", "works", "logs", "in", "/var/log/syslog", "windows",
      "10.0.19045", "user", "corp\\jdoe", "mail", "john.doe@example.com", "caf\xC3\xA9",
      "m\xC3\xBCller", "\xD1\x81\xD0\xB5\xD1\x80\xD0\xB2\xD0\xB5\xD1\x80", "please", "help",
      "thanks"};
  EXPECT_EQ(Tokenize(ticket), expected);
}

TEST(Tokenize, LongInputWithoutSeparators) {
  const std::string s(100000, 'a');
  const Tokens t = Tokenize(s);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].size(), s.size());
}

TEST(Tokenize, EveryByteValueIsSafe) {
  // Each single byte and each byte pair must tokenise without crashing; every token must
  // be non-empty and contain no separator spaces.
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; b += 7) {
      const char buf[3] = {static_cast<char>(a), static_cast<char>(b), '.'};
      for (const std::string& t : Tokenize(std::string_view(buf, 3))) {
        EXPECT_FALSE(t.empty());
        EXPECT_EQ(t.find(' '), std::string::npos);
      }
    }
  }
}

double ThreadCpuSeconds() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// Not a pass/fail check: prints throughput on ticket-like text, one call per ticket as on
// the classifier's hot path. The issue asks for > 50 MB/s in an optimised build on one
// thread. CPU time is printed beside wall time because a busy machine deflates the latter.
TEST(Tokenize, Throughput) {
  const std::string ticket =
      "Hi team, since this morning Outlook on my laptop (WS-0042) can't connect to "
      "exchange01.corp.example.com: error 0x80070005 ERR_CONNECTION_RESET. I tried "
      "C:\\Users\\jdoe\\AppData and restarted; ping 10.20.30.40:443 works. Logs in "
      "/var/log/syslog. Windows 10.0.19045, user CORP\\jdoe, mail john.doe@example.com. "
      "Caf\xC3\xA9 M\xC3\xBCller \xD0\xA1\xD0\x95\xD0\xA0\xD0\x92\xD0\x95\xD0\xA0 "
      "\xD0\xBD\xD0\xB5 \xD0\xBE\xD1\x82\xD0\xB2\xD0\xB5\xD1\x87\xD0\xB0\xD0\xB5\xD1\x82! "
      "Please help, thanks.\n";
  size_t n_tokens = 0, bytes = 0;
  const auto wall0 = std::chrono::steady_clock::now();
  const double cpu0 = ThreadCpuSeconds();
  double cpu = 0;
  do {
    for (int i = 0; i < 1000; ++i) n_tokens += Tokenize(ticket).size();
    bytes += 1000 * ticket.size();
    cpu = ThreadCpuSeconds() - cpu0;
  } while (cpu < 0.5);
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  std::printf("[ tokenize ] %.1f MB/s wall, %.1f MB/s CPU (%.1f MB, %zu tokens)\n",
              static_cast<double>(bytes) / wall / 1e6, static_cast<double>(bytes) / cpu / 1e6,
              static_cast<double>(bytes) / 1e6, n_tokens);
  EXPECT_GT(n_tokens, 0u);
}

}  // namespace
}  // namespace fl::text
