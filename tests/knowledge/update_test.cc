// Incremental updates: results equal a fresh build, unchanged sources are skipped,
// compaction, readers during writes, manifest and segment corruption, reranking.
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include <gtest/gtest.h>

#include "knowledge/knowledge.h"
#include "text/temp_dir.h"

namespace fl::knowledge {
namespace {

const char* kWords[] = {"vpn",    "printer", "outlook", "password", "reset",  "disk",    "full",  "error",
                        "login",  "laptop",  "wifi",    "teams",    "crash",  "license", "token", "expired",
                        "backup", "restore", "slow",    "network",  "server", "0x80070005", "db-01", "queue"};

// Source s, version v: two chunks with words drawn from a seeded generator.
std::vector<Document> SourceDocs(int s, int v) {
  std::mt19937 rng(s * 1000 + v);
  std::uniform_int_distribution<int> word(0, std::size(kWords) - 1);
  std::vector<Document> out;
  for (int c = 0; c < 2; ++c) {
    Document d;
    d.source = "kb/" + std::to_string(s) + ".md";
    d.id = d.source + "#" + std::to_string(c + 1);
    for (int i = 0; i < 3; ++i) d.title += std::string(kWords[word(rng)]) + " ";
    for (int i = 0; i < 30; ++i) d.body += std::string(kWords[word(rng)]) + " ";
    out.push_back(d);
  }
  return out;
}

// Search results as (id, score) lists for a fixed set of queries.
std::vector<std::vector<std::pair<std::string, double>>> Results(const Index& index) {
  std::vector<std::vector<std::pair<std::string, double>>> out;
  for (const char* q : {"vpn login error", "printer queue", "0x80070005 teams crash", "disk full server db-01"}) {
    std::vector<std::pair<std::string, double>> r;
    for (const Hit& h : index.Search(q, 50, {.snippets = false})) r.emplace_back(index.document(h.doc).id, h.score);
    std::sort(r.begin(), r.end());
    out.push_back(r);
  }
  return out;
}

void ExpectSameResults(const Index& a, const Index& b) {
  const auto ra = Results(a), rb = Results(b);
  ASSERT_EQ(ra.size(), rb.size());
  for (size_t q = 0; q < ra.size(); ++q) {
    ASSERT_EQ(ra[q].size(), rb[q].size()) << "query " << q;
    for (size_t i = 0; i < ra[q].size(); ++i) {
      EXPECT_EQ(ra[q][i].first, rb[q][i].first);
      EXPECT_NEAR(ra[q][i].second, rb[q][i].second, 1e-9) << ra[q][i].first;
    }
  }
}

TEST(UpdateTest, AddReplaceDeleteEqualsAFreshBuild) {
  const testing::TempDir tmp;
  const std::string dir = tmp.path();
  UpdateOptions u;
  u.max_segments = 100;  // no merging: the multi-segment snapshot is what is checked
  u.max_deleted = 1.0;
  // Generation 1: sources 0..9, version 0.
  std::vector<Document> docs;
  for (int s = 0; s < 10; ++s) {
    for (Document& d : SourceDocs(s, 0)) docs.push_back(d);
  }
  auto st = UpdateIndex(dir, docs, {}, u);
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  EXPECT_EQ(st->added, 20);
  EXPECT_EQ(st->generation, 1u);
  // Generation 2: sources 3 and 4 change, 10 and 11 are new, 0..2 resent unchanged.
  docs.clear();
  for (int s : {0, 1, 2}) {
    for (Document& d : SourceDocs(s, 0)) docs.push_back(d);
  }
  for (int s : {3, 4}) {
    for (Document& d : SourceDocs(s, 1)) docs.push_back(d);
  }
  for (int s : {10, 11}) {
    for (Document& d : SourceDocs(s, 0)) docs.push_back(d);
  }
  st = UpdateIndex(dir, docs, {"kb/7.md", "kb/nothing.md"}, u);
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  EXPECT_EQ(st->unchanged, 6);
  EXPECT_EQ(st->replaced, 4);
  EXPECT_EQ(st->added, 4);
  EXPECT_EQ(st->deleted, 4 + 2);  // old versions of 3 and 4, and 7
  EXPECT_EQ(st->not_found, std::vector<std::string>{"kb/nothing.md"});
  EXPECT_FALSE(st->compacted);

  auto loaded = Index::Load(dir);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->segments(), 2);
  EXPECT_EQ(loaded->generation(), 2u);
  // The same final content built from scratch scores every document the same.
  std::vector<Document> final_docs;
  for (int s : {0, 1, 2, 5, 6, 8, 9, 10, 11}) {
    for (Document& d : SourceDocs(s, 0)) final_docs.push_back(d);
  }
  for (int s : {3, 4}) {
    for (Document& d : SourceDocs(s, 1)) final_docs.push_back(d);
  }
  const Index fresh = Index::Build(final_docs, u.create);
  EXPECT_EQ(loaded->live_documents(), fresh.live_documents());
  ExpectSameResults(*loaded, fresh);

