// frontline model info | tokenize: the local LM runtime's files.
#include <iostream>
#include <iterator>
#include <map>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "lm/lm.h"

namespace fl::cli {
namespace {

using nlohmann::json;

// A metadata value as JSON; arrays longer than 16 elements are summarised.
json ValueJson(const lm::Value& v) {
  switch (v.type) {
    case lm::ValueType::kString: return v.s;
    case lm::ValueType::kBool: return v.b;
    case lm::ValueType::kFloat32:
    case lm::ValueType::kFloat64: return v.f;
    case lm::ValueType::kArray: {
      if (v.array.size() > 16) {
        return "[" + std::to_string(v.array.size()) + " x " + std::string(lm::ValueTypeName(v.element)) + "]";
      }
      json a = json::array();
      for (const lm::Value& e : v.array) a.push_back(ValueJson(e));
      return a;
    }
    default:
      if (v.type == lm::ValueType::kInt8 || v.type == lm::ValueType::kInt16 || v.type == lm::ValueType::kInt32 ||
          v.type == lm::ValueType::kInt64) {
        return v.i;
      }
      return v.u;
  }
}

std::string TokenText(const lm::GgufFile& f, const char* key) {
  const lm::Value* id = f.Find(key);
  const lm::Value* tokens = f.Find("tokenizer.ggml.tokens");
  if (id == nullptr || !id->is_integer() || tokens == nullptr || id->AsUint() >= tokens->array.size()) return "";
  return tokens->array[id->AsUint()].s;
}

json InfoJson(const lm::GgufFile& f) {
  const std::string arch = f.GetString("general.architecture");
  json metadata = json::object();
  for (const auto& [k, v] : f.metadata()) metadata[k] = ValueJson(v);
  uint64_t params = 0;
  std::map<std::string, std::pair<int64_t, uint64_t>> types;  // name -> tensors, bytes
  for (const lm::Tensor& t : f.tensors()) {
    params += t.elements();
    auto& [n, bytes] = types[lm::TypeInfo(static_cast<uint32_t>(t.type))->name];
    ++n;
    bytes += t.bytes;
  }
  json quant = json::object();
  for (const auto& [name, nb] : types) quant[name] = {{"tensors", nb.first}, {"bytes", nb.second}};
  const lm::Value* tokens = f.Find("tokenizer.ggml.tokens");
  json special = json::object();
  for (const char* s : {"bos", "eos", "unk", "pad", "sep", "cls", "mask"}) {
    const std::string key = std::string("tokenizer.ggml.") + s + "_token_id";
    if (const lm::Value* id = f.Find(key)) special[s] = {{"id", id->AsInt()}, {"text", TokenText(f, key.c_str())}};
  }
  return {{"file_version", f.version()},
          {"architecture", arch},
          {"name", f.GetString("general.name")},
          {"tensor_count", f.tensors().size()},
          {"parameters", params},
          {"context_length", f.GetUint(arch + ".context_length")},
          {"quantisation", quant},
          {"tokenizer",
           {{"model", f.GetString("tokenizer.ggml.model")},
            {"pre", f.GetString("tokenizer.ggml.pre")},
            {"vocab_size", tokens != nullptr ? tokens->array.size() : 0},
            {"merges", f.Find("tokenizer.ggml.merges") ? f.Find("tokenizer.ggml.merges")->array.size() : 0},
            {"special", special},
            {"chat_template", f.Find("tokenizer.chat_template") != nullptr}}},
          {"metadata", metadata}};
}

}  // namespace

void AddLmCommands(CLI::App* app, std::vector<std::pair<CLI::App*, Runner>>* commands) {
  {
    auto* sub = app->add_subcommand("tokenize", "Tokenize stdin with a GGUF model's tokenizer");
    auto path = std::make_shared<std::string>();
    auto ids_only = std::make_shared<bool>(false);
    auto no_bos = std::make_shared<bool>(false);
    auto parse_special = std::make_shared<bool>(false);
    sub->add_option("--model", *path, "A .gguf file (a vocab-only file is enough)")->required();
    sub->add_flag("--ids", *ids_only, "Print only the token ids, on one line");
    sub->add_flag("--no-bos", *no_bos, "Do not add BOS/EOS even when the model asks for them");
    sub->add_flag("--parse-special", *parse_special, "Recognise control tokens written in the text");
    commands->emplace_back(sub, [=] {
      auto f = lm::GgufFile::Open(*path);
      if (!f.ok()) return Fail(f.status().ToString());
      auto tok = lm::Tokenizer::FromGguf(*f);
      if (!tok.ok()) return Fail(*path + ": " + tok.status().ToString());
      // All of stdin as one text, bytes as given.
      std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
      const std::vector<int32_t> ids = tok->Encode(text, {.add_special = !*no_bos, .parse_special = *parse_special});
      if (*ids_only) {
        for (size_t i = 0; i < ids.size(); ++i) std::cout << (i ? " " : "") << ids[i];
        std::cout << "\n";
        return 0;
      }
      for (int32_t id : ids) {
        std::cout << id << "\t" << json(tok->Piece(id)).dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
      }
      std::cerr << ids.size() << " tokens\n";
      return 0;
    });
  }
  auto* model = app->add_subcommand("model", "Local LM files (GGUF)");
  model->require_subcommand(1);
  auto* sub = model->add_subcommand("info", "What a GGUF file holds: architecture, size, quantisation, tokenizer");
  auto path = std::make_shared<std::string>();
  auto json_out = std::make_shared<bool>(false);
  auto ctx = std::make_shared<int>(4096);
  sub->add_option("file", *path, "A .gguf file")->required();
  sub->add_flag("--json", *json_out, "One JSON object");
  sub->add_option("--ctx", *ctx, "Context length for the memory estimate");
  commands->emplace_back(sub, [=] {
    auto f = lm::GgufFile::Open(*path);
    if (!f.ok()) return Fail(f.status().ToString());
    json info = InfoJson(*f);
    // Whether the runtime can run it, and what a session would need.
    if (f->FindTensor("token_embd.weight") != nullptr) {
      auto model = lm::Model::Load(*path, {.huge_pages = false});  // validation only: no need to read it all
      if (model.ok()) {
        const int n_ctx = std::min(*ctx, (*model)->config().n_ctx_train);
        const lm::MemoryEstimate e = (*model)->Estimate(n_ctx, 512, lm::KvType::kF16);
        info["runnable"] = true;
        info["memory"] = {{"n_ctx", n_ctx},       {"n_batch", 512},           {"weights_bytes", e.weights},
                          {"kv_cache_bytes", e.kv_cache}, {"scratch_bytes", e.scratch}, {"total_bytes", e.total()}};
      } else {
        info["runnable"] = false;
        info["not_runnable_because"] = model.status().message();
      }
    }
    if (*json_out) {
      std::cout << info.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
      return 0;
    }
    const json& t = info["tokenizer"];
    std::cout << *path << ": GGUF v" << info["file_version"] << "\n"
              << "  architecture    " << info["architecture"].get<std::string>()
              << (info["name"].get<std::string>().empty() ? "" : " (" + info["name"].get<std::string>() + ")") << "\n"
              << "  parameters      " << HumanCount(info["parameters"].get<double>()) << " in " << info["tensor_count"]
              << " tensors\n"
              << "  context length  " << info["context_length"] << "\n";
    for (const auto& [name, q] : info["quantisation"].items()) {
      std::cout << "  " << name << std::string(name.size() < 16 ? 16 - name.size() : 1, ' ') << q["tensors"]
                << " tensors, " << Fixed(q["bytes"].get<double>() / 1e6, 1) << " MB\n";
    }
    std::cout << "  tokenizer       " << t["model"].get<std::string>()
              << (t["pre"].get<std::string>().empty() ? "" : " / " + t["pre"].get<std::string>()) << ", "
              << t["vocab_size"] << " tokens, " << t["merges"] << " merges\n";
    for (const auto& [name, s] : t["special"].items()) {
      std::cout << "  " << name << " token" << std::string(name.size() < 10 ? 10 - name.size() : 1, ' ') << s["id"]
                << " " << s["text"].dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
    }
    std::cout << "  chat template   " << (t["chat_template"].get<bool>() ? "yes" : "no") << "\n"
              << "  metadata        " << info["metadata"].size() << " keys (--json lists them)\n";
    if (info.contains("memory")) {
      const json& m = info["memory"];
      std::cout << "  memory          " << Fixed(m["total_bytes"].get<double>() / 1e6, 1) << " MB at " << m["n_ctx"]
                << " positions: weights " << Fixed(m["weights_bytes"].get<double>() / 1e6, 1) << " MB (mapped) + KV cache "
                << Fixed(m["kv_cache_bytes"].get<double>() / 1e6, 1) << " MB (F16) + scratch "
                << Fixed(m["scratch_bytes"].get<double>() / 1e6, 1) << " MB\n";
    } else if (info.contains("not_runnable_because")) {
      std::cout << "  runnable        no: " << info["not_runnable_because"].get<std::string>() << "\n";
    }
    return 0;
  });
  AddGenerateCommands(app, model, commands);
}

}  // namespace fl::cli
