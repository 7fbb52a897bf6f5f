// frontline index | search.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "knowledge/knowledge.h"
#include "route/route.h"

namespace fl::cli {
namespace {

nlohmann::json HitsJson(const knowledge::Index& index, const std::vector<knowledge::Hit>& hits) {
  nlohmann::json out = nlohmann::json::array();
  for (const knowledge::Hit& h : hits) {
    const knowledge::Document d = index.document(h.doc);
    out.push_back({{"doc", d.id}, {"score", h.score}, {"title", d.title}, {"headings", d.headings},
                   {"snippet", h.snippet}});
  }
  return {{"hits", out}};
}

// The lines of path, without CR; a clear error when it cannot be read.
Result<std::vector<std::string>> ReadLines(const std::string& path) {
  std::ifstream in(path);
  if (!in) return InvalidArgumentError("cannot open " + path);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

// A gold line names the right document by id, by source, or by a prefix of either (a
// folder, a category that runbook names start with).
bool MatchesGold(const knowledge::Document& d, const std::string& gold) {
  return !gold.empty() && (d.id.rfind(gold, 0) == 0 || d.source.rfind(gold, 0) == 0);
}

nlohmann::json AnswerJson(const knowledge::Index& index, const knowledge::Answer& a, double threshold) {
  nlohmann::json j = {{"offered", a.offered}, {"confidence", a.confidence}, {"threshold", threshold}};
  j["doc"] = a.doc >= 0 ? nlohmann::json(index.document(a.doc).id) : nlohmann::json();
  j["citation"] = a.citation;
  j["answer"] = a.offered ? nlohmann::json(a.text) : nlohmann::json();
  return j;
}

void AddAnswerCommands(CLI::App* app, std::vector<std::pair<CLI::App*, Runner>>* commands) {
  {
    auto* sub = app->add_subcommand(
        "calibrate-answer", "Calibrate the grounding gate of suggested answers on labelled questions");
    auto dir = std::make_shared<std::string>();
    auto queries = std::make_shared<std::string>();
    auto gold = std::make_shared<std::string>();
    auto opt = std::make_shared<route::ThresholdOptions>();
    opt->precision = 0.9;
    sub->add_option("--index", *dir, "Index folder; the gate is saved there as answer-gate.json")->required();
    sub->add_option("--queries", *queries, "Questions, one per line")->required();
    sub->add_option("--gold", *gold, "The right document per question: its id, source, or a prefix of them")
        ->required();
    sub->add_option("--precision", opt->precision, "Target share of offered answers from the right document")
        ->check(CLI::Range(0.0, 1.0))
        ->capture_default_str();
    sub->add_option("--delta", opt->delta, "Allowed probability that the guarantee fails")
        ->check(CLI::Range(0.0, 1.0))
        ->capture_default_str();
    commands->emplace_back(sub, [=] {
      auto index = knowledge::Index::Load(*dir);
      if (!index.ok()) return Fail(index.status().ToString());
      auto qs = ReadLines(*queries);
      if (!qs.ok()) return Fail(qs.status().ToString());
      auto gs = ReadLines(*gold);
      if (!gs.ok()) return Fail(gs.status().ToString());
      if (qs->size() != gs->size() || qs->empty()) {
        return Fail(*queries + " has " + std::to_string(qs->size()) + " lines and " + *gold + " has " +
                    std::to_string(gs->size()) + ": give one gold line per question");
      }
      std::vector<float> confidence;
      std::vector<bool> correct;
      for (size_t i = 0; i < qs->size(); ++i) {
        const auto hits = index->Search((*qs)[i], 10, {.snippets = false});
        confidence.push_back(static_cast<float>(knowledge::AnswerConfidence(*index, (*qs)[i], hits)));
        correct.push_back(!hits.empty() && MatchesGold(index->document(hits[0].doc), (*gs)[i]));
      }
      const route::Threshold t = route::GuaranteedThreshold(confidence, correct, *opt);
      knowledge::AnswerGate gate;
      gate.threshold = t.feasible ? t.tau : 2.0;
      gate.feasible = t.feasible;
      gate.precision = opt->precision;
      gate.delta = opt->delta;
      gate.n = t.n;
      gate.coverage = t.feasible ? t.coverage : 0;
      gate.calibrated = UtcTimestamp();
      Status s = knowledge::SaveAnswerGate(*dir, gate);
      if (!s.ok()) return Fail(s.ToString());
      const double top1 = static_cast<double>(std::count(correct.begin(), correct.end(), true)) / correct.size();
      std::cout << "calibration: " << t.n << " questions, best document right for " << Fixed(top1, 3) << "\n";
      if (!t.feasible) {
        std::cout << "no threshold reaches precision " << Fixed(opt->precision, 2)
                  << " with the required confidence: the gate offers no answers (saved)\n";
        return 0;
      }
      std::cout << "answer gate: offer when confidence >= " << Fixed(gate.threshold, 4) << "; offered for "
                << Fixed(t.coverage, 3) << " of the questions, right for " << Fixed(t.precision, 3)
                << " of those (target " << Fixed(opt->precision, 2) << " with probability >= "
                << Fixed(1 - opt->delta, 2) << ") -> " << *dir << "/answer-gate.json\n";
      return 0;
    });
  }
  {
    auto* sub = app->add_subcommand("answer", "A suggested answer with its citation, when retrieval is sure enough");
    auto dir = std::make_shared<std::string>();
    auto query = std::make_shared<std::string>();
    auto queries = std::make_shared<std::string>();
    auto threshold = std::make_shared<double>(-1);
    auto json_out = std::make_shared<bool>(false);
    sub->add_option("--index", *dir, "Index folder (with answer-gate.json from calibrate-answer)")->required();
    sub->add_option("query", *query, "The question");
    sub->add_option("--queries", *queries, "A file with one question per line: one result each");
    sub->add_option("--threshold", *threshold, "Gate threshold instead of the calibrated one");
    sub->add_flag("--json", *json_out, "One JSON object per question: {offered,confidence,threshold,doc,citation,answer}");
    commands->emplace_back(sub, [=] {
      if (query->empty() == queries->empty()) return Fail("give either a question or --queries FILE");
      auto index = knowledge::Index::Load(*dir);
      if (!index.ok()) return Fail(index.status().ToString());
      double gate = *threshold;
      if (gate < 0) {
        auto g = knowledge::LoadAnswerGate(*dir);
        if (!g.ok()) return Fail(g.status().ToString() + " (or pass --threshold)");
        gate = g->threshold;
      }
      std::vector<std::string> list = {*query};
      if (!queries->empty()) {
        auto lines = ReadLines(*queries);
        if (!lines.ok()) return Fail(lines.status().ToString());
        list = std::move(lines).value();
      }
      for (const std::string& q : list) {
        const knowledge::Answer a = knowledge::SuggestAnswer(*index, q, gate);
        if (*json_out) {
          std::cout << AnswerJson(*index, a, gate).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                    << "\n";
        } else if (a.offered) {
          std::cout << "answer (confidence " << Fixed(a.confidence, 3) << ", from " << a.citation << "):\n"
                    << a.text << "\n";
        } else if (a.doc >= 0) {
          std::cout << "no confident answer (confidence " << Fixed(a.confidence, 3) << " below the gate "
                    << Fixed(gate, 3) << "); closest: " << a.citation << "\n";
        } else {
          std::cout << "no answer: nothing in the index matches\n";
        }
      }
      return 0;
    });
  }
}

}  // namespace

void AddKnowledgeCommands(CLI::App* app, std::vector<std::pair<CLI::App*, Runner>>* commands) {
  {
    auto* sub = app->add_subcommand("index", "Index runbooks, KB articles and resolved tickets for search");
    auto out = std::make_shared<std::string>();
    auto paths = std::make_shared<std::vector<std::string>>();
    auto opt = std::make_shared<knowledge::IndexOptions>();
    auto load = std::make_shared<knowledge::LoadOptions>();
    auto update = std::make_shared<bool>(false);
    auto prune = std::make_shared<bool>(false);
    auto compact = std::make_shared<bool>(false);
    auto remove = std::make_shared<std::vector<std::string>>();
    sub->add_option("--out", *out, "Index folder (changes are atomic: readers see the old or the new index)")
        ->required();
    sub->add_option("paths", *paths, "Files or folders: .md .html .txt, tickets as .csv/.jsonl");
    sub->add_flag("--update", *update,
                  "Incremental: re-index only the sources (files, tickets) of PATH that are new or changed");
    sub->add_flag("--prune", *prune, "With --update: also delete indexed sources that PATH no longer has");
    sub->add_option("--delete", *remove, "Delete this source (a file id or ticket id); repeat for more")
        ->allow_extra_args(false);
    sub->add_flag("--compact", *compact, "Merge the index's segments into one, dropping deleted documents");
    auto* k1 = sub->add_option("--k1", opt->k1, "BM25 k1")->capture_default_str();
    auto* b = sub->add_option("--b", opt->b, "BM25 b")->check(CLI::Range(0.0, 1.0))->capture_default_str();
    auto* tw = sub->add_option("--title-weight", opt->weights[knowledge::kTitle], "Weight of title terms")
                   ->capture_default_str();
    auto* hw = sub->add_option("--heading-weight", opt->weights[knowledge::kHeadings], "Weight of heading terms")
                   ->capture_default_str();
    auto* ns = sub->add_flag("!--no-stem", opt->analyzer.stem, "Do not stem");
    auto* ks = sub->add_flag("!--keep-stopwords", opt->analyzer.stopwords, "Index stop words too");
    sub->add_option("--max-chunk", load->max_chunk_bytes, "Longest chunk in bytes")->capture_default_str();
    commands->emplace_back(sub, [=] {
      const double t0 = NowSeconds();
      const bool incremental = *update || !remove->empty();
      if (*compact) {
        if (incremental || !paths->empty()) return Fail("--compact takes no paths and no other change");
        Status s = knowledge::CompactIndex(*out);
        if (!s.ok()) return Fail(s.ToString());
        LogInfo("compacted " + *out + " in " + Fixed(NowSeconds() - t0, 2) + "s");
        return 0;
      }
      if (paths->empty() && remove->empty()) return Fail("give files or folders to index (or --delete / --compact)");
      if (!paths->empty() && !remove->empty() && !*update) return Fail("--delete with paths needs --update");
      if (*prune && !*update) return Fail("--prune needs --update");
      if (incremental) {
        for (CLI::Option* o : {k1, b, tw, hw, ns, ks}) {
          if (o->count() > 0) return Fail(o->get_name() + " is fixed when an index is built; rebuild without --update");
        }
      }
      int64_t skipped = 0;
      std::vector<knowledge::Document> docs;
      if (!paths->empty()) {
        auto loaded = knowledge::LoadDocuments(*paths, *load, &skipped);
        if (!loaded.ok()) return Fail(loaded.status().ToString());
        docs = std::move(loaded).value();
        if (docs.empty() && !*update) return Fail("nothing to index in the given paths");
      }
      size_t bytes = 0;
      for (const auto& d : docs) bytes += d.title.size() + d.headings.size() + d.body.size();
      const std::string skip_note = skipped ? "; skipped " + std::to_string(skipped) + " files of other types" : "";
      if (!incremental) {
        const size_t n = docs.size();
        Status s = knowledge::Index::Build(std::move(docs), *opt).Save(*out);
        if (!s.ok()) return Fail(s.ToString());
        LogInfo("indexed " + std::to_string(n) + " chunks (" + Fixed(bytes / 1e6, 2) + " MB) in " +
                Fixed(NowSeconds() - t0, 2) + "s" + skip_note + " -> " + *out);
        return 0;
      }
      knowledge::UpdateOptions u;
      u.create = *opt;
      u.prune = *prune;
      auto stats = knowledge::UpdateIndex(*out, std::move(docs), *remove, u);
      if (!stats.ok()) return Fail(stats.status().ToString());
      for (const std::string& s : stats->not_found) LogWarn("--delete " + s + ": no such source in " + *out);
      LogInfo("updated " + *out + ": " + std::to_string(stats->added) + " chunks added, " +
              std::to_string(stats->replaced) + " replaced, " + std::to_string(stats->unchanged) + " unchanged, " +
              std::to_string(stats->deleted) + " deleted" + (stats->compacted ? ", segments merged" : "") +
              " (generation " + std::to_string(stats->generation) + ") in " + Fixed(NowSeconds() - t0, 2) + "s" +
              skip_note);
      return 0;
    });
  }
  AddAnswerCommands(app, commands);
  {
    auto* sub = app->add_subcommand("search", "Search an index: top-k chunks with snippets");
    auto dir = std::make_shared<std::string>();
    auto query = std::make_shared<std::string>();
    auto queries = std::make_shared<std::string>();
    auto k = std::make_shared<int>(5);
    auto json_out = std::make_shared<bool>(false);
    auto search = std::make_shared<knowledge::SearchOptions>();
    sub->add_flag("!--no-snippets", search->snippets, "Leave snippets empty (faster for deep result lists)");
    sub->add_option("--rerank", search->rerank_depth,
                    "Rescore the best N hits with phrase and exact-code bonuses (0: off)")
        ->capture_default_str();
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
        const std::vector<knowledge::Hit> hits = index->Search(q, *k, *search);
        if (*json_out) {
          std::cout << HitsJson(*index, hits).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
          return;
        }
        std::cout << "query: " << q << "\n";
        if (hits.empty()) std::cout << "  (no match)\n";
        for (size_t i = 0; i < hits.size(); ++i) {
          const knowledge::Document d = index->document(hits[i].doc);
          std::cout << "  " << i + 1 << ". " << d.title << (d.headings.empty() ? "" : " > " + d.headings) << "  ["
                    << d.id << ", " << Fixed(hits[i].score, 3) << "]\n     " << hits[i].snippet << "\n";
        }
      };
      if (!queries->empty()) {
        auto lines = ReadLines(*queries);
        if (!lines.ok()) return Fail(lines.status().ToString());
        for (const std::string& line : *lines) answer(line);
      } else {
        answer(*query);
      }
      return 0;
    });
  }
}

}  // namespace fl::cli
