// Tokenizers from GGUF metadata: SentencePiece-style merges by score with byte fallback,
// byte-level BPE merges by rank after a regex pre-tokenizer, and WordPiece.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <queue>
#include <unordered_map>

#include "lm/accents.h"
#include "lm/lm.h"

namespace fl::lm {
namespace {

enum TokenType { kNormal = 1, kUnknown = 2, kControl = 3, kUserDefined = 4, kUnused = 5, kByte = 6 };

// Length of the UTF-8 sequence starting with byte c (1 for invalid bytes).
size_t Utf8Len(unsigned char c) {
  if (c < 0x80) return 1;
  if ((c >> 5) == 0x6) return 2;
  if ((c >> 4) == 0xE) return 3;
  if ((c >> 3) == 0x1E) return 4;
  return 1;
}

std::vector<std::string> Utf8Chars(std::string_view s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size();) {
    const size_t n = std::min(Utf8Len(static_cast<unsigned char>(s[i])), s.size() - i);
    out.emplace_back(s.substr(i, n));
    i += n;
  }
  return out;
}

std::string CodepointUtf8(uint32_t cp) {
  std::string out;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return out;
}

// GPT-2's byte <-> printable code point mapping: printable Latin-1 bytes map to
// themselves, the others to 256 + n in byte order.
struct ByteMap {
  std::string to_unicode[256];
  std::unordered_map<std::string, uint8_t> to_byte;
  ByteMap() {
    int n = 0;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
      to_unicode[b] = CodepointUtf8(printable ? b : 256 + n++);
      to_byte[to_unicode[b]] = static_cast<uint8_t>(b);
    }
  }
};
const ByteMap& Bytes() {
  static const ByteMap m;
  return m;
}

// A compiled PCRE2 pattern (UTF, Unicode properties, JIT when available).
struct Regex {
  pcre2_code* code = nullptr;
  explicit Regex(const std::string& pattern) {
    int err;
    PCRE2_SIZE off;
    code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), PCRE2_UTF | PCRE2_UCP, &err, &off,
                         nullptr);
    if (code != nullptr) pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
  }
  Regex(const Regex&) = delete;
  ~Regex() { pcre2_code_free(code); }
};

