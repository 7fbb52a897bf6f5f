// Segment files: encoding, validation and reads straight from the (mapped) bytes.
#include "knowledge/segment.h"

#include <algorithm>
#include <cstring>
#include <unordered_map>

namespace fl::knowledge {
namespace {

constexpr char kMagic[8] = {'F', 'L', 'S', 'E', 'G', '0', '1', '\n'};
constexpr size_t kHeaderBytes = 64, kDocEntryBytes = 32, kTermEntryBytes = 24;

void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// Reads a varint at *at; false when it runs past the end or over 10 bytes.
bool GetVarint(std::string_view data, size_t* at, uint64_t* v) {
  *v = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (*at >= data.size()) return false;
    const uint8_t byte = static_cast<uint8_t>(data[(*at)++]);
    *v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return true;
  }
  return false;
}

void PutString(std::string* out, std::string_view s) {
  PutVarint(out, s.size());
  out->append(s);
}

bool GetString(std::string_view data, size_t* at, std::string* s) {
  uint64_t n;
  if (!GetVarint(data, at, &n) || n > data.size() - *at) return false;
  s->assign(data.substr(*at, n));
  *at += n;
  return true;
}

template <typename T>
void Put(std::string* out, T v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof v);
}

template <typename T>
T Get(std::string_view data, uint64_t at) {
  T v;
  std::memcpy(&v, data.data() + at, sizeof v);
  return v;
}

}  // namespace

uint64_t ContentHash(const Document& doc) {
  uint64_t h = Hash64(doc.id);
  for (const std::string* f : {&doc.source, &doc.title, &doc.headings, &doc.body}) h = Hash64(*f, h);
  return h;
}

std::string Segment::Encode(const std::vector<Document>& docs, const AnalyzerOptions& analyzer) {
  std::string records, doc_table;
  std::unordered_map<std::string, std::vector<Posting>> postings;
  for (size_t d = 0; d < docs.size(); ++d) {
    const Document& doc = docs[d];
    const uint64_t rec_off = records.size();
    for (const std::string* f : {&doc.id, &doc.source, &doc.title, &doc.headings, &doc.body}) PutString(&records, *f);
    Put<uint64_t>(&doc_table, rec_off);
    Put<uint64_t>(&doc_table, ContentHash(doc));
    const std::string* fields[kNumFields] = {&doc.title, &doc.headings, &doc.body};
    std::unordered_map<std::string, std::array<uint16_t, kNumFields>> tf;
    for (int f = 0; f < kNumFields; ++f) {
      const std::vector<std::string> terms = Analyze(*fields[f], analyzer);
      Put<uint32_t>(&doc_table, static_cast<uint32_t>(terms.size()));
      for (const std::string& t : terms) {
        uint16_t& c = tf.try_emplace(t, std::array<uint16_t, kNumFields>{0, 0, 0}).first->second[f];
        if (c < UINT16_MAX) ++c;
      }
    }
    Put<uint32_t>(&doc_table, static_cast<uint32_t>(records.size() - rec_off));
    for (const auto& [term, counts] : tf) postings[term].push_back({static_cast<uint32_t>(d), counts});
  }
  // Terms sorted, so lookups can bisect and the same input gives the same file.
  std::vector<std::pair<const std::string*, const std::vector<Posting>*>> terms;
  terms.reserve(postings.size());
  for (const auto& [t, list] : postings) terms.emplace_back(&t, &list);
  std::sort(terms.begin(), terms.end(), [](const auto& a, const auto& b) { return *a.first < *b.first; });
  std::string term_table, blob, post;
  for (const auto& [term, list] : terms) {
    const uint64_t off = post.size();
    uint32_t prev = 0;
    for (const Posting& p : *list) {
      PutVarint(&post, p.doc - prev);
      prev = p.doc;
      for (int f = 0; f < kNumFields; ++f) PutVarint(&post, p.tf[f]);
    }
    Put<uint64_t>(&term_table, off);
    Put<uint32_t>(&term_table, static_cast<uint32_t>(post.size() - off));
    Put<uint32_t>(&term_table, static_cast<uint32_t>(list->size()));
    Put<uint32_t>(&term_table, static_cast<uint32_t>(blob.size()));
    Put<uint32_t>(&term_table, static_cast<uint32_t>(term->size()));
    blob += *term;
  }
  std::string out(kMagic, sizeof kMagic);
  Put<uint32_t>(&out, static_cast<uint32_t>(docs.size()));
  Put<uint32_t>(&out, static_cast<uint32_t>(terms.size()));
  const uint64_t docs_off = kHeaderBytes, doc_table_off = docs_off + records.size();
  const uint64_t term_table_off = doc_table_off + doc_table.size(), blob_off = term_table_off + term_table.size();
  const uint64_t post_off = blob_off + blob.size(), end = post_off + post.size();
  for (uint64_t v : {docs_off, doc_table_off, term_table_off, blob_off, post_off, end}) Put<uint64_t>(&out, v);
  out.reserve(end + 8);
  out += records;
  out += doc_table;
  out += term_table;
  out += blob;
  out += post;
  Put<uint64_t>(&out, Hash64(out));
  return out;
}

