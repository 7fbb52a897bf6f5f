// frontline index | search.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "knowledge/knowledge.h"

namespace fl::cli {
namespace {

nlohmann::json HitsJson(const knowledge::Index& index, const std::vector<knowledge::Hit>& hits) {
  nlohmann::json out = nlohmann::json::array();
  for (const knowledge::Hit& h : hits) {
    const knowledge::Document& d = index.documents()[h.doc];
    out.push_back({{"doc", d.id}, {"score", h.score}, {"title", d.title}, {"headings", d.headings},
                   {"snippet", h.snippet}});
  }
  return {{"hits", out}};
}

}  // namespace

void AddKnowledgeCommands(CLI::App* app, std::vector<std::pair<CLI::App*, Runner>>* commands) {
  {
    auto* sub = app->add_subcommand("index", "Index runbooks, KB articles and resolved tickets for search");
    auto out = std::make_shared<std::string>();
    auto paths = std::make_shared<std::vector<std::string>>();
    auto opt = std::make_shared<knowledge::IndexOptions>();
    auto load = std::make_shared<knowledge::LoadOptions>();
    sub->add_option("--out", *out, "Index folder (written atomically)")->required();
    sub->add_option("paths", *paths, "Files or folders: .md .html .txt, tickets as .csv/.jsonl")->required();
    sub->add_option("--k1", opt->k1, "BM25 k1")->capture_default_str();
    sub->add_option("--b", opt->b, "BM25 b")->check(CLI::Range(0.0, 1.0))->capture_default_str();
    sub->add_option("--title-weight", opt->weights[knowledge::kTitle], "Weight of title terms")->capture_default_str();
    sub->add_option("--heading-weight", opt->weights[knowledge::kHeadings], "Weight of heading terms")
        ->capture_default_str();
    sub->add_flag("!--no-stem", opt->analyzer.stem, "Do not stem");
    sub->add_flag("!--keep-stopwords", opt->analyzer.stopwords, "Index stop words too");
    sub->add_option("--max-chunk", load->max_chunk_bytes, "Longest chunk in bytes")->capture_default_str();
    commands->emplace_back(sub, [=] {
      const double t0 = NowSeconds();
      int64_t skipped = 0;
      auto docs = knowledge::LoadDocuments(*paths, *load, &skipped);
      if (!docs.ok()) return Fail(docs.status().ToString());
      if (docs->empty()) return Fail("nothing to index in the given paths");
      size_t bytes = 0;
      for (const auto& d : *docs) bytes += d.title.size() + d.headings.size() + d.body.size();
      const size_t n = docs->size();
      const knowledge::Index index = knowledge::Index::Build(std::move(docs).value(), *opt);
      std::error_code ec;
      std::filesystem::create_directories(*out, ec);
      Status s = index.Save(*out);
      if (!s.ok()) return Fail(s.ToString());
      const double secs = NowSeconds() - t0;
      LogInfo("indexed " + std::to_string(n) + " chunks (" + Fixed(bytes / 1e6, 2) + " MB) in " + Fixed(secs, 2) +
              "s" + (skipped ? "; skipped " + std::to_string(skipped) + " files of other types" : "") + " -> " + *out);
      return 0;
    });
  }
  {
    auto* sub = app->add_subcommand("search", "Search an index: top-k chunks with snippets");
    auto dir = std::make_shared<std::string>();
    auto query = std::make_shared<std::string>();
    auto queries = std::make_shared<std::string>();
    auto k = std::make_shared<int>(5);
    auto json_out = std::make_shared<bool>(false);
    sub->add_option("--index", *dir, "Index folder (frontline index --out)")->required();
    sub->add_option("query", *query, "The query");
    sub->add_option("--queries", *queries, "A file with one query per line: one result line each");
    sub->add_option("-k,--top-k", *k, "Hits per query")->check(CLI::PositiveNumber)->capture_default_str();
    sub->add_flag("--json", *json_out, "One JSON object per query: {\"hits\":[{doc,score,title,snippet}]}");
    commands->emplace_back(sub, [=] {
      if (query->empty() == queries->empty()) return Fail("give either a query or --queries FILE");
      auto index = knowledge::Index::Load(*dir);
      if (!index.ok()) return Fail(index.status().ToString());
      auto answer = [&](const std::string& q) {
        const std::vector<knowledge::Hit> hits = index->Search(q, *k);
        if (*json_out) {
          std::cout << HitsJson(*index, hits).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
          return;
        }
        std::cout << "query: " << q << "\n";
        if (hits.empty()) std::cout << "  (no match)\n";
        for (size_t i = 0; i < hits.size(); ++i) {
          const knowledge::Document& d = index->documents()[hits[i].doc];
          std::cout << "  " << i + 1 << ". " << d.title << (d.headings.empty() ? "" : " > " + d.headings) << "  ["
                    << d.id << ", " << Fixed(hits[i].score, 3) << "]\n     " << hits[i].snippet << "\n";
        }
      };
      if (!queries->empty()) {
        std::ifstream in(*queries);
        if (!in) return Fail("cannot open " + *queries);
        std::string line;
        while (std::getline(in, line)) {
          if (!line.empty() && line.back() == '\r') line.pop_back();
          answer(line);
        }
      } else {
        answer(*query);
      }
      return 0;
    });
  }
}

}  // namespace fl::cli
