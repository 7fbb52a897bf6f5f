// frontline redact.
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
    commands->emplace_back(sub, [=] {
      auto sentences = guard::ReadConll(*data);
      if (!sentences.ok()) return Fail(sentences.status().ToString());
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
      guard::Pseudonymizer p;
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
    return 0;
  });
}

}  // namespace fl::cli
