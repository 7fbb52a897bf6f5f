// Private to the text module: helpers shared by its .cc files. Not part of the API; other
// modules include text/text.h only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/core.h"
#include "text/text.h"

namespace fl::text::internal {

// Decodes the UTF-8 sequence starting at p (REQUIRES: p < end). Returns its length (1-4)
// and sets *cp, or returns 0 when the bytes at p are not a well-formed sequence (stray
// continuation byte, overlong form, surrogate, > U+10FFFF, or truncated at end).
inline int DecodeUtf8(const unsigned char* p, const unsigned char* end, uint32_t* cp) {
  const unsigned c = p[0];
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  const size_t avail = static_cast<size_t>(end - p);
  if (c < 0xC2) return 0;  // continuation byte, or overlong 2-byte lead (C0, C1)
  if (c < 0xE0) {
    if (avail < 2 || (p[1] & 0xC0) != 0x80) return 0;
    *cp = ((c & 0x1Fu) << 6) | (p[1] & 0x3Fu);
    return 2;
  }
  if (c < 0xF0) {
    if (avail < 3) return 0;
    // E0 needs A0..BF (no overlongs); ED needs 80..9F (no surrogates D800..DFFF).
    const unsigned lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    if (p[1] < lo || p[1] > hi || (p[2] & 0xC0) != 0x80) return 0;
    *cp = ((c & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
    return 3;
  }
  if (c < 0xF5) {
    if (avail < 4) return 0;
    // F0 needs 90..BF (no overlongs); F4 needs 80..8F (<= U+10FFFF).
    const unsigned lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    if (p[1] < lo || p[1] > hi || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80) return 0;
    *cp = ((c & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu);
    return 4;
  }
  return 0;
}

// Appends ToLower(s) to *out. With fold_apostrophe, U+2019 (’) becomes ASCII '\'' so that
// "can’t" and "can't" give the same token. Never writes more bytes than s has. Bytes that
// are not well-formed UTF-8 are copied unchanged.
void AppendLower(std::string_view s, bool fold_apostrophe, std::string* out);

// Trims ASCII whitespace (space, tab, CR, LF) from both ends.
std::string_view TrimSpace(std::string_view s);

// Applies ReadOptions to bad rows: an error when skipping is off, else a count and the
// first few reasons in *stats. One object per read; not thread-safe.
class BadRows {
 public:
  BadRows(const ReadOptions& options, ReadStats* stats) : options_(options), stats_(stats) {}

  // reason is complete ("tickets.csv:12: ragged row: 3 fields, header has 4"). Returns OK
  // when the row is to be skipped, or the InvalidArgument error that stops the read.
  Status Report(std::string reason);

 private:
  const ReadOptions& options_;
  ReadStats* stats_;
};

// Format readers behind ReadTable. data is the whole file (BOM included); path is used in
// messages only. They fill columns, rows, row_lines and present; stats->rows_read is left to
// the caller.
Status ReadCsvTable(const std::string& path, std::string_view data, char delimiter,
                    BadRows* bad_rows, Table* table);
Status ReadJsonlTable(const std::string& path, std::string_view data, BadRows* bad_rows,
                      Table* table);

}  // namespace fl::text::internal
