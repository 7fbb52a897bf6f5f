// text: everything between raw bytes and the classifier's features.
//
//   IsValidUtf8 / Utf8Error     UTF-8 validation with the offset of the first bad byte
//   ToLower                     lower-casing (ASCII + Latin-1/Greek/Cyrillic basics) for tokenising
//   Tokenize                    ticket-aware tokens: keeps 0x80070005, ERR_CONNECTION_RESET,
//                               10.2.3.4, C:\Users\x, a.b@c.com, host.corp.local as one unit
//   CsvReader                   RFC 4180 records (quotes, embedded commas/quotes/newlines,
//                               CRLF, UTF-8 BOM)
//   ReadTable                   CSV or JSONL (by extension) → rows of named string fields
//   LoadLabeledData             the user's column mapping (--text a,b --label c) applied
//
// Everything here is a pure function of its input or owns its state; safe to use from
// several threads on different objects.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.h"

namespace fl::text {

// ---------------------------------------------------------------------------------------
// UTF-8
// ---------------------------------------------------------------------------------------

// True when s is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF). On failure,
// *bad_offset (if given) receives the byte offset of the first invalid sequence.
bool IsValidUtf8(std::string_view s, size_t* bad_offset = nullptr);

// Lower-cases ASCII and the common 2-byte Latin/Greek/Cyrillic letters; other bytes pass
// through unchanged. REQUIRES: s is valid UTF-8.
std::string ToLower(std::string_view s);

// ---------------------------------------------------------------------------------------
// Tokenisation
// ---------------------------------------------------------------------------------------

// Splits ticket text into lower-cased tokens. Letters/digits runs form words; punctuation
// splits, except that technical units stay whole:
//   hex codes (0x80070005), identifiers with '_' (ERR_CONNECTION_RESET), IPv4 (10.2.3.4,
//   optional :port), e-mail addresses, dotted hostnames/FQDNs and versions (srv01.corp.local,
//   10.0.19045), Windows paths (c:\users\bob), Unix paths (/var/log/syslog), DOMAIN\user.
// Other punctuation characters are dropped. Works on any bytes (invalid UTF-8 is kept as is).
std::vector<std::string> Tokenize(std::string_view text);

// ---------------------------------------------------------------------------------------
// Tables: CSV and JSONL
// ---------------------------------------------------------------------------------------

// Streams RFC 4180 records from an in-memory buffer. Fields may be quoted; inside quotes,
// commas, CR/LF and doubled quotes ("") are literal. Records end at LF or CRLF. A UTF-8
// BOM at the start is skipped. Not thread-safe; the buffer must outlive the reader.
class CsvReader {
 public:
  explicit CsvReader(std::string_view data, char delimiter = ',');

  // Reads the next record into *fields. Returns false at end of input (fields untouched).
  // On a malformed record (a quote inside an unquoted field, text after a closing quote,
  // an unterminated quoted field) returns true and sets *error to what is wrong; the
  // reader then resynchronises at the next line.
  bool Next(std::vector<std::string>* fields, std::string* error);

  // 1-based physical line where the last returned record started.
  int64_t record_line() const { return record_line_; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
  char delim_;
  int64_t line_ = 1;
  int64_t record_line_ = 0;
};

// One table of string fields. CSV: header row gives the columns. JSONL: one JSON object per
// line; string/number/bool values are converted to text, arrays of strings joined with
// " ", null/missing become absent.
struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;  // rows[i][j] is columns[j]; "" when absent
  std::vector<int64_t> row_lines;              // 1-based source line of each row
  std::vector<std::vector<bool>> present;      // JSONL: whether the key existed (CSV: all true)
};

struct ReadOptions {
  // When false, the first bad row stops the read with an error naming file:line and column.
  // When true, bad rows are skipped, counted and the first few reasons kept.
  bool skip_bad_rows = false;
  int max_reasons = 5;
};

struct ReadStats {
  int64_t rows_read = 0;
  int64_t rows_skipped = 0;
  std::vector<std::string> skip_reasons;  // "tickets.csv:12: ragged row: 3 fields, header has 4"
};

// Reads path as CSV (.csv), TSV (.tsv) or JSONL (.jsonl/.ndjson), by extension. Checks
// UTF-8 validity of every field and the field count of every CSV row.
Result<Table> ReadTable(const std::string& path, const ReadOptions& options = {},
                        ReadStats* stats = nullptr);

// A labelled (or unlabelled) corpus after the user's column mapping.
struct LabeledData {
  std::vector<std::string> texts;               // text columns joined with "\n"
  std::vector<std::string> label_columns;       // e.g. {"category", "priority"}
  std::vector<std::vector<std::string>> labels; // labels[c][i]: column c, row i
  std::vector<int64_t> row_lines;               // source line of each kept row
};

struct ColumnMapping {
  std::vector<std::string> text_columns;   // required, at least one
  std::vector<std::string> label_columns;  // may be empty (predict / triage)
};

// Applies mapping to the table at path. Errors (or skipped rows, with skip_bad_rows):
// a missing column (error naming the column and listing those available), an empty
// text (all text columns empty), an empty label. Never drops a row silently.
Result<LabeledData> LoadLabeledData(const std::string& path, const ColumnMapping& mapping,
                                    const ReadOptions& options = {}, ReadStats* stats = nullptr);

// "a,b, c" -> {"a","b","c"}; empty items removed.
std::vector<std::string> SplitList(std::string_view csv);

}  // namespace fl::text
