// libFuzzer target for the GGUF reader: any bytes give a parsed file or an error, never a
// crash, a leak or a read out of bounds; a parsed file's tensors lie inside the input.
// Build and run: make fuzz (clang-14, ASan + UBSan, bounded time).
#include <cstddef>
#include <cstdint>
#include <string>

#include "lm/lm.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto f = fl::lm::GgufFile::Parse(std::string(reinterpret_cast<const char*>(data), size), "fuzz");
  if (!f.ok()) return 0;
  for (const auto& t : f->tensors()) {
    if (f->data_offset() + t.offset + t.bytes > size) __builtin_trap();
    volatile uint8_t sink = t.bytes ? t.data[t.bytes - 1] : 0;  // ASan checks the last byte
    (void)sink;
  }
  for (const auto& [k, v] : f->metadata()) (void)v.AsDouble();
  return 0;
}
