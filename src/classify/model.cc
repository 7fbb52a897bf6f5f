// Training and prediction of the specialist Model.
#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <random>

#include "classify/model_impl.h"

namespace fl::classify {

Model::Model() = default;
Model::~Model() = default;
Model::Model(Model&&) noexcept = default;
Model& Model::operator=(Model&&) noexcept = default;
Model::Model(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

int Model::num_fields() const { return static_cast<int>(impl_->heads.size()); }
const std::string& Model::field_name(int field) const { return impl_->heads.at(field).field; }
const std::vector<std::string>& Model::labels(int field) const { return impl_->heads.at(field).labels; }
float Model::temperature(int field) const { return impl_->heads.at(field).temperature; }
std::string Model::MetadataJson() const {
  nlohmann::json h = impl_->header;
  h.erase("sections");
  return h.dump(2);
}
size_t Model::WeightBytes() const { return impl_->image.size(); }

int Model::FindField(std::string_view name) const {
  for (size_t i = 0; i < impl_->heads.size(); ++i) {
    if (impl_->heads[i].field == name) return static_cast<int>(i);
  }
  return -1;
}

namespace {

// Dot of a weight row (int8 with scale, or f32) into scores: scores += v * row.
template <typename T>
inline void Axpy(float v, const T* row, int n, float* scores) {
  for (int c = 0; c < n; ++c) scores[c] += v * static_cast<float>(row[c]);
}

}  // namespace

void LinearPartScores(const HeadView& hv, const SparseVec& x, float* scores) {
  const int k = hv.n_classes;
  std::copy(hv.bias, hv.bias + k, scores);
  for (size_t p = 0; p < x.idx.size(); ++p) {
    const size_t j = x.idx[p];
    if (hv.w_i8 != nullptr) {
      Axpy(x.val[p] * hv.w_scale[j], hv.w_i8 + j * k, k, scores);
    } else {
      Axpy(x.val[p], hv.w_f32 + j * k, k, scores);
    }
  }
}

void EmbeddingPartScores(const HeadView& hv, const SparseVec& x, float* scores, float* hidden) {
  const int dim = hv.dim;
  std::fill(hidden, hidden + dim, 0.f);
  float total = 0;
  const std::vector<float>& weight = hv.emb_counts ? x.cnt : x.val;
  for (size_t p = 0; p < x.idx.size() && x.idx[p] < hv.emb_rows; ++p) {
    const size_t j = x.idx[p];
    if (hv.emb_i8 != nullptr) {
      Axpy(weight[p] * hv.emb_scale[j], hv.emb_i8 + j * dim, dim, hidden);
    } else {
      Axpy(weight[p], hv.emb_f32 + j * dim, dim, hidden);
    }
    total += weight[p];
  }
  const float inv = total > 0 ? 1.f / total : 0.f;
  for (int c = 0; c < hv.n_classes; ++c) {
    const float* o = hv.out + static_cast<size_t>(c) * dim;
    float s = 0;
    for (int d = 0; d < dim; ++d) s += o[d] * hidden[d];
    scores[c] = s * inv;
  }
}

void CombineParts(const float* a, float ta, const float* b, float tb, int n, float* out) {
  auto log_z = [n](const float* s, float t) {
    float mx = s[0];
    for (int c = 1; c < n; ++c) mx = std::max(mx, s[c]);
    double z = 0;
    for (int c = 0; c < n; ++c) z += std::exp((s[c] - mx) / t);
    return static_cast<float>(mx / t + std::log(z));
  };
  const float za = log_z(a, ta), zb = log_z(b, tb);
  for (int c = 0; c < n; ++c) out[c] = 0.5f * ((a[c] / ta - za) + (b[c] / tb - zb));
}

void Model::Impl::Scores(int h, const SparseVec& x, float* scores, float* scratch,
                         bool calibrated) const {
  const HeadView& hv = heads[h];
  switch (hv.algorithm) {
    case Algorithm::kSvm:
      LinearPartScores(hv, x, scores);
      return;
    case Algorithm::kFastText:
      EmbeddingPartScores(hv, x, scores, scratch);
      return;
    case Algorithm::kEnsemble: {
      float* emb_scores = scratch + hv.dim;
      LinearPartScores(hv, x, scores);
      EmbeddingPartScores(hv, x, emb_scores, scratch);
      CombineParts(scores, calibrated ? hv.part_temperature[0] : 1.f, emb_scores,
                   calibrated ? hv.part_temperature[1] : 1.f, hv.n_classes, scores);
      return;
    }
  }
}

std::vector<float> Model::PredictProba(std::string_view text, int field, bool calibrated) const {
  if (field < 0 || field >= num_fields()) return {};
  SparseVec x;
  std::vector<uint64_t> hashes;
  impl_->features.Vectorize(text, &x, &hashes);
  const HeadView& hv = impl_->heads.at(field);
  std::vector<float> scores(hv.n_classes), scratch(impl_->ScratchSize(field));
  impl_->Scores(field, x, scores.data(), scratch.data(), calibrated);
  SoftmaxInPlace(&scores, calibrated ? hv.temperature : 1.0f);
  return scores;
}

std::vector<std::vector<float>> Model::PredictAllFields(
    std::string_view text, std::vector<std::vector<float>>* uncalibrated) const {
  SparseVec x;
  std::vector<uint64_t> hashes;
  impl_->features.Vectorize(text, &x, &hashes);
  const size_t n_heads = impl_->heads.size();
  std::vector<std::vector<float>> out(n_heads);
  if (uncalibrated != nullptr) uncalibrated->assign(n_heads, {});
  std::vector<float> scratch;
  for (size_t h = 0; h < n_heads; ++h) {
    const HeadView& hv = impl_->heads[h];
    const int head = static_cast<int>(h);
    scratch.resize(impl_->ScratchSize(head));
    out[h].resize(hv.n_classes);
    impl_->Scores(head, x, out[h].data(), scratch.data());
    SoftmaxInPlace(&out[h], hv.temperature);
    if (uncalibrated != nullptr) {
      std::vector<float>& raw = (*uncalibrated)[h];
      raw.resize(hv.n_classes);
      impl_->Scores(head, x, raw.data(), scratch.data(), /*calibrated=*/false);
      SoftmaxInPlace(&raw, 1.0f);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Training
// ---------------------------------------------------------------------------------------

namespace {

// Stratified split on y: returns (train, holdout) index lists. Classes with fewer than 2
// examples stay entirely in train.
void StratifiedSplit(const std::vector<int>& y, int n_classes, float share, uint64_t seed,
                     std::vector<uint32_t>* train, std::vector<uint32_t>* holdout) {
  std::vector<std::vector<uint32_t>> by_class(n_classes);
  for (size_t i = 0; i < y.size(); ++i) by_class[y[i]].push_back(static_cast<uint32_t>(i));
  std::mt19937_64 rng(seed ^ 0x5eed);
  for (auto& members : by_class) {
    std::shuffle(members.begin(), members.end(), rng);
    size_t n_hold = members.size() >= 2 ? static_cast<size_t>(std::lround(share * members.size())) : 0;
    if (members.size() >= 2 && share > 0) n_hold = std::max<size_t>(n_hold, 1);
    holdout->insert(holdout->end(), members.begin(), members.begin() + n_hold);
    train->insert(train->end(), members.begin() + n_hold, members.end());
  }
  std::sort(train->begin(), train->end());
  std::sort(holdout->begin(), holdout->end());
}

std::vector<float> BalancedWeights(const std::vector<int>& y, int n_classes) {
  std::vector<double> count(n_classes, 0);
  for (int c : y) count[c] += 1;
  std::vector<float> w(y.size());
  for (size_t i = 0; i < y.size(); ++i) {
    w[i] = static_cast<float>(y.size() / (n_classes * count[y[i]]));
  }
  return w;
}

nlohmann::json OptionsJson(const TrainOptions& o) {
  return {{"algorithm", AlgorithmName(o.algorithm)},
          {"word_ngrams", o.word_ngrams}, {"char_min", o.char_min}, {"char_max", o.char_max},
          {"min_count", o.min_count}, {"char_weight", o.char_weight}, {"svm_c", o.svm_c},
          {"svm_max_iter", o.svm_max_iter}, {"dim", o.dim}, {"emb_char_ngrams", o.emb_char_ngrams}, {"emb_counts", o.emb_counts},
          {"auto_embedding", o.auto_embedding}, {"epochs", o.epochs}, {"lr", o.lr},
          {"class_balanced", o.class_balanced}, {"holdout", o.holdout}, {"refit", o.refit},
          {"quantize", o.quantize}, {"seed", o.seed}};
}

// Everything training produces, before it becomes a file image.
struct TrainedParts {
  FeatureConfig fc;
  std::vector<uint64_t> keys;
  std::vector<float> idf;
  std::vector<HeadWeights> heads;
};

Result<std::unique_ptr<Model::Impl>> MakeImpl(const TrainedParts& parts, const nlohmann::json& meta,
                                              bool quantize) {
  auto impl = std::make_unique<Model::Impl>();
  impl->owned = BuildImage(meta, parts.fc, parts.keys, parts.idf, parts.heads, quantize);
  impl->image = impl->owned;
  impl->source = "<trained model>";
  FL_RETURN_IF_ERROR(ParseImage(impl.get()));
  return impl;
}

// Trains one head per entry of head_field (the field it predicts) with head_options[h]'s
// learner settings, on the rows `rows` of texts/fields. Features follow `options`.
// Consecutive heads of the same field share one SVM part (trained once).
TrainedParts TrainOnRows(const std::vector<std::string>& texts,
                         const std::vector<FieldData>& fields, const std::vector<uint32_t>& rows,
                         const std::vector<int>& head_field,
                         const std::vector<TrainOptions>& head_options,
                         const TrainOptions& options) {
  TrainedParts parts;
  FeatureConfig& fc = parts.fc;
  fc.word_ngrams = options.word_ngrams;
  fc.char_min = options.char_min;
  fc.char_max = options.char_max;
  fc.char_weight = options.char_weight;
  std::vector<std::string_view> views;
  views.reserve(rows.size());
  for (uint32_t r : rows) views.push_back(texts[r]);
  std::vector<uint64_t>& keys = parts.keys;
  std::vector<float>& idf = parts.idf;
  BuildFeatureSpace(views, fc, options.min_count, options.threads, &keys, &idf);
  FeatureSpace space;
  space.Init(keys.data(), idf.data(), static_cast<uint32_t>(keys.size()), fc);

  // Vectorise in parallel into per-thread matrices, then concatenate in order.
  SparseMatrix x;
  x.n_cols = static_cast<uint32_t>(keys.size());
  {
    ThreadPool pool(options.threads);
    std::vector<SparseMatrix> parts(pool.size());
    ProgressBar progress("featurize", views.size(), "texts");
    pool.ParallelFor(views.size(), [&](int t, size_t begin, size_t end) {
      SparseVec v;
      std::vector<uint64_t> scratch;
      for (size_t i = begin; i < end; ++i) {
        space.Vectorize(views[i], &v, &scratch);
        parts[t].Append(v);
      }
      progress.Add(end - begin);
    });
    for (const SparseMatrix& p : parts) {
      const uint64_t base = x.idx.size();
      x.idx.insert(x.idx.end(), p.idx.begin(), p.idx.end());
      x.val.insert(x.val.end(), p.val.begin(), p.val.end());
      x.cnt.insert(x.cnt.end(), p.cnt.begin(), p.cnt.end());
      for (size_t r = 1; r < p.row_ptr.size(); ++r) x.row_ptr.push_back(base + p.row_ptr[r]);
    }
  }

  std::vector<HeadWeights>& heads = parts.heads;
  heads.resize(head_field.size());
  for (size_t h = 0; h < head_field.size(); ++h) {
    const size_t f = head_field[h];
    const TrainOptions& o = head_options[h];
    const int k = static_cast<int>(fields[f].labels.size());
    std::vector<int> y;
    y.reserve(rows.size());
    for (uint32_t r : rows) y.push_back(fields[f].y[r]);
    const std::vector<float> weights =
        o.class_balanced ? BalancedWeights(y, k) : std::vector<float>{};
    HeadWeights& hw = heads[h];
    hw.field = fields[f].name;
    hw.labels = fields[f].labels;
    hw.algorithm = o.algorithm;
    if (o.algorithm != Algorithm::kFastText) {
      if (h > 0 && head_field[h - 1] == head_field[h] && heads[h - 1].algorithm != Algorithm::kFastText) {
        hw.linear = heads[h - 1].linear;
      } else {
        hw.linear = TrainSvm(x, y, k, weights, o);
      }
    }
    if (o.algorithm != Algorithm::kSvm) {
      const uint32_t rows =
          o.emb_char_ngrams
              ? x.n_cols
              : static_cast<uint32_t>(std::lower_bound(keys.begin(), keys.end(), kCharGroupBit) -
                                      keys.begin());
      hw.embedding = TrainFastText(x, y, k, rows, weights, o);
    }
  }
  return parts;
}

// The embedding-part settings an ensemble tries on the held-out split: the configured one
// and, with auto_embedding, a smooth fastText-like partner (raw counts of word n-grams,
// low learning rate, few epochs) that generalises better on long, noisy ticket text.
std::vector<TrainOptions> EmbeddingCandidates(const TrainOptions& options) {
  std::vector<TrainOptions> out{options};
  if (options.algorithm != Algorithm::kEnsemble || !options.auto_embedding) return out;
  TrainOptions smooth = options;
  smooth.emb_counts = true;
  smooth.emb_char_ngrams = false;
  smooth.lr = 0.2f;
  smooth.epochs = 5;
  smooth.dim = 100;
  out.push_back(smooth);
  return out;
}

// Fits head h's temperatures on the held-out rows: for an ensemble, each part's first
// (so the parts are averaged as calibrated log-probabilities), then the final one.
// Returns {svm part, fasttext part, final}; records holdout accuracy in *info.
std::array<float, 3> CalibrateHead(const Model::Impl& impl, int h, const std::vector<std::string>& texts,
                           const std::vector<int>& gold, const std::vector<uint32_t>& rows,
                           nlohmann::json* info) {
  std::array<float, 3> t{1.f, 1.f, 1.f};
  const HeadView& hv = impl.heads[h];
  const int k = hv.n_classes;
  std::vector<std::vector<float>> lin, emb, final_scores;
  std::vector<int> y;
  SparseVec x;
  std::vector<uint64_t> scratch;
  std::vector<float> hidden(hv.dim);
  for (uint32_t r : rows) {
    impl.features.Vectorize(texts[r], &x, &scratch);
    std::vector<float> a(k), b(k);
    if (hv.algorithm != Algorithm::kFastText) LinearPartScores(hv, x, a.data());
    if (hv.algorithm != Algorithm::kSvm) EmbeddingPartScores(hv, x, b.data(), hidden.data());
    lin.push_back(std::move(a));
    emb.push_back(std::move(b));
    y.push_back(gold[r]);
  }
  t[0] = hv.algorithm != Algorithm::kFastText ? FitTemperature(lin, y) : 1.f;
  t[1] = hv.algorithm != Algorithm::kSvm ? FitTemperature(emb, y) : 1.f;
  int correct = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    std::vector<float> s(k);
    if (hv.algorithm == Algorithm::kSvm) s = lin[i];
    else if (hv.algorithm == Algorithm::kFastText) s = emb[i];
    else CombineParts(lin[i].data(), t[0], emb[i].data(), t[1], k, s.data());
    correct += std::max_element(s.begin(), s.end()) - s.begin() == y[i];
    final_scores.push_back(std::move(s));
  }
  // The final temperature calibrates the top-1 confidence the router thresholds; a single
  // part's scores are used raw (its NLL temperature is not applied twice).
  if (hv.algorithm != Algorithm::kEnsemble) t[0] = t[1] = 1.f;
  t[2] = FitTemperature(final_scores, y, CalibrationObjective::kTopLabelBrier);
  *info = {{"holdout_n", rows.size()},
           {"holdout_accuracy", static_cast<double>(correct) / rows.size()},
           {"temperature", t[2]},
           {"part_temperatures", {t[0], t[1]}}};
  return t;
}

Status ValidateOptions(const TrainOptions& o) {
  auto bad = [](const std::string& what) { return InvalidArgumentError("training option " + what); };
  if (o.word_ngrams < 1 || o.word_ngrams > kMaxWordNgrams) return bad("word_ngrams must be 1..8");
  if (o.char_max != 0 && (o.char_min < 1 || o.char_min > o.char_max || o.char_max > kMaxCharNgram)) {
    return bad("char n-grams need 1 <= minn <= maxn <= 32 (or maxn 0 for none)");
  }
  if (o.min_count < 1) return bad("min_count must be >= 1");
  if (!std::isfinite(o.char_weight) || o.char_weight < 0) return bad("char_weight must be >= 0");
  if (!(o.svm_c > 0) || !std::isfinite(o.svm_c)) return bad("C must be > 0");
  if (o.svm_max_iter < 1) return bad("svm_max_iter must be >= 1");
  if (o.dim < 1 || o.dim > 4096) return bad("dim must be 1..4096");
  if (o.epochs < 1) return bad("epochs must be >= 1");
  if (!(o.lr > 0) || !std::isfinite(o.lr)) return bad("lr must be > 0");
  if (!(o.holdout >= 0 && o.holdout <= 0.5)) return bad("holdout must be in [0, 0.5]");
  if (o.threads < 0 || o.threads > 1024) return bad("threads must be 0..1024");
  return OkStatus();
}

}  // namespace

const char* AlgorithmName(Algorithm a) {
  switch (a) {
    case Algorithm::kSvm: return "svm";
    case Algorithm::kFastText: return "fasttext";
    case Algorithm::kEnsemble: return "ensemble";
  }
  return "?";
}

bool ParseAlgorithm(std::string_view name, Algorithm* out) {
  for (Algorithm a : {Algorithm::kSvm, Algorithm::kFastText, Algorithm::kEnsemble}) {
    if (name == AlgorithmName(a)) {
      *out = a;
      return true;
    }
  }
  return false;
}

Result<Model> Model::Train(const std::vector<std::string>& texts,
                           const std::vector<FieldData>& fields, const TrainOptions& options) {
  FL_RETURN_IF_ERROR(ValidateOptions(options));
  if (texts.empty()) return InvalidArgumentError("no training texts");
  if (fields.empty()) return InvalidArgumentError("no label field to train");
  for (const FieldData& f : fields) {
    if (f.y.size() != texts.size()) {
      return InvalidArgumentError("field '" + f.name + "': " + std::to_string(f.y.size()) +
                                  " labels for " + std::to_string(texts.size()) + " texts");
    }
    if (f.labels.size() < 2) {
      return InvalidArgumentError("field '" + f.name + "' has " + std::to_string(f.labels.size()) +
                                  " distinct label(s); a classifier needs at least 2");
    }
    for (int v : f.y) {
      if (v < 0 || v >= static_cast<int>(f.labels.size())) {
        return InvalidArgumentError("field '" + f.name + "': label index out of range");
      }
    }
  }
  const double t0 = NowSeconds();
  std::string hash_input;
  for (size_t i = 0; i < texts.size(); ++i) {
    hash_input += texts[i];
    for (const FieldData& f : fields) hash_input += "\x1f" + f.labels[f.y[i]];
    hash_input += '\x1e';
  }
  nlohmann::json meta = {{"created", UtcTimestamp()},
                         {"frontline_version", "0.1.0"},
                         {"training", {{"n_examples", texts.size()},
                                       {"data_hash", HexHash64(hash_input)},
                                       {"options", OptionsJson(options)}}}};

  // 1. Train on the non-held-out part; 2. fit each head's temperature on the held-out part;
  // 3. optionally retrain on everything, keeping the temperatures.
  std::vector<uint32_t> train_rows, hold_rows;
  if (options.holdout > 0) {
    StratifiedSplit(fields[0].y, static_cast<int>(fields[0].labels.size()), options.holdout,
                    options.seed, &train_rows, &hold_rows);
  } else {
    train_rows.resize(texts.size());
    std::iota(train_rows.begin(), train_rows.end(), 0);
  }
  // Heads in field-major order, one per (field, embedding candidate).
  const std::vector<TrainOptions> candidates =
      hold_rows.empty() ? std::vector<TrainOptions>{options} : EmbeddingCandidates(options);
  const int n_cand = static_cast<int>(candidates.size());
  std::vector<int> head_field;
  std::vector<TrainOptions> head_options;
  for (size_t f = 0; f < fields.size(); ++f) {
    for (const TrainOptions& c : candidates) {
      head_field.push_back(static_cast<int>(f));
      head_options.push_back(c);
    }
  }
  TrainedParts parts = TrainOnRows(texts, fields, train_rows, head_field, head_options, options);
  if (hold_rows.empty()) {
    meta["training"]["seconds"] = NowSeconds() - t0;
    FL_ASSIGN_OR_RETURN(auto impl, MakeImpl(parts, meta, options.quantize));
    return Model(std::move(impl));
  }
  std::vector<TrainOptions> chosen_options(fields.size(), options);
  {
    // Temperatures are fitted on the model as it will be stored (quantised if asked); per
    // field, the candidate with the best held-out accuracy is kept (ties: the first).
    FL_ASSIGN_OR_RETURN(auto impl, MakeImpl(parts, meta, options.quantize));
    Model partial(std::move(impl));
    std::vector<HeadWeights> chosen;
    for (size_t f = 0; f < fields.size(); ++f) {
      int best = -1;
      double best_acc = -1;
      nlohmann::json tried = nlohmann::json::array();
      for (int c = 0; c < n_cand; ++c) {
        const int h = static_cast<int>(f) * n_cand + c;
        HeadWeights& hw = parts.heads[h];
        const std::array<float, 3> t =
            CalibrateHead(*partial.impl_, h, texts, fields[f].y, hold_rows, &hw.info);
        hw.part_temperature[0] = t[0];
        hw.part_temperature[1] = t[1];
        hw.temperature = t[2];
        const double acc = hw.info["holdout_accuracy"].get<double>();
        tried.push_back({{"options", OptionsJson(candidates[c])}, {"holdout_accuracy", acc}});
        if (acc > best_acc) {
          best_acc = acc;
          best = c;
        }
      }
      HeadWeights& winner = parts.heads[f * n_cand + best];
      if (n_cand > 1) {
        winner.info["candidates"] = tried;
        winner.info["chosen"] = best;
      }
      chosen_options[f] = candidates[best];
      chosen.push_back(std::move(winner));
    }
    parts.heads = std::move(chosen);
  }
  if (options.refit) {
    std::vector<uint32_t> all(texts.size());
    std::iota(all.begin(), all.end(), 0);
    std::vector<int> one_head_per_field(fields.size());
    std::iota(one_head_per_field.begin(), one_head_per_field.end(), 0);
    TrainedParts full = TrainOnRows(texts, fields, all, one_head_per_field, chosen_options, options);
    for (size_t f = 0; f < fields.size(); ++f) {
      full.heads[f].temperature = parts.heads[f].temperature;
      full.heads[f].part_temperature[0] = parts.heads[f].part_temperature[0];
      full.heads[f].part_temperature[1] = parts.heads[f].part_temperature[1];
      full.heads[f].info = parts.heads[f].info;
    }
    parts = std::move(full);
  }
  meta["training"]["seconds"] = NowSeconds() - t0;
  FL_ASSIGN_OR_RETURN(auto impl, MakeImpl(parts, meta, options.quantize));
  return Model(std::move(impl));
}

}  // namespace fl::classify