// The pre-tokenizer regexes of tokenizer.ggml.pre (as the reference implementation uses
// them); each splits the pieces the previous one made, keeping unmatched text as pieces.
const std::vector<std::string>* PreTokenizer(const std::string& pre) {
  static const std::string kGpt2 = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S))";
  static const std::map<std::string, std::vector<std::string>> kPre = {
      {"gpt-2", {kGpt2}},
      {"default", {kGpt2}},
      {"mpt", {kGpt2}},
      {"olmo", {kGpt2}},
      {"starcoder", {R"(\p{N})", kGpt2}},
      {"refact", {R"(\p{N})", kGpt2}},
      {"smollm", {R"(\p{N})", kGpt2}},
      {"command-r", {R"(\p{N})", kGpt2}},
      {"falcon", {R"([\p{P}\$\+<=>\^~\|`]+)", kGpt2, R"([0-9][0-9][0-9])"}},
      {"llama-bpe",
       {R"((?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)"}},
      {"qwen2",
       {R"((?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)"}},
      {"deepseek-coder",
       {R"([\r\n])", R"(\s?\p{L}+)", R"(\s?\p{P}+)", "[\u4e00-\u9fa5\u0800-\u4e00\uac00-\ud7ff]+", R"(\p{N})"}},
      {"deepseek-llm",
       {R"([\r\n])",
        "\\s?[A-Za-z\u00b5\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u01ba\u01bc-\u01bf\u01c4-\u0293\u0295-\u02af\u0370-\u0373"
        "\u0376\u0377\u037b-\u037d\u037f\u0386\u0388-\u038a\u038c\u038e-\u03a1\u03a3-\u03f5\u03f7-\u0481\u048a-\u052f"
        "\u0531-\u0556\u10a0-\u10c5\u13a0-\u13f5\u13f8-\u13fd\u1c90-\u1cba\u1cbd-\u1cbf\u1d00-\u1d2b\u1d6b-\u1d77"
        "\u1d79-\u1d9a\u1e00-\u1f15\u1f18-\u1f1d\u1f20-\u1f45\u1f48-\u1f4d\u1f50-\u1f57\u1f59\u1f5b\u1f5d\u1f5f-\u1f7d"
        "\u1f80-\u1fb4\u1fb6-\u1fbc\u1fbe\u1fc2-\u1fc4\u1fc6-\u1fcc\u1fd0-\u1fd3\u1fd6-\u1fdb\u1fe0-\u1fec\u1ff2-\u1ff4"
        "\u1ff6-\u1ffc\u2102\u2107\u210a-\u2113\u2115\u2119-\u211d\u2124\u2126\u2128\u212a-\u212d\u212f-\u2134\u2139"
        "\u213c-\u213f\u2145-\u2149\u214e\u2183\u2184\u2c00-\u2c7b\u2c7e-\u2ce4\u2ceb-\u2cee\u2cf2\u2cf3\ua640-\ua66d"
        "\ua680-\ua69b\ua722-\ua76f\ua771-\ua787\ua78b-\ua78e\uab70-\uabbf\ufb00-\ufb06\ufb13-\ufb17\uff21-\uff3a"
        "\uff41-\uff5a\U00010400-\U0001044f\U000104b0-\U000104d3\U000104d8-\U000104fb\U00010c80-\U00010cb2"
        "\U00010cc0-\U00010cf2\U000118a0-\U000118df\U0001e900-\U0001e943]+",
        "\\s?[!-/:-~\uff01-\uff0f\uff1a-\uff5e\u2018-\u201f\u3000-\u3002]+", R"(\s+$)",
        "[\u4e00-\u9fa5\u0800-\u4e00\uac00-\ud7ff]+", R"(\p{N}+)"}},
  };
  const auto it = kPre.find(pre);
  return it == kPre.end() ? nullptr : &it->second;
}

}  // namespace

// Hashing that lets string maps be searched with a string_view (no temporary strings).
struct ViewHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};
using StringMap = std::unordered_map<std::string, int32_t, ViewHash, std::equal_to<>>;

struct Tokenizer::Impl {
  TokenizerKind kind = TokenizerKind::kSpm;
  std::vector<std::string> pieces;
  std::vector<float> scores;
  std::vector<int32_t> types;
  StringMap ids;
  StringMap merge_rank;  // BPE: "left right" -> rank
  // BPE: pieces seen before and their tokens (text repeats words); bounded.
  mutable std::mutex cache_mu;
  mutable std::unordered_map<std::string, std::vector<int32_t>, ViewHash, std::equal_to<>> cache;
  std::vector<std::unique_ptr<Regex>> pre;              // BPE pre-tokenizer
  bool ignore_merges = false;                           // BPE: a whole word in the vocab wins
  bool add_bos = false, add_eos = false, add_space_prefix = true;
  int32_t bos = -1, eos = -1, unk = -1;
  size_t max_piece = 0;
  // Tokens matched in the text before tokenizing, longest first: user-defined ones
  // always, control ones too when parse_special. Per list, the first bytes they can
  // start with, so most positions skip the scan.
  struct Specials {
    std::vector<int32_t> ids;
    std::array<bool, 256> first{};
  };
  Specials user_defined, all_specials;

  int32_t Id(std::string_view s) const {
    const auto it = ids.find(s);
    return it == ids.end() ? -1 : it->second;
  }

  void Bpe(std::string_view text, std::vector<int32_t>* out) const;
  void Spm(std::string_view text, bool prefix, std::vector<int32_t>* out) const;
  void WordPiece(std::string_view text, std::vector<int32_t>* out) const;
};

// ---------------------------------------------------------------------------------------
// Byte-level BPE
// ---------------------------------------------------------------------------------------

