// The recognisers, validators, deny-list and pseudonymisation.
#include <gtest/gtest.h>

#include "guard/guard.h"
#include "guard/recognisers.h"

namespace fl::guard {
namespace {

Guard Make(GuardOptions options = {}) {
  auto g = Guard::Create(options);
  EXPECT_TRUE(g.ok()) << g.status().ToString();
  return std::move(g).value();
}

// (type, value) of every finding.
std::vector<std::pair<std::string, std::string>> Found(const Guard& g, const std::string& text) {
  std::vector<Span> spans;
  Status s = g.Find(text, &spans);
  EXPECT_TRUE(s.ok()) << s.ToString();
  std::vector<std::pair<std::string, std::string>> out;
  for (const Span& sp : spans) out.emplace_back(sp.type, text.substr(sp.start, sp.end - sp.start));
  return out;
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(ValidatorTest, Checksums) {
  EXPECT_TRUE(LuhnValid("4111 1111 1111 1111"));
  EXPECT_FALSE(LuhnValid("4111 1111 1111 1112"));
  EXPECT_FALSE(LuhnValid("12345"));
  EXPECT_TRUE(IbanValid("DE89 3704 0044 0532 0130 00"));
  EXPECT_TRUE(IbanValid("GB29NWBK60161331926819"));
  EXPECT_FALSE(IbanValid("DE89 3704 0044 0532 0130 01")) << "mod 97";
  EXPECT_FALSE(IbanValid("DE89 3704 0044 0532 0130")) << "German IBANs have 22 characters";
  EXPECT_NEAR(ShannonEntropy("aaaa"), 0, 1e-9);
  EXPECT_NEAR(ShannonEntropy("abcd"), 2, 1e-9);
}

// The tagger's token may carry a number glued to a name; the name ends before it.
TEST(ValidatorTest, MissingValueMarkersAreNoNames) {
  for (const char* marker : {"nan", "null", "none", "undefined", "n/a"}) EXPECT_TRUE(internal::MissingValueMarker(marker));
  for (const char* name : {"Nan", "Nanna", "Anna", "nana"}) EXPECT_FALSE(internal::MissingValueMarker(name)) << name;
}

TEST(ValidatorTest, NameLength) {
  EXPECT_EQ(internal::NameLength("Bob Smith-905-674-3793"), 9u);
  EXPECT_EQ(internal::NameLength("Bob Smith'5403926876"), 9u);
  EXPECT_EQ(internal::NameLength("H-8432 Hódmező"), 1u);
  EXPECT_EQ(internal::NameLength("4515986"), 0u);
  EXPECT_EQ(internal::NameLength("Anna\xE2\x80\x99s"), 4u);
  EXPECT_EQ(internal::NameLength("Anna's"), 4u);
  EXPECT_EQ(internal::NameLength("Jones'"), 5u);
  EXPECT_EQ(internal::NameLength("O'Brien"), 7u);
}

// Mail clients put no-break spaces and Unicode hyphens inside numbers.
TEST(ValidatorTest, AsciiSeparatorsMapBackToTheText) {
  std::string ascii;
  std::vector<size_t> from;
  EXPECT_FALSE(internal::AsciiSeparators("plain text – with an en dash", &ascii, &from));
  const std::string text = "Tel\xC2\xA0" "555\xE2\x80\x91" "0132 \xE2\x80\x93 ok";
  ASSERT_TRUE(internal::AsciiSeparators(text, &ascii, &from));
  EXPECT_EQ(ascii, "Tel 555-0132 \xE2\x80\x93 ok") << "a dash between words stays";
  ASSERT_EQ(from.size(), ascii.size() + 1);
  EXPECT_EQ(from[3], 3u);   // the no-break space
  EXPECT_EQ(from[4], 5u);   // "555"
  EXPECT_EQ(from[7], 8u);   // the non-breaking hyphen
  EXPECT_EQ(from[8], 11u);  // "0132"
  EXPECT_EQ(from.back(), text.size());
  // Invisible characters are dropped.
  ASSERT_TRUE(internal::AsciiSeparators("jo\xE2\x80\x8Bhn", &ascii, &from));
  EXPECT_EQ(ascii, "john");
  EXPECT_EQ(from, (std::vector<size_t>{0, 1, 5, 6, 7}));
}

// The recognisers the guard skips on a text without digits are built-in ones (a renamed
// recogniser would silently run everywhere again).
TEST(ValidatorTest, DigitRecognisersAreBuiltIn) {
  std::set<std::string_view> names;
  for (const auto& r : internal::BuiltinRecognisers()) names.insert(r.name);
  for (std::string_view n : internal::DigitRecognisers()) EXPECT_TRUE(names.count(n)) << n;
}

TEST(ValidatorTest, CardsHaveTheirIssuersLengths) {
  EXPECT_TRUE(internal::ValidCard("3782 822463 10005"));
  EXPECT_FALSE(internal::ValidCard("3704 0044 0532 0130 01")) << "Luhn-valid, but Amex numbers have 15 digits";
  EXPECT_TRUE(internal::ValidCard("4111 1111 1111 1111"));
  EXPECT_FALSE(internal::ValidCard("4111 1111 1111 1111 00")) << "Luhn-valid, but Visa has 13, 16 or 19 digits";
  EXPECT_EQ(internal::NameLength("José Müller"), std::string_view("José Müller").size());
}

TEST(GuardTest, StructuredTypesWithValidators) {
  const Guard g = Make();
  EXPECT_EQ(Found(g, "mail maria.lopez@example.com now"), (Pairs{{"EMAIL", "maria.lopez@example.com"}}));
  EXPECT_EQ(Found(g, "card 4111 1111 1111 1111 ok"), (Pairs{{"CREDIT_CARD", "4111 1111 1111 1111"}}));
  EXPECT_TRUE(Found(g, "order 4111 1111 1111 1112 ok").empty()) << "fails Luhn";
  EXPECT_EQ(Found(g, "amex 3782 822463 10005 ok"), (Pairs{{"CREDIT_CARD", "3782 822463 10005"}}));
  EXPECT_EQ(Found(g, "maestro 060489736771 ok"), (Pairs{{"CREDIT_CARD", "060489736771"}})) << "an old Maestro range";
  EXPECT_TRUE(Found(g, "maestro 060489736772 ok").empty()) << "fails Luhn";
  // A zip code and a phone number pass Luhn together one time in ten; grouped like that,
  // they are not a card.
  EXPECT_EQ(Found(g, "South Ann, DE 50668 0543505646"), (Pairs{{"LOCATION", "DE 50668"}, {"PHONE", "0543505646"}}));
  for (const auto& [type, text] : Found(g, "PUE 49729 1-184-856-2751")) EXPECT_NE(type, "CREDIT_CARD") << text;
  EXPECT_EQ(Found(g, "IBAN DE89 3704 0044 0532 0130 00."), (Pairs{{"IBAN", "DE89 3704 0044 0532 0130 00"}}));
  // An IBAN's groups that run on into the next word, written spaced or not.
  EXPECT_EQ(Found(g, "Send it to AT44 5421 4304 4324 4519 from today"), (Pairs{{"IBAN", "AT44 5421 4304 4324 4519"}}));
  EXPECT_EQ(Found(g, "Send it to AT445421430443244519 today"), (Pairs{{"IBAN", "AT445421430443244519"}}));
  // A checksum-valid IBAN a character short of its country's length is still redacted
  // (Debian 12's Faker writes such GB IBANs); IbanValid itself stays strict.
  EXPECT_EQ(Found(g, "IBAN: GB96GCKE1068403885421"), (Pairs{{"IBAN", "GB96GCKE1068403885421"}}));
  EXPECT_FALSE(IbanValid("GB96GCKE1068403885421"));
  EXPECT_TRUE(Found(g, "IBAN: GB96GCKE1068403885422").empty()) << "mod 97";
  EXPECT_TRUE(Found(g, "ref DE89 3704 0044 0532 0130 01.").empty()) << "fails mod 97";
  EXPECT_EQ(Found(g, "SSN 536-22-8745"), (Pairs{{"US_SSN", "536-22-8745"}}));
  EXPECT_TRUE(Found(g, "id 666-22-8745").empty()) << "area 666 is never issued";
  EXPECT_EQ(Found(g, "host 192.168.1.20 down"), (Pairs{{"IP_ADDRESS", "192.168.1.20"}}));
  EXPECT_TRUE(Found(g, "host 192.168.1.300 down").empty()) << "octet > 255";
  EXPECT_EQ(Found(g, "from fe80::1ff:fe23:4567:890a"), (Pairs{{"IP_ADDRESS", "fe80::1ff:fe23:4567:890a"}}));
  EXPECT_EQ(Found(g, "nic 00:1A:2B:3C:4D:5E"), (Pairs{{"MAC_ADDRESS", "00:1A:2B:3C:4D:5E"}}));
  EXPECT_EQ(Found(g, "call +44 20 7946 0958 please"), (Pairs{{"PHONE", "+44 20 7946 0958"}}));
  EXPECT_EQ(Found(g, "phone (415) 555-0132"), (Pairs{{"PHONE", "(415) 555-0132"}}));
  // Extensions do not count towards the 15-digit limit; "00" is an international prefix.
  EXPECT_EQ(Found(g, "call me at 001-262-491-4463x8787 please"), (Pairs{{"PHONE", "001-262-491-4463x8787"}}));
  EXPECT_EQ(Found(g, "reach me on +1-470-252-0563x4445"), (Pairs{{"PHONE", "+1-470-252-0563x4445"}}));
  EXPECT_EQ(Found(g, "my number is (624)803-6154x5066."), (Pairs{{"PHONE", "(624)803-6154x5066"}}));
  // National numbers with their trunk 0 at full length need no context word; log
  // prefixes and times that look alike are not numbers.
  EXPECT_EQ(Found(g, "He left 0412 345 678 on the form."), (Pairs{{"PHONE", "0412 345 678"}}));
  EXPECT_EQ(Found(g, "He left 01 42 68 53 00 on the form."), (Pairs{{"PHONE", "01 42 68 53 00"}}));
  EXPECT_EQ(Found(g, "He left (05287) 47362 on the form."), (Pairs{{"PHONE", "(05287) 47362"}}));
  EXPECT_TRUE(Found(g, "[0705/123456.789:WARNING:dns]").empty());
  // Right after an abbreviation's full stop ("Tel.", "Ph.", "Fax.") a number is still
  // one; after a digit and a dot (a version, an address) it is not the start of one.
  EXPECT_EQ(Found(g, "Tel.555-123-4567 (office)"), (Pairs{{"PHONE", "555-123-4567"}}));
  EXPECT_EQ(Found(g, "Ph.(555) 123-4567"), (Pairs{{"PHONE", "(555) 123-4567"}}));
  EXPECT_EQ(Found(g, "Fax.020 7946 0958"), (Pairs{{"PHONE", "020 7946 0958"}}));
  EXPECT_TRUE(Found(g, "build 3.555-123-4567 failed").empty());
  // Short numbers need a cue; the labels of signatures and forms are cues when they start
  // a word ("T:", "Mob.", "Tel"), not inside one ("port:", "hotel", "file.txt").
  EXPECT_EQ(Found(g, "T: 358 0594"), (Pairs{{"PHONE", "358 0594"}}));
  EXPECT_EQ(Found(g, "Mob. 72 128 827"), (Pairs{{"PHONE", "72 128 827"}}));
  EXPECT_EQ(Found(g, "Tel 451 5986"), (Pairs{{"PHONE", "451 5986"}}));
  EXPECT_EQ(Found(g, "Her direct line is 71-33-52-22."), (Pairs{{"PHONE", "71-33-52-22"}}));
  EXPECT_EQ(Found(g, "Contact Sam at 780 6326 today"), (Pairs{{"PHONE", "780 6326"}}));
  // An area code in brackets may follow a zip code, carry a trunk digit, or the country
  // code may be in brackets; the number is taken whole.
  EXPECT_EQ(Found(g, "Ship to 4 Elm St Boston MA 02111 (617) 555-0132"),
            (Pairs{{"LOCATION", "4 Elm St"}, {"LOCATION", "MA 02111"}, {"PHONE", "(617) 555-0132"}}));
  EXPECT_EQ(Found(g, "Phone: 8 (912) 345-67-89"), (Pairs{{"PHONE", "8 (912) 345-67-89"}}));
  EXPECT_EQ(Found(g, "Phone: (+44) 20 7946 0958"), (Pairs{{"PHONE", "(+44) 20 7946 0958"}}));
  EXPECT_TRUE(Found(g, "port: 358 0594").empty());
  EXPECT_TRUE(Found(g, "hotel 4515986").empty()) << "\"tel\" starts no word here";
  EXPECT_TRUE(Found(g, "logs-003.txt, 3580594").empty());
  // Digits in groups of 2-4 are a phone number without a cue, unless a unit or a street
  // follows, or they stand among other numbers, masked values, years or a host name.
  EXPECT_EQ(Found(g, "I tried 451 5986 twice"), (Pairs{{"PHONE", "451 5986"}}));
  EXPECT_EQ(Found(g, "0490 75 40 81 was on the invoice"), (Pairs{{"PHONE", "0490 75 40 81"}}));
  EXPECT_TRUE(Found(g, "moved 358 0594 rows").empty()) << "a count's unit follows";
  EXPECT_EQ(Found(g, "here they are: 370 3911 Fourth Avenue Suite 697"), (Pairs{{"LOCATION", "3911 Fourth Avenue Suite 697"}})) << "a house number";
  EXPECT_TRUE(Found(g, "Fan speeds ( 3552 3534 3375 **** 3515 3479 )").empty());
  EXPECT_TRUE(Found(g, "Fan speeds ( 3552 3534 3375 11637 3515 3479 )").empty());
  EXPECT_EQ(Found(g, "USNV Jordan, FPO AP 01323 050 172 323"), (Pairs{{"PHONE", "050 172 323"}}));
  EXPECT_TRUE(Found(g, "ip_tables: (C) 2000-2002 Netfilter core team").empty());
  EXPECT_TRUE(Found(g, "from 24-54-76-216.bflony.adelphia.net").empty());
  EXPECT_EQ(Found(g, "I tried 02/123 4567 and 9469.9966 twice"), (Pairs{{"PHONE", "02/123 4567"}, {"PHONE", "9469.9966"}}));
  EXPECT_TRUE(Found(g, "PCI: Using IRQ router PIIX/ICH [8086/2410] at 0000:00:1f.0").empty());
  EXPECT_TRUE(Found(g, "took 1234.5678 ms on 12.05.2024 and 2024.05.12").empty());
  // Ten digits in a run shaped like a phone number need no cue; counters, ids and epoch
  // seconds do not look like one or have their name just before.
  EXPECT_EQ(Found(g, "I left 5403926876 for you."), (Pairs{{"PHONE", "5403926876"}}));
  EXPECT_EQ(Found(g, "I left 0612345678 for you."), (Pairs{{"PHONE", "0612345678"}}));
  EXPECT_TRUE(Found(g, "Original Seq: 3226706533, Ack 3325040593").empty());
  EXPECT_TRUE(Found(g, "taskID[2019352994] done").empty());
  EXPECT_TRUE(Found(g, "at 1126979315 the node").empty()) << "an area code never starts with 1";
  EXPECT_TRUE(Found(g, "len 5403926876 bytes").empty()) << "a field's name just before";
  EXPECT_TRUE(Found(g, "Order #: 5403926876").empty());
  EXPECT_EQ(Found(g, "Phone #: 5403926876"), (Pairs{{"PHONE", "5403926876"}})) << "a cue just before wins";
  EXPECT_EQ(Found(g, "Order 4471 0143526119"), (Pairs{{"PHONE", "0143526119"}})) << "the order number is 4471";
  EXPECT_EQ(Found(g, "Ask Lena: 5403926876."), (Pairs{{"PHONE", "5403926876"}})) << "\"len$\" ends a word";
  // Nine digits in a run only with a trunk 0 ("039722003"); other nine-digit runs are ids.
  EXPECT_EQ(Found(g, "I tried 039722003 twice"), (Pairs{{"PHONE", "039722003"}}));
  EXPECT_TRUE(Found(g, "I tried 962669857 twice").empty());
  EXPECT_TRUE(Found(g, "I tried 123456789 twice").empty());
  EXPECT_TRUE(Found(g, "ticket 039722003 closed").empty()) << "an id's name just before";
  // An area code and one group of 6-7 digits, 8-11 in all; not after a year, not a decimal.
  EXPECT_EQ(Found(g, "I tried 210 9789102 twice"), (Pairs{{"PHONE", "210 9789102"}}));
  EXPECT_EQ(Found(g, "2960 577132 was on the invoice"), (Pairs{{"PHONE", "2960 577132"}}));
  EXPECT_EQ(Found(g, "I tried 99 668472 twice"), (Pairs{{"PHONE", "99 668472"}}));
  EXPECT_TRUE(Found(g, "Using 14.318180 MHz HPET").empty()) << "a decimal";
  EXPECT_TRUE(Found(g, "in 2019 1234567 users").empty());
  // Eight digits in brackets and two groups ("(72) 754-186"), not in one ("(12) 345678").
  EXPECT_EQ(Found(g, "He gave me (72) 754-186 and left."), (Pairs{{"PHONE", "(72) 754-186"}}));
  EXPECT_TRUE(Found(g, "He gave me (12) 345678 and left.").empty());
  // "said:" is no id's "id:"; "or" after a number lists ids, after a word not.
  EXPECT_EQ(Found(g, "The list said: 451 5986."), (Pairs{{"PHONE", "451 5986"}}));
  EXPECT_TRUE(Found(g, "session id: 451 5986").empty());
  EXPECT_EQ(Found(g, "Write to us or 5403926876"), (Pairs{{"PHONE", "5403926876"}}));
  EXPECT_TRUE(Found(g, "Seq 3226706533 or 3226706534").empty());
  // A colon after a number ends a phrase unless a digit follows (a time).
  EXPECT_EQ(Found(g, "0490 75 40 81: ask for Bob"), (Pairs{{"PHONE", "0490 75 40 81"}}));
  EXPECT_TRUE(Found(g, "at 2015 10 18:01 the node").empty());
  EXPECT_EQ(Found(g, "I left 06-3/295 0312 there."), (Pairs{{"PHONE", "06-3/295 0312"}}));
  EXPECT_EQ(Found(g, "I left 030/12345678 there."), (Pairs{{"PHONE", "030/12345678"}}));
  EXPECT_EQ(Found(g, "name,phone\nErik,451 5986"), (Pairs{{"PHONE", "451 5986"}})) << "a CSV field";
  EXPECT_EQ(Found(g, "Call me any time 451 5986"), (Pairs{{"PHONE", "451 5986"}}));
  EXPECT_TRUE(Found(g, "elapsed time 4515986").empty()) << "one run after a log field's name";
  EXPECT_TRUE(Found(g, "elapsed time 5403926876").empty());
  EXPECT_EQ(Found(g, "Call me any time 0478032950"), (Pairs{{"PHONE", "0478032950"}}));
  EXPECT_EQ(Found(g, "Customer service: 92947448"), (Pairs{{"PHONE", "92947448"}})) << "a service's label cues";
  // No-break and thin spaces and Unicode hyphens inside numbers; the findings are the
  // original bytes.
  EXPECT_EQ(Found(g, "Tel: +33\xC2\xA0" "1\xC2\xA0" "23\xC2\xA0" "45\xC2\xA0" "67\xC2\xA0" "89 today"),
            (Pairs{{"PHONE", "+33\xC2\xA0" "1\xC2\xA0" "23\xC2\xA0" "45\xC2\xA0" "67\xC2\xA0" "89"}}));
  EXPECT_EQ(Found(g, "write to j\xC3\xBCrgen@m\xC3\xBCller.de today"), (Pairs{{"EMAIL", "j\xC3\xBCrgen@m\xC3\xBCller.de"}}));
  EXPECT_EQ(Found(g, "jos\xC3\xA9.garc\xC3\xAD" "a@correo.es"), (Pairs{{"EMAIL", "jos\xC3\xA9.garc\xC3\xAD" "a@correo.es"}}));
  EXPECT_EQ(Found(g, "mail jo\xE2\x80\x8Bhn@exam\xC2\xADple.com now"),
            (Pairs{{"EMAIL", "jo\xE2\x80\x8Bhn@exam\xC2\xADple.com"}}));
  EXPECT_EQ(Found(g, "Call 555\xE2\x80\x91" "123\xE2\x80\x91" "4567 now"),
            (Pairs{{"PHONE", "555\xE2\x80\x91" "123\xE2\x80\x91" "4567"}}));
  EXPECT_EQ(Found(g, "card 4111\xE2\x80\xAF" "1111\xE2\x80\xAF" "1111\xE2\x80\xAF" "1111"),
            (Pairs{{"CREDIT_CARD", "4111\xE2\x80\xAF" "1111\xE2\x80\xAF" "1111\xE2\x80\xAF" "1111"}}));
  EXPECT_EQ(Found(g, "IBAN DE89\xC2\xA0" "3704\xC2\xA0" "0044\xC2\xA0" "0532\xC2\xA0" "0130\xC2\xA0" "00"),
            (Pairs{{"IBAN", "DE89\xC2\xA0" "3704\xC2\xA0" "0044\xC2\xA0" "0532\xC2\xA0" "0130\xC2\xA0" "00"}}));
  EXPECT_EQ(Found(g, "94.144.85.224 06 745 7254"), (Pairs{{"IP_ADDRESS", "94.144.85.224"}, {"PHONE", "06 745 7254"}}))
      << "after a dotted number";
  EXPECT_TRUE(Found(g, "moved 3,451 5986 of them").empty()) << "a thousands separator";
  EXPECT_TRUE(Found(g, "due 05/11/2024 and 01/2025 there.").empty());
  EXPECT_TRUE(Found(g, "moved 210 9789102 rows").empty()) << "a count's unit follows";
  EXPECT_EQ(Found(g, "Ship to 08631 0061 Rissik St Apt. 968"), (Pairs{{"LOCATION", "0061 Rissik St Apt. 968"}})) << "a zip code and a house number";
  EXPECT_EQ(Found(g, "60-56-85-91, 701 Russell Mountain Apt. 873"),
            (Pairs{{"PHONE", "60-56-85-91"}, {"LOCATION", "701 Russell Mountain Apt. 873"}}))
      << "the street is 701's";
  EXPECT_EQ(Found(g, "699 956 915 GB47CNUV5051523443655"),
            (Pairs{{"PHONE", "699 956 915"}, {"IBAN", "GB47CNUV5051523443655"}}))
      << "GB is no unit here";
  // Other national shapes need no cue either: a trunk 0 and 9-11 digits in groups (also
  // with dots), eleven digits in a run, a code in brackets; a hyphen used as a dash ends one.
  EXPECT_EQ(Found(g, "I left 031 925 412 there."), (Pairs{{"PHONE", "031 925 412"}}));
  EXPECT_EQ(Found(g, "I left 0455.514.397 there."), (Pairs{{"PHONE", "0455.514.397"}}));
  EXPECT_EQ(Found(g, "I left (0681)-241586 there."), (Pairs{{"PHONE", "(0681)-241586"}}));
  EXPECT_EQ(Found(g, "I left 01914960073 there."), (Pairs{{"PHONE", "01914960073"}}));
  EXPECT_EQ(Found(g, "I left (351) 960 669 074 there."), (Pairs{{"PHONE", "(351) 960 669 074"}}));
  EXPECT_EQ(Found(g, "I left (03).5024.2984 there."), (Pairs{{"PHONE", "(03).5024.2984"}}));
  EXPECT_EQ(Found(g, "Call me at (555) 555-5555 x12."), (Pairs{{"PHONE", "(555) 555-5555 x12"}}))
      << "equal scores (0.55 + 0.4, 0.75 + 0.2): the longer finding";
  EXPECT_EQ(Found(g, "I left (66)/193-4514 and 06-79/290 8100 there."),
            (Pairs{{"PHONE", "(66)/193-4514"}, {"PHONE", "06-79/290 8100"}}));
  EXPECT_EQ(Found(g, "Numbers:\n* 775 877 893\n* 0490 75 40 81"),
            (Pairs{{"PHONE", "775 877 893"}, {"PHONE", "0490 75 40 81"}}))
      << "a bullet is not a masked value";
  // A US ZIP+4 code with its leading 0 is not a trunk-0 number; a cue still makes one.
  EXPECT_EQ(Found(g, "12 Elm Street, Boston, MA 02111-1234, USA"),
            (Pairs{{"LOCATION", "12 Elm Street"}, {"LOCATION", "MA 02111-1234"}}));
  EXPECT_EQ(Found(g, "Phone: 02111-1234"), (Pairs{{"PHONE", "02111-1234"}}));
  EXPECT_EQ(Found(g, "I left 555-123-4567- thanks"), (Pairs{{"PHONE", "555-123-4567"}}));
  // After a zip code: hyphens or dots between groups tell a new number from the rest of one.
  EXPECT_EQ(Found(g, "PA 27624 001-978-653-9676"), (Pairs{{"LOCATION", "PA 27624"}, {"PHONE", "001-978-653-9676"}}));
  EXPECT_EQ(Found(g, "Kyiv, 82460 027 841-45-45"), (Pairs{{"PHONE", "027 841-45-45"}}));
  EXPECT_EQ(Found(g, "VIC, 2632 +61 486 012 904"), (Pairs{{"LOCATION", "VIC, 2632"}, {"PHONE", "+61 486 012 904"}}));
  EXPECT_EQ(Found(g, "Faro ((351) 910 706 773)"), (Pairs{{"PHONE", "(351) 910 706 773"}}));
  EXPECT_TRUE(Found(g, "part 555-123-4567-89 shipped").empty()) << "a longer hyphenated id";
  // With a cue, any grouping of 7-15 digits: one run, a slash after the area code, the
  // country code in brackets after "+", the whole number in brackets.
  EXPECT_EQ(Found(g, "Tel. 45000806"), (Pairs{{"PHONE", "45000806"}}));
  EXPECT_EQ(Found(g, "mobile: 06-30/123 4567"), (Pairs{{"PHONE", "06-30/123 4567"}}));
  EXPECT_EQ(Found(g, "phone +(370) 15000806"), (Pairs{{"PHONE", "+(370) 15000806"}}));
  EXPECT_EQ(Found(g, "Sam (+1-720-565-6162x4615) called"), (Pairs{{"PHONE", "+1-720-565-6162x4615"}}));
  EXPECT_TRUE(Found(g, "please call about ticket 45000806").empty()) << "an id's name just before";
  EXPECT_TRUE(Found(g, "call me on 12/05/2024").empty()) << "a date";
  EXPECT_TRUE(Found(g, "My driver's license number is 6940579").empty()) << "another number";
  EXPECT_TRUE(Found(g, "Total number of records: 1048576").empty()) << "a count";
  EXPECT_EQ(Found(g, "Country: Portugal. Contact: 960 669 074"), (Pairs{{"PHONE", "960 669 074"}}))
      << "\"count\" ends a word";
  // Words right after the number that call it a phone outweigh an id's word before it.
  EXPECT_EQ(Found(g, "Customer number 774 576 864 is my phone number"), (Pairs{{"PHONE", "774 576 864"}}));
  EXPECT_EQ(Found(g, "Ticket 45000806 is my number"), (Pairs{{"PHONE", "45000806"}}));
  EXPECT_TRUE(Found(g, "Ticket 45000806 is closed").empty());
  // An id's word just before counts only in its own sentence.
  EXPECT_EQ(Found(g, "Close my account. (0681) 241-586"), (Pairs{{"PHONE", "(0681) 241-586"}}));
  EXPECT_EQ(Found(g, "Why can't I top up my account? 2104158683"), (Pairs{{"PHONE", "2104158683"}}));
  EXPECT_TRUE(Found(g, "Acct. 12345678").empty()) << "an abbreviation's dot";
  // A street's or a unit's word follows within two words, not after an article.
  EXPECT_EQ(Found(g, "I sent money to 2810 286570 country many hours ago"), (Pairs{{"PHONE", "2810 286570"}}));
  EXPECT_EQ(Found(g, "Is 22 962 24 63 a way to reach you?"), (Pairs{{"PHONE", "22 962 24 63"}}));
  EXPECT_TRUE(Found(g, "555 0132 total rows").empty());
  // A Greek landline's 5-2-3.
  EXPECT_EQ(Found(g, "Do I have a 26400 23 592 on file?"), (Pairs{{"PHONE", "26400 23 592"}}));
  // An Indian mobile number in two halves; not two postcodes.
  EXPECT_EQ(Found(g, "I tried 98765 43210 twice."), (Pairs{{"PHONE", "98765 43210"}}));
  EXPECT_TRUE(Found(g, "postcodes 10115 20095").empty());
  // Cue words of other languages and channels.
  for (const std::string cue : {"T\xC3\xA9l :", "Num\xC3\xA9ro:", "GSM", "Nummer:", "Natel", "pager",
                                "get in touch on"}) {
    EXPECT_EQ(Found(g, cue + " 45000806"), (Pairs{{"PHONE", "45000806"}})) << cue;
  }
  EXPECT_TRUE(Found(g, "Kundennummer 45000806").empty()) << "a customer number";
  // A cue is a word, not part of one: "Callejón", "breach", "Fairfax", "dialog" cue nothing.
  for (const std::string cue : {"Call", "called me from", "Fax:", "reach me on", "Cell", "dial"}) {
    EXPECT_EQ(Found(g, cue + " 45000806"), (Pairs{{"PHONE", "45000806"}})) << cue;
  }
  for (const std::string word : {"Ship to Callej\xC3\xB3n", "data breach", "Fairfax", "dialog"}) {
    EXPECT_TRUE(Found(g, word + " 45000806").empty()) << word;
  }
  EXPECT_EQ(Found(g, "Ship to Callej\xC3\xB3n Ir\xC3\xA1n 222 621"), (Pairs{{"LOCATION", "Callej\xC3\xB3n Ir\xC3\xA1n 222"}}))
      << "a house's and a flat's number";
  // A name cues a number of seven digits or more, not six.
  EXPECT_EQ(Found(g, "Regards,\nJohn Smith\n45000806"), (Pairs{{"PERSON", "John Smith"}, {"PHONE", "45000806"}}));
  EXPECT_EQ(Found(g, "Regards,\nJohn Smith\n290 219"), (Pairs{{"PERSON", "John Smith"}}));
  // Six digits in pairs or triples after a phone's word (Greenland, the Faroe Islands).
  EXPECT_EQ(Found(g, "Phone: 32 12 34"), (Pairs{{"PHONE", "32 12 34"}}));
  EXPECT_EQ(Found(g, "Tel. 321-234"), (Pairs{{"PHONE", "321-234"}}));
  EXPECT_TRUE(Found(g, "32 12 34 was on the form").empty()) << "no cue";
  EXPECT_TRUE(Found(g, "[10.30 18:01:34] call.exe started").empty()) << "a date and a time";
  // A number does not run on over a line's end into the next one.
  EXPECT_EQ(Found(g, "+432662 294 469\n8276 33 26 38"), (Pairs{{"PHONE", "+432662 294 469"}, {"PHONE", "8276 33 26 38"}}));
  EXPECT_EQ(Found(g, "Mob. 72 128 827 or 72 128 828"), (Pairs{{"PHONE", "72 128 827"}, {"PHONE", "72 128 828"}}));
  EXPECT_TRUE(Found(g, "Invoice date 05.11.2024 150 EUR").empty()) << "a date and an amount";
  EXPECT_TRUE(Found(g, "Invoice date 05-11-2024 150 EUR").empty()) << "a date and an amount";
  EXPECT_EQ(Found(g, "number of users 3456789, call 555 0132"), (Pairs{{"PHONE", "555 0132"}}));
  EXPECT_EQ(Found(g, "For license renewals call 6940579"), (Pairs{{"PHONE", "6940579"}}));
  // An id's word vetoes only the number it introduces: not one after the end of its
  // sentence or clause, nor one after its own number.
  EXPECT_EQ(Found(g, "My account is locked out. You can reach me at 451 5986."), (Pairs{{"PHONE", "451 5986"}}));
  EXPECT_EQ(Found(g, "Re: order 5531 - please contact me on 78 651 450"), (Pairs{{"PHONE", "78 651 450"}}));
  EXPECT_EQ(Found(g, "About the invoice: reach me at (99) 645-791."), (Pairs{{"PHONE", "(99) 645-791"}}));
  EXPECT_TRUE(Found(g, "Passport number: 12345678").empty()) << "the colon introduces the id";
  // The id's word must name the number: a preposition, a verb or a possessive between
  // breaks the naming; a copula or a colon at the end keeps it.
  EXPECT_EQ(Found(g, "Order placed by 6411 8578"), (Pairs{{"PHONE", "6411 8578"}}));
  EXPECT_EQ(Found(g, "Request from 529 155 24 44: reset password"), (Pairs{{"PHONE", "529 155 24 44"}}));
  EXPECT_EQ(Found(g, "My customer profile still shows 59.57.65.61.15"), (Pairs{{"PHONE", "59.57.65.61.15"}}));
  EXPECT_EQ(Found(g, "The account holder's number is 339 603 06 20"), (Pairs{{"PHONE", "339 603 06 20"}}));
  EXPECT_TRUE(Found(g, "The tracking number for my parcel is 1234 5678").empty()) << "ends in a copula";
  EXPECT_TRUE(Found(g, "Account for March: 1234 5678").empty()) << "ends in a colon";
  // An id's word naming a service names a number to call.
  EXPECT_EQ(Found(g, "Customer service: 451 5986"), (Pairs{{"PHONE", "451 5986"}}));
  EXPECT_EQ(Found(g, "Our booking office can be reached on 699 956 915"), (Pairs{{"PHONE", "699 956 915"}}));
  EXPECT_TRUE(Found(g, "Customer number: 451 5986").empty());
  EXPECT_EQ(Found(g, "My order is late and my number is 451 5986"), (Pairs{{"PHONE", "451 5986"}}));
  // A name lifts an id's word before it for a grouped number, not for an id's one run.
  EXPECT_EQ(Found(g, "Customer Mr. Kenji Weber (451 5986) called"),
            (Pairs{{"PERSON", "Kenji Weber"}, {"PHONE", "451 5986"}}));
  EXPECT_EQ(Found(g, "Employee Mr. Kenji Weber 20231234 called"), (Pairs{{"PERSON", "Kenji Weber"}}));
  EXPECT_TRUE(Found(g, "Service desk ticket 699 956 915").empty()) << "the id's word is the last";
  // "No." names the number; the word before it says which.
  EXPECT_EQ(Found(g, "Phone No. 451 5986"), (Pairs{{"PHONE", "451 5986"}}));
  EXPECT_EQ(Found(g, "Cell no. 78 651 450"), (Pairs{{"PHONE", "78 651 450"}}));
  EXPECT_TRUE(Found(g, "Invoice no. 78 651 450").empty());
  // No country code starts with 0; pipes and slashes delimit fields and paths.
  // Nine digits: the nearer of an SSN's word and a phone's decides.
  EXPECT_EQ(Found(g, "SSN 536-22-8726, phone 039722003"), (Pairs{{"US_SSN", "536-22-8726"}, {"PHONE", "039722003"}}));
  EXPECT_EQ(Found(g, "phone and SSN: 536228726"), (Pairs{{"US_SSN", "536228726"}}));
  EXPECT_TRUE(Found(g, "SSN: 078-05-1120").empty()) << "an invalid SSN is no phone either";
  EXPECT_TRUE(Found(g, "Deleting block blk_4162832865986721185 file").empty()) << "Luhn-valid, in an id";
  EXPECT_TRUE(Found(g, "USBMSC Identifier (non-unique): 000000000820 0x5ac").empty());
  EXPECT_TRUE(Found(g, "ntpd[207]: wake time set +0.270003 s").empty());
  EXPECT_TRUE(Found(g, "Cache|30002312|InsertCallBack() onSuccess").empty());
  EXPECT_TRUE(Found(g, "p28-contacts.icloud.com/874161398/principal").empty());
  EXPECT_EQ(Found(g, "login CORP\\jsmith failed"), (Pairs{{"USERNAME", "CORP\\jsmith"}}));
  // Logins made of names, after an account's label or as a mention; not files or hosts.
  EXPECT_EQ(Found(g, "Owner: priya.sharma"), (Pairs{{"USERNAME", "priya.sharma"}}));
  EXPECT_EQ(Found(g, "@kenji.weber can you check"), (Pairs{{"USERNAME", "kenji.weber"}}));
  EXPECT_EQ(Found(g, "username=j_doe2 locked"), (Pairs{{"USERNAME", "j_doe2"}}));
  EXPECT_TRUE(Found(g, "user config.yaml is broken, account svc-backup too").empty());
  EXPECT_TRUE(Found(g, "ran as NT AUTHORITY\\SYSTEM for BUILTIN\\Administrators").empty()) << "built-in principals";
  EXPECT_TRUE(Found(g, "open users\\username\\appdata\\local").empty()) << "a folder path";
  EXPECT_EQ(Found(g, "I was born on 14/07/1986"), (Pairs{{"DATE_OF_BIRTH", "14/07/1986"}}));
  EXPECT_TRUE(Found(g, "the change window is 14/07/2026").empty()) << "a date without birth context";
  EXPECT_EQ(Found(g, "I was born on 1986-07-14"), (Pairs{{"DATE_OF_BIRTH", "1986-07-14"}}));
  EXPECT_TRUE(Found(g, "I was born on 45/13/1986").empty()) << "no day 45, no month 13";
  // A date is not the head of a longer number.
  EXPECT_EQ(Found(g, "Born in 1980, 60-56-85-91"), (Pairs{{"PHONE", "60-56-85-91"}}));
  EXPECT_EQ(Found(g, "born 3/4/1977 - 03.93.92.16.85"),
            (Pairs{{"DATE_OF_BIRTH", "3/4/1977"}, {"PHONE", "03.93.92.16.85"}}));
  EXPECT_EQ(Found(g, "uses https://bob:pa55@files.example.net/x"),
            (Pairs{{"URL", "https://bob:pa55@files.example.net/x"}}));
}

// A number that only a cue would make a phone's is cued by the personal data right beside
// it, as in a contact record; not by a town's name (a postcode may follow one), and not as
// the head of a host's name.
TEST(GuardTest, PhonesBesideOtherPersonalData) {
  const Guard g = Make();
  EXPECT_EQ(Found(g, "kari@hanssen.no, 48784005"), (Pairs{{"EMAIL", "kari@hanssen.no"}, {"PHONE", "48784005"}}));
  EXPECT_EQ(Found(g, "48784005 | kari@hanssen.no"), (Pairs{{"PHONE", "48784005"}, {"EMAIL", "kari@hanssen.no"}}));
  EXPECT_EQ(Found(g, "Bergbakken 1, 8463 Kirkenes (90055230)"),
            (Pairs{{"LOCATION", "Bergbakken 1, 8463 Kirkenes"}, {"PHONE", "90055230"}}));
  EXPECT_EQ(Found(g, "Hallville, WA 98101 08340057"), (Pairs{{"LOCATION", "WA 98101"}, {"PHONE", "08340057"}}));
  EXPECT_EQ(Found(g, "kari@hanssen.no said 48784005 twice"), (Pairs{{"EMAIL", "kari@hanssen.no"}})) << "words between";
  EXPECT_EQ(Found(g, "from 24.54.76.216 (24-54-76-216.bflony.adelphia.net)"),
            (Pairs{{"IP_ADDRESS", "24.54.76.216"}}));
  // A trunk-0 number after a postcode that follows a word.
  EXPECT_EQ(Found(g, "East Christianfurt, VT 20744 01759 89834"),
            (Pairs{{"LOCATION", "VT 20744"}, {"PHONE", "01759 89834"}}));
  EXPECT_TRUE(Found(g, "4111 1111 0412 345 678").empty()) << "a run of numbers";
  // Eleven digits that pass a fødselsnummer's check digits are a phone after a phone's word.
  EXPECT_EQ(Found(g, "You can reach me at 13418263304 any time."), (Pairs{{"PHONE", "13418263304"}}));
  EXPECT_EQ(Found(g, "My fødselsnummer is 13418263304"), (Pairs{{"NATIONAL_ID", "13418263304"}}));
}

// National ways of writing a number that no earlier shape covered, found whole without a
// cue: a one-digit area code in brackets (Budapest, Santiago, Bogota), a trunk prefix and a
// one-digit area code, an Italian mobile with a slash, a Brazilian mobile, a Russian
// trunk 8, a Chilean mobile, a Chinese 4-digit area code and 8 digits, a "#" extension.
TEST(GuardTest, NationalPhoneShapes) {
  const Guard g = Make();
  for (const std::string n : {"(1) 521-2813", "(2) 5448 8316", "(1) 781 3949", "06 1 449 8410", "347/1759500",
                              "11 94550-5117", "8 912 081 77 46", "8-912-699-93-71", "9 7792 2877", "0755-02783700",
                              "654-942-6442 #238"}) {
    EXPECT_EQ(Found(g, "I wrote " + n + " on the card."), (Pairs{{"PHONE", n}})) << n;
  }
  EXPECT_TRUE(Found(g, "Steps (1) 2019 2020 were merged").empty()) << "years after an enumeration";
  EXPECT_TRUE(Found(g, "group 9 2019 2020 total").empty()) << "years";
  EXPECT_TRUE(Found(g, "(1) 12345 678").empty()) << "not a local number's grouping";
  // Glued to a label's colon, in square brackets, two numbers split by a slash; not a
  // log's "[0701/114930:WARNING" nor a list of chip names.
  EXPECT_EQ(Found(g, "Name:079 2718 1155"), (Pairs{{"PHONE", "079 2718 1155"}}));
  EXPECT_EQ(Found(g, "John:0371 0264490"), (Pairs{{"PHONE", "0371 0264490"}}));
  EXPECT_EQ(Found(g, "[027 192 74 06]"), (Pairs{{"PHONE", "027 192 74 06"}}));
  EXPECT_EQ(Found(g, "Tel: 0490 75 40 81/0494 92 82 32"), (Pairs{{"PHONE", "0490 75 40 81"}, {"PHONE", "0494 92 82 32"}}));
  EXPECT_EQ(Found(g, "(74) 529-420/(78) 018-375"), (Pairs{{"PHONE", "(74) 529-420"}, {"PHONE", "(78) 018-375"}}));
  EXPECT_TRUE(Found(g, "Dropbox[24019]: [0701/114930:WARNING:dns_config.cc(306)] failed").empty());
  EXPECT_TRUE(Found(g, "Intel E7520/7320/7525 detected").empty());
  EXPECT_TRUE(Found(g, "read 4096/1048576 bytes").empty()) << "a fraction";
  EXPECT_TRUE(Found(g, "read 347/17595 bytes").empty()) << "too short for a mobile number";
}

// A number glued to a word by a hyphen or a slash, to an initial's or a label's dot, or to
// the next sentence; the word's own hyphen is no part of it. Not an id's capitals. Not a host name's IP
// ("calvisitor-10-105-162-124"), a file's suffix ("SPaSM.460-1115") or a path in a URL.
TEST(GuardTest, PhoneGluedToWords) {
  const Guard g = Make();
  EXPECT_EQ(Found(g, "Carla-451 5986"), (Pairs{{"PHONE", "451 5986"}}));
  EXPECT_EQ(Found(g, "Valida/0489 25 37 29"), (Pairs{{"PHONE", "0489 25 37 29"}}));
  EXPECT_EQ(Found(g, "0490 39 07 81-Cyprus"), (Pairs{{"PHONE", "0490 39 07 81"}}));
  EXPECT_EQ(Found(g, "Červinková-668 5702"), (Pairs{{"PHONE", "668 5702"}})) << "a word ending in UTF-8";
  EXPECT_EQ(Found(g, "jerković:0487 98 11 92"), (Pairs{{"PHONE", "0487 98 11 92"}}));
  EXPECT_EQ(Found(g, "(72) 754-186-Zoetermeer"), (Pairs{{"PHONE", "(72) 754-186"}}));
  EXPECT_EQ(Found(g, "M.358 0594"), (Pairs{{"PHONE", "358 0594"}}));
  EXPECT_EQ(Found(g, "Tel.699 956 915"), (Pairs{{"PHONE", "699 956 915"}}));
  EXPECT_EQ(Found(g, "Call 668 5702.Reed will answer"), (Pairs{{"PHONE", "668 5702"}})) << "the next sentence";
  EXPECT_EQ(Found(g, "Call 434 14 557.Hülya will answer"), (Pairs{{"PHONE", "434 14 557"}}));
  EXPECT_EQ(Found(g, "0378 3549890 - Ms. Reed"), (Pairs{{"PHONE", "0378 3549890"}, {"PERSON", "Reed"}})) << "a title, not milliseconds";
  EXPECT_EQ(Found(g, "Call Alexandra-618-226-1460"), (Pairs{{"PHONE", "618-226-1460"}})) << "a capitalised word";
  EXPECT_EQ(Found(g, "Finland-03.93.92.16.85"), (Pairs{{"PHONE", "03.93.92.16.85"}}));
  EXPECT_TRUE(Found(g, "see https://x.org/Help-555-123-4567 now").empty()) << "a path";
  EXPECT_TRUE(Found(g, "Fig.12 345 678").empty()) << "a word and a dot";
  EXPECT_TRUE(Found(g, "Ticket INC-0012 3456 raised").empty()) << "an id's capitals";
  EXPECT_TRUE(Found(g, "Jira PROJ-1234 5678").empty()) << "an id's capitals";
  EXPECT_EQ(Found(g, "Maria-(72) 754-186"), (Pairs{{"PHONE", "(72) 754-186"}}));
  EXPECT_EQ(Found(g, "0490 75 40 81/Maria"), (Pairs{{"PHONE", "0490 75 40 81"}}));
  EXPECT_EQ(Found(g, "Mobile:-98765 43210"), (Pairs{{"PHONE", "98765 43210"}}));
  EXPECT_TRUE(Found(g, "setWiredDeviceConnectionState  type: -2147483632  state: 0").empty()) << "a negative number";
  EXPECT_TRUE(Found(g, "Jul  8 05:56:53 calvisitor-10-105-162-124 WeChat[24144]: test").empty());
  EXPECT_TRUE(Found(g, "Error loading /bgl/apps/SPaSM.460-1115: invalid").empty());
  EXPECT_TRUE(Found(g, "at http://joereddington.com/4008/2014/08/04/gmail-for-yes").empty());
  EXPECT_TRUE(Found(g, "took 0378 3549 ms").empty()) << "a unit right after";
}

// A second number after "or" is a phone when the first is written in groups; after a
// log's long run of digits or a small number it is not.
TEST(GuardTest, PhoneAfterOr) {
  const Guard g = Make();
  EXPECT_EQ(Found(g, "0487 98 11 92 or 9498777106"), (Pairs{{"PHONE", "0487 98 11 92"}, {"PHONE", "9498777106"}}));
  EXPECT_EQ(Found(g, "0378 3549890 or 5403926876"), (Pairs{{"PHONE", "0378 3549890"}, {"PHONE", "5403926876"}}));
  EXPECT_TRUE(Found(g, "Seq 3226706533 or 3226706534").empty());
  EXPECT_TRUE(Found(g, "Message code 0 is not 51 or 4294967295").empty());
}

// Street addresses are places: a house number and a street type, a street word built
// into the name, a street type first, a US state and its ZIP code.
TEST(GuardTest, StreetAddressesArePlaces) {
  const Guard g = Make();
  EXPECT_EQ(Found(g, "Ship to 742 Evergreen Terrace, Springfield, IL 62704"),
            (Pairs{{"LOCATION", "742 Evergreen Terrace"}, {"LOCATION", "IL 62704"}}));
  EXPECT_EQ(Found(g, "my address is 221B Baker Street"), (Pairs{{"LOCATION", "221B Baker Street"}}));
  EXPECT_EQ(Found(g, "417 Kennedy Isle Apt. 706"), (Pairs{{"LOCATION", "417 Kennedy Isle Apt. 706"}}));
  EXPECT_EQ(Found(g, "Gutknechtstra\xC3\x9F" "e 63, Forchheim"), (Pairs{{"LOCATION", "Gutknechtstra\xC3\x9F" "e 63"}}));
  EXPECT_EQ(Found(g, "I moved to Calle Mayor 12"), (Pairs{{"LOCATION", "Calle Mayor 12"}}));
  EXPECT_EQ(Found(g, "Avenida de Loureiro, 46"), (Pairs{{"LOCATION", "Avenida de Loureiro, 46"}}));
  EXPECT_EQ(Found(g, "Bergbakken 1, 8463 K\xC3\xA5rehavn"), (Pairs{{"LOCATION", "Bergbakken 1, 8463 K\xC3\xA5rehavn"}}));
  EXPECT_EQ(Found(g, "London NW1 6XE"), (Pairs{{"LOCATION", "NW1 6XE"}}));
  EXPECT_EQ(Found(g, "Jl. Setiabudhi No. 637, Makassar"), (Pairs{{"LOCATION", "Jl. Setiabudhi No. 637"}}));
  EXPECT_EQ(Found(g, "ship to 009 M\xC3\xA4" "der Union Suite 948, please"),
            (Pairs{{"LOCATION", "009 M\xC3\xA4" "der Union Suite 948"}})) << "a name beyond ASCII";
  EXPECT_EQ(Found(g, "PSC 2547, Box 5683, APO AA 90411"), (Pairs{{"LOCATION", "PSC 2547, Box 5683, APO AA 90411"}}));
  EXPECT_EQ(Found(g, "Apt. 074, 75 Emily Boulevard, Reidview"), (Pairs{{"LOCATION", "Apt. 074, 75 Emily Boulevard"}}));
  EXPECT_EQ(Found(g, "at 5103 Brandi Throughway now"), (Pairs{{"LOCATION", "5103 Brandi Throughway"}}));
  // Australian street types; a flat, a floor or a building after the number.
  EXPECT_EQ(Found(g, "Send it to 75 Emily Esplanade please"), (Pairs{{"LOCATION", "75 Emily Esplanade"}}));
  EXPECT_EQ(Found(g, "Via Grasso 535 Piano 8, Sartori"), (Pairs{{"LOCATION", "Via Grasso 535 Piano 8"}}));
  EXPECT_EQ(Found(g, "Rambla Esther Sanmiguel 19 Apt. 63 , La"),
            (Pairs{{"LOCATION", "Rambla Esther Sanmiguel 19 Apt. 63"}}));
  EXPECT_EQ(Found(g, "Privada Dom\xC3\xADnguez 373 Edif. 376 , Depto. 703, Nueva"),
            (Pairs{{"LOCATION", "Privada Dom\xC3\xADnguez 373 Edif. 376 , Depto. 703"}}));
  EXPECT_TRUE(Found(g, "Spring 2024 release, Katie 4 votes, Agata 3, Port 443 Drive mapping").empty());
  EXPECT_TRUE(Found(g, "As of September 22, 2015 If you pass").empty()) << "a date";
  // Mexican street types, an interior number after the exterior one.
  EXPECT_EQ(Found(g, "Privada Sanches 807 827, San Mauro"), (Pairs{{"LOCATION", "Privada Sanches 807 827"}}));
  EXPECT_EQ(Found(g, "Calzada Sur Gamboa 450 545, Nueva Andorra"), (Pairs{{"LOCATION", "Calzada Sur Gamboa 450 545"}}));
}

// European national identity numbers: found by their check digits, not by shape alone.
TEST(GuardTest, NationalIdsByTheirCheckDigits) {
  const Guard g = Make();
  for (const std::string id : {"12345678Z", "X1234567L", "RSSMRA85T10A562S", "811228-9874", "131052-308T",
                               "01010710029", "1 85 05 78 006 084 91", "AB 12 34 56 C"}) {
    EXPECT_EQ(Found(g, "My ID is " + id + ", thanks"), (Pairs{{"NATIONAL_ID", id}})) << id;
  }
  EXPECT_EQ(Found(g, "PESEL 44051401359"), (Pairs{{"NATIONAL_ID", "44051401359"}}));
  for (const std::string wrong : {"12345678A", "RSSMRA85T10A562T", "811228-9875", "131052-308U", "01010710028",
                                  "1 85 05 78 006 084 92", "QQ 12 34 56 C", "AB 12 34 56 E"}) {
    for (const Span& s : [&] {
           std::vector<Span> out;
           EXPECT_TRUE(g.Find("My ID is " + wrong + ", thanks", &out).ok());
           return out;
         }()) {
      EXPECT_NE(s.type, "NATIONAL_ID") << wrong;
    }
  }
  EXPECT_TRUE(Found(g, "ref 44051401359 done").empty()) << "a PESEL only after its name";
}

TEST(GuardTest, IpPrivacyIsTagged) {
  const Guard g = Make();
  std::vector<Span> spans;
  ASSERT_TRUE(g.Find("a 10.1.2.3 b 8.8.8.8", &spans).ok());
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].recogniser, "ipv4-private");
  EXPECT_EQ(spans[1].recogniser, "ipv4-public");
  // A version's word must start a word to make the number a version: "server" is no "ver".
  EXPECT_EQ(Found(g, "server 10.0.0.1 is down"), (Pairs{{"IP_ADDRESS", "10.0.0.1"}}));
  EXPECT_EQ(Found(g, "observer 8.8.4.4 replied"), (Pairs{{"IP_ADDRESS", "8.8.4.4"}}));
  EXPECT_TRUE(Found(g, "Windows ver. 10.0.19045 and v. 1.2.3.4").empty());
}

TEST(GuardTest, Secrets) {
  const Guard g = Make();
  for (const std::string secret :
       {"AKIAZ7QW3ERTY5UIOP2X", "ghp_aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6", "xoxb-1234567890-abcdefghij",
        "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q", "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        "Zm9vYmFyQmF6UXV4MTIzNDU2Nzg5MGFiY2RlZg"}) {
    EXPECT_EQ(Found(g, "value " + secret + " here"), (Pairs{{"SECRET", secret}})) << secret;
  }
  for (const std::string secret :
       {"glpat-xY3zA9bC8dE7fG6hI5jK", "sk-proj-abcdefghijklmnop1234567890", "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123",
        "hf_abcdefghijklmnopqrstuvwxyzABCDEFGH", "SG.abcdefghijklmnopqrstuv.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"}) {
    EXPECT_EQ(Found(g, "value " + secret + " here"), (Pairs{{"SECRET", secret}})) << secret;
  }
  EXPECT_EQ(Found(g, "Authorization: Basic dXNlcjpwYXNzd29yZA=="), (Pairs{{"SECRET", "dXNlcjpwYXNzd29yZA=="}}));
  EXPECT_EQ(Found(g, "curl -H 'Authorization: Bearer abc.def'"), (Pairs{{"SECRET", "abc.def"}}));
  EXPECT_TRUE(Found(g, "bearer tokens expire after an hour; the task-runner failed").empty());
  EXPECT_EQ(Found(g, "password=Hunter2!x"), (Pairs{{"SECRET", "Hunter2!x"}}));
  EXPECT_EQ(Found(g, "pwd: s3cret99 thanks"), (Pairs{{"SECRET", "s3cret99"}}));
  EXPECT_TRUE(Found(g, "my password: expired").empty());
  EXPECT_TRUE(Found(g, "password reset please").empty());
  // "is" as well as ':' or '=', more words for a password, a sentence's mark not judged.
  EXPECT_EQ(Found(g, "my pin is 4821"), (Pairs{{"SECRET", "4821"}}));
  EXPECT_EQ(Found(g, "My password is Summer2024!"), (Pairs{{"SECRET", "Summer2024!"}}));
  EXPECT_EQ(Found(g, "pw: Tr0ub4dor&3"), (Pairs{{"SECRET", "Tr0ub4dor&3"}}));
  EXPECT_TRUE(Found(g, "My PIN was blocked.").empty());
  EXPECT_TRUE(Found(g, "my password is not working").empty());
  const std::string pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----";
  EXPECT_EQ(Found(g, "key:\n" + pem + "\nbye"), (Pairs{{"SECRET", pem}}));
  const std::string conn = "Server=db1;Database=hr;User Id=sa;Password=P@ssw0rd;";
  EXPECT_EQ(Found(g, "conn " + conn), (Pairs{{"SECRET", conn}}));
}

TEST(GuardTest, TechnicalTokensAreNotFlagged) {
  const Guard g = Make();
  for (const std::string text :
       {"Windows 10.0.19045 build", "version 1.2.3.4 installed", "KB5005565 failed to install",
        "patch CVE-2021-44228 now", "got HTTP 404 from the API", "S3 bucket and EKS cluster on i7 hosts",
        "git sha 3f786850e387550fdab836ed7e6dc881de23001b", "guid 123e4567-e89b-12d3-a456-426614174000",
        "error 0x80070005 on update", "HKLM\\Software\\Policies\\Microsoft", "Hi team, the VPN is down",
        "ticket INC0012345 reopened", "disk at 95% on 3 of 12 nodes", "The build number 20240512 is broken",
        "Serial number 1234567890 on the chassis", "Epoch 1701234567 and ms 1701234567890",
        "Latency 12 345 678 ns over 100 000 requests", "Asset tag 00012345 assigned to desk 4-117",
        "ISBN 978-3-16-148410-0 is the manual", "Change request CHG0034567 approved for 2024/05/12"}) {
    EXPECT_TRUE(Found(g, text).empty()) << text;
  }
}

TEST(GuardTest, NamesFromGreetingsSignaturesAndTitles) {
  const Guard g = Make();
  EXPECT_EQ(Found(g, "Hi Maria,\nmy laptop is slow"), (Pairs{{"PERSON", "Maria"}}));
  EXPECT_EQ(Found(g, "It crashed again.\nKind regards,\nJohan Berg"), (Pairs{{"PERSON", "Johan Berg"}}));
  EXPECT_EQ(Found(g, "Please ask Dr. Anna Weber"), (Pairs{{"PERSON", "Anna Weber"}}));
  // Thanks name their reader as greetings do; not "Thanks Team!" or "Thanks Much!".
  EXPECT_EQ(Found(g, "That fixed it. Thanks Lea!"), (Pairs{{"PERSON", "Lea"}}));
  EXPECT_EQ(Found(g, "Cheers Tom Berg,"), (Pairs{{"PERSON", "Tom Berg"}}));
  for (const std::string not_name : {"Thanks Team!", "Thanks Much!", "Thanks Both!", "Thanks Mate,", "Thanks Again!"})
    EXPECT_TRUE(Found(g, not_name).empty()) << not_name;
  // A title in lower case only with its dot: "ms. Quinzia", not "MS Word" or "I miss Paris".
  EXPECT_EQ(Found(g, "join accounts with ms. Quinzia"), (Pairs{{"PERSON", "Quinzia"}}));
  EXPECT_EQ(Found(g, "Dear Mr. van der Berg, hello"), (Pairs{{"PERSON", "van der Berg"}}));
  EXPECT_EQ(Found(g, "Mrs. da Costa called"), (Pairs{{"PERSON", "da Costa"}}));
  EXPECT_TRUE(Found(g, "MS Word and ms Teams crash; I miss Paris").empty());
  EXPECT_TRUE(Found(Make({.names = false}), "Hi Maria,\nthanks").empty());
  // Names with letters beyond ASCII are taken whole (never a leaking half such as "Gar"
  // of "Garðar"), with a middle initial; a title alone is no name.
  EXPECT_EQ(Found(g, "this is Dr. Garðar Matthíasson."), (Pairs{{"PERSON", "Garðar Matthíasson"}}));
  EXPECT_EQ(Found(g, "Dear Željko,\nthe printer"), (Pairs{{"PERSON", "Željko"}}));
  EXPECT_EQ(Found(g, "my name is Ján M. Novák but"), (Pairs{{"PERSON", "Ján M. Novák"}}));
  EXPECT_TRUE(Found(g, "Hello, this is Dr. 123").empty());
  // A name found once is found again where it stands alone.
  EXPECT_EQ(Found(g, "Dear Anna Weber,\nWeber's laptop and Anna's phone; Weberstrasse"),
            (Pairs{{"PERSON", "Anna Weber"}, {"PERSON", "Weber"}, {"PERSON", "Anna"}}));
  // A signature's number on the line under the name is a phone; a street number is not.
  EXPECT_EQ(Found(g, "Kind regards,\nJohan Berg\n5551234"), (Pairs{{"PERSON", "Johan Berg"}, {"PHONE", "5551234"}}));
  EXPECT_EQ(Found(g, "Kind regards,\nJohan Berg\n3747 3911 Fourth Avenue"),
            (Pairs{{"PERSON", "Johan Berg"}, {"LOCATION", "3911 Fourth Avenue"}}));
}

TEST(GuardTest, ConfigurableDomainsCustomTypesAndDenyList) {
  GuardOptions o;
  o.internal_domains = {"corp.example.com"};
  o.custom = {{"EMPLOYEE_ID", R"(\bEMP-\d{6}\b)", 0.9}};
  o.deny = {"192.168.1.1"};
  const Guard g = Make(o);
  EXPECT_EQ(Found(g, "srv-db-07.corp.example.com is slow"), (Pairs{{"HOSTNAME", "srv-db-07.corp.example.com"}}));
  EXPECT_TRUE(Found(g, "www.example.com is slow").empty());
  EXPECT_EQ(Found(g, "badge EMP-204518"), (Pairs{{"EMPLOYEE_ID", "EMP-204518"}}));
  EXPECT_TRUE(Found(g, "gateway 192.168.1.1").empty());
  auto bad = Guard::Create({.custom = {{"lower", "x", 0.9}}});
  EXPECT_FALSE(bad.ok());
  auto bad_re = Guard::Create({.custom = {{"X", "(unclosed", 0.9}}});
  ASSERT_FALSE(bad_re.ok());
  EXPECT_NE(bad_re.status().message().find("custom recogniser X"), std::string::npos);
}

TEST(GuardTest, OverlapsKeepTheStrongerFinding) {
  const Guard g = Make();
  // The e-mail inside a URL with credentials is part of the URL finding.
  const auto f = Found(g, "see https://bob:pw9@host.example.com/a?to=x@example.com end");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].first, "URL");
}

