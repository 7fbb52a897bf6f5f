// classify: the specialist models — train, predict, save/load, calibrate, evaluate, report.
//
// A Model holds one shared featurizer (hashed word and character n-grams with TF-IDF
// weights) and one or more Heads, one per field (category, priority, queue...). Each head
// is a one-vs-rest L2-loss linear SVM trained by dual coordinate descent, a fastText-style
// embedding-bag softmax trained by Hogwild SGD, or (the default) an ensemble of both whose
// calibrated log-probabilities are averaged. Scores become probabilities through a softmax
// with a temperature fitted on held-out data (temperature scaling).
//
// Thread-safety: a loaded Model is immutable; Predict* may be called from many threads.
// Model file format: see model_file.cc (magic, version, JSON header, aligned sections,
// checksum).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.h"
#include "text/text.h"

namespace fl::classify {

// ---------------------------------------------------------------------------------------
// Training
// ---------------------------------------------------------------------------------------

enum class Algorithm { kSvm, kFastText, kEnsemble };

// "svm", "fasttext", "ensemble"; ParseAlgorithm returns false on an unknown name.
const char* AlgorithmName(Algorithm a);
bool ParseAlgorithm(std::string_view name, Algorithm* out);

struct TrainOptions {
  Algorithm algorithm = Algorithm::kEnsemble;
  // Features.
  int word_ngrams = 2;   // word n-grams up to this length
  int char_min = 2;      // character n-grams inside tokens ("<tok>"), lengths char_min..char_max;
  int char_max = 5;      //   char_max = 0 disables them
  int min_count = 1;     // drop features seen in fewer training documents
  float char_weight = 1.0f;  // weight of the char-n-gram block relative to the word block
  // SVM (dual coordinate descent).
  float svm_c = 0.5f;    // inverse regularisation
  int svm_max_iter = 20; // passes over the data per class
  // fastText-style.
  int dim = 50;
  bool emb_counts = false;       // embedding part averages raw counts (fastText) instead of TF-IDF
  bool auto_embedding = true;    // ensemble: also try a smooth embedding part (counts, words,
                                 //   lr 0.2, 5 epochs, dim 100); keep the better on the holdout
  bool emb_char_ngrams = true;   // embedding part over char n-grams too (else words only)
  int epochs = 10;
  float lr = 1.0f;
  // Shared.
  bool class_balanced = false;  // weight examples by inverse class frequency
  float holdout = 0.1f;         // share held out (stratified) to fit the temperature
  bool refit = true;            // after calibrating, retrain on all data
  bool quantize = true;         // store weights as int8 with per-feature scales
  int threads = 0;              // 0: all cores
  uint64_t seed = 1;            // with threads == 1, training is bit-for-bit reproducible
};

// One field's training data: label names and one label index per text.
struct FieldData {
  std::string name;                 // e.g. "category"
  std::vector<std::string> labels;  // label names, index = class id
  std::vector<int> y;               // one per text
};

// A trained, ready-to-use set of specialists. Movable, not copyable.
class Model {
 public:
  // Trains one head per field on texts. Every FieldData::y must have texts.size() entries.
  // Fails with InvalidArgument on empty data or a field with fewer than 2 labels.
  static Result<Model> Train(const std::vector<std::string>& texts,
                             const std::vector<FieldData>& fields, const TrainOptions& options);

  // Loads a model file (mmap). A truncated, corrupted or foreign file is refused with
  // DataLoss / InvalidArgument naming the file and what is wrong.
  static Result<Model> Load(const std::string& path);
  // Writes atomically (tmp + rename).
  Status Save(const std::string& path) const;

  Model();
  ~Model();
  Model(Model&&) noexcept;
  Model& operator=(Model&&) noexcept;

  int num_fields() const;
  const std::string& field_name(int field) const;
  // Index of the field called name, or -1.
  int FindField(std::string_view name) const;
  const std::vector<std::string>& labels(int field) const;
  float temperature(int field) const;

  // Probabilities over labels(field) for one text (calibrated: temperature applied); empty
  // when field is not in [0, num_fields()).
  // With calibrated == false, the raw softmax (T = 1) — used to report ECE before/after.
  std::vector<float> PredictProba(std::string_view text, int field = 0,
                                  bool calibrated = true) const;
  // Same for every field at once (features extracted once).
  // With uncalibrated, also fills the T = 1 probabilities of every field from the same
  // features (what eval reports ECE "before calibration" on).
  std::vector<std::vector<float>> PredictAllFields(
      std::string_view text, std::vector<std::vector<float>>* uncalibrated = nullptr) const;

  // Model metadata as JSON text (header of the file): hyperparameters, data hash, created.
  std::string MetadataJson() const;
  // Size of the weights in bytes (as stored).
  size_t WeightBytes() const;

  struct Impl;

