// Chat templates: the four prompt families written out in C++ instead of running the
// model's Jinja template, and the matcher that keeps stop strings out of streamed text.
//
// Each family follows the reference template it is named after:
//   ChatML   Qwen2/2.5, SmolLM: <|im_start|>role\ncontent<|im_end|>\n
//   Llama-3  meta-llama/Meta-Llama-3-*-Instruct: bos, then per message
//            <|start_header_id|>role<|end_header_id|>\n\n content|trim <|eot_id|>
//   Llama-2  meta-llama/Llama-2-*-chat: <s>[INST] <<SYS>>\nsys\n<</SYS>>\n\nuser [/INST]
//            answer </s> per exchange (the system prompt folded into the first turn,
//            contents stripped as the template's .strip() does)
//   Phi-3    <|role|>\ncontent<|end|>\n (llama.cpp's rendering, which keeps system turns)
#include <algorithm>

#include "lm/lm.h"

namespace fl::lm {
namespace {

constexpr std::string_view kNames = "chatml, llama3, llama2 (or mistral), phi3";

// Python's str.strip() for the ASCII whitespace the templates meet in practice.
std::string_view Trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\n\r\f\v";
  const size_t begin = s.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(kSpace) - begin + 1);
}

// The first characters of a template for an error message, newlines shown as \n.
std::string Excerpt(std::string_view text) {
  constexpr size_t kMax = 60;
  std::string out;
  for (size_t i = 0; i < text.size() && i < kMax; ++i) {
    if (text[i] == '\n') {
      out += "\\n";
    } else {
      out += text[i];
    }
  }
  if (text.size() > kMax) out += "...";
  return out;
}

std::string FormatLlama2(const std::vector<ChatMessage>& messages, bool add_generation_prompt, std::string_view bos) {
  // Where the text stands: before a turn ("<s>[INST] " still to write), inside [INST]
  // (after a system block), or after " [/INST]" awaiting the assistant's answer.
  enum class State { kBetweenTurns, kInInst, kAwaitingAnswer } state = State::kBetweenTurns;
  std::string out;
  auto open_turn = [&] {
    out += bos;
    out += "[INST] ";
    state = State::kInInst;
  };
  for (const ChatMessage& m : messages) {
    const std::string_view content = Trim(m.content);
    if (m.role == "assistant") {
      if (state == State::kInInst) out += " [/INST]";  // a system prompt with no user turn
      out += ' ';
      out += content;
      out += " </s>";
      state = State::kBetweenTurns;
    } else if (m.role == "system") {
      // The reference allows only a leading system message; a later one opens the next
      // turn the same way, which is what a model trained on the format can read.
      if (state != State::kInInst) open_turn();
      out += "<<SYS>>\n";
      out += content;
      out += "\n<</SYS>>\n\n";
    } else {
      // Any other role speaks as the user. Two user turns in a row (which the reference
      // refuses) become two [INST] blocks.
      if (state != State::kInInst) open_turn();
      out += content;
      out += " [/INST]";
      state = State::kAwaitingAnswer;
    }
  }
  // The answer follows " [/INST]" directly; only a dangling system block needs closing.
  if (add_generation_prompt && state == State::kInInst) out += " [/INST]";
  return out;
}

}  // namespace

Result<ChatFormat> DetectChatFormat(std::string_view jinja_template) {
  auto has = [&](std::string_view marker) { return jinja_template.find(marker) != std::string_view::npos; };
  // The most specific markers first: "[INST]" can appear in templates of other families
  // that mention it in a comment or a tool prompt; the others are tokens of one family.
  if (has("<|im_start|>")) return ChatFormat::kChatML;
  if (has("<|start_header_id|>")) return ChatFormat::kLlama3;
  if (has("<|user|>") && has("<|end|>")) return ChatFormat::kPhi3;
  if (has("[INST]")) return ChatFormat::kLlama2;
  if (jinja_template.empty()) {
    return InvalidArgumentError("the model has no chat template (tokenizer.chat_template); choose one with --template (" +
                                std::string(kNames) + ")");
  }
  return InvalidArgumentError("chat template not recognised: no <|im_start|>, <|start_header_id|>, <|user|>/<|end|> or "
                              "[INST] marker in \"" +
                              Excerpt(jinja_template) + "\"; choose one with --template (" + std::string(kNames) + ")");
}