TEST(GuardTest, HostileInputFailsClosedOrQuickly) {
  const Guard g = Make({.max_bytes = 1000});
  std::vector<Span> spans;
  Status s = g.Find(std::string(2000, 'a'), &spans);
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(spans.empty());
  // Pathological shapes within the limit still finish (the match budget bounds each).
  const Guard big = Make();
  for (const std::string& text : {std::string(50000, '1'), std::string(50000, '-'), std::string(20000, '@') + "a.b",
                                 std::string(30000, 'A'), std::string("a\\") + std::string(30000, 'b')}) {
    Status st = big.Find(text, &spans);
    EXPECT_TRUE(st.ok() || st.code() == StatusCode::kResourceExhausted) << st.ToString();
  }
  // Many findings: each name and number is found, and looking up overlaps, names before
  // numbers and earlier findings stays logarithmic (this took half a minute when it was a
  // scan of every finding so far).
  std::string many;
  for (int i = 0; i < 20000; ++i) many += "Hello John Smith, 4515986. ";
  ASSERT_TRUE(big.Find(many, &spans).ok());
  EXPECT_EQ(spans.size(), 40000u);
  EXPECT_EQ(std::count_if(spans.begin(), spans.end(), [](const Span& x) { return x.type == "PHONE"; }), 20000);
  // Invalid UTF-8 is scanned as bytes, never crashes.
  ASSERT_TRUE(big.Find("\xff\xfe mail a@b.example.com \xc3", &spans).ok());
  EXPECT_EQ(spans.size(), 1u);
}

