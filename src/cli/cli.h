// Private to the CLI: each subcommand registers its flags on the app and returns the
// function that runs it.
#pragma once

#include <cstdio>
#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "classify/classify.h"
#include "store/store.h"

namespace fl::cli {

using Runner = std::function<int()>;

// The --data / --text / --label / --skip-bad-rows flags shared by commands that read tickets.
struct DataFlags {
  std::string data, text_cols, label_cols;
  bool skip_bad_rows = false;

  void Add(CLI::App* sub, bool labels_required) {
    sub->add_option("--data", data, "Tickets file: .csv, .tsv or .jsonl")->required();
    sub->add_option("--text", text_cols, "Text column(s), comma-separated; joined")->required();
    auto* l = sub->add_option("--label", label_cols, "Label column(s), comma-separated: one specialist each");
    if (labels_required) l->required();
    sub->add_flag("--skip-bad-rows", skip_bad_rows,
                  "Skip malformed rows (counted and reported) instead of stopping");
  }
  classify::DataSpec Spec() const {
    classify::DataSpec s;
    s.path = data;
    s.columns.text_columns = text::SplitList(text_cols);
    s.columns.label_columns = text::SplitList(label_cols);
    s.read.skip_bad_rows = skip_bad_rows;
    return s;
  }
};

// Logs how many rows were skipped and the first reasons (nothing when none were).
void ReportSkipped(const text::ReadStats& stats);

// Registers train / eval / predict.
void AddClassifyCommands(CLI::App* app, std::vector<std::pair<CLI::App*, Runner>>* commands);
// Registers calibrate / eval-routing.
void AddRoutingCommands(CLI::App* app, std::vector<std::pair<CLI::App*, Runner>>* commands);

// Registers review list | show | accept | correct.
void AddReviewCommands(CLI::App* app, std::vector<std::pair<CLI::App*, Runner>>* commands);
// Registers index / search.
void AddKnowledgeCommands(CLI::App* app, std::vector<std::pair<CLI::App*, Runner>>* commands);
// Registers redact / restore / train-ner.
void AddGuardCommands(CLI::App* app, std::vector<std::pair<CLI::App*, Runner>>* commands);
// model info, tokenize (lm_commands.cc).
void AddLmCommands(CLI::App* app, std::vector<std::pair<CLI::App*, Runner>>* commands);
// logits, generate, chat, bench-lm and `model random` (generate_commands.cc).
void AddGenerateCommands(CLI::App* app, CLI::App* model_cmd, std::vector<std::pair<CLI::App*, Runner>>* commands);
// serve, keys create | list | revoke (server_commands.cc).
void AddServerCommands(CLI::App* app, std::vector<std::pair<CLI::App*, Runner>>* commands);

// Opens DIR/frontline.db, creating DIR if needed. An empty dir means $FRONTLINE_DATA_DIR,
// else ./frontline-data.
Result<store::Store> OpenStore(const std::string& data_dir);
// The data folder OpenStore uses (created if needed).
Result<std::string> DataDir(const std::string& data_dir);

// v with `digits` decimals ("0.934").
inline std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// Prints "error: <message>" to stderr and returns the exit code for a failed command.
int Fail(const std::string& message);

}  // namespace fl::cli