namespace {

// Splits every piece (byte ranges of text) by re: matches and the gaps between them.
std::vector<std::pair<size_t, size_t>> Split(std::string_view text, const Regex& re,
                                             const std::vector<std::pair<size_t, size_t>>& pieces) {
  std::vector<std::pair<size_t, size_t>> out;
  pcre2_match_data* md = pcre2_match_data_create_from_pattern(re.code, nullptr);
  for (const auto& [start, len] : pieces) {
    // Matched against the piece alone, so look-arounds and $ see its ends.
    const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data() + start);
    size_t at = 0, last = 0;
    while (at < len) {
      const int rc = pcre2_match(re.code, subject, len, at, PCRE2_NO_UTF_CHECK, md, nullptr);
      if (rc < 0) break;
      const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
      if (ov[1] == ov[0]) {  // empty match: step one character
        at = ov[0] + Utf8Len(static_cast<unsigned char>(text[start + ov[0]]));
        continue;
      }
      if (ov[0] > last) out.emplace_back(start + last, ov[0] - last);
      out.emplace_back(start + ov[0], ov[1] - ov[0]);
      last = at = ov[1];
    }
    if (last < len) out.emplace_back(start + last, len - last);
  }
  pcre2_match_data_free(md);
  return out;
}

}  // namespace

void Tokenizer::Impl::Bpe(std::string_view text, std::vector<int32_t>* out) const {
  std::vector<std::pair<size_t, size_t>> pieces = {{0, text.size()}};
  for (const auto& re : pre) pieces = Split(text, *re, pieces);
  const ByteMap& bytes = Bytes();
  for (const auto& [start, len] : pieces) {
    std::string word;
    for (size_t i = 0; i < len; ++i) word += bytes.to_unicode[static_cast<unsigned char>(text[start + i])];
    if (ignore_merges) {
      if (const int32_t id = Id(word); id >= 0) {
        out->push_back(id);
        continue;
      }
    }
    {
      std::lock_guard<std::mutex> lock(cache_mu);
      if (const auto it = cache.find(word); it != cache.end()) {
        out->insert(out->end(), it->second.begin(), it->second.end());
        continue;
      }
    }
    const size_t first = out->size();
    std::vector<std::string> sym = Utf8Chars(word);
    std::string key;
    // Merge the adjacent pair of lowest rank until none is left (leftmost on ties).
    while (sym.size() > 1) {
      int best = -1;
      int32_t best_rank = INT32_MAX;
      for (size_t i = 0; i + 1 < sym.size(); ++i) {
        key.assign(sym[i]).append(" ").append(sym[i + 1]);
        const auto it = merge_rank.find(key);
        if (it != merge_rank.end() && it->second < best_rank) {
          best_rank = it->second;
          best = static_cast<int>(i);
        }
      }
      if (best < 0) break;
      sym[best] += sym[best + 1];
      sym.erase(sym.begin() + best + 1);
    }
    for (const std::string& s : sym) {
      if (const int32_t id = Id(s); id >= 0) {
        out->push_back(id);
        continue;
      }
      for (const std::string& c : Utf8Chars(s)) {  // not in the vocabulary: its characters
        if (const int32_t id = Id(c); id >= 0) out->push_back(id);
      }
    }
    std::lock_guard<std::mutex> lock(cache_mu);
    if (cache.size() > 100000) cache.clear();
    cache.emplace(std::move(word), std::vector<int32_t>(out->begin() + first, out->end()));
  }
}

// ---------------------------------------------------------------------------------------
// SentencePiece-style merging by score
// ---------------------------------------------------------------------------------------

