// knowledge: BM25F search over runbooks, KB articles and resolved tickets.
//
//   Analyze        the classifier's ticket-aware tokeniser, English stop words, Porter stems
//   Document       one searchable unit: a KB chunk (title, heading path, body) or a ticket
//   LoadDocuments  Markdown / HTML / text files chunked by heading; CSV / JSONL tickets
//   Index          built in memory, saved atomically to one file, loaded with validation;
//                  BM25F with per-field weights
//
// Start here: `FL_ASSIGN_OR_RETURN(auto docs, LoadDocuments({"kb/"}, {}));
//              Index index = Index::Build(std::move(docs), {});
//              auto hits = index.Search("vpn login failed", 5);`
//
// Index file (INDEX_DIR/index.flk): "FLKNOW1\n", u32 header length, JSON header (options,
// counts, field lengths), then for each document its stored fields, then the postings:
// per term its document frequency and (doc delta, per-field tf) as varints; a u64
// xxHash64 of everything before it ends the file. Load checks every count and offset
// against the file size and the checksum: a corrupt index is refused with its path.
//
// Thread-safety: a built or loaded Index is immutable; Search may run from many threads.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/core.h"

namespace fl::knowledge {

struct AnalyzerOptions {
  bool stem = true;        // Porter stemmer
  bool stopwords = true;   // drop English function words
};

// Tokens of text for indexing and querying: text::Tokenize (lower case; error codes,
// hosts, paths stay whole), minus stop words, stemmed.
std::vector<std::string> Analyze(std::string_view text, const AnalyzerOptions& options = {});
// The Porter (1980) stem of a lower-case ASCII word; other words are returned unchanged.
std::string PorterStem(std::string_view word);

enum Field { kTitle = 0, kHeadings = 1, kBody = 2, kNumFields = 3 };

struct Document {
  std::string id;        // path relative to the folder given, "#n" for the n-th chunk
  std::string title;     // document title (first H1, <title>, file name) or ticket subject
  std::string headings;  // heading path of the chunk ("Setup > Windows")
  std::string body;      // chunk text; for a ticket: body and resolution
};

struct LoadOptions {
  // Ticket exports (.csv / .jsonl): the columns to use.
  std::string subject_column = "subject", body_column = "body", resolution_column = "resolution";
  std::string id_column = "id";
  size_t max_chunk_bytes = 4000;  // longer sections are split at paragraph breaks
};

// Reads files and folders (recursively, sorted): .md/.markdown (chunks at headings),
// .html/.htm (tags stripped, headings kept), .txt (chunks at blank-line paragraphs, merged
// up to max_chunk_bytes), .csv/.jsonl (one document per ticket). Other files are skipped
// and counted in *skipped. Errors name the file.
Result<std::vector<Document>> LoadDocuments(const std::vector<std::string>& paths, const LoadOptions& options,
                                            int64_t* skipped = nullptr);

// Defaults chosen on the dev half of StackFAQ's queries (even thread ids; bench/RESULTS.md):
// a KB's titles state the question, so they weigh more and saturate later than textbook
// BM25 (k1 1.2, b 0.75).
struct IndexOptions {
  double k1 = 2.0;
  double b = 0.9;
  std::array<double, kNumFields> weights = {5.0, 2.0, 1.0};  // title, headings, body
  AnalyzerOptions analyzer;
};

struct Hit {
  int doc = 0;                // index into documents()
  double score = 0;
  std::string snippet;        // best window of the body, matched terms in [brackets]
};

class Index {
 public:
  static Index Build(std::vector<Document> docs, const IndexOptions& options);
  Status Save(const std::string& dir) const;                  // DIR/index.flk, atomically
  static Result<Index> Load(const std::string& dir);

  // The k best documents for query, best first; ties by document order.
  std::vector<Hit> Search(std::string_view query, int k) const;
  const std::vector<Document>& documents() const { return docs_; }
  const IndexOptions& options() const { return options_; }

 private:
  struct Posting {
    uint32_t doc;
    std::array<uint16_t, kNumFields> tf;
  };
  IndexOptions options_;
  std::vector<Document> docs_;
  std::vector<std::array<uint32_t, kNumFields>> lengths_;  // analysed tokens per field
  std::array<double, kNumFields> avg_length_ = {1, 1, 1};
  std::unordered_map<std::string, std::vector<Posting>> postings_;
};

// The body window of about `width` bytes with most query-term hits, those hits wrapped in
// [ ]; "…" marks cut ends. Never splits a UTF-8 sequence.
std::string Snippet(const std::string& body, const std::vector<std::string>& query_terms,
                    const AnalyzerOptions& analyzer, size_t width = 200);

}  // namespace fl::knowledge
