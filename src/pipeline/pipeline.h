// pipeline: composes the specialists (classify) with the routing decisions (route).
//
// The routing calibration of a model lives in a sidecar file next to it,
// "<model>.routing.json", written by CalibrateRouting and read by LoadRouting. It records,
// per field, the guaranteed confidence threshold (and the per-class and empirical ones for
// comparison), the conformal prediction-set calibration, and — when the training data
// has an explicit out-of-scope label — the out-of-scope rejection threshold.
//
// Thread-safety: a loaded RoutingConfig is immutable and may be shared.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "classify/classify.h"
#include "core/core.h"
#include "route/route.h"
#include "store/store.h"

namespace fl::pipeline {

struct FieldRouting {
  std::string field;
  double target_precision = 0.95;
  double delta = 0.05;
  route::Threshold guaranteed;                     // the one the router uses
  route::Threshold empirical;                      // no guarantee; for comparison
  std::map<std::string, route::Threshold> per_class;  // by predicted label
  route::ConformalCalibration conformal;
  // Out of scope: items whose in-scope confidence (top probability among labels other
  // than oos_label) is below oos_threshold, or whose top label is oos_label, are out of
  // scope. Empty oos_label: no out-of-scope handling.
  std::string oos_label;
  double oos_threshold = 0;
};

struct RoutingConfig {
  std::string model_hash;  // HexHash64 of the model's metadata, to catch a stale sidecar
  std::vector<FieldRouting> fields;
  const FieldRouting* Find(const std::string& field) const;
};

struct CalibrateOptions {
  route::ThresholdOptions threshold;  // precision, delta
  double alpha = 0.1;                 // conformal miscoverage
  std::string field;                  // empty: the field matching the label column
  std::string oos_label;              // explicit out-of-scope class in the data, if any
  // OOS threshold: the highest in-scope-confidence threshold whose in-scope accuracy on
  // the calibration data stays within this of the accuracy without OOS rejection.
  double oos_max_accuracy_drop = 0.01;
  int threads = 0;
};

// Predicts the calibration data, fits thresholds for the field, and returns the updated
// config (existing entries for other fields are kept).
Result<RoutingConfig> CalibrateRouting(const classify::Model& model, const classify::DataSpec& data,
                                       const CalibrateOptions& options, RoutingConfig existing);

std::string RoutingPath(const std::string& model_path);  // "<model>.routing.json"
std::string RoutingJson(const RoutingConfig& config);
// NotFound when there is no sidecar; FailedPrecondition when it belongs to another model.
Result<RoutingConfig> LoadRouting(const std::string& model_path, const classify::Model& model);
Status SaveRouting(const std::string& model_path, const RoutingConfig& config);
std::string ModelHash(const classify::Model& model);

// What eval-routing reports for one field on labelled test data.
struct RoutingEval {
  std::string field;
  int64_t n = 0;
  double threshold = 0;
  double coverage = 0;    // share auto-accepted (confident and in scope)
  double precision = 0;   // precision of the auto-accepted
  int64_t accepted = 0, escalated = 0;
  double mean_set_size = 0;      // conformal sets of escalated items
  double set_coverage = 0;       // share of escalated items whose gold label is in the set
  bool has_oos = false;
  double in_scope_accuracy = 0;  // in-scope items whose final label is right
  double oos_recall = 0;         // out-of-scope items predicted or rejected as out of scope
};

Result<RoutingEval> EvaluateRouting(const classify::Model& model, const RoutingConfig& config,
                                    const classify::DataSpec& data, const std::string& field,
                                    int threads = 0);
std::string RoutingEvalJson(const RoutingEval& eval);

// ---------------------------------------------------------------------------------------
// Batch triage (triage.cc)
// ---------------------------------------------------------------------------------------

struct TriageOptions {
  std::vector<std::string> text_columns = {"subject", "body"};  // joined; missing ones skipped
                                                                //   only if at least one exists
  std::string id_column = "id";  // external ticket id; absent column: "<file>:<line>"
  text::ReadOptions read;
};

struct TriageStats {
  int64_t tickets = 0;           // tickets in the input
  int64_t already_decided = 0;   // skipped: every field decided by an earlier run
  int64_t fields_automated = 0;  // field decisions taken by the specialist (tier slm)
  int64_t fields_escalated = 0;  // sent to the review queue (tier human)
};

// Runs every ticket of in_path through the specialists and the thresholds of `routing`
// (a field without a calibrated threshold is always escalated), recording each ticket's
// decisions — all fields in one transaction — in the store. Re-running after a crash skips
// tickets already decided, so every ticket ends with exactly one decision per field.
// Writes one JSON line per input ticket to out_path (atomically, at the end), in input
// order: {"id":…, "decisions":{field:{"value","confidence","tier","threshold","set"}}}.
Result<TriageStats> TriageFile(const classify::Model& model, const RoutingConfig& routing,
                               const std::string& in_path, const std::string& out_path,
                               const TriageOptions& options, store::Store* db);

}  // namespace fl::pipeline
