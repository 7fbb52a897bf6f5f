// The specialist model file.
//
//   offset  size  field
//   0       8     magic "FLMODEL\0"
//   8       4     format version (uint32 LE), currently 1
//   12      4     header length H (uint32 LE)
//   16      H     header: UTF-8 JSON (labels, hyperparameters, training-data hash,
//                 calibration, creation time, and the section table)
//   ...           zero padding to a multiple of 64: the data area starts here (D)
//   D       ...   sections, each starting at D + offset, offset a multiple of 64
//   end-8   8     checksum: Hash64 (core) of every byte before it (uint64 LE)
//
// Section table entries: {"name", "dtype": "f32"|"i8"|"u64", "shape": [...], "offset", "size"}.
// Every count, offset and size is checked against the file before use; a file that fails
// any check is refused with a message naming the file and the check.
#include <cmath>
#include <cstring>

#include "classify/model_impl.h"

namespace fl::classify {
namespace {

constexpr char kMagic[8] = {'F', 'L', 'M', 'O', 'D', 'E', 'L', '\0'};
constexpr uint32_t kVersion = 1;
constexpr size_t kAlign = 64;

size_t DtypeSize(const std::string& dtype) {
  if (dtype == "f32") return 4;
  if (dtype == "i8") return 1;
  if (dtype == "u64") return 8;
  return 0;
}

class ImageWriter {
 public:
  void Add(const std::string& name, const std::string& dtype, std::vector<uint64_t> shape,
           const void* data, size_t bytes) {
    body_.resize((body_.size() + kAlign - 1) / kAlign * kAlign, '\0');
    sections_.push_back({{"name", name}, {"dtype", dtype}, {"shape", shape},
                         {"offset", body_.size()}, {"size", bytes}});
    body_.append(static_cast<const char*>(data), bytes);
  }
  std::string Finish(nlohmann::json header) {
    header["sections"] = sections_;
    const std::string h = header.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::string out(kMagic, 8);
    const uint32_t version = kVersion, len = static_cast<uint32_t>(h.size());
    out.append(reinterpret_cast<const char*>(&version), 4);
    out.append(reinterpret_cast<const char*>(&len), 4);
    out += h;
    out.resize((out.size() + kAlign - 1) / kAlign * kAlign, '\0');
    out += body_;
    const uint64_t sum = Hash64(out);
    out.append(reinterpret_cast<const char*>(&sum), 8);
    return out;
  }