Result<std::shared_ptr<const Segment>> Segment::FromBytes(std::string bytes, const std::string& name) {
  auto seg = std::make_shared<Segment>();
  seg->owned_ = std::move(bytes);
  seg->data_ = seg->owned_;
  FL_RETURN_IF_ERROR(seg->Validate(name));
  return std::shared_ptr<const Segment>(std::move(seg));
}

Result<std::shared_ptr<const Segment>> Segment::Open(const std::string& path) {
  auto seg = std::make_shared<Segment>();
  FL_ASSIGN_OR_RETURN(seg->mapped_, MappedFile::Open(path));
  seg->data_ = seg->mapped_.view();
  FL_RETURN_IF_ERROR(seg->Validate(path));
  return std::shared_ptr<const Segment>(std::move(seg));
}

Status Segment::Validate(const std::string& name) {
  auto bad = [&](const std::string& why) { return DataLossError(name + ": not a valid frontline index segment: " + why); };
  const std::string_view d = data_;
  if (d.size() < kHeaderBytes + 8 || std::memcmp(d.data(), kMagic, sizeof kMagic) != 0) {
    return bad("bad magic or too short");
  }
  if (Hash64(d.substr(0, d.size() - 8)) != Get<uint64_t>(d, d.size() - 8)) {
    return bad("checksum mismatch (truncated or modified)");
  }
  n_docs_ = static_cast<int>(Get<uint32_t>(d, 8));
  n_terms_ = Get<uint32_t>(d, 12);
  docs_off_ = Get<uint64_t>(d, 16);
  doc_table_off_ = Get<uint64_t>(d, 24);
  term_table_off_ = Get<uint64_t>(d, 32);
  term_blob_off_ = Get<uint64_t>(d, 40);
  postings_off_ = Get<uint64_t>(d, 48);
  end_ = Get<uint64_t>(d, 56);
  if (n_docs_ < 0 || docs_off_ != kHeaderBytes || doc_table_off_ < docs_off_ || end_ != d.size() - 8 ||
      term_table_off_ < doc_table_off_ || term_blob_off_ < term_table_off_ ||
      term_table_off_ + uint64_t{n_terms_} * kTermEntryBytes != term_blob_off_ || postings_off_ < term_blob_off_ ||
      end_ < postings_off_ || term_table_off_ - doc_table_off_ != uint64_t(n_docs_) * kDocEntryBytes) {
    return bad("section offsets");
  }
  const uint64_t records = doc_table_off_ - docs_off_;
  for (int i = 0; i < n_docs_; ++i) {
    const uint64_t e = doc_table_off_ + uint64_t(i) * kDocEntryBytes;
    if (Get<uint64_t>(d, e) > records || Get<uint32_t>(d, e + 28) > records - Get<uint64_t>(d, e)) {
      return bad("document " + std::to_string(i) + " out of range");
    }
  }
  const uint64_t blob = postings_off_ - term_blob_off_, post = end_ - postings_off_;
  std::string_view prev;
  for (uint32_t i = 0; i < n_terms_; ++i) {
    const uint64_t e = term_table_off_ + uint64_t(i) * kTermEntryBytes;
    const uint64_t off = Get<uint64_t>(d, e);
    const uint32_t len = Get<uint32_t>(d, e + 8), df = Get<uint32_t>(d, e + 12);
    const uint32_t toff = Get<uint32_t>(d, e + 16), tlen = Get<uint32_t>(d, e + 20);
    if (off > post || len > post - off || df > uint32_t(n_docs_) || toff > blob || tlen > blob - toff) {
      return bad("term " + std::to_string(i) + " out of range");
    }
    const std::string_view term = d.substr(term_blob_off_ + toff, tlen);
    if (i > 0 && !(prev < term)) return bad("terms out of order");
    prev = term;
  }
  return OkStatus();
}