TEST(PseudonymizerTest, ConsistentPlaceholdersAndRestore) {
  const Guard g = Make();
  const std::string text = "mail a@x.com or b@x.com; again a@x.com. Hi Maria,";
  std::vector<Span> spans;
  ASSERT_TRUE(g.Find(text, &spans).ok());
  Pseudonymizer p;
  EXPECT_EQ(p.Redact(text, spans), "mail <EMAIL_1> or <EMAIL_2>; again <EMAIL_1>. Hi <PERSON_1>,");
  // The same thread keeps its numbering in the next message.
  const std::string reply = "a@x.com wrote back";
  ASSERT_TRUE(g.Find(reply, &spans).ok());
  EXPECT_EQ(p.Redact(reply, spans), "<EMAIL_1> wrote back");
  EXPECT_EQ(p.TypeCounts(), (std::map<std::string, int>{{"EMAIL", 2}, {"PERSON", 1}}));

  RestoreReport report;
  EXPECT_EQ(p.Restore("Dear <PERSON_1>, I wrote to <EMAIL_2>.", &g, &report), "Dear Maria, I wrote to b@x.com.");
  EXPECT_TRUE(report.unknown_placeholders.empty());
  EXPECT_TRUE(report.new_identifiers.empty());
  const std::string odd = p.Restore("ask <EMAIL_9> or c@evil.example and keep <b>x</b>", &g, &report);
  EXPECT_EQ(odd, "ask <EMAIL_9> or c@evil.example and keep <b>x</b>");
  EXPECT_EQ(report.unknown_placeholders, std::vector<std::string>{"<EMAIL_9>"});
  EXPECT_EQ(report.new_identifiers, std::vector<std::string>{"EMAIL"});
}

