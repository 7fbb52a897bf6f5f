// frontline train | eval | predict.
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>

#include <nlohmann/json.hpp>

#include "classify/classify.h"
#include "cli/cli.h"
#include "pipeline/pipeline.h"

namespace fl::cli {
void ReportSkipped(const text::ReadStats& stats) {
  if (stats.rows_skipped == 0) return;
  LogWarn("skipped " + std::to_string(stats.rows_skipped) + " bad row(s) of " +
          std::to_string(stats.rows_read + stats.rows_skipped) + "; first reasons:");
  for (const std::string& r : stats.skip_reasons) LogWarn("  " + r);
}

void AddClassifyCommands(CLI::App* app, std::vector<std::pair<CLI::App*, Runner>>* commands) {
  // ---- train ----
  {
    auto* sub = app->add_subcommand("train", "Train specialist classifiers on labelled tickets");
    auto data = std::make_shared<DataFlags>();
    auto opt = std::make_shared<classify::TrainOptions>();
    auto model = std::make_shared<std::string>("model.flm");
    auto algo = std::make_shared<std::string>("ensemble");
    auto no_quantize = std::make_shared<bool>(false);
    data->Add(sub, true);
    sub->add_option("--model", *model, "Output model file")->capture_default_str();
    sub->add_option("--algorithm", *algo,
                    "ensemble (SVM + embedding bag), svm (TF-IDF linear SVM) or fasttext (embedding bag)")
        ->check(CLI::IsMember({"ensemble", "svm", "fasttext"}))->capture_default_str();
    sub->add_option("--word-ngrams", opt->word_ngrams, "Max word n-gram length")->capture_default_str();
    sub->add_option("--minn", opt->char_min, "Min char n-gram length")->capture_default_str();
    sub->add_option("--maxn", opt->char_max, "Max char n-gram length (0: none)")->capture_default_str();
    sub->add_option("--min-count", opt->min_count, "Min documents per feature")->capture_default_str();
    sub->add_option("--char-weight", opt->char_weight, "Weight of char n-grams vs words")->capture_default_str();
    sub->add_option("--c", opt->svm_c, "SVM: inverse regularisation C")->capture_default_str();
    sub->add_option("--svm-iter", opt->svm_max_iter, "SVM: max passes per class")->capture_default_str();
    sub->add_option("--dim", opt->dim, "fasttext: embedding size")->capture_default_str();
    sub->add_flag("!--no-auto-embedding", opt->auto_embedding,
                  "ensemble: do not try the smooth embedding part on the holdout");
    sub->add_flag("--emb-counts", opt->emb_counts, "fasttext part: average raw counts, not TF-IDF weights");
    sub->add_flag("!--emb-words-only", opt->emb_char_ngrams, "fasttext part: word n-grams only, no char n-grams");
    sub->add_option("--epoch", opt->epochs, "fasttext: epochs")->capture_default_str();
    sub->add_option("--lr", opt->lr, "fasttext: learning rate")->capture_default_str();
    sub->add_flag("--balanced", opt->class_balanced, "Weight examples by inverse class frequency");
    sub->add_option("--holdout", opt->holdout, "Share held out to fit the calibration temperature")
        ->check(CLI::Range(0.0, 0.5))->capture_default_str();
    sub->add_flag("!--no-refit", opt->refit, "Do not retrain on all data after calibrating");
    sub->add_flag("--no-quantize", *no_quantize, "Store float32 weights (larger file)");
    sub->add_option("--threads", opt->threads, "Threads (0: all cores)")->capture_default_str();
    sub->add_option("--seed", opt->seed, "Random seed (with --threads 1: reproducible)")->capture_default_str();
    auto feedback = std::make_shared<std::string>();
    sub->add_option("--feedback", *feedback,
                    "Also learn from the review feedback in this store folder (see frontline review)");
    commands->emplace_back(sub, [=] {
      classify::ParseAlgorithm(*algo, &opt->algorithm);
      opt->quantize = !*no_quantize;
      std::optional<text::LabeledData> extra;
      if (!feedback->empty()) {
        auto db = OpenStore(*feedback);
        if (!db.ok()) return Fail(db.status().ToString());
        pipeline::FeedbackStats fs;
        auto rows = pipeline::FeedbackTrainingData(&*db, data->Spec().columns.label_columns, &fs);
        if (!rows.ok()) return Fail(rows.status().ToString());
        LogInfo("feedback: " + std::to_string(fs.rows) + " reviewed tickets added as training rows (" +
                std::to_string(fs.corrected) + " corrected labels; " + std::to_string(fs.tickets - fs.rows) +
                " left out: another field still under review)");
        extra = std::move(rows).value();
      }
      text::ReadStats stats;
      const double t0 = NowSeconds();
      auto m = classify::TrainFromFile(data->Spec(), *opt, &stats, extra ? &*extra : nullptr);
      ReportSkipped(stats);
      if (!m.ok()) return Fail(m.status().ToString());
      Status s = m->Save(*model);
      if (!s.ok()) return Fail(s.ToString());
      std::string fields;
      for (int f = 0; f < m->num_fields(); ++f) {
        fields += (f ? ", " : "") + m->field_name(f) + " (" + std::to_string(m->labels(f).size()) +
                  " labels, T=" + std::to_string(m->temperature(f)).substr(0, 5) + ")";
      }
      LogInfo("trained " + fields + " on " + std::to_string(stats.rows_read) + " rows in " +
              std::to_string(NowSeconds() - t0).substr(0, 5) + "s -> " + *model + " (" +
              HumanCount(static_cast<double>(m->WeightBytes())) + "B)");
      return 0;
    });
  }
  // ---- eval ----
  {
    auto* sub = app->add_subcommand("eval", "Evaluate a model on labelled tickets");
    auto data = std::make_shared<DataFlags>();
    auto model = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    auto report = std::make_shared<std::string>();
    auto threads = std::make_shared<int>(0);
    sub->add_option("--model", *model, "Model file")->required();
    data->Add(sub, true);
    sub->add_flag("--json", *json, "Print one JSON object (one per field, as an array, if several)");
    sub->add_option("--report", *report, "Write a self-contained HTML report here");
    sub->add_option("--threads", *threads, "Threads (0: all cores)");
    commands->emplace_back(sub, [=] {
      auto m = classify::Model::Load(*model);
      if (!m.ok()) return Fail(m.status().ToString());
      text::ReadStats stats;
      auto reports = classify::EvaluateFile(*m, data->Spec(), *threads, &stats);
      ReportSkipped(stats);
      if (!reports.ok()) return Fail(reports.status().ToString());
      if (!report->empty()) {
        Status s = WriteFileAtomic(*report, classify::RenderHtmlReport(*reports, "frontline evaluation: " + data->data, m->MetadataJson()));
        if (!s.ok()) return Fail(s.ToString());
        LogInfo("wrote " + *report);
      }
      if (*json) {
        if (reports->size() == 1) {
          std::cout << classify::EvalReportJson((*reports)[0], false) << "\n";
        } else {
          std::cout << "[";
          for (size_t i = 0; i < reports->size(); ++i) {
            std::cout << (i ? "," : "") << classify::EvalReportJson((*reports)[i], false);
          }
          std::cout << "]\n";
        }
        return 0;
      }
      for (const auto& r : *reports) {
        std::printf("field %s: n=%d accuracy=%.4f macro_f1=%.4f ece=%.4f (uncalibrated %.4f) aurc=%.4f\n",
                    r.field.c_str(), r.n, r.accuracy, r.macro_f1, r.ece, r.ece_uncalibrated, r.aurc);
        std::printf("  coverage@precision 0.90=%.3f 0.95=%.3f 0.99=%.3f   %.3f ms/ticket\n",
                    r.coverage_at_precision.at("0.90"), r.coverage_at_precision.at("0.95"),
                    r.coverage_at_precision.at("0.99"), r.ms_per_item);
        std::printf("  %-28s %7s %9s %7s %7s\n", "label", "support", "precision", "recall", "f1");
        for (const auto& c : r.per_class) {
          std::printf("  %-28s %7d %9.3f %7.3f %7.3f\n", c.label.c_str(), c.support, c.precision, c.recall, c.f1);
        }
      }
      return 0;
    });
  }
  // ---- predict ----
  {
    auto* sub = app->add_subcommand("predict", "Classify texts: one per stdin line (or --input file), JSONL out");
    auto model = std::make_shared<std::string>();
    auto input = std::make_shared<std::string>();
    auto field = std::make_shared<std::string>();
    auto top_k = std::make_shared<int>(3);
    sub->add_option("--model", *model, "Model file")->required();
    sub->add_option("--input", *input, "Read texts from this file instead of stdin");
    sub->add_option("--field", *field, "Field (head) to predict; default: all fields");
    sub->add_option("--top-k,-k", *top_k, "Labels per prediction")
        ->check(CLI::PositiveNumber)->capture_default_str();
    commands->emplace_back(sub, [=] {
      auto m = classify::Model::Load(*model);
      if (!m.ok()) return Fail(m.status().ToString());
      int only = -1;
      if (!field->empty()) {
        only = m->FindField(*field);
        if (only < 0) return Fail("model has no field '" + *field + "'");
      }
      FILE* in = stdin;
      if (!input->empty()) {
        in = std::fopen(input->c_str(), "rb");
        if (in == nullptr) return Fail(*input + ": cannot open");
      }
      std::string out;
      char* line = nullptr;
      size_t cap = 0;
      ssize_t len;
      while ((len = getline(&line, &cap, in)) >= 0) {
        std::string_view text(line, static_cast<size_t>(len));
        while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
        auto one = [&](int f, const std::vector<float>& probs) {
          nlohmann::json j;
          const auto top = classify::TopK(probs, *top_k);
          j["label"] = m->labels(f)[top[0].first];
          j["confidence"] = top[0].second;
          nlohmann::json arr = nlohmann::json::array();
          for (const auto& [id, p] : top) arr.push_back({m->labels(f)[id], p});
          j["top"] = arr;
          return j;
        };
        nlohmann::json j;
        if (only >= 0 || m->num_fields() == 1) {
          const int f = only >= 0 ? only : 0;
          j = one(f, m->PredictProba(text, f));
        } else {
          const auto all = m->PredictAllFields(text);
          j = one(0, all[0]);
          for (int f = 0; f < m->num_fields(); ++f) j["fields"][m->field_name(f)] = one(f, all[f]);
        }
        out = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        out += '\n';
        std::fwrite(out.data(), 1, out.size(), stdout);
        // Answer each line as it comes, so a caller can pipe texts in one at a time.
        if (in == stdin) std::fflush(stdout);
      }
      std::free(line);
      const bool read_error = std::ferror(in) != 0;
      if (in != stdin) std::fclose(in);
      if (read_error) return Fail((input->empty() ? std::string("stdin") : *input) + ": read error");
      if (std::fflush(stdout) != 0 || std::ferror(stdout)) return Fail("stdout: write error");
      return 0;
    });
  }
}

}  // namespace fl::cli