Document Segment::document(int doc) const {
  const uint64_t e = doc_table_off_ + uint64_t(doc) * kDocEntryBytes;
  const std::string_view rec = data_.substr(docs_off_ + Get<uint64_t>(data_, e), Get<uint32_t>(data_, e + 28));
  Document out;
  size_t at = 0;
  for (std::string* f : {&out.id, &out.source, &out.title, &out.headings, &out.body}) {
    if (!GetString(rec, &at, f)) break;  // only a crafted file with a valid checksum gets here
  }
  if (out.source.empty()) out.source = out.id;
  return out;
}

std::string Segment::source(int doc) const {
  const uint64_t e = doc_table_off_ + uint64_t(doc) * kDocEntryBytes;
  const std::string_view rec = data_.substr(docs_off_ + Get<uint64_t>(data_, e), Get<uint32_t>(data_, e + 28));
  std::string id, source;
  size_t at = 0;
  if (GetString(rec, &at, &id)) GetString(rec, &at, &source);
  return source.empty() ? id : source;
}

uint64_t Segment::content_hash(int doc) const {
  return Get<uint64_t>(data_, doc_table_off_ + uint64_t(doc) * kDocEntryBytes + 8);
}

std::array<uint32_t, kNumFields> Segment::lengths(int doc) const {
  const uint64_t e = doc_table_off_ + uint64_t(doc) * kDocEntryBytes + 16;
  return {Get<uint32_t>(data_, e), Get<uint32_t>(data_, e + 4), Get<uint32_t>(data_, e + 8)};
}

int64_t Segment::Find(std::string_view term) const {
  int64_t lo = 0, hi = n_terms_;
  while (lo < hi) {
    const int64_t mid = (lo + hi) / 2;
    const uint64_t e = term_table_off_ + uint64_t(mid) * kTermEntryBytes;
    const std::string_view t = data_.substr(term_blob_off_ + Get<uint32_t>(data_, e + 16), Get<uint32_t>(data_, e + 20));
    if (t < term) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo == n_terms_) return -1;
  const uint64_t e = term_table_off_ + uint64_t(lo) * kTermEntryBytes;
  return data_.substr(term_blob_off_ + Get<uint32_t>(data_, e + 16), Get<uint32_t>(data_, e + 20)) == term ? lo : -1;
}

int64_t Segment::DocumentFrequency(std::string_view term) const {
  const int64_t t = Find(term);
  return t < 0 ? 0 : Get<uint32_t>(data_, term_table_off_ + uint64_t(t) * kTermEntryBytes + 12);
}

void Segment::AppendPostings(std::string_view term, int base, const std::vector<uint8_t>& deleted,
                             std::vector<Posting>* out) const {
  const int64_t t = Find(term);
  if (t < 0) return;
  const uint64_t e = term_table_off_ + uint64_t(t) * kTermEntryBytes;
  const std::string_view list = data_.substr(postings_off_ + Get<uint64_t>(data_, e), Get<uint32_t>(data_, e + 8));
  const uint32_t df = Get<uint32_t>(data_, e + 12);
  size_t at = 0;
  uint64_t doc = 0;
  for (uint32_t i = 0; i < df; ++i) {
    uint64_t delta, tf[kNumFields];
    if (!GetVarint(list, &at, &delta)) return;
    doc += delta;
    bool ok = doc < uint64_t(n_docs_) && (i == 0 || delta > 0);
    for (int f = 0; f < kNumFields && ok; ++f) ok = GetVarint(list, &at, &tf[f]) && tf[f] <= UINT16_MAX;
    if (!ok) return;  // only a crafted file with a valid checksum gets here
    if (deleted[base + doc]) continue;
    out->push_back({static_cast<uint32_t>(base + doc),
                    {static_cast<uint16_t>(tf[0]), static_cast<uint16_t>(tf[1]), static_cast<uint16_t>(tf[2])}});
  }
}

}  // namespace fl::knowledge
