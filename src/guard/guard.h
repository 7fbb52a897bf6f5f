// guard: finds personal data and secrets in ticket text and replaces them with consistent,
// reversible placeholders before anything leaves the machine.
//
//   Guard          the recognisers (structured values with validators, secrets, names from
//                  greetings and signatures, custom patterns from config) -> Spans
//   Pseudonymizer  one ticket thread's mapping value <-> "<TYPE_n>"; Redact and Restore
//
// Start here: `FL_ASSIGN_OR_RETURN(auto guard, fl::guard::Guard::Create({}));
//              std::vector<Span> spans; FL_RETURN_IF_ERROR(guard.Find(text, &spans));`
//
// Entity types: EMAIL, PHONE, IP_ADDRESS, MAC_ADDRESS, URL (with embedded credentials),
// CREDIT_CARD (Luhn), IBAN (mod 97 + country length), US_SSN (valid ranges),
// DATE_OF_BIRTH (a date in birth context), PERSON (greetings, signatures, titles),
// USERNAME (DOMAIN\user), HOSTNAME (under the configured internal domains), SECRET (known
// key/token shapes, JWTs, PEM private keys, password assignments, connection strings,
// high-entropy strings), plus custom types from config.
//
// Offsets are byte offsets into the UTF-8 input, end exclusive.
//
// Thread-safety: a Guard is immutable after Create and may be shared by threads; Find
// allocates its own match state. A Pseudonymizer is per ticket thread and not
// thread-safe.
//
// Failure: Find fails (ResourceExhausted) on input larger than GuardOptions::max_bytes or
// when a pattern exceeds its match budget; callers must then not send the text anywhere
// (fail closed).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/core.h"

namespace fl::guard {

struct Span {
  size_t start = 0, end = 0;  // byte offsets, end exclusive
  std::string type;           // "EMAIL", "SECRET", ...
  double score = 0;           // confidence in [0, 1]
  std::string recogniser;     // which rule found it, for debugging and the docs
};

// A user-defined recogniser, e.g. {"EMPLOYEE_ID", "\\bEMP-\\d{6}\\b", 0.9}.
struct CustomPattern {
  std::string type;     // upper-case letters, digits and '_'
  std::string pattern;  // PCRE2 syntax
  double score = 0.9;
};

// ---------------------------------------------------------------------------------------
// The name tagger (ner.cc): a structured averaged perceptron over word, shape, affix,
// context and gazetteer features, decoded with Viterbi over BIO tags for PERSON, LOCATION
// and ORGANIZATION. Trained by `frontline train-ner` on CoNLL-style data.
//
// Model file: "FLNER2\n", a little-endian u32 header length and a JSON header (tags,
// buckets, training info), then u32 row count and rows of (u32 bucket, n_tags float
// weights), then the gazetteer (u32 count, then per word: u8 lists, u8 length, bytes), then
// a u64 xxHash64 of everything before it. Load checks every count against the file size
// and the checksum; it also reads "FLNER1" files (no gazetteer).
// ---------------------------------------------------------------------------------------

// One sentence of (token, tag) pairs. Tags are normalised by ReadConll to O, B-PERSON,
// I-PERSON, B-LOCATION, I-LOCATION, B-ORGANIZATION, I-ORGANIZATION.
using TaggedSentence = std::vector<std::pair<std::string, std::string>>;

// Reads "token<TAB or space>tag" lines, blank lines between sentences. Tags of other
// schemes are mapped: person/PER -> PERSON, location/LOC/GPE -> LOCATION,
// corporation/organization/ORG -> ORGANIZATION, anything else -> O. InvalidArgument with
// file:line for a line without a tag.
Result<std::vector<TaggedSentence>> ReadConll(const std::string& path);

// Word lists the tagger looks words up in: each lower-cased word with the lists it is on.
struct Gazetteer {
  enum List : uint8_t { kFirst = 1, kLast = 2, kLocation = 4, kOrganization = 8, kWord = 16 };
  std::unordered_map<std::string, uint8_t> words;
};

// Reads "list<TAB>entry" lines; list is first, last, location, organization or word (a
// common lower-case word, which is evidence against a name). Every word of a multi-word
// entry is marked. Blank lines and lines starting with # are skipped. InvalidArgument with
// file:line for an unknown list or a line without a tab.
Result<Gazetteer> ReadGazetteer(const std::string& path);

struct NerTrainOptions {
  int epochs = 8;
  uint64_t seed = 1;
  int bucket_bits = 18;  // feature hash table of 2^bits rows
  // Stored in the model and looked up for every token; empty: no gazetteer features.
  Gazetteer gazetteer;
  // Share of name tokens (PERSON / LOCATION / ORGANIZATION) trained as if on no list, so
  // that the tagger still finds names the lists lack from their context.
  double gazetteer_dropout = 0.25;
  // Added to the PERSON tags' scores when tagging, as a share of the model's typical score
  // spread (stored in the model): a missed name leaks, an extra placeholder only costs a
  // little context, so lean towards names.
  double person_bias = 0.04;
};

class NerModel {
 public:
  static Result<NerModel> Train(const std::vector<TaggedSentence>& data, const NerTrainOptions& options);
  static Result<NerModel> Load(const std::string& path);
  Status Save(const std::string& path) const;