  // Nothing new: no new generation. Compaction keeps the results.
  st = UpdateIndex(dir, SourceDocs(0, 0), {}, u);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->generation, 2u);
  EXPECT_EQ(st->unchanged, 2);
  ASSERT_TRUE(CompactIndex(dir).ok());
  auto compacted = Index::Load(dir);
  ASSERT_TRUE(compacted.ok());
  EXPECT_EQ(compacted->segments(), 1);
  EXPECT_EQ(compacted->size(), compacted->live_documents());
  ExpectSameResults(*compacted, fresh);
  // Only the manifest's segment is left in the folder.
  int segment_files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    segment_files += e.path().filename().string().rfind("seg-", 0) == 0;
  }
  EXPECT_EQ(segment_files, 1);
}

TEST(UpdateTest, PruneAndAutomaticMerge) {
  const testing::TempDir tmp;
  const std::string dir = tmp.path();
  UpdateOptions u;
  u.max_segments = 3;
  for (int s = 0; s < 5; ++s) {
    auto st = UpdateIndex(dir, SourceDocs(s, 0), {}, u);
    ASSERT_TRUE(st.ok());
    EXPECT_EQ(st->compacted, s == 3) << "the fourth segment triggers the merge";
  }
  auto index = Index::Load(dir);
  ASSERT_TRUE(index.ok());
  EXPECT_EQ(index->live_documents(), 10);
  EXPECT_LE(index->segments(), 3);
  u.prune = true;
  auto st = UpdateIndex(dir, SourceDocs(2, 0), {}, u);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->deleted, 8);
  index = Index::Load(dir);
  ASSERT_TRUE(index.ok());
  EXPECT_EQ(index->live_documents(), 2);
  for (const Hit& h : index->Search("vpn printer outlook password reset disk error login", 10)) {
    EXPECT_EQ(index->document(h.doc).source, "kb/2.md");
  }
}

// Readers loading while a writer updates always get a complete snapshot: every source
// with both its chunks, from one version.
TEST(UpdateTest, ReadersSeeWholeSnapshotsDuringUpdates) {
  const testing::TempDir tmp;
  const std::string dir = tmp.path();
  UpdateOptions u;
  u.max_segments = 3;
  std::vector<Document> docs;
  for (int s = 0; s < 20; ++s) {
    for (Document& d : SourceDocs(s, 0)) docs.push_back(d);
  }
  ASSERT_TRUE(UpdateIndex(dir, docs, {}, u).ok());
  std::atomic<bool> done{false};
  std::atomic<int> loads{0}, failures{0};
  std::thread reader([&] {
    while (!done) {
      auto index = Index::Load(dir);
      if (!index.ok() || index->live_documents() != 40) {
        ++failures;
        continue;
      }
      ++loads;
    }
  });
  for (int v = 1; v <= 30; ++v) {
    ASSERT_TRUE(UpdateIndex(dir, SourceDocs(v % 20, v), {}, u).ok());
  }
  done = true;
  reader.join();
  EXPECT_EQ(failures, 0);
  EXPECT_GT(loads, 0);
}

TEST(UpdateTest, BrokenManifestsAndMissingSegmentsAreRefusedWithTheirPath) {
  const testing::TempDir tmp;
  const std::string dir = tmp.path();
  ASSERT_TRUE(Index::Build(SourceDocs(1, 0), {}).Save(dir).ok());
  {
    std::ofstream(dir + "/MANIFEST") << "{\"format\": \"frontline-knowledge\", \"version\": 2";
  }
  auto r = Index::Load(dir);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find(dir + "/MANIFEST"), std::string::npos) << r.status().ToString();
  // Saving again replaces the broken manifest.
  ASSERT_TRUE(Index::Build(SourceDocs(1, 0), {}).Save(dir).ok());
  ASSERT_TRUE(Index::Load(dir).ok());
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().filename().string().rfind("seg-", 0) == 0) std::filesystem::remove(e.path());
  }
  r = Index::Load(dir);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(".fls: no such file"), std::string::npos) << r.status().ToString();
  // An index of the first format is named as such.
  const testing::TempDir old_tmp;
  const std::string old = old_tmp.path();
  std::ofstream(old + "/index.flk") << "FLKNOW1\n";
  r = Index::Load(old);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("older frontline"), std::string::npos) << r.status().ToString();
}

TEST(RerankTest, PhraseAndExactCodeLiftTheRightDocument) {
  const Index index = Index::Build({{"scattered", "", "Notes", "", "the reset of the token was late; password rules"},
                                    {"phrase", "", "Notes", "", "how to do a password reset for your account"},
                                    {"code", "", "Notes", "", "install update error code 0x80070643 fix error"},
                                    {"other", "", "Notes", "", "install update error code 0x80070005 fix"}},
                                   {});
  const auto plain = index.Search("password reset", 2, {.rerank_depth = 0});
  const auto reranked = index.Search("password reset", 2, {.rerank_depth = 10});
  ASSERT_EQ(reranked.size(), 2u);
  EXPECT_EQ(index.document(reranked[0].doc).id, "phrase");
  EXPECT_GT(reranked[0].score, plain[0].score * 1.0 - 1e-12);
  const auto code = index.Search("error 0x80070643", 1, {.rerank_depth = 10});
  ASSERT_EQ(code.size(), 1u);
  EXPECT_EQ(index.document(code[0].doc).id, "code");
}

}  // namespace
}  // namespace fl::knowledge
