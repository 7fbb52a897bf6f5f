// Generation: evaluate a prompt, then sample, stream and evaluate one token at a time
// until an end-of-generation token, a stop string, max_tokens or a full context.
#include <algorithm>
#include <chrono>

#include "lm/lm.h"

namespace fl::lm {
namespace {

double MsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

Result<GenerateResult> Generate(Session& session, std::span<const int32_t> prompt, const GenerateOptions& options,
                                const std::function<bool(std::string_view)>& on_text) {
  if (prompt.empty()) return InvalidArgumentError("the prompt has no tokens");
  const Model& model = session.model();
  const int n_vocab = model.config().n_vocab;
  const std::vector<int32_t> none;
  const std::vector<int32_t>& eog = options.stop_at_eog ? model.end_of_generation() : none;
  Sampler sampler(options.sampling);
  for (int32_t id : prompt) sampler.Accept(id);

  GenerateResult result;
  result.prompt_tokens = static_cast<int>(prompt.size());
  auto start = std::chrono::steady_clock::now();
  FL_RETURN_IF_ERROR(session.Eval(prompt));
  result.prompt_ms = MsSince(start);

  start = std::chrono::steady_clock::now();
  StreamDecoder decoder(model.tokenizer());
  StopMatcher matcher(options.stop);
  auto emit = [&](const std::string& text) {
    if (text.empty()) return true;
    result.text += text;
    return on_text == nullptr || on_text(text);
  };
  result.stop_reason = "length";
  while (result.generated_tokens < options.max_tokens) {
    const int32_t id = sampler.Sample(session.logits(0), n_vocab);
    if (std::find(eog.begin(), eog.end(), id) != eog.end()) {
      result.stop_reason = "eog";
      break;
    }
    sampler.Accept(id);
    result.tokens.push_back(id);
    ++result.generated_tokens;
    if (!emit(matcher.Push(decoder.Push(id)))) {
      result.stop_reason = "cancelled";
      break;
    }
    if (matcher.stopped()) {
      result.stop_reason = "stop";
      break;
    }
    if (result.generated_tokens == options.max_tokens) break;
    if (session.n_past() >= session.n_ctx()) {
      result.stop_reason = "context";
      break;
    }
    FL_RETURN_IF_ERROR(session.Eval(std::span<const int32_t>(&id, 1)));
    ++result.decode_evals;
  }
  if (!matcher.stopped() && result.stop_reason != "cancelled") {
    emit(matcher.Push(decoder.Finish()));
    if (!matcher.stopped()) emit(matcher.Finish());
  }
  result.generate_ms = MsSince(start);
  return result;
}

}  // namespace fl::lm