  // Tags for tokens (same length).
  std::vector<std::string> TagTokens(const std::vector<std::string>& tokens) const;
  // Entity spans in raw text (byte offsets), type PERSON / LOCATION / ORGANIZATION.
  std::vector<Span> Find(std::string_view text) const;
  // Token accuracy on data (for the training log).
  double Accuracy(const std::vector<TaggedSentence>& data) const;

 private:
  std::vector<std::string> tags_;
  uint32_t bucket_bits_ = 18;
  std::vector<float> weights_;  // (2^bucket_bits, n_tags)
  Gazetteer gazetteer_;
  float person_bias_ = 0;
};

// Splits text into tagger tokens: runs of letters, digits, non-ASCII bytes, ' and -; an
// abbreviation's period stays attached ("Dr.", "T."); a possessive's "'s" (or "’s", or a
// final "'" after s) is a token of its own; other punctuation is one token each.
std::vector<std::pair<size_t, size_t>> NerTokens(std::string_view text);

struct GuardOptions {
  // Host names under these domains are HOSTNAME findings ("corp.example.com" matches
  // "srv-01.corp.example.com"). Empty: no HOSTNAME findings.
  std::vector<std::string> internal_domains;
  std::vector<CustomPattern> custom;
  // Tokens never flagged (case-insensitive, whole token), on top of the built-in technical
  // deny-list (S3, EKS, HTTP 404, CVE and KB ids, version strings, ...).
  std::vector<std::string> deny;
  double min_score = 0.5;          // findings below are dropped
  bool names = true;               // PERSON from greetings, signatures and titles
  std::string ner_model;           // a train-ner model file: PERSON, LOCATION, ORGANIZATION
                                   //   anywhere in the text; empty: none
  double ner_score = 0.8;          // score of the tagger's findings
  size_t max_bytes = 1 << 20;      // larger input: ResourceExhausted
};

class Guard {
 public:
  // InvalidArgument for a custom pattern that does not compile or a bad type name.
  static Result<Guard> Create(const GuardOptions& options);
  Guard(Guard&&) noexcept;
  Guard& operator=(Guard&&) noexcept;
  ~Guard();

  // Findings in text, sorted by start, non-overlapping (the higher score, then the longer
  // span, wins an overlap). No-break and thin spaces count as spaces, Unicode hyphens
  // between digits as '-' ("+33 1 23 45 67 89" with U+00A0 is a phone number), and
  // zero-width characters as nothing ("jo<U+200B>hn@example.com" is an address); offsets
  // are into text as given.
  Status Find(std::string_view text, std::vector<Span>* spans) const;

  // The built-in and custom type names this guard can report.
  std::vector<std::string> Types() const;

 private:
  struct Rep;
  explicit Guard(std::unique_ptr<Rep> rep);
  // Find on text whose spaces and hyphens inside numbers are ASCII.
  Status FindAscii(std::string_view text, std::vector<Span>* spans) const;
  std::unique_ptr<Rep> rep_;
};

// What Restore found wrong in an answer that came back from outside.
struct RestoreReport {
  std::vector<std::string> unknown_placeholders;  // "<EMAIL_7>" never handed out
  std::vector<std::string> new_identifiers;       // "EMAIL" values that were not in the input
};

// The mapping of one ticket thread: the same value always gets the same placeholder.
class Pseudonymizer {
 public:
  // text with every span replaced by its placeholder ("<EMAIL_1>"). Spans as from Find.
  std::string Redact(std::string_view text, const std::vector<Span>& spans);
  // Placeholders in `answer` replaced by their values. Unknown placeholders are left as
  // they are and reported; with a guard, identifiers in the answer that were never in the
  // mapping are reported too.
  std::string Restore(std::string_view answer, const Guard* guard, RestoreReport* report) const;

  // Counts of redacted values by type (for the egress ledger: types, never values).
  std::map<std::string, int> TypeCounts() const;
  // (placeholder, type, value) triples, in the order they were handed out.
  struct Entry {
    std::string placeholder, type, value;
  };
  const std::vector<Entry>& entries() const { return entries_; }
  // Rebuilds a mapping from saved entries (e.g. the store's, or a mapping file). Later
  // Redact calls continue the numbering. InvalidArgument for a placeholder that is not
  // "<TYPE_n>" or that repeats.
  static Result<Pseudonymizer> FromEntries(const std::vector<Entry>& entries);

 private:
  std::vector<Entry> entries_;
  std::map<std::string, size_t> by_value_;  // type + '\0' + value -> entries_ index
  std::map<std::string, int> next_;         // type -> last number used
};

// Shannon entropy of s in bits per byte.
double ShannonEntropy(std::string_view s);
// Luhn checksum over the digits of s (other characters ignored); false for < 12 digits.
bool LuhnValid(std::string_view s);
// IBAN: country length and mod-97 == 1 over the alphanumerics of s.
bool IbanValid(std::string_view s);

}  // namespace fl::guard