Result<ChatFormat> ParseChatFormat(std::string_view name) {
  if (name == "chatml") return ChatFormat::kChatML;
  if (name == "llama3") return ChatFormat::kLlama3;
  if (name == "llama2" || name == "mistral") return ChatFormat::kLlama2;
  if (name == "phi3") return ChatFormat::kPhi3;
  return InvalidArgumentError("unknown chat template \"" + std::string(name) + "\"; expected one of " +
                              std::string(kNames));
}

std::string_view ChatFormatName(ChatFormat format) {
  switch (format) {
    case ChatFormat::kChatML: return "chatml";
    case ChatFormat::kLlama3: return "llama3";
    case ChatFormat::kLlama2: return "llama2";
    case ChatFormat::kPhi3: return "phi3";
  }
  return "unknown";
}

std::string FormatChat(ChatFormat format, const std::vector<ChatMessage>& messages, bool add_generation_prompt,
                       std::string_view bos) {
  std::string out;
  switch (format) {
    case ChatFormat::kChatML:
      for (const ChatMessage& m : messages) out += "<|im_start|>" + m.role + "\n" + m.content + "<|im_end|>\n";
      if (add_generation_prompt) out += "<|im_start|>assistant\n";
      return out;
    case ChatFormat::kLlama3:
      out += bos;
      for (const ChatMessage& m : messages) {
        out += "<|start_header_id|>" + m.role + "<|end_header_id|>\n\n";
        out += Trim(m.content);
        out += "<|eot_id|>";
      }
      if (add_generation_prompt) out += "<|start_header_id|>assistant<|end_header_id|>\n\n";
      return out;
    case ChatFormat::kLlama2:
      return FormatLlama2(messages, add_generation_prompt, bos);
    case ChatFormat::kPhi3:
      for (const ChatMessage& m : messages) out += "<|" + m.role + "|>\n" + m.content + "<|end|>\n";
      if (add_generation_prompt) out += "<|assistant|>\n";
      return out;
  }
  return out;
}

std::vector<std::string> ChatStopStrings(ChatFormat format) {
  switch (format) {
    case ChatFormat::kChatML: return {"<|im_end|>"};
    case ChatFormat::kLlama3: return {"<|eot_id|>"};
    case ChatFormat::kLlama2: return {"</s>"};
    case ChatFormat::kPhi3: return {"<|end|>"};
  }
  return {};
}

// ---------------------------------------------------------------------------------------
// StopMatcher
// ---------------------------------------------------------------------------------------

StopMatcher::StopMatcher(std::vector<std::string> stops) : stops_(std::move(stops)) {
  // An empty stop string would match before any text and end every generation at once.
  std::erase_if(stops_, [](const std::string& s) { return s.empty(); });
}

std::string StopMatcher::Push(std::string_view text) {
  if (stopped_) return "";
  held_ += text;
  // The earliest stop string wins: with "b" and "abc" in "xabc", the text ends at "x".
  size_t stop_at = std::string::npos;
  for (const std::string& stop : stops_) stop_at = std::min(stop_at, held_.find(stop));
  if (stop_at != std::string::npos) {
    std::string shown = held_.substr(0, stop_at);
    held_.clear();
    stopped_ = true;
    return shown;
  }
  // Hold back the longest suffix that could still grow into a stop string. Between pushes
  // held_ is shorter than the longest stop string, so a push scans little beyond its text.
  size_t hold = 0;
  for (const std::string& stop : stops_) {
    for (size_t len = std::min(held_.size(), stop.size() - 1); len > hold; --len) {
      if (held_.compare(held_.size() - len, len, stop, 0, len) == 0) {
        hold = len;
        break;
      }
    }
  }
  std::string shown = held_.substr(0, held_.size() - hold);
  held_.erase(0, held_.size() - hold);
  return shown;
}

std::string StopMatcher::Finish() {
  std::string rest;
  rest.swap(held_);
  return rest;
}

}  // namespace fl::lm