TEST(PseudonymizerTest, AValueFoundOnceIsReplacedEverywhereInTheThread) {
  const Guard g = Make();
  Pseudonymizer p;
  std::vector<Span> spans;
  const std::string first = "Hi Maria,\nMaria says Mariachi is loud";
  ASSERT_TRUE(g.Find(first, &spans).ok());
  EXPECT_EQ(p.Redact(first, spans), "Hi <PERSON_1>,\n<PERSON_1> says Mariachi is loud") << "whole words only";
  const std::string later = "Maria called back";  // no recogniser fires here
  ASSERT_TRUE(g.Find(later, &spans).ok());
  EXPECT_TRUE(spans.empty());
  EXPECT_EQ(p.Redact(later, spans), "<PERSON_1> called back");
  auto rebuilt = Pseudonymizer::FromEntries(p.entries());
  ASSERT_TRUE(rebuilt.ok());
  EXPECT_EQ(rebuilt->Redact("x@y.com", {{0, 7, "EMAIL", 1, "email"}}), "<EMAIL_1>");
  EXPECT_EQ(rebuilt->Redact("Ola", {{0, 3, "PERSON", 1, "t"}}), "<PERSON_2>") << "numbering continues";
  EXPECT_FALSE(Pseudonymizer::FromEntries({{"EMAIL_1", "EMAIL", "x"}}).ok());
  EXPECT_FALSE(Pseudonymizer::FromEntries({{"<EMAIL_1>", "EMAIL", "x"}, {"<EMAIL_1>", "EMAIL", "y"}}).ok());
  // A long thread with the same finding thousands of times: every occurrence replaced.
  std::string many;
  for (int i = 0; i < 20000; ++i) many += "Hi Maria, Maria and Maria. ";
  ASSERT_TRUE(g.Find(many, &spans).ok());
  const std::string redacted = Pseudonymizer().Redact(many, spans);
  EXPECT_EQ(redacted.find("Maria"), std::string::npos);
  size_t placeholders = 0;
  for (size_t at = redacted.find("<PERSON_1>"); at != std::string::npos; at = redacted.find("<PERSON_1>", at + 1)) {
    ++placeholders;
  }
  EXPECT_EQ(placeholders, 60000u);
  // Many distinct values (past the first eight, they are found through an index of word
  // starts), each found once by a recogniser and repeated later, one starting with no
  // word byte.
  std::string text, expected;
  std::vector<Span> marked;
  for (int i = 0; i < 12; ++i) {
    const std::string mail = "user" + std::to_string(i) + "@example.com";
    marked.push_back({text.size(), text.size() + mail.size(), "EMAIL", 1, "email"});
    text += mail + " ";
    expected += "<EMAIL_" + std::to_string(i + 1) + "> ";
  }
  marked.push_back({text.size(), text.size() + 16, "PHONE", 1, "phone"});
  text += "+44 20 7946 0958 then ";
  expected += "<PHONE_1> then ";
  for (int i = 11; i >= 0; --i) {
    text += "user" + std::to_string(i) + "@example.com, ";
    expected += "<EMAIL_" + std::to_string(i + 1) + ">, ";
  }
  text += "+44 20 7946 0958 and user1@example.comx";  // a word byte after: not the value
  expected += "<PHONE_1> and user1@example.comx";
  EXPECT_EQ(Pseudonymizer().Redact(text, marked), expected);
}

}  // namespace
}  // namespace fl::guard