 private:
  nlohmann::json sections_ = nlohmann::json::array();
  std::string body_;
};

// Row-wise symmetric int8 quantisation: q = round(v / scale), scale = max|row| / 127.
void QuantizeRows(const std::vector<float>& m, size_t rows, size_t cols, std::vector<int8_t>* q,
                  std::vector<float>* scale) {
  q->resize(rows * cols);
  scale->resize(rows);
  for (size_t r = 0; r < rows; ++r) {
    const float* row = m.data() + r * cols;
    float mx = 0;
    for (size_t c = 0; c < cols; ++c) mx = std::max(mx, std::fabs(row[c]));
    const float s = mx > 0 ? mx / 127.f : 1.f;
    (*scale)[r] = s;
    for (size_t c = 0; c < cols; ++c) {
      (*q)[r * cols + c] = static_cast<int8_t>(std::lround(row[c] / s));
    }
  }
}

void AddMatrix(ImageWriter* w, const std::string& name, const std::vector<float>& m, size_t rows,
               size_t cols, bool quantize) {
  if (!quantize) {
    w->Add(name, "f32", {rows, cols}, m.data(), m.size() * 4);
    return;
  }
  std::vector<int8_t> q;
  std::vector<float> scale;
  QuantizeRows(m, rows, cols, &q, &scale);
  w->Add(name, "i8", {rows, cols}, q.data(), q.size());
  w->Add(name + "_scale", "f32", {rows}, scale.data(), scale.size() * 4);
}

}  // namespace

std::string BuildImage(const nlohmann::json& meta, const FeatureConfig& config,
                       const std::vector<uint64_t>& keys, const std::vector<float>& idf,
                       const std::vector<HeadWeights>& heads, bool quantize) {
  ImageWriter w;
  nlohmann::json header = meta;
  header["format"] = "frontline-specialist";
  header["features"] = {{"word_ngrams", config.word_ngrams},
                        {"char_min", config.char_min},
                        {"char_max", config.char_max},
                        {"char_weight", config.char_weight},
                        {"n_features", keys.size()}};
  w.Add("feature_keys", "u64", {keys.size()}, keys.data(), keys.size() * 8);
  w.Add("feature_idf", "f32", {idf.size()}, idf.data(), idf.size() * 4);
  const size_t n_feat = keys.size();
  nlohmann::json jheads = nlohmann::json::array();
  for (size_t h = 0; h < heads.size(); ++h) {
    const HeadWeights& hw = heads[h];
    const std::string p = "head" + std::to_string(h) + ".";
    nlohmann::json jh = {{"field", hw.field},
                         {"labels", hw.labels},
                         {"algorithm", AlgorithmName(hw.algorithm)},
                         {"temperature", hw.temperature},
                         {"part_temperatures", {hw.part_temperature[0], hw.part_temperature[1]}},
                         {"quantized", quantize},
                         {"info", hw.info}};
    const size_t k = hw.labels.size();
    if (hw.algorithm != Algorithm::kFastText) {
      AddMatrix(&w, p + "w", hw.linear.w, n_feat, k, quantize);
      w.Add(p + "bias", "f32", {k}, hw.linear.bias.data(), k * 4);
    }
    if (hw.algorithm != Algorithm::kSvm) {
      const size_t dim = hw.embedding.dim;
      jh["dim"] = dim;
      jh["emb_rows"] = hw.embedding.rows;
      jh["emb_counts"] = hw.embedding.counts;
      AddMatrix(&w, p + "emb", hw.embedding.emb, hw.embedding.rows, dim, quantize);
      w.Add(p + "out", "f32", {k, dim}, hw.embedding.out.data(), k * dim * 4);
    }
    jheads.push_back(jh);
  }
  header["heads"] = jheads;
  return w.Finish(header);
}

namespace {

struct SectionRef {
  std::string dtype;
  std::vector<uint64_t> shape;
  const uint8_t* data = nullptr;
};

// Finds a section and checks its dtype and shape. Returns nullptr data when absent and
// !required.
Result<SectionRef> GetSection(const std::map<std::string, SectionRef>& sections,
                              const std::string& source, const std::string& name,
                              const std::vector<std::string>& dtypes,
                              const std::vector<uint64_t>& shape, bool required = true) {
  auto it = sections.find(name);
  if (it == sections.end()) {
    if (!required) return SectionRef{};
    return DataLossError(source + ": model file lacks section '" + name + "'");
  }
  if (std::find(dtypes.begin(), dtypes.end(), it->second.dtype) == dtypes.end()) {
    return DataLossError(source + ": section '" + name + "' has dtype " + it->second.dtype);
  }
  if (it->second.shape != shape) {
    return DataLossError(source + ": section '" + name + "' has the wrong shape");
  }
  return it->second;
}

Status ParseImageUnchecked(Model::Impl* impl) {
  const std::string& src = impl->source;
  const std::string_view img = impl->image;
  if (img.size() < 16 + 8 || std::memcmp(img.data(), kMagic, 8) != 0) {
    return InvalidArgumentError(src + ": not a frontline model file (bad magic)");
  }
  uint32_t version, header_len;
  std::memcpy(&version, img.data() + 8, 4);
  std::memcpy(&header_len, img.data() + 12, 4);
  if (version != kVersion) {
    return InvalidArgumentError(src + ": model format version " + std::to_string(version) +
                                ", this build reads version " + std::to_string(kVersion));
  }
  const size_t body_end = img.size() - 8;
  if (header_len > body_end - 16) {
    return DataLossError(src + ": header length " + std::to_string(header_len) +
                         " exceeds the file (" + std::to_string(img.size()) +
                         " bytes): truncated file?");
  }
  uint64_t stored_sum;
  std::memcpy(&stored_sum, img.data() + body_end, 8);
  if (Hash64(img.substr(0, body_end)) != stored_sum) {
    return DataLossError(src + ": checksum mismatch: the file is corrupted or truncated");
  }
  const size_t data_start = (16 + static_cast<size_t>(header_len) + kAlign - 1) / kAlign * kAlign;
  if (data_start > body_end) return DataLossError(src + ": data area starts past the end");
  impl->header = nlohmann::json::parse(img.substr(16, header_len));

  std::map<std::string, SectionRef> sections;
  for (const auto& s : impl->header.at("sections")) {
    SectionRef ref;
    const std::string name = s.at("name").get<std::string>();
    ref.dtype = s.at("dtype").get<std::string>();
    ref.shape = s.at("shape").get<std::vector<uint64_t>>();
    const uint64_t offset = s.at("offset").get<uint64_t>(), size = s.at("size").get<uint64_t>();
    const size_t elem = DtypeSize(ref.dtype);
    if (elem == 0) return DataLossError(src + ": section '" + name + "': unknown dtype");
    uint64_t count = 1;
    for (uint64_t d : ref.shape) {
      if (d != 0 && count > UINT64_MAX / d) return DataLossError(src + ": section '" + name + "': shape overflows");
      count *= d;
    }
    if (count > UINT64_MAX / elem || count * elem != size) {
      return DataLossError(src + ": section '" + name + "': size does not match its shape");
    }
    if (offset % kAlign != 0 || offset > body_end - data_start ||
        size > body_end - data_start - offset) {
      return DataLossError(src + ": section '" + name + "' lies outside the file");
    }
    if (!sections.emplace(name, SectionRef{ref.dtype, ref.shape,
                                           reinterpret_cast<const uint8_t*>(img.data()) +
                                               data_start + offset}).second) {
      return DataLossError(src + ": duplicate section '" + name + "'");
    }
  }

  const auto& jf = impl->header.at("features");
  FeatureConfig& fc = impl->feature_config;
  const int64_t word_ngrams = jf.at("word_ngrams").get<int64_t>();
  const int64_t char_min = jf.at("char_min").get<int64_t>();
  const int64_t char_max = jf.at("char_max").get<int64_t>();
  const double char_weight = jf.at("char_weight").get<double>();
  if (word_ngrams < 1 || word_ngrams > kMaxWordNgrams ||
      (char_max != 0 && (char_min < 1 || char_min > char_max || char_max > kMaxCharNgram)) ||
      !std::isfinite(char_weight) || char_weight < 0) {
    return DataLossError(src + ": feature settings out of range");
  }
  fc.word_ngrams = static_cast<int>(word_ngrams);
  fc.char_min = static_cast<int>(char_min);
  fc.char_max = static_cast<int>(char_max);
  fc.char_weight = static_cast<float>(char_weight);
  const uint64_t n_feat = jf.at("n_features").get<uint64_t>();
  if (n_feat >= UINT32_MAX) return DataLossError(src + ": too many features");
  FL_ASSIGN_OR_RETURN(SectionRef keys, GetSection(sections, src, "feature_keys", {"u64"}, {n_feat}));
  FL_ASSIGN_OR_RETURN(SectionRef idf, GetSection(sections, src, "feature_idf", {"f32"}, {n_feat}));
  const auto* key_ptr = reinterpret_cast<const uint64_t*>(keys.data);
  for (uint64_t i = 1; i < n_feat; ++i) {
    if (key_ptr[i - 1] >= key_ptr[i]) return DataLossError(src + ": feature keys not sorted");
  }
  impl->features.Init(key_ptr, reinterpret_cast<const float*>(idf.data),
                      static_cast<uint32_t>(n_feat), fc);

  impl->heads.clear();
  const auto& jheads = impl->header.at("heads");
  for (size_t h = 0; h < jheads.size(); ++h) {
    const auto& jh = jheads[h];
    HeadView v;
    v.field = jh.at("field").get<std::string>();
    v.labels = jh.at("labels").get<std::vector<std::string>>();
    v.temperature = jh.at("temperature").get<float>();
    if (!(v.temperature > 0)) return DataLossError(src + ": head '" + v.field + "': bad temperature");
    const std::string algo = jh.at("algorithm").get<std::string>();
    v.n_classes = static_cast<int>(v.labels.size());
    if (v.n_classes < 2) return DataLossError(src + ": head '" + v.field + "' has < 2 labels");
    const uint64_t k = v.labels.size();
    const std::string p = "head" + std::to_string(h) + ".";
    auto matrix = [&](const std::string& name, uint64_t rows, uint64_t cols, const float** f32,
                      const int8_t** i8, const float** scale) -> Status {
      FL_ASSIGN_OR_RETURN(SectionRef m, GetSection(sections, src, p + name, {"f32", "i8"}, {rows, cols}));
      if (m.dtype == "f32") {
        *f32 = reinterpret_cast<const float*>(m.data);
      } else {
        *i8 = reinterpret_cast<const int8_t*>(m.data);
        FL_ASSIGN_OR_RETURN(SectionRef s, GetSection(sections, src, p + name + "_scale", {"f32"}, {rows}));
        *scale = reinterpret_cast<const float*>(s.data);
      }
      return OkStatus();
    };
    if (!ParseAlgorithm(algo, &v.algorithm)) {
      return DataLossError(src + ": head '" + v.field + "': unknown algorithm '" + algo + "'");
    }
    if (jh.contains("part_temperatures")) {
      const auto pt = jh.at("part_temperatures").get<std::vector<float>>();
      if (pt.size() != 2 || !(pt[0] > 0) || !(pt[1] > 0)) {
        return DataLossError(src + ": head '" + v.field + "': bad part temperatures");
      }
      v.part_temperature[0] = pt[0];
      v.part_temperature[1] = pt[1];
    }
    if (v.algorithm != Algorithm::kFastText) {
      FL_RETURN_IF_ERROR(matrix("w", n_feat, k, &v.w_f32, &v.w_i8, &v.w_scale));
      FL_ASSIGN_OR_RETURN(SectionRef b, GetSection(sections, src, p + "bias", {"f32"}, {k}));
      v.bias = reinterpret_cast<const float*>(b.data);
    }
    if (v.algorithm != Algorithm::kSvm) {
      v.dim = jh.at("dim").get<int>();
      if (v.dim <= 0 || v.dim > 4096) return DataLossError(src + ": bad embedding dim");
      const uint64_t dim = v.dim;
      const uint64_t emb_rows = jh.value("emb_rows", n_feat);
      if (emb_rows > n_feat) return DataLossError(src + ": head '" + v.field + "': emb_rows > features");
      v.emb_rows = static_cast<uint32_t>(emb_rows);
      v.emb_counts = jh.value("emb_counts", false);
      FL_RETURN_IF_ERROR(matrix("emb", emb_rows, dim, &v.emb_f32, &v.emb_i8, &v.emb_scale));
      FL_ASSIGN_OR_RETURN(SectionRef o, GetSection(sections, src, p + "out", {"f32"}, {k, dim}));
      v.out = reinterpret_cast<const float*>(o.data);
    }
    impl->heads.push_back(std::move(v));
  }
  if (impl->heads.empty()) return DataLossError(src + ": model has no heads");
  return OkStatus();
}

}  // namespace

Status ParseImage(Model::Impl* impl) {
  try {
    return ParseImageUnchecked(impl);
  } catch (const nlohmann::json::exception& e) {
    return DataLossError(impl->source + ": malformed model header: " + e.what());
  }
}

Result<Model> Model::Load(const std::string& path) {
  auto impl = std::make_unique<Impl>();
  FL_ASSIGN_OR_RETURN(impl->file, MappedFile::Open(path));
  impl->image = impl->file.view();
  impl->source = path;
  FL_RETURN_IF_ERROR(ParseImage(impl.get()));
  return Model(std::move(impl));
}

Status Model::Save(const std::string& path) const {
  return WriteFileAtomic(path, impl_->image);
}

}  // namespace fl::classify
