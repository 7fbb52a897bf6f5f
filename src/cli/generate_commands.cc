// frontline logits | generate | chat | bench-lm | model random: running local models.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "lm/lm.h"

namespace fl::cli {
namespace {

using nlohmann::json;

// Load-time flags shared by the commands that run a model.
struct RunFlags {
  std::string model;
  int threads = 0;
  int ctx = 4096;
  std::string kernels;
  bool kv_f32 = false;
  bool no_huge_pages = false;

  void Add(CLI::App* sub) {
    sub->add_option("--model", model, "A .gguf model (llama or qwen2 architecture)")->required();
    sub->add_option("-t,--threads", threads, "Threads (default: all cores)");
    sub->add_option("--ctx", ctx, "Context positions the KV cache holds (capped at the model's)");
    sub->add_option("--kernels", kernels, "Kernel set: amx, avx512, avx2 or scalar (default: the best this CPU runs)");
    sub->add_flag("--kv-f32", kv_f32, "Keep the KV cache in F32 instead of F16");
    sub->add_flag("--no-huge-pages", no_huge_pages, "Map the weights with ordinary 4 KiB pages");
  }
  lm::LoadOptions Load() const { return {.huge_pages = !no_huge_pages}; }
  lm::SessionOptions Options() const {
    return {.n_ctx = ctx, .n_threads = threads, .kv = kv_f32 ? lm::KvType::kF32 : lm::KvType::kF16, .kernels = kernels};
  }
};

// Per-call sampling flags.
struct SampleFlags {
  lm::SamplerOptions s;
  int max_tokens = 256;
  std::vector<std::string> stop;

