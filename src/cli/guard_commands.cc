// frontline redact | restore | train-ner.
#include <fstream>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "guard/guard.h"
#include "pipeline/pipeline.h"

namespace fl::cli {

void AddGuardCommands(CLI::App* app, std::vector<std::pair<CLI::App*, Runner>>* commands) {
  {
    auto* sub = app->add_subcommand("train-ner", "Train the name tagger (PERSON, LOCATION, ORGANIZATION) on CoNLL data");
    auto data = std::make_shared<std::string>();
    auto model = std::make_shared<std::string>("ner.flner");
    auto opt = std::make_shared<guard::NerTrainOptions>();
    sub->add_option("--data", *data, "CoNLL file: token<TAB>tag per line, blank line between sentences")->required();
    sub->add_option("--model", *model, "Output model file")->capture_default_str();
    sub->add_option("--epochs", opt->epochs, "Passes over the data")->check(CLI::Range(1, 100))->capture_default_str();
    sub->add_option("--seed", opt->seed, "Shuffling seed")->capture_default_str();
    auto gazetteer = std::make_shared<std::string>();
    sub->add_option("--gazetteer", *gazetteer,
                    "Word lists stored in the model: 'list<TAB>entry' lines, list = first, last, location, "
                    "organization or word (scripts/gen_ner.py --gazetteer-out writes one)");
    sub->add_option("--gazetteer-dropout", opt->gazetteer_dropout,
                    "Share of name tokens trained as if on no list (keeps context features strong)")
        ->check(CLI::Range(0.0, 1.0))
        ->capture_default_str();
    sub->add_option("--person-bias", opt->person_bias,
                    "Added to PERSON tags' scores, as a share of the model's score spread: higher finds more "
                    "names, with more false alarms")
        ->check(CLI::Range(0.0, 1.0))
        ->capture_default_str();
    commands->emplace_back(sub, [=] {
      auto sentences = guard::ReadConll(*data);
      if (!sentences.ok()) return Fail(sentences.status().ToString());
      if (!gazetteer->empty()) {
        auto g = guard::ReadGazetteer(*gazetteer);
        if (!g.ok()) return Fail(g.status().ToString());
        opt->gazetteer = std::move(*g);
        LogInfo("gazetteer: " + std::to_string(opt->gazetteer.words.size()) + " words from " + *gazetteer);
      }
      const double t0 = NowSeconds();
      auto m = guard::NerModel::Train(*sentences, *opt);
      if (!m.ok()) return Fail(m.status().ToString());
      Status s = m->Save(*model);
      if (!s.ok()) return Fail(s.ToString());
      LogInfo("trained on " + std::to_string(sentences->size()) + " sentences in " + Fixed(NowSeconds() - t0, 2) +
              "s; token accuracy on the training data " + Fixed(m->Accuracy(*sentences), 4) + " -> " + *model);
      return 0;
    });
  }
  auto* sub = app->add_subcommand(
      "redact", "Replace personal data and secrets with placeholders: one text per stdin line, one line out");
  auto json_out = std::make_shared<bool>(false);
  auto input = std::make_shared<std::string>();
  auto config = std::make_shared<std::string>();
  auto jsonl = std::make_shared<bool>(false);
  sub->add_flag("--jsonl", *jsonl, "Input lines are JSON: a string or an object with \"text\" (texts may span lines)");
  sub->add_flag("--json", *json_out, "One JSON object per line: {\"text\", \"spans\":[{start,end,type,score}]}");
  sub->add_option("--input", *input, "Read lines from this file instead of stdin");
  sub->add_option("--config", *config, "Triage config whose \"guard\" section sets domains, custom types, deny-list");
  auto mapping_out = std::make_shared<std::string>();
  sub->add_option("--mapping", *mapping_out,
                  "Treat the input as one thread (same value, same placeholder on every line) and write the "
                  "placeholder mapping to this JSON file, for frontline restore; keep it private");
  auto ner = std::make_shared<std::string>();
  sub->add_option("--ner", *ner, "Name tagger model (frontline train-ner); overrides the config's guard.ner_model");
  commands->emplace_back(sub, [=] {
    auto cfg = pipeline::LoadTriageConfig(*config);
    if (!cfg.ok()) return Fail(cfg.status().ToString());
    if (!ner->empty()) cfg->guard.ner_model = *ner;
    auto guard = guard::Guard::Create(cfg->guard);
    if (!guard.ok()) return Fail(guard.status().ToString());
    std::ifstream file;
    if (!input->empty()) {
      file.open(*input);
      if (!file) return Fail("cannot open " + *input);
    }
    std::istream& in = input->empty() ? std::cin : file;
    std::string line;
    int64_t lineno = 0;
    std::vector<guard::Span> spans;
    guard::Pseudonymizer thread;  // with --mapping: one mapping for all lines
    while (std::getline(in, line)) {
      ++lineno;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (*jsonl) {
        const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_string()) {
          line = j.get<std::string>();
        } else if (j.is_object() && j.contains("text") && j["text"].is_string()) {
          line = j["text"].get<std::string>();
        } else {
          return Fail((input->empty() ? std::string("stdin") : *input) + ":" + std::to_string(lineno) +
                      ": expected a JSON string or an object with a \"text\" string");
        }
      }
      Status s = guard->Find(line, &spans);
      if (!s.ok()) {
        // Fail closed: never echo a line the guard could not check.
        return Fail((input->empty() ? std::string("stdin") : *input) + ":" + std::to_string(lineno) + ": " +
                    s.ToString() + "; nothing after this line was written");
      }
      guard::Pseudonymizer per_line;
      guard::Pseudonymizer& p = mapping_out->empty() ? per_line : thread;
      const std::string redacted = p.Redact(line, spans);
      if (*json_out) {
        nlohmann::json j = {{"text", redacted}, {"spans", nlohmann::json::array()}};
        for (const guard::Span& sp : spans) {
          j["spans"].push_back({{"start", sp.start}, {"end", sp.end}, {"type", sp.type}, {"score", sp.score},
                                {"recogniser", sp.recogniser}});
        }
        std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
      } else {
        std::cout << redacted << "\n";
      }
    }
    if (!mapping_out->empty()) {
      nlohmann::json entries = nlohmann::json::array();
      for (const auto& e : thread.entries()) {
        entries.push_back({{"placeholder", e.placeholder}, {"type", e.type}, {"value", e.value}});
      }
      Status s = WriteFileAtomic(*mapping_out, nlohmann::json{{"entries", entries}}.dump(
                                                   2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
      if (!s.ok()) return Fail(s.ToString());
    }
    return 0;
  });

  // ---- restore ----
  auto* rs = app->add_subcommand("restore", "Put the values back into text that carries redact's placeholders");
  auto map_in = std::make_shared<std::string>();
  auto strict = std::make_shared<bool>(false);
  rs->add_option("--mapping", *map_in, "The mapping file written by frontline redact --mapping")->required();
  rs->add_flag("--strict", *strict,
               "Exit with status 3 when the text has placeholders not in the mapping or identifiers that were never "
               "redacted");
  commands->emplace_back(rs, [=] {
    auto text = ReadFile(*map_in);
    if (!text.ok()) return Fail(text.status().ToString());
    const nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
    if (!j.is_object() || !j.contains("entries") || !j["entries"].is_array()) {
      return Fail(*map_in + ": expected {\"entries\": [{\"placeholder\", \"type\", \"value\"}]}");
    }
    std::vector<guard::Pseudonymizer::Entry> entries;
    for (const auto& e : j["entries"]) {
      if (!e.is_object() || !e.contains("placeholder") || !e["placeholder"].is_string() || !e.contains("type") ||
          !e["type"].is_string() || !e.contains("value") || !e["value"].is_string()) {
        return Fail(*map_in + ": an entry lacks placeholder, type or value strings");
      }
      entries.push_back({e["placeholder"], e["type"], e["value"]});
    }
    auto p = guard::Pseudonymizer::FromEntries(entries);
    if (!p.ok()) return Fail(*map_in + ": " + p.status().message());
    auto guard = guard::Guard::Create({});
    if (!guard.ok()) return Fail(guard.status().ToString());
    std::string line;
    size_t unknown = 0, fresh = 0;
    while (std::getline(std::cin, line)) {
      guard::RestoreReport report;
      std::cout << p->Restore(line, &*guard, &report) << "\n";
      unknown += report.unknown_placeholders.size();
      fresh += report.new_identifiers.size();
      for (const std::string& u : report.unknown_placeholders) LogWarn("placeholder " + u + " is not in the mapping");
      for (const std::string& t : report.new_identifiers) LogWarn("the text has a " + t + " that was never redacted");
    }
    return *strict && unknown + fresh > 0 ? 3 : 0;
  });
}

}  // namespace fl::cli
