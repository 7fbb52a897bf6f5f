// libFuzzer target for the service's request bodies: whatever the bytes, ParseBody and
// TicketsFrom return a value or an error, never crash, leak or read out of bounds.
// Build and run: make fuzz (clang-14, ASan + UBSan, bounded time).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "server/server_impl.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto parsed = fl::server::ParseBody(body, 32);
  if (!parsed.ok()) return 0;
  auto tickets = fl::server::TicketsFrom(*parsed);
  if (tickets.ok()) {
    for (const auto& t : *tickets) {
      if (t.id.empty() || t.text.empty()) __builtin_trap();  // TicketsFrom promises both
    }
  }
  (void)fl::server::StringField(*parsed, "text");
  return 0;
}