void Tokenizer::Impl::Spm(std::string_view raw, bool prefix, std::vector<int32_t>* out) const {
  std::string text = prefix && add_space_prefix ? "\xE2\x96\x81" : "";
  for (char c : raw) {
    if (c == ' ') {
      text += "\xE2\x96\x81";  // ▁
    } else {
      text += c;
    }
  }
  struct Sym {
    int prev, next;
    size_t start, len;
  };
  std::vector<Sym> sym;
  for (size_t i = 0; i < text.size();) {
    const size_t n = std::min(Utf8Len(static_cast<unsigned char>(text[i])), text.size() - i);
    sym.push_back({static_cast<int>(sym.size()) - 1, static_cast<int>(sym.size()) + 1, i, n});
    i += n;
  }
  if (sym.empty()) return;
  sym.back().next = -1;
  struct Bigram {
    int left, right;
    float score;
    size_t len;
    bool operator<(const Bigram& o) const { return score < o.score || (score == o.score && left > o.left); }
  };
  std::priority_queue<Bigram> queue;
  auto try_add = [&](int l, int r) {
    if (l < 0 || r < 0) return;
    const std::string_view s = std::string_view(text).substr(sym[l].start, sym[l].len + sym[r].len);
    const int32_t id = Id(s);
    if (id < 0) return;
    queue.push({l, r, scores[id], s.size()});
  };
  for (size_t i = 1; i < sym.size(); ++i) try_add(static_cast<int>(i) - 1, static_cast<int>(i));
  while (!queue.empty()) {
    const Bigram b = queue.top();
    queue.pop();
    Sym& l = sym[b.left];
    Sym& r = sym[b.right];
    if (l.len == 0 || r.len == 0 || l.len + r.len != b.len) continue;  // stale
    l.len += r.len;
    r.len = 0;
    l.next = r.next;
    if (r.next >= 0) sym[r.next].prev = b.left;
    try_add(l.prev, b.left);
    try_add(b.left, l.next);
  }
  // Each final symbol is a token (merges only make vocabulary entries), or a single
  // character outside the vocabulary: then its bytes, as <0xNN> tokens.
  for (int i = 0; i >= 0; i = sym[i].next) {
    const std::string piece = text.substr(sym[i].start, sym[i].len);
    if (const int32_t id = Id(piece); id >= 0) {
      out->push_back(id);
      continue;
    }
    for (unsigned char c : piece) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "<0x%02X>", c);
      const int32_t id = Id(hex);
      out->push_back(id >= 0 ? id : unk);
    }
  }
}

}  // namespace fl::lm

