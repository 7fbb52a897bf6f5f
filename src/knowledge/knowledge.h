// knowledge: BM25F search over runbooks, KB articles and resolved tickets.
//
//   Analyze        the classifier's ticket-aware tokeniser, English stop words, Porter stems
//   Document       one searchable unit: a KB chunk (title, heading path, body) or a ticket
//   LoadDocuments  Markdown / HTML / text files chunked by heading; CSV / JSONL tickets
//   Index          a consistent snapshot of an index: immutable segments read through mmap
//                  (postings delta/varint compressed) minus deleted documents; BM25F with
//                  per-field weights; optional reranking of the head of the list
//   UpdateIndex    incremental add / replace / delete by source without a rebuild
//   SuggestAnswer  an extractive answer (the steps of the best runbook chunk) with its
//                  citation, offered only when the answer confidence passes a calibrated gate
//
// Start here: `FL_ASSIGN_OR_RETURN(auto docs, LoadDocuments({"kb/"}, {}));
//              FL_RETURN_IF_ERROR(Index::Build(std::move(docs), {}).Save("kb-index"));
//              FL_ASSIGN_OR_RETURN(Index index, Index::Load("kb-index"));
//              auto hits = index.Search("vpn login failed", 5);`
//
// Index folder: MANIFEST (JSON: options, generation, the live segments and each one's
// deleted documents) and immutable segment files seg-GENERATION.fls. A change writes a new
// segment, then replaces MANIFEST atomically (write, fsync, rename): the manifest is the
// only commit point, so a reader sees the old index or the new one, never a mixture, and
// a writer killed at any moment leaves the previous index usable. Writers take an flock
// on DIR/LOCK; files no manifest names are removed by the next writer.
//
// Segment file: "FLSEG01\n", counts and section offsets, document records (stored fields
// as varint-length strings), a fixed-width document table (record offset, content hash,
// analysed field lengths), a sorted fixed-width term table (postings offset, length,
// document frequency) with its term bytes, the postings (per document: doc delta, then
// the title/headings/body term frequencies, all varints), and an xxHash64 of everything
// before it. Open checks the checksum, every offset and the term order: a corrupt or
// foreign index is refused with its path.
//
// Thread-safety: an Index is an immutable snapshot; Search may run from many threads.
// Updates by another process never change a loaded Index: Load again to see them.
#pragma once

#include <array>
#include <memory>
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
// Whether Analyze drops this lower-case token as an English function word ("down", "up",
// "off", "out" are kept: they carry meaning in IT text).
bool IsStopword(std::string_view word);
// The Porter (1980) stem of a lower-case ASCII word; other words are returned unchanged.
std::string PorterStem(std::string_view word);

enum Field { kTitle = 0, kHeadings = 1, kBody = 2, kNumFields = 3 };

struct Document {
  std::string id;        // path relative to the folder given, "#n" for the n-th chunk
  std::string source;    // what an update replaces as a whole: the file's id (all its
                         //   chunks) or the ticket id; empty means the id
  std::string title;     // document title (first H1, <title>, file name) or ticket subject
  std::string headings;  // heading path of the chunk ("Setup > Windows")
  std::string body;      // chunk text; for a ticket: body and resolution
};

// A ticket document's body is its body, then this marker and its resolution.
inline constexpr char kResolutionMarker[] = "\n\nResolution: ";
// The resolution of a resolved-ticket document; "" for other documents.
inline std::string Resolution(const Document& d) {
  const size_t at = d.body.rfind(kResolutionMarker);
  return at == std::string::npos ? "" : d.body.substr(at + sizeof(kResolutionMarker) - 1);
}

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
  int doc = 0;                // document number in this snapshot: Index::document(doc)
  double score = 0;
  std::string snippet;        // best window of the body, matched terms in [brackets]
};

struct SearchOptions {
  bool snippets = true;
  // Second stage: rescore the best `rerank_depth` BM25F hits with a phrase bonus (query
  // terms adjacent in the title or body) and an exact-match bonus for technical tokens
  // (error codes, hosts); 0 turns it off. bench/RESULTS.md has the measurement.
  int rerank_depth = 0;
};

class Segment;
struct Manifest;
struct Posting;
struct UpdateOptions;
struct UpdateStats;

class Index {
 public:
  // An in-memory index of docs (one segment).
  static Index Build(std::vector<Document> docs, const IndexOptions& options);
  // Replaces whatever index dir holds with this one (created if absent), atomically.
  Status Save(const std::string& dir) const;
  static Result<Index> Load(const std::string& dir);

  // The k best documents for query, best first; ties by document number.
  std::vector<Hit> Search(std::string_view query, int k, const SearchOptions& search = {}) const;
  // Sum over the query's distinct indexed terms of their idf: no document scores this
  // much (each term adds less than its idf), so score / MaxScore is in [0, 1).
  double MaxScore(std::string_view query) const;

  Document document(int doc) const;
  int size() const { return static_cast<int>(deleted_.size()); }  // document numbers, live or not
  int live_documents() const { return live_; }
  bool deleted(int doc) const { return deleted_[doc] != 0; }
  const IndexOptions& options() const { return options_; }
  uint64_t generation() const { return generation_; }
  int segments() const { return static_cast<int>(segments_.size()); }