  void Add(CLI::App* sub) {
    sub->add_option("-n,--max-tokens", max_tokens, "Most tokens to generate");
    sub->add_option("--temp", s.temperature, "Temperature; 0 is greedy");
    sub->add_option("--seed", s.seed, "Random seed");
    sub->add_option("--top-k", s.top_k, "Keep the k most likely tokens (0: off)");
    sub->add_option("--top-p", s.top_p, "Keep the smallest set with this much probability (1: off)");
    sub->add_option("--min-p", s.min_p, "Keep tokens at least this fraction of the best's probability (0: off)");
    sub->add_option("--repeat-penalty", s.repeat_penalty, "Penalise recently seen tokens (1: off)");
    sub->add_option("--repeat-last-n", s.repeat_last_n, "How many recent tokens the penalties see");
    sub->add_option("--frequency-penalty", s.frequency_penalty, "Subtract this times a token's count");
    sub->add_option("--presence-penalty", s.presence_penalty, "Subtract this once a token appeared");
    sub->add_option("--stop", stop, "Stop at this string (repeatable; not printed)");
  }
  lm::GenerateOptions Options(std::vector<std::string> extra_stops = {}) const {
    lm::GenerateOptions o{.max_tokens = max_tokens, .sampling = s, .stop = stop};
    for (std::string& x : extra_stops) o.stop.push_back(std::move(x));
    return o;
  }
};

Result<std::unique_ptr<lm::Session>> OpenSession(const RunFlags& flags) {
  FL_ASSIGN_OR_RETURN(auto model, lm::Model::Load(flags.model, flags.Load()));
  return lm::Session::Create(std::move(model), flags.Options());
}

// The chat format: --template, else recognised from the model's tokenizer.chat_template.
Result<lm::ChatFormat> ChatFormatOf(const lm::Model& model, const std::string& name) {
  if (!name.empty()) return lm::ParseChatFormat(name);
  const std::string tmpl = model.file().GetString("tokenizer.chat_template");
  if (tmpl.empty()) {
    return InvalidArgumentError("the model has no tokenizer.chat_template; pass --template chatml|llama3|llama2|phi3");
  }
  auto format = lm::DetectChatFormat(tmpl);
  if (!format.ok()) return InvalidArgumentError(format.status().message() + " (or pass --template)");
  return format;
}

std::string BosText(const lm::Model& model) {
  const lm::Tokenizer& tok = model.tokenizer();
  return tok.bos() >= 0 ? tok.Piece(tok.bos()) : "";
}

void PrintStats(const lm::GenerateResult& r) {
  // The generation rate counts the single-token evaluations, as llama.cpp's "eval time"
  // does: n tokens take n - 1 of them after the prompt.
  std::cerr << "\n[" << r.prompt_tokens << " prompt tokens in " << Fixed(r.prompt_ms, 0) << " ms ("
            << Fixed(r.prompt_tokens * 1000.0 / std::max(r.prompt_ms, 1e-3), 1) << " tok/s), " << r.generated_tokens
            << " generated in " << Fixed(r.generate_ms, 0) << " ms";
  if (r.decode_evals > 0) std::cerr << " (" << Fixed(r.decode_evals * 1000.0 / std::max(r.generate_ms, 1e-3), 1) << " tok/s)";
  std::cerr << ", stop: " << r.stop_reason << "]\n";
}

bool Stream(std::string_view text) {
  std::cout << text << std::flush;
  return true;
}

struct Stats {
  double mean = 0, sd = 0;
};
Stats MeanSd(const std::vector<double>& v) {
  Stats s;
  for (double x : v) s.mean += x;
  s.mean /= v.size();
  for (double x : v) s.sd += (x - s.mean) * (x - s.mean);
  s.sd = v.size() > 1 ? std::sqrt(s.sd / (v.size() - 1)) : 0;
  return s;
}

// llama-bench's method: a fresh context per repetition; pp = one batch of p tokens,
// tg = n single-token steps from an empty context; random token ids.
Result<json> BenchLm(const RunFlags& flags, int p, int n, int reps) {
  FL_ASSIGN_OR_RETURN(auto model, lm::Model::Load(flags.model, flags.Load()));
  lm::SessionOptions options = flags.Options();
  options.n_ctx = std::max(p, n) + 1;
  options.n_batch = std::max(p, 1);
  FL_ASSIGN_OR_RETURN(auto session, lm::Session::Create(model, options));
  const int n_vocab = model->config().n_vocab;
  std::vector<int32_t> tokens(std::max(p, n));
  uint64_t state = 42;
  for (int32_t& t : tokens) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    t = static_cast<int32_t>((state >> 33) % n_vocab);
  }
  auto seconds = [](auto start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  std::vector<double> pp, tg;
  for (int r = -1; r < reps; ++r) {  // r = -1: warm-up, not counted
    if (p > 0) {
      session->Truncate(0);
      const auto start = std::chrono::steady_clock::now();
      FL_RETURN_IF_ERROR(session->Eval(std::span<const int32_t>(tokens.data(), p)));
      if (r >= 0) pp.push_back(p / seconds(start));
    }
    if (n > 0) {
      session->Truncate(0);
      const auto start = std::chrono::steady_clock::now();
      for (int i = 0; i < n; ++i) FL_RETURN_IF_ERROR(session->Eval(std::span<const int32_t>(&tokens[i], 1)));
      if (r >= 0) tg.push_back(n / seconds(start));
    }
  }
  uint64_t bytes = 0, params = 0;
  for (const lm::Tensor& t : model->file().tensors()) bytes += t.bytes, params += t.elements();
  json out = {{"model", flags.model},
              {"arch", model->config().arch},
              {"size_bytes", bytes},
              {"params", params},
              {"threads", session->n_threads()},
              {"kernels", session->kernels()},
              {"huge_page_bytes", model->file().huge_bytes()},
              {"repetitions", reps},
              {"pp", p},
              {"tg", n}};
  if (!pp.empty()) {
    const Stats s = MeanSd(pp);
    out["pp_tps"] = s.mean;
    out["pp_sd"] = s.sd;
  }
  if (!tg.empty()) {
    const Stats s = MeanSd(tg);
    out["tg_tps"] = s.mean;
    out["tg_sd"] = s.sd;
  }
  return out;
}

Result<lm::GgmlType> ParseType(const std::string& name) {
  static const std::pair<const char*, lm::GgmlType> kTypes[] = {
      {"f32", lm::GgmlType::kF32},   {"f16", lm::GgmlType::kF16},   {"bf16", lm::GgmlType::kBF16},
      {"q8_0", lm::GgmlType::kQ8_0}, {"q4_0", lm::GgmlType::kQ4_0}, {"q4_k", lm::GgmlType::kQ4_K},
      {"q6_k", lm::GgmlType::kQ6_K}};
  for (const auto& [n, t] : kTypes) {
    if (name == n) return t;
  }
  return InvalidArgumentError("--type must be one of f32, f16, bf16, q8_0, q4_0, q4_k, q6_k; not '" + name + "'");
}

}  // namespace

void AddGenerateCommands(CLI::App* app, CLI::App* model_cmd, std::vector<std::pair<CLI::App*, Runner>>* commands) {
  {
    auto* sub = app->add_subcommand("logits", "Evaluate token ids as one prompt and write every position's logits");
    auto flags = std::make_shared<RunFlags>();
    auto ids = std::make_shared<std::string>();
    auto out = std::make_shared<std::string>();
    flags->Add(sub);
    sub->add_option("--ids", *ids, "Token ids separated by spaces (no BOS is added)")->required();
    sub->add_option("--out", *out, "Output: float32 little-endian, positions x n_vocab")->required();
    commands->emplace_back(sub, [=] {
      std::vector<int32_t> tokens;
      std::istringstream in(*ids);
      for (std::string word; in >> word;) {
        char* end = nullptr;
        const long v = std::strtol(word.c_str(), &end, 10);
        if (end == word.c_str() || *end != '\0' || v < 0 || v > INT32_MAX) return Fail("--ids: '" + word + "' is not a token id");
        tokens.push_back(static_cast<int32_t>(v));
      }
      if (tokens.empty()) return Fail("--ids is empty");
      RunFlags f = *flags;
      f.ctx = std::max<int>(f.ctx, static_cast<int>(tokens.size()));
      auto session = OpenSession(f);
      if (!session.ok()) return Fail(session.status().ToString());
      if (Status s = (*session)->Eval(tokens, /*all_logits=*/true); !s.ok()) return Fail(s.ToString());
      const size_t n_vocab = (*session)->model().config().n_vocab;
      std::string bytes(tokens.size() * n_vocab * sizeof(float), '\0');
      for (size_t i = 0; i < tokens.size(); ++i) {
        std::memcpy(bytes.data() + i * n_vocab * 4, (*session)->logits(static_cast<int>(i)), n_vocab * 4);
      }
      if (Status s = WriteFileAtomic(*out, bytes); !s.ok()) return Fail(s.ToString());
      std::cerr << "wrote " << tokens.size() << " x " << n_vocab << " logits to " << *out << "\n";
      return 0;
    });
  }
  {
    auto* sub = app->add_subcommand("generate", "Continue a prompt with a local model, streaming the text");
    auto flags = std::make_shared<RunFlags>();
    auto sample = std::make_shared<SampleFlags>();
    auto prompt = std::make_shared<std::string>();
    auto chat = std::make_shared<bool>(false);
    auto tmpl = std::make_shared<std::string>();
    auto system = std::make_shared<std::string>();
    auto quiet = std::make_shared<bool>(false);
    flags->Add(sub);
    sample->Add(sub);
    sub->add_option("--prompt", *prompt, "The prompt text ('-': read stdin)")->required();
    sub->add_flag("--chat", *chat, "Wrap the prompt as a user message in the model's chat template");
    sub->add_option("--template", *tmpl, "Chat template: chatml, llama3, llama2, mistral, phi3 (default: the model's)");
    sub->add_option("--system", *system, "System message (with --chat)");
    sub->add_flag("-q,--quiet", *quiet, "No timing line on stderr");
    commands->emplace_back(sub, [=] {
      auto session = OpenSession(*flags);
      if (!session.ok()) return Fail(session.status().ToString());
      const lm::Model& model = (*session)->model();
      std::string text = *prompt;
      if (text == "-") text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
      std::vector<std::string> stops;
      std::vector<int32_t> ids;
      if (*chat || !tmpl->empty()) {
        auto format = ChatFormatOf(model, *tmpl);
        if (!format.ok()) return Fail(format.status().ToString());
        std::vector<lm::ChatMessage> messages;
        if (!system->empty()) messages.push_back({"system", *system});
        messages.push_back({"user", text});
        ids = model.tokenizer().Encode(lm::FormatChat(*format, messages, true, BosText(model)),
                                       {.add_special = false, .parse_special = true});
        stops = lm::ChatStopStrings(*format);
      } else {
        ids = model.tokenizer().Encode(text);
      }
      auto result = lm::Generate(**session, ids, sample->Options(stops), Stream);
      if (!result.ok()) return Fail(result.status().ToString());
      std::cout << "\n";
      if (!*quiet) PrintStats(*result);
      return 0;
    });
  }
  {
    auto* sub = app->add_subcommand("chat", "Talk to a local model: one user message per line on stdin");
    auto flags = std::make_shared<RunFlags>();
    auto sample = std::make_shared<SampleFlags>();
    auto tmpl = std::make_shared<std::string>();
    auto system = std::make_shared<std::string>();
    flags->Add(sub);
    sample->Add(sub);
    sub->add_option("--template", *tmpl, "Chat template: chatml, llama3, llama2, mistral, phi3 (default: the model's)");
    sub->add_option("--system", *system, "System message");
    commands->emplace_back(sub, [=] {
      auto session = OpenSession(*flags);
      if (!session.ok()) return Fail(session.status().ToString());
      lm::Session& s = **session;
      const lm::Model& model = s.model();
      auto format = ChatFormatOf(model, *tmpl);
      if (!format.ok()) return Fail(format.status().ToString());
      std::vector<lm::ChatMessage> messages;
      if (!system->empty()) messages.push_back({"system", *system});
      std::vector<int32_t> in_cache;  // the tokens the KV cache holds, in order
      const bool tty = isatty(STDIN_FILENO);
      std::cerr << "chat with " << model.config().arch << " (" << lm::ChatFormatName(*format)
                << " template); /reset clears the conversation, /quit or end of input leaves\n";
      for (std::string line;;) {
        if (tty) std::cerr << "> " << std::flush;
        if (!std::getline(std::cin, line) || line == "/quit") break;
        if (line.empty()) continue;
        if (line == "/reset") {
          messages.resize(system->empty() ? 0 : 1);
          continue;
        }
        messages.push_back({"user", line});
        const std::vector<int32_t> ids = model.tokenizer().Encode(
            lm::FormatChat(*format, messages, true, BosText(model)), {.add_special = false, .parse_special = true});
        // Reuse the cached prefix; evaluate only what is new (at least one token).
        size_t common = 0;
        while (common < in_cache.size() && common < ids.size() && in_cache[common] == ids[common]) ++common;
        common = std::min(common, ids.size() - 1);
        s.Truncate(static_cast<int>(common));
        in_cache.resize(common);
        if (static_cast<int>(ids.size()) >= s.n_ctx()) {
          std::cerr << "the conversation no longer fits the context (" << s.n_ctx()
                    << " positions); /reset to start over, or run with a larger --ctx\n";
          messages.pop_back();
          continue;
        }
        auto result = lm::Generate(s, std::span<const int32_t>(ids).subspan(common), sample->Options(lm::ChatStopStrings(*format)),
                                   Stream);
        if (!result.ok()) {
          std::cerr << "error: " << result.status().ToString() << "\n";
          messages.pop_back();
          s.Truncate(static_cast<int>(common));  // a failed Eval leaves the cache as it was
          continue;
        }
        std::cout << "\n" << std::flush;
        in_cache.insert(in_cache.end(), ids.begin() + common, ids.end());
        if (!result->tokens.empty()) in_cache.insert(in_cache.end(), result->tokens.begin(), result->tokens.end() - 1);
        messages.push_back({"assistant", result->text});
      }
      return 0;
    });
  }
  {
    auto* sub = app->add_subcommand("bench-lm", "Prompt-processing and generation speed, like llama-bench");
    auto flags = std::make_shared<RunFlags>();
    auto p = std::make_shared<int>(128);
    auto n = std::make_shared<int>(64);
    auto reps = std::make_shared<int>(5);
    auto json_out = std::make_shared<bool>(false);
    flags->Add(sub);
    sub->add_option("-p", *p, "Prompt tokens (one batch)");
    sub->add_option("-n", *n, "Generated tokens (one at a time)");
    sub->add_option("-r,--repetitions", *reps, "Repetitions after one warm-up")->check(CLI::PositiveNumber);
    sub->add_flag("--json", *json_out, "One JSON object");
    commands->emplace_back(sub, [=] {
      auto result = BenchLm(*flags, std::max(0, *p), std::max(0, *n), *reps);
      if (!result.ok()) return Fail(result.status().ToString());
      const json& r = *result;
      if (*json_out) {
        std::cout << r.dump() << "\n";
        return 0;
      }
      std::cout << r["model"].get<std::string>() << ": " << r["arch"].get<std::string>() << ", "
                << Fixed(r["size_bytes"].get<double>() / 1e6, 1) << " MB, " << r["threads"] << " threads, "
                << r["kernels"].get<std::string>() << " kernels, " << *reps << " repetitions, "
                << Fixed(100.0 * r["huge_page_bytes"].get<double>() / std::max(1.0, r["size_bytes"].get<double>()), 0)
                << " % of the weights in 2 MiB pages\n";
      if (r.contains("pp_tps")) {
        std::cout << "  pp" << *p << "  " << Fixed(r["pp_tps"].get<double>(), 2) << " ± " << Fixed(r["pp_sd"].get<double>(), 2)
                  << " tokens/s\n";
      }
      if (r.contains("tg_tps")) {
        std::cout << "  tg" << *n << "  " << Fixed(r["tg_tps"].get<double>(), 2) << " ± " << Fixed(r["tg_sd"].get<double>(), 2)
                  << " tokens/s\n";
      }
      return 0;
    });
  }
  {
    auto* sub = model_cmd->add_subcommand("random", "Write a random-weight model of any shape with a real tokenizer");
    auto spec = std::make_shared<lm::RandomModelSpec>();
    auto vocab = std::make_shared<std::string>();
    auto type = std::make_shared<std::string>("f16");
    auto out = std::make_shared<std::string>();
    auto untied = std::make_shared<bool>(false);
    auto tied = std::make_shared<bool>(false);
    sub->add_option("--arch", spec->arch, "llama or qwen2")->required();
    sub->add_option("--n-embd", spec->n_embd, "Embedding width")->required();
    sub->add_option("--n-layer", spec->n_layer, "Blocks")->required();
    sub->add_option("--n-head", spec->n_head, "Attention heads")->required();
    sub->add_option("--n-head-kv", spec->n_head_kv, "KV heads (GQA); default n_head");
    sub->add_option("--n-ff", spec->n_ff, "Feed-forward width")->required();
    sub->add_option("--ctx", spec->n_ctx, "context_length to record");
    sub->add_option("--vocab", *vocab,
                    "A GGUF whose tokenizer to copy (a vocab-only file is enough); default: 259 byte tokens");
    sub->add_option("--type", *type, "Weights: f32, f16, bf16, q8_0, q4_0, q4_k, q6_k");
    sub->add_option("--seed", spec->seed, "Random seed");
    sub->add_flag("--untied", *untied, "Write a separate output.weight (default for llama)");
    sub->add_flag("--tied", *tied, "Reuse token_embd for the logits (default for qwen2)");
    sub->add_option("--out", *out, "The .gguf to write")->required();
    commands->emplace_back(sub, [=] {
      lm::RandomModelSpec s = *spec;
      if (sub->count("--n-head-kv") == 0) s.n_head_kv = s.n_head;  // no GQA unless asked
      s.tied_output = *tied ? true : *untied ? false : s.arch == "qwen2";
      auto t = ParseType(*type);
      if (!t.ok()) return Fail(t.status().ToString());
      s.type = *t;
      std::optional<lm::GgufFile> v;
      if (!vocab->empty()) {
        auto opened = lm::GgufFile::Open(*vocab);
        if (!opened.ok()) return Fail(opened.status().ToString());
        v = std::move(*opened);
      }
      if (Status st = lm::WriteRandomModel(s, v ? &*v : nullptr, *out); !st.ok()) return Fail(st.ToString());
      auto check = lm::Model::Load(*out, {.huge_pages = false});
      if (!check.ok()) return Fail("wrote " + *out + " but it does not load: " + check.status().ToString());
      std::cerr << "wrote " << *out << "\n";
      return 0;
    });
  }
}

}  // namespace fl::cli
