// frontline index / search in the contract's forms.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "integration/shell.h"

namespace {

using fl::testing::Sh;
using nlohmann::json;

TEST(SearchCliTest, IndexThenSearchOneQueryAndAQueryFile) {
  std::string tmpl = ::testing::TempDir() + "/fl_search_test.XXXXXX";
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
  const std::string dir = tmpl, fl = FL_BINARY;
  std::filesystem::create_directories(dir + "/kb/net");
  std::ofstream(dir + "/kb/net/vpn.md") << "# VPN connection\nIf AnyConnect shows error 809, restart the client.\n";
  std::ofstream(dir + "/kb/printer.md") << "# Printer jams\nOpen tray 2 and remove the paper.\n";
  std::ofstream(dir + "/kb/mail.md") << "# Outlook\nOutlook asks for the password again and again: clear the cache.\n";
  auto r = Sh(fl + " index --out " + dir + "/idx " + dir + "/kb", true);
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("indexed 3 chunks"), std::string::npos) << r.out;

  r = Sh(fl + " search --index " + dir + "/idx --json -k 2 \"anyconnect error 809\"");
  ASSERT_EQ(r.code, 0) << r.out;
  const json j = json::parse(r.out);
  ASSERT_GE(j["hits"].size(), 1u);
  EXPECT_LE(j["hits"].size(), 2u);
  EXPECT_EQ(j["hits"][0]["doc"], "net/vpn.md") << "ids are paths relative to the folder given";
  EXPECT_EQ(j["hits"][0]["title"], "VPN connection");
  EXPECT_NE(j["hits"][0]["snippet"].get<std::string>().find("[AnyConnect]"), std::string::npos);
  EXPECT_GT(j["hits"][0]["score"].get<double>(), 0);

  std::ofstream(dir + "/q.txt") << "printer paper stuck\noutlook password prompt\nnothing matches zzz\n";
  r = Sh(fl + " search --index " + dir + "/idx --json -k 1 --queries " + dir + "/q.txt");
  ASSERT_EQ(r.code, 0) << r.out;
  std::istringstream lines(r.out);
  std::string line;
  std::vector<json> out;
  while (std::getline(lines, line)) out.push_back(json::parse(line));
  ASSERT_EQ(out.size(), 3u) << "one line per query, in order";
  EXPECT_EQ(out[0]["hits"][0]["doc"], "printer.md");
  EXPECT_EQ(out[1]["hits"][0]["doc"], "mail.md");
  EXPECT_TRUE(out[2]["hits"].empty());

  // A corrupt index is refused with its path.
  std::ofstream(dir + "/idx/index.flk", std::ios::app) << "x";
  r = Sh(fl + " search --index " + dir + "/idx --json \"vpn\"", true);
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("index.flk"), std::string::npos) << r.out;
}

}  // namespace

namespace {

// Triage attaches the best runbook and similar resolved tickets to each ticket.
TEST(SearchCliTest, TriageAttachesRunbooksAndSimilarTickets) {
  std::string tmpl = ::testing::TempDir() + "/fl_search_triage.XXXXXX";
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
  const std::string dir = tmpl, fl = FL_BINARY;
  const std::string py = "/usr/bin/python3 " FL_SOURCE_DIR "/scripts/";
  ASSERT_EQ(Sh(py + "gen_sample.py --out " + dir + "/s --n 800 --seed 51 --split 0.2 --format csv").code, 0);
  ASSERT_EQ(Sh(py + "gen_kb.py --out " + dir + "/kb").code, 0);
  auto r = Sh(fl + " train --data " + dir + "/s/train.csv --text subject,body --label category --model " + dir +
                  "/m.flm --threads 1 --seed 3",
              true);
  ASSERT_EQ(r.code, 0) << r.out;
  ASSERT_EQ(Sh(fl + " index --out " + dir + "/kbi " + dir + "/kb").code, 0);
  ASSERT_EQ(Sh(fl + " index --out " + dir + "/ti " + dir + "/s/train.csv").code, 0);
  std::ofstream(dir + "/c.json") << R"({"knowledge": {"kb_index": ")" << dir << R"(/kbi", "tickets_index": ")" << dir
                                 << R"(/ti", "k": 2}})";
  r = Sh(fl + " triage --model " + dir + "/m.flm --in " + dir + "/s/test.csv --out " + dir + "/d.jsonl --data-dir " +
             dir + "/data --config " + dir + "/c.json",
         true);
  ASSERT_EQ(r.code, 0) << r.out;
  std::ifstream in(dir + "/d.jsonl");
  std::string line;
  int lines = 0, category_match = 0, with_kb = 0;
  while (std::getline(in, line)) {
    const json j = json::parse(line);
    ++lines;
    ASSERT_TRUE(j.contains("kb")) << line;
    ASSERT_TRUE(j.contains("similar")) << line;
    ASSERT_LE(j["kb"].size(), 2u);
    if (j["kb"].empty()) continue;  // a two-word ticket may match nothing
    ++with_kb;
    for (const auto& h : j["similar"]) EXPECT_NE(h["doc"], j["id"]) << "a ticket is not its own neighbour";
    // The best runbook is usually the ticket's category: runbook files are named by it.
    const std::string doc = j["kb"][0]["doc"];
    category_match += doc.rfind(j["decisions"]["category"]["value"].get<std::string>(), 0) == 0;
  }
  EXPECT_EQ(lines, 160);
  EXPECT_GT(with_kb, 150);
  EXPECT_GT(category_match, lines / 2) << "runbooks match the predicted category for most tickets";
}

}  // namespace
