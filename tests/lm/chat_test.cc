// Chat templates: each family's prompt against the reference template's rendering,
// detection on the templates real models carry, and the stop-string matcher.
#include <filesystem>

#include <gtest/gtest.h>

#include "lm/lm.h"

namespace fl::lm {
namespace {

const std::vector<ChatMessage> kConversation = {
    {"system", "You are terse."},
    {"user", "Hi"},
    {"assistant", "Hello!"},
    {"user", "How are you?"},
};

// The expected strings are what jinja2 renders from the reference templates (the GGUF
// vocab files' tokenizer.chat_template; Llama-2's from meta-llama/Llama-2-7b-chat-hf) for
// kConversation with add_generation_prompt.
TEST(ChatTest, ChatML) {
  EXPECT_EQ(FormatChat(ChatFormat::kChatML, kConversation, true),
            "<|im_start|>system\nYou are terse.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
            "<|im_start|>assistant\nHello!<|im_end|>\n<|im_start|>user\nHow are you?<|im_end|>\n"
            "<|im_start|>assistant\n");
  EXPECT_EQ(FormatChat(ChatFormat::kChatML, {{"user", "Hi"}}, false, "<s>"), "<|im_start|>user\nHi<|im_end|>\n")
      << "ChatML has no BOS";
}

TEST(ChatTest, Llama3) {
  EXPECT_EQ(FormatChat(ChatFormat::kLlama3, kConversation, true, "<|begin_of_text|>"),
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are terse.<|eot_id|>"
            "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>"
            "<|start_header_id|>user<|end_header_id|>\n\nHow are you?<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\n\n");
  // The template trims each content; an unknown role is written as given.
  EXPECT_EQ(FormatChat(ChatFormat::kLlama3, {{"tool", "  42\n"}}, false),
            "<|start_header_id|>tool<|end_header_id|>\n\n42<|eot_id|>");
}

TEST(ChatTest, Llama2FoldsTheSystemPromptIntoTheFirstTurn) {
  EXPECT_EQ(FormatChat(ChatFormat::kLlama2, kConversation, true, "<s>"),
            "<s>[INST] <<SYS>>\nYou are terse.\n<</SYS>>\n\nHi [/INST] Hello! </s><s>[INST] How are you? [/INST]");
  // Without a system prompt; contents stripped; other roles speak as the user.
  EXPECT_EQ(FormatChat(ChatFormat::kLlama2, {{"user", " Hi "}, {"assistant", "Yo\n"}, {"tool", "x"}}, false, "<s>"),
            "<s>[INST] Hi [/INST] Yo </s><s>[INST] x [/INST]");
  // A system prompt alone gets its [INST] closed when the answer is asked for.
  EXPECT_EQ(FormatChat(ChatFormat::kLlama2, {{"system", "S"}}, true, "<s>"), "<s>[INST] <<SYS>>\nS\n<</SYS>>\n\n [/INST]");
}

TEST(ChatTest, Phi3) {
  EXPECT_EQ(FormatChat(ChatFormat::kPhi3, kConversation, true),
            "<|system|>\nYou are terse.<|end|>\n<|user|>\nHi<|end|>\n<|assistant|>\nHello!<|end|>\n"
            "<|user|>\nHow are you?<|end|>\n<|assistant|>\n");
  EXPECT_EQ(FormatChat(ChatFormat::kPhi3, {{"user", "Hi"}}, false), "<|user|>\nHi<|end|>\n");
}

TEST(ChatTest, NamesAndStopStrings) {
  for (ChatFormat format : {ChatFormat::kChatML, ChatFormat::kLlama3, ChatFormat::kLlama2, ChatFormat::kPhi3}) {
    auto parsed = ParseChatFormat(ChatFormatName(format));
    ASSERT_TRUE(parsed.ok()) << ChatFormatName(format);
    EXPECT_EQ(*parsed, format);
    EXPECT_EQ(ChatStopStrings(format).size(), 1u);
  }
  EXPECT_EQ(*ParseChatFormat("mistral"), ChatFormat::kLlama2);
  auto bad = ParseChatFormat("vicuna");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("vicuna"), std::string::npos);
  EXPECT_NE(bad.status().message().find("chatml"), std::string::npos);
  EXPECT_EQ(ChatStopStrings(ChatFormat::kChatML), std::vector<std::string>{"<|im_end|>"});
  EXPECT_EQ(ChatStopStrings(ChatFormat::kLlama3), std::vector<std::string>{"<|eot_id|>"});
  EXPECT_EQ(ChatStopStrings(ChatFormat::kLlama2), std::vector<std::string>{"</s>"});
  EXPECT_EQ(ChatStopStrings(ChatFormat::kPhi3), std::vector<std::string>{"<|end|>"});
}

TEST(ChatTest, DetectsTheTemplatesOfRealModels) {
  const std::string dir = std::string(FL_SHARED_DATA) + "/tokenizer-vectors/";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << dir << " is absent (shared test data not installed)";
  const std::pair<const char*, ChatFormat> cases[] = {
      {"ggml-vocab-qwen2.gguf", ChatFormat::kChatML},
      {"ggml-vocab-llama-bpe.gguf", ChatFormat::kLlama3},
      {"ggml-vocab-phi-3.gguf", ChatFormat::kPhi3},
  };
  for (const auto& [file, format] : cases) {
    auto gguf = GgufFile::Open(dir + file);
    ASSERT_TRUE(gguf.ok()) << gguf.status().ToString();
    const std::string jinja = gguf->GetString("tokenizer.chat_template");
    ASSERT_FALSE(jinja.empty()) << file << " has no chat template";
    auto detected = DetectChatFormat(jinja);
    ASSERT_TRUE(detected.ok()) << file << ": " << detected.status().ToString();
    EXPECT_EQ(*detected, format) << file << " detected as " << ChatFormatName(*detected);
  }
}

TEST(ChatTest, DetectsLlama2AndMistralAndRefusesTheUnknown) {
  // The heads of meta-llama/Llama-2-7b-chat-hf's and Mistral-7B-Instruct's templates.
  EXPECT_EQ(*DetectChatFormat("{% if messages[0]['role'] == 'system' %}...{{ bos_token + '[INST] ' + content.strip() + "
                              "' [/INST]' }}"),
            ChatFormat::kLlama2);
  EXPECT_EQ(*DetectChatFormat("{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}"
                              "{{ '[INST] ' + message['content'] + ' [/INST]' }}{% endif %}{% endfor %}"),
            ChatFormat::kLlama2);
  // Zephyr has <|user|> but ends turns with </s>: not Phi-3, and not known.
  auto zephyr = DetectChatFormat("{% for message in messages %}{% if message['role'] == 'user' %}{{ '<|user|>\n' + "
                                 "message['content'] + eos_token }}{% endif %}{% endfor %}");
  ASSERT_FALSE(zephyr.ok());
  EXPECT_EQ(zephyr.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(zephyr.status().message().find("not recognised"), std::string::npos) << zephyr.status().message();
  EXPECT_NE(zephyr.status().message().find("--template"), std::string::npos);
  EXPECT_NE(zephyr.status().message().find("llama3"), std::string::npos);
  EXPECT_FALSE(DetectChatFormat("").ok());
}

// Feeds pieces to a matcher; returns everything it showed (Finish included unless stopped).
std::string Stream(StopMatcher& matcher, const std::vector<std::string>& pieces) {
  std::string shown;
  for (const std::string& piece : pieces) shown += matcher.Push(piece);
  return shown + matcher.Finish();
}

TEST(StopMatcherTest, StopSplitAcrossPushes) {
  StopMatcher matcher({"<|im_end|>"});
  EXPECT_EQ(matcher.Push("Hello"), "Hello");
  EXPECT_EQ(matcher.Push(" wor<|im"), " wor") << "a possible stop start is held back";
  EXPECT_EQ(matcher.Push("_e"), "");
  EXPECT_FALSE(matcher.stopped());
  EXPECT_EQ(matcher.Push("nd|>tail"), "");
  EXPECT_TRUE(matcher.stopped());
  EXPECT_EQ(matcher.Push("more"), "") << "nothing after a stop";
  EXPECT_EQ(matcher.Finish(), "");
}

TEST(StopMatcherTest, FalseStartIsReleased) {
  StopMatcher matcher({"<|im_end|>"});
  EXPECT_EQ(matcher.Push("a <|im"), "a ");
  EXPECT_EQ(matcher.Push("agine"), "<|imagine");
  EXPECT_EQ(matcher.Push("x<"), "x");
  EXPECT_EQ(matcher.Finish(), "<") << "the held text comes out at the end";
  EXPECT_FALSE(matcher.stopped());
}

TEST(StopMatcherTest, OverlappingPrefixes) {
  // "abab" then "c": the stop "ababc" starts at the second "ab", not the first.
  StopMatcher matcher({"ababc"});
  EXPECT_EQ(matcher.Push("xabab"), "x");
  EXPECT_EQ(matcher.Push("ab"), "ab") << "the first ab can no longer start the stop";
  EXPECT_EQ(matcher.Push("c!"), "");
  EXPECT_TRUE(matcher.stopped());

  // Two stops: the longest suffix that may start either is held.
  StopMatcher two({"END", "\n\n"});
  EXPECT_EQ(two.Push("one\nE"), "one\n") << "E may start END; \nE starts neither";
  EXPECT_EQ(two.Push("N"), "");
  EXPECT_EQ(two.Push("\n"), "EN") << "END broke off; the \n may start \n\n";
  EXPECT_EQ(two.Push("\n"), "");
  EXPECT_TRUE(two.stopped());

  // The earliest match wins, whatever the order of the stops.
  StopMatcher earliest({"bcd", "abc"});
  EXPECT_EQ(Stream(earliest, {"xab", "cd"}), "x");
  EXPECT_TRUE(earliest.stopped());
}

TEST(StopMatcherTest, StopAtTheVeryStartAndByteByByte) {
  StopMatcher at_start({"</s>"});
  EXPECT_EQ(at_start.Push("</s>after"), "");
  EXPECT_TRUE(at_start.stopped());

  StopMatcher bytes({"<|eot_id|>"});
  std::string shown;
  for (char c : std::string("Fine.<|eot_id|>ignored")) shown += bytes.Push(std::string(1, c));
  EXPECT_EQ(shown, "Fine.");
  EXPECT_TRUE(bytes.stopped());

  StopMatcher none({});
  EXPECT_EQ(Stream(none, {"<|im", "_end|>"}), "<|im_end|>") << "no stops, nothing held";
  StopMatcher empty({""});
  EXPECT_EQ(Stream(empty, {"text"}), "text") << "an empty stop string is ignored";
}

}  // namespace
}  // namespace fl::lm