 private:
  friend Result<UpdateStats> UpdateIndex(const std::string&, std::vector<Document>, const std::vector<std::string>&,
                                         const UpdateOptions&);
  friend Status CompactIndex(const std::string& dir);
  static Result<Index> Open(const std::string& dir, const Manifest& manifest);
  void Finish();  // bases, live count, average field lengths
  void LivePostings(const std::string& term, std::vector<Posting>* out) const;
  // Rescores the first depth hits (see SearchOptions::rerank_depth) and reorders them.
  void Rerank(std::string_view query, size_t depth, std::vector<Hit>* hits) const;

  IndexOptions options_;
  uint64_t generation_ = 0;
  std::vector<std::shared_ptr<const Segment>> segments_;
  std::vector<std::string> files_;  // segment file names; "" in memory
  std::vector<int> base_;          // first document number of each segment
  std::vector<uint8_t> deleted_;   // per document number
  int live_ = 0;
  std::array<double, kNumFields> avg_length_ = {1, 1, 1};
  std::vector<std::array<double, kNumFields>> field_factor_;  // weight / length norm
};

struct UpdateOptions {
  IndexOptions create;          // options when dir holds no index yet
  bool prune = false;           // also delete indexed sources that docs does not contain
  int max_segments = 8;         // merge all segments into one beyond this many ...
  double max_deleted = 0.25;    // ... or when this fraction of documents is deleted
};

struct UpdateStats {
  int64_t added = 0;        // documents of new sources
  int64_t replaced = 0;     // documents of changed sources (new versions)
  int64_t unchanged = 0;    // documents skipped: their source is indexed with the same content
  int64_t deleted = 0;      // documents removed (replaced, pruned or named in remove)
  std::vector<std::string> not_found;  // sources in remove that the index does not have
  bool compacted = false;
  uint64_t generation = 0;  // of the index after the update
};

// Brings the index in dir up to date without a rebuild: each source in docs replaces the
// indexed documents of that source (unless they have the same content), and the sources
// in remove are deleted. Creates the index when dir has none. Holds DIR/LOCK meanwhile.
Result<UpdateStats> UpdateIndex(const std::string& dir, std::vector<Document> docs,
                                const std::vector<std::string>& remove, const UpdateOptions& options);
// Merges every segment of dir's index into one, dropping deleted documents.
Status CompactIndex(const std::string& dir);

// The body window of about `width` bytes with most query-term hits, those hits wrapped in
// [ ]; "…" marks cut ends. Never splits a UTF-8 sequence.
std::string Snippet(const std::string& body, const std::vector<std::string>& query_terms,
                    const AnalyzerOptions& analyzer, size_t width = 200);

// ---------------------------------------------------------------------------------------
// Suggested answers and their grounding gate
// ---------------------------------------------------------------------------------------

// How sure retrieval is that the best hit answers query, in [0, 1]: the share of the
// query's information (idf) the best hit matches, times how far it leads the runner-up.
// bench/RESULTS.md compares the variants tried; the gate thresholds this value.
double AnswerConfidence(const Index& index, std::string_view query, const std::vector<Hit>& hits);

// The extractive answer to offer from document doc: the numbered or bulleted lines of its
// "Steps" section (a heading such as Steps, Resolution, Solution, Fix, How to; found
// among the chunks of the same source when doc is another section), else of doc itself,
// else its first sentences. At most max_bytes.
std::string ExtractAnswer(const Index& index, int doc, size_t max_bytes = 1200);

struct Answer {
  bool offered = false;     // confidence >= the gate's threshold: show text as the answer
  double confidence = 0;    // AnswerConfidence of the best hit
  int doc = -1;             // the chunk the answer comes from; -1 when nothing matched
  std::string citation;     // "Title > Headings [id]"
  std::string text;         // ExtractAnswer of doc (filled even when not offered, for review)
};

// Searches, then builds the extractive answer of the best hit; offered only when its
// confidence passes threshold. This is the seam for generative drafting: a drafter takes
// the Answer (and the hits) as its grounding.
Answer SuggestAnswer(const Index& index, std::string_view query, double threshold);

// The calibrated threshold of AnswerConfidence, stored beside the index
// (INDEX_DIR/answer-gate.json) by `frontline calibrate-answer`.
struct AnswerGate {
  double threshold = 2.0;   // > 1: nothing passes (no feasible threshold)
  bool feasible = false;
  double precision = 0.9;   // target: share of offered answers from the right document
  double delta = 0.05;      // allowed probability that the guarantee fails
  int64_t n = 0;            // calibration queries
  double coverage = 0;      // share of calibration queries that pass
  std::string calibrated;   // UTC time
};
Status SaveAnswerGate(const std::string& index_dir, const AnswerGate& gate);
// NotFound when the index was never calibrated.
Result<AnswerGate> LoadAnswerGate(const std::string& index_dir);

}  // namespace fl::knowledge