namespace fl::lm {

// ---------------------------------------------------------------------------------------
// WordPiece (BERT): lower-cased words split at whitespace, punctuation and CJK
// characters; each word greedily by longest vocabulary match, "▁" marking a word start.
// ---------------------------------------------------------------------------------------

namespace {

// The base letter of a precomposed accented letter (BERT strips accents), else cp.
uint32_t StripAccent(uint32_t cp) {
  const auto* end = std::end(kAccentBase);
  const auto* it = std::lower_bound(std::begin(kAccentBase), end, cp,
                                    [](const uint32_t(&e)[2], uint32_t v) { return e[0] < v; });
  return it != end && (*it)[0] == cp ? (*it)[1] : cp;
}

uint32_t Lower(uint32_t cp) {
  if ((cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)) return cp + 32;
  if (cp >= 0x391 && cp <= 0x3AB && cp != 0x3A2) return cp + 32;  // Greek
  if (cp >= 0x410 && cp <= 0x42F) return cp + 32;                 // Cyrillic
  if (cp >= 0x400 && cp <= 0x40F) return cp + 80;
  return cp;
}

}  // namespace

void Tokenizer::Impl::WordPiece(std::string_view text, std::vector<int32_t>* out) const {
  static const Regex kWords(
      R"([\p{P}$+<=>^`|~]|[\x{4E00}-\x{9FFF}\x{3400}-\x{4DBF}\x{20000}-\x{2A6DF}\x{F900}-\x{FAFF}\x{2F800}-\x{2FA1F}])"
      R"(|[^\s\p{P}$+<=>^`|~\x{4E00}-\x{9FFF}\x{3400}-\x{4DBF}\x{20000}-\x{2A6DF}\x{F900}-\x{FAFF}\x{2F800}-\x{2FA1F}]+)");
  pcre2_match_data* md = pcre2_match_data_create_from_pattern(kWords.code, nullptr);
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  size_t at = 0;
  while (at < text.size() &&
         pcre2_match(kWords.code, subject, text.size(), at, PCRE2_NO_UTF_CHECK, md, nullptr) >= 0) {
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
    at = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
    // The word, lower-cased, behind the word-start mark.
    std::string word = "\xE2\x96\x81";
    for (const std::string& c : Utf8Chars(text.substr(ov[0], ov[1] - ov[0]))) {
      uint32_t cp = static_cast<unsigned char>(c[0]);
      if (c.size() == 2) cp = ((cp & 0x1F) << 6) | (c[1] & 0x3F);
      if (c.size() == 3) cp = ((cp & 0x0F) << 12) | ((c[1] & 0x3F) << 6) | (c[2] & 0x3F);
      if (cp >= 0x300 && cp <= 0x36F) continue;  // a combining accent
      word += c.size() <= 3 ? CodepointUtf8(Lower(StripAccent(cp))) : c;
    }
    const size_t mark = out->size();
    bool ok = true;
    for (size_t i = 0; i < word.size() && ok;) {
      ok = false;
      for (size_t j = std::min(word.size(), i + max_piece); j > i; --j) {
        if (const int32_t id = Id(word.substr(i, j - i)); id >= 0) {
          out->push_back(id);
          i = j;
          ok = true;
          break;
        }
      }
    }
    if (!ok) {
      out->resize(mark);
      out->push_back(unk);
    }
  }
  pcre2_match_data_free(md);
}

// ---------------------------------------------------------------------------------------
// Construction, encode, decode
// ---------------------------------------------------------------------------------------

Tokenizer::Tokenizer() : impl_(std::make_unique<Impl>()) {}
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;
Tokenizer::~Tokenizer() = default;

Result<Tokenizer> Tokenizer::FromGguf(const GgufFile& f) {
  Tokenizer t;
  Impl& m = *t.impl_;
  const std::string model = f.GetString("tokenizer.ggml.model");
  if (model == "llama") {
    m.kind = TokenizerKind::kSpm;
  } else if (model == "gpt2") {
    m.kind = TokenizerKind::kBpe;
  } else if (model == "bert") {
    m.kind = TokenizerKind::kWordPiece;
  } else {
    return InvalidArgumentError("tokenizer model '" + model + "' is not supported (llama, gpt2 and bert are)");
  }
  const Value* tokens = f.Find("tokenizer.ggml.tokens");
  if (tokens == nullptr || tokens->element != ValueType::kString || tokens->array.empty()) {
    return InvalidArgumentError("tokenizer.ggml.tokens is missing or not an array of strings");
  }
  const size_t n = tokens->array.size();
  for (size_t i = 0; i < n; ++i) {
    m.pieces.push_back(tokens->array[i].s);
    m.ids.emplace(tokens->array[i].s, static_cast<int32_t>(i));  // the first of duplicates wins
    m.max_piece = std::max(m.max_piece, tokens->array[i].s.size());
  }
  m.scores.assign(n, 0.f);
  if (const Value* sc = f.Find("tokenizer.ggml.scores")) {
    if (sc->array.size() != n) return InvalidArgumentError("tokenizer.ggml.scores has a different length than the tokens");
    for (size_t i = 0; i < n; ++i) m.scores[i] = static_cast<float>(sc->array[i].AsDouble());
  }
  m.types.assign(n, kNormal);
  if (const Value* ty = f.Find("tokenizer.ggml.token_type")) {
    if (ty->array.size() != n) return InvalidArgumentError("tokenizer.ggml.token_type has a different length than the tokens");
    for (size_t i = 0; i < n; ++i) m.types[i] = static_cast<int32_t>(ty->array[i].AsInt());
  }
  auto id_of = [&](const char* key, int32_t def) {
    const Value* v = f.Find(key);
    const int64_t id = v != nullptr ? v->AsInt(-1) : def;
    return id >= 0 && static_cast<size_t>(id) < n ? static_cast<int32_t>(id) : -1;
  };
  const bool spm = m.kind == TokenizerKind::kSpm;
  m.bos = id_of("tokenizer.ggml.bos_token_id", spm ? 1 : -1);
  m.eos = id_of("tokenizer.ggml.eos_token_id", spm ? 2 : -1);
  m.unk = id_of("tokenizer.ggml.unknown_token_id", spm ? 0 : (m.kind == TokenizerKind::kWordPiece ? 100 : -1));
  auto flag = [&](const char* key, bool def) {
    const Value* v = f.Find(key);
    return v != nullptr && v->type == ValueType::kBool ? v->b : def;
  };
  m.add_bos = flag("tokenizer.ggml.add_bos_token", spm);
  m.add_eos = flag("tokenizer.ggml.add_eos_token", false);
  m.add_space_prefix = flag("tokenizer.ggml.add_space_prefix", spm);
  if (m.kind == TokenizerKind::kBpe) {
    const std::string pre = f.GetString("tokenizer.ggml.pre", "default");
    const std::vector<std::string>* regexes = PreTokenizer(pre);
    if (regexes == nullptr) return InvalidArgumentError("pre-tokenizer '" + pre + "' is not supported");
    for (const std::string& r : *regexes) {
      auto re = std::make_unique<Regex>(r);
      if (re->code == nullptr) return InternalError("pre-tokenizer '" + pre + "': a regex does not compile");
      m.pre.push_back(std::move(re));
    }
    m.ignore_merges = pre == "llama-bpe";
    const Value* merges = f.Find("tokenizer.ggml.merges");
    if (merges == nullptr) return InvalidArgumentError("a BPE tokenizer needs tokenizer.ggml.merges");
    for (size_t i = 0; i < merges->array.size(); ++i) m.merge_rank.emplace(merges->array[i].s, static_cast<int32_t>(i));
  }
  for (size_t i = 0; i < n; ++i) {
    if (m.pieces[i].empty() || (m.types[i] != kControl && m.types[i] != kUserDefined)) continue;
    for (Impl::Specials* list : {&m.all_specials, &m.user_defined}) {
      if (list == &m.user_defined && m.types[i] != kUserDefined) continue;
      list->ids.push_back(static_cast<int32_t>(i));
      list->first[static_cast<unsigned char>(m.pieces[i][0])] = true;
    }
  }
  for (Impl::Specials* list : {&m.all_specials, &m.user_defined}) {
    std::stable_sort(list->ids.begin(), list->ids.end(),
                     [&](int32_t a, int32_t b) { return m.pieces[a].size() > m.pieces[b].size(); });
  }
  return t;
}

std::vector<int32_t> Tokenizer::Encode(std::string_view text, const EncodeOptions& options) const {
  const Impl& m = *impl_;
  std::vector<int32_t> out;
  if (options.add_special && m.add_bos && m.bos >= 0) out.push_back(m.bos);
  // Special tokens cut the text into fragments: user-defined ones always, control ones
  // when asked to parse them.
  bool first = true;
  size_t at = 0, plain = 0;
  auto flush = [&](size_t end) {
    if (end <= plain) return;
    const std::string_view piece = text.substr(plain, end - plain);
    switch (m.kind) {
      case TokenizerKind::kSpm: m.Spm(piece, first, &out); break;
      case TokenizerKind::kBpe: m.Bpe(piece, &out); break;
      case TokenizerKind::kWordPiece: m.WordPiece(piece, &out); break;
    }
    first = false;
  };
  const Impl::Specials& specials = options.parse_special ? m.all_specials : m.user_defined;
  while (at < text.size()) {
    int32_t found = -1;
    if (!specials.first[static_cast<unsigned char>(text[at])]) {
      ++at;
      continue;
    }
    for (int32_t id : specials.ids) {
      const std::string& p = m.pieces[id];
      if (text.compare(at, p.size(), p) == 0) {
        found = id;
        break;
      }
    }
    if (found < 0) {
      ++at;
      continue;
    }
    flush(at);
    out.push_back(found);
    first = false;
    at += m.pieces[found].size();
    plain = at;
  }
  flush(text.size());
  if (options.add_special && m.add_eos && m.eos >= 0) out.push_back(m.eos);
  return out;
}

std::string Tokenizer::Decode(const std::vector<int32_t>& ids, bool keep_special) const {
  return DecodeRaw(ids, keep_special, /*strip_leading_space=*/true);
}

std::string Tokenizer::DecodeRaw(const std::vector<int32_t>& ids, bool keep_special, bool strip_leading_space) const {
  const Impl& m = *impl_;
  std::string out;
  for (int32_t id : ids) {
    if (id < 0 || id >= vocab_size()) continue;
    const std::string& p = m.pieces[id];
    if (m.types[id] == kControl && !keep_special) continue;
    if (m.types[id] == kByte && p.size() == 6) {  // <0xNN>
      out += static_cast<char>(std::strtol(p.substr(3, 2).c_str(), nullptr, 16));
    } else if (m.kind == TokenizerKind::kBpe && m.types[id] != kUserDefined && m.types[id] != kControl) {
      for (const std::string& c : Utf8Chars(p)) {
        const auto it = Bytes().to_byte.find(c);
        out += it != Bytes().to_byte.end() ? std::string(1, static_cast<char>(it->second)) : c;
      }
    } else {
      std::string piece = p;
      if (m.kind == TokenizerKind::kWordPiece) {
        piece = piece.rfind("\xE2\x96\x81", 0) == 0 ? (out.empty() ? "" : " ") + piece.substr(3) : piece;
      } else {
        for (size_t k; (k = piece.find("\xE2\x96\x81")) != std::string::npos;) piece.replace(k, 3, " ");
      }
      out += piece;
    }
  }
  if (strip_leading_space && m.kind == TokenizerKind::kSpm && m.add_space_prefix && !out.empty() && out[0] == ' ') {
    out.erase(0, 1);
  }
  return out;
}

const std::string& Tokenizer::Piece(int32_t id) const { return impl_->pieces.at(id); }
int32_t Tokenizer::vocab_size() const { return static_cast<int32_t>(impl_->pieces.size()); }
TokenizerKind Tokenizer::kind() const { return impl_->kind; }
int32_t Tokenizer::bos() const { return impl_->bos; }
int32_t Tokenizer::eos() const { return impl_->eos; }

std::string StreamDecoder::Push(int32_t id) {
  // A generated token continues a text, so its leading space is real ("▁world").
  pending_ += tokenizer_.DecodeRaw({id}, /*keep_special=*/false, /*strip_leading_space=*/false);
  // Emit every complete character; hold an incomplete one at the end; a byte that cannot
  // start or continue a character (random models emit any byte) becomes U+FFFD, so what
  // is shown is always valid UTF-8.
  std::string out;
  size_t i = 0;
  while (i < pending_.size()) {
    const auto c = static_cast<unsigned char>(pending_[i]);
    const int len = c < 0x80 ? 1 : (c >= 0xC2 && c <= 0xDF) ? 2 : (c >> 4) == 0xE ? 3 : (c >= 0xF0 && c <= 0xF4) ? 4 : 0;
    int have = 1;
    while (have < len && i + have < pending_.size() && (static_cast<unsigned char>(pending_[i + have]) & 0xC0) == 0x80) {
      ++have;
    }
    if (len != 0 && have == len) {
      out.append(pending_, i, len);
      i += len;
    } else if (len != 0 && i + have == pending_.size()) {
      break;  // the start of a character whose remaining bytes are still to come
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  pending_.erase(0, i);
  return out;
}

std::string StreamDecoder::Finish() {
  std::string out;
  for (size_t i = 0; i < pending_.size(); ++i) out += "\xEF\xBF\xBD";  // U+FFFD per stray byte
  pending_.clear();
  return out;
}

}  // namespace fl::lm