 private:
  explicit Model(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Top-k (label index, probability) pairs, highest first.
std::vector<std::pair<int, float>> TopK(const std::vector<float>& probs, int k);

// ---------------------------------------------------------------------------------------
// Calibration
// ---------------------------------------------------------------------------------------

// What a fitted temperature minimises on held-out (scores, y).
enum class CalibrationObjective {
  // Negative log-likelihood of the gold label (classic temperature scaling). Used to put
  // the parts of an ensemble on one scale.
  kNll,
  // Brier score of the top-1 confidence against top-1 correctness: a proper scoring rule
  // for exactly the number the router thresholds. With label noise (a share of gold labels
  // the model cannot know) NLL flattens every prediction to hedge and leaves the top-1
  // confidence under-confident; this objective does not. Used for a head's final T.
  kTopLabelBrier,
};

// Fits T > 0 minimising the objective for softmax(scores / T) on (scores, y), by
// golden-section search over log T in [1e-3, 1e2]. scores[i] has one entry per class.
float FitTemperature(const std::vector<std::vector<float>>& scores, const std::vector<int>& y,
                     CalibrationObjective objective = CalibrationObjective::kNll);

// Softmax of scores / temperature, in place.
void SoftmaxInPlace(std::vector<float>* scores, float temperature = 1.0f);

// ---------------------------------------------------------------------------------------
// Metrics (metrics.cc)
// ---------------------------------------------------------------------------------------

// Expected calibration error with n_bins equal-width confidence bins:
// sum_b (|b| / n) * |acc(b) - conf(b)|. confidence[i] is the top-1 probability,
// correct[i] whether the top-1 label was right.
double ExpectedCalibrationError(const std::vector<float>& confidence,
                                const std::vector<bool>& correct, int n_bins = 15);

// Largest share of items that can be auto-accepted (highest confidence first, threshold
// between distinct confidence values) while the precision of the accepted ones is >=
// target. 0 when not even the most confident group reaches it.
double CoverageAtPrecision(const std::vector<float>& confidence, const std::vector<bool>& correct,
                           double target);

// Area under the risk–coverage curve (lower is better): mean over k = 1..n of the error
// rate of the k most confident items.
double Aurc(const std::vector<float>& confidence, const std::vector<bool>& correct);

struct ClassStats {
  std::string label;
  int support = 0;     // gold count
  int predicted = 0;   // predicted count
  double precision = 0, recall = 0, f1 = 0;
};

struct ReliabilityBin {
  double lo = 0, hi = 0;   // confidence range
  double confidence = 0;   // mean confidence in bin
  double accuracy = 0;     // accuracy in bin
  int count = 0;
};

// Everything `frontline eval` reports for one field.
struct EvalReport {
  std::string field;
  std::vector<std::string> labels;
  int n = 0;
  double accuracy = 0, macro_f1 = 0;
  double ece = 0;               // calibrated
  double ece_uncalibrated = 0;  // T = 1
  double aurc = 0;
  std::map<std::string, double> coverage_at_precision;  // "0.90", "0.95", "0.99"
  std::vector<ClassStats> per_class;
  std::vector<std::vector<int>> confusion;  // [gold][pred]
  std::vector<ReliabilityBin> reliability, reliability_uncalibrated;  // 15 bins
  // Risk–coverage curve, at most ~200 points: (coverage, risk) from most confident.
  std::vector<std::pair<double, double>> risk_coverage;
  double ms_per_item = 0;  // prediction latency, filled by the caller
};

// gold[i], pred[i] in [0, labels.size()); conf / conf_uncal are top-1 probabilities.
EvalReport Evaluate(const std::string& field, const std::vector<std::string>& labels,
                    const std::vector<int>& gold, const std::vector<int>& pred,
                    const std::vector<float>& conf, const std::vector<float>& conf_uncal);

// {"n":…,"accuracy":…,"macro_f1":…,"ece":…,"ece_uncalibrated":…,"aurc":…,
//  "coverage_at_precision":{"0.90":…,"0.95":…,"0.99":…},"per_class":[…]}
std::string EvalReportJson(const EvalReport& report, bool with_per_class = true);

// One self-contained HTML page (inline CSS and SVG, no scripts from the network) with, per
// field: summary numbers, reliability diagram before/after calibration, risk–coverage
// curve with the 0.95-precision point marked, confusion-matrix heat map, per-class table.
//
// With `routing`, the field of the same name also gets the routing card: the guaranteed
// operating point, escalations by tier, and the cost-versus-precision curve.
struct RoutingReport {
  std::string field;
  double target_precision = 0.95, delta = 0.05;
  double threshold = 1, coverage = 0, precision = 0;  // realised on the evaluated data
  int64_t n = 0, to_llm = 0, to_human = 0;            // escalations by first tier
  double hybrid_cost = 0, all_llm_cost = 0;           // LLM spend: hybrid vs everything
  double human_cost = 0;                              //   to the LLM; people
  struct CostPoint {
    double precision = 0;   // target precision (empirical threshold on the evaluated data)
    double coverage = 0;    // share automated at that precision
    double cost_share = 0;  // hybrid LLM spend / all-LLM spend
  };
  std::vector<CostPoint> cost_curve;  // ascending precision
};
std::string RenderHtmlReport(const std::vector<EvalReport>& reports, const std::string& title,
                             const std::string& model_metadata_json,
                             const std::vector<RoutingReport>& routing = {});

// ---------------------------------------------------------------------------------------
// Jobs on files: what the CLI (and later the server) call (jobs.cc)
// ---------------------------------------------------------------------------------------

struct DataSpec {
  std::string path;                // .csv / .tsv / .jsonl
  text::ColumnMapping columns;     // --text a,b --label c,d
  text::ReadOptions read;          // --skip-bad-rows
};

// Reads the data, maps label strings to ids per label column (labels sorted by name), and
// trains one head per label column. `extra` rows (e.g. reviewers' feedback), when given,
// are appended; their label_columns must equal data's label columns.
Result<Model> TrainFromFile(const DataSpec& data, const TrainOptions& options,
                            text::ReadStats* stats = nullptr, const text::LabeledData* extra = nullptr);

// Evaluates every label column of data against the head of the same name (a single label
// column with a single-head model is matched whatever its name). Gold labels the model
// does not know count as errors (they appear as extra labels in the report).
Result<std::vector<EvalReport>> EvaluateFile(const Model& model, const DataSpec& data,
                                             int threads = 0, text::ReadStats* stats = nullptr);

}  // namespace fl::classify
