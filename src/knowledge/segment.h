// Private to knowledge: one immutable segment of an index (format in knowledge.h), held in
// memory after a build or mapped from its file after a load.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.h"
#include "knowledge/knowledge.h"

namespace fl::knowledge {

struct Posting {
  uint32_t doc;  // within the segment
  std::array<uint16_t, kNumFields> tf;
};

class Segment {
 public:
  // Serialises docs (analysed with analyzer) into segment bytes.
  static std::string Encode(const std::vector<Document>& docs, const AnalyzerOptions& analyzer);
  // Validates bytes (checksum, offsets, term order); `name` appears in errors. Shared,
  // because an Index snapshot and its successors share unchanged segments.
  static Result<std::shared_ptr<const Segment>> FromBytes(std::string bytes, const std::string& name);
  static Result<std::shared_ptr<const Segment>> Open(const std::string& path);

  std::string_view bytes() const { return data_; }
  int size() const { return n_docs_; }
  Document document(int doc) const;
  std::string source(int doc) const;     // document(doc).source, decoding only that
  uint64_t content_hash(int doc) const;  // ContentHash of the document
  std::array<uint32_t, kNumFields> lengths(int doc) const;
  // The postings of term (empty when absent), decoded and appended to out with doc offset
  // by base, skipping documents for which deleted[base + doc] is set.
  void AppendPostings(std::string_view term, int base, const std::vector<uint8_t>& deleted,
                      std::vector<Posting>* out) const;
  int64_t DocumentFrequency(std::string_view term) const;  // deleted documents included

 private:
  Status Validate(const std::string& name);
  // The term table entry of term, or -1.
  int64_t Find(std::string_view term) const;

  std::string owned_;    // bytes of an in-memory segment
  MappedFile mapped_;    // or of a mapped file
  std::string_view data_;
  int n_docs_ = 0;
  uint32_t n_terms_ = 0;
  uint64_t docs_off_ = 0, doc_table_off_ = 0, term_table_off_ = 0, term_blob_off_ = 0, postings_off_ = 0, end_ = 0;
};

// The index folder's MANIFEST: the commit point of every change (see knowledge.h).
struct Manifest {
  IndexOptions options;
  uint64_t generation = 0;
  struct Entry {
    std::string file;               // segment file name inside the folder
    std::vector<uint32_t> deleted;  // its deleted documents, ascending
  };
  std::vector<Entry> segments;
};
// NotFound when dir has no index; DataLoss naming the file when it is not a valid one.
Result<Manifest> ReadManifest(const std::string& dir);
// Writes MANIFEST atomically and syncs the folder.
Status WriteManifest(const std::string& dir, const Manifest& manifest);
std::string SegmentFileName(uint64_t generation);
// The highest generation the folder has seen: its manifest's, or a segment file's when
// the manifest is unreadable or a writer died after writing its segment.
uint64_t LastGeneration(const std::string& dir);
// Removes segment and temporary files in dir that manifest does not name.
void RemoveUnreferenced(const std::string& dir, const Manifest& manifest);

// An exclusive flock on DIR/LOCK for as long as it lives (index writers only; readers
// never wait).
class WriterLock {
 public:
  static Result<WriterLock> Acquire(const std::string& dir);
  WriterLock(WriterLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;
  ~WriterLock();

 private:
  explicit WriterLock(int fd) : fd_(fd) {}
  int fd_;
};

// Hash64 of a document's stored fields: equal hashes mean an update can skip it.
uint64_t ContentHash(const Document& doc);

}  // namespace fl::knowledge
