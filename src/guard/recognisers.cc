// The built-in recognisers. Patterns are PCRE2, compiled once with JIT; case-insensitive
// parts use (?i:...). Every pattern must be safe on hostile input: no nested unbounded
// quantifiers, and the match budget in guard.cc bounds the rest.
#include "guard/recognisers.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <string>

namespace fl::guard::internal {

// A number glued to the word before it by a hyphen or a slash ("Carla-451 5986"), or, when
// not one run of digits (a negative number's "type: -2147483632"), after a label's ":-"
// ("Mobile:-98765 43210"). guard.cc's GluedWordAllows judges the word.
#define FL_GLUED_WORD R"((?<=[A-Za-z\x80-\xFF]{2}[-/]))"
#define FL_GLUED FL_GLUED_WORD R"(|(?<=:-)|(?<=: -))"
// The words that make a number a phone number: within 48 bytes before it or 24 after.
// "^word" must start a word (the labels of signatures and forms: "T: 358 0594", "Mob. 72
// 128 827", "Contact: …"); others match anywhere.
constexpr const char* kPhoneCue =
    "phone|mobile|tel:|tel.|^tel|^call$|^calls$|^called$|^calling$|^caller|^callback|^fax|^cell|messages to|"
    "answering|^reach|whatsapp|sms|^text|registered|contact number|number is|my number|^dial$|^dialed|^dialled|"
    "^dialing|^dialling|^ring|landline|extension|hotline|^contact|^number|^ph:|^ph.|^ph |"
    "^mob|^line:|^telegram|^viber|^signal:|^t:|^m:|^p:|number:|numbers:|the number|^direct|^home:|^work:|"
    "^office:|^desk:|voicemail|^service:|^services:|helpline|enquiries|inquiries|reservations|get hold|in touch|"
    "^pager|^gsm|^natel|^nummer|^t\xc3\xa9l|num\xc3\xa9ro|n\xc3\xbamero";  // Tél, numéro, número
// Words just before a number that make it a counter or an id, not a number to call ("Seq:
// 3226706533", "ticket 45000806"); "word$" must end a word ("len 5403926876", not "Lena").
#define FL_PHONE_AGAINST                                                                                         \
  "^seq$|^ack$|^code|^id$|^id:|wwid|userid|sessionid|id=|id[|^size|^len$|^length|^offset|^pid$|^uid$|^count|" \
  "^win$|^bytes|^ts$|^sum$|^hash|^serial|^order|^invoice|^ticket|^ref$|^ref.|^no.|^nr$|^nr.|^#|^case$|"      \
  "^incident|^account|^acct|^port$|^pin$|^otp$|^version|^build$|^item$|^sku$|^part$|^po$|^batch$|^job$|"     \
  "^request$|^ssn|^social security"
constexpr const char* kPhoneAgainst = FL_PHONE_AGAINST;
// A single run of digits also not in brackets or after '=' ("taskID[2019352994]").
constexpr const char* kFieldAgainst = FL_PHONE_AGAINST "|[|=";
#undef FL_PHONE_AGAINST
// Other numbers a "number is" introduces ("license number", "the number of records"), and
// the words that still make it a phone's.
#define FL_PHONE_VETO                                                                                        \
  "^licen|^passport|^permit|^policy|^account$|^account n|^routing|^serial|^plate$|^tracking|^confirmation|" \
  "^member$|^membership|^customer|^employee|^student|^badge|^case$|^ticket|^order$|^orders$|^invoice|"      \
  "^reference|^booking|^voucher|^social security|^ssn$|^tax$|number of|^total$|^count$|^counts$|^counter$|" \
  "^amount$|^size$|^records$|^rows$|^bytes$|^build$|^version$|^release$|^firmware$|^model$|^part$|^item$|"  \
  "^sku$|^asset$|^change$|^request$|^incident$|^job$|^jobs$"
constexpr const char* kPhoneVeto = FL_PHONE_VETO;
// One run of digits after "time" is a log's field ("time 1234567"), unless a phone's
// word says otherwise ("Call me any time 0478032950").
constexpr const char* kDigitsVeto = FL_PHONE_VETO "|^time$";
#undef FL_PHONE_VETO
// Words after a number that make it a house number or a count.
constexpr const char* kAddressOrUnitAfter =
    "^street|^st$|^st.|^avenue|^ave$|^ave.|^road$|^rd$|^rd.|^boulevard|^blvd|^lane$|^ln$|^drive$|^dr$|^dr.|"
    "^way$|^court$|^ct$|^place$|^pl$|^terrace|^parkway|^pkwy|^highway|^hwy|^suite$|^apt|^crescent|^close$|"
    "^square$|^plaza$|^circle$|^trail$|^strasse|^straße|^rue$|^via$|^calle$|^rows$|^records$|^items$|^bytes$|"
    "^users$|^files$|^times$|^entries$|^lines$|^messages$|^requests$|^ms$|^kb$|^mb$|^gb$|^tb$|^eur$|^usd$|"
    "^dollars$|^euros$|^pounds$|^units$|^pieces$|^pcs$|^ns$|^us$|^sec$|^secs$|^seconds$|^minutes$|^hours$|^days$|"
    "^km$|^miles$|^kg$";
// After a street: a comma, a postcode ("26914", "451 95", "H-2825", "1373-525") and a
// town of up to three words.
#define FL_POSTCODE_TOWN                                                                              \
  R"((?:,[ \t]*(?:[A-Z]{1,2}-)?\d{2,5}(?:[ -]\d{2,4})?[ \t]+(?:[A-Z]|[\xC3-\xC5][\x80-\xBF]))" \
  R"((?:[A-Za-z'-]|[\xC3-\xC5][\x80-\xBF]){1,30}(?:[ \t](?:[A-Z]|[\xC3-\xC5][\x80-\xBF]))"    \
  R"((?:[A-Za-z'-]|[\xC3-\xC5][\x80-\xBF]){1,30}){0,2})?)"
#define FL_PHONE_STRONG_CUE "phone|^tel|mobile|cell|fax|call|dial|whatsapp|sms|^text|^mob|^ph"
constexpr const char* kPhoneStrongCue = FL_PHONE_STRONG_CUE;
// An eleven-digit id's own words, which a phone's word must be nearer than to veto it.
constexpr const char* kNationalIdCue = "fødselsnummer|fodselsnummer|personnummer|national id|identity number|id number";

const std::vector<Recogniser>& BuiltinRecognisers() {
  static const std::vector<Recogniser> k = {
      // ---- secrets -------------------------------------------------------------------
      {"pem-private-key", "SECRET",
       R"(-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY-----[\s\S]{0,8000}?-----END (?:[A-Z0-9]+ ){0,3}PRIVATE KEY-----)", 0,
       1.0, nullptr, nullptr, 0, false, "-----BEGIN"},
      {"jwt", "SECRET", R"(\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})", 0, 1.0, nullptr,
       nullptr, 0, false, "eyJ"},
      {"aws-access-key", "SECRET", R"(\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b)", 0, 1.0, nullptr, nullptr, 0,
       false},
      {"aws-secret-key", "SECRET", R"((?i:aws[\w ]{0,20}secret[\w ]{0,20}\s*[:=]\s*)([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=]))",
       1, 1.0, nullptr, nullptr, 0, false, "=|:"},
      {"github-token", "SECRET", R"(\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b)", 0, 1.0,
       nullptr, nullptr, 0, false, "gh|github_pat_"},
      {"slack-token", "SECRET", R"(\bxox[abposr]-[A-Za-z0-9-]{10,200})", 0, 1.0, nullptr, nullptr, 0, false, "xox"},
      {"slack-webhook", "SECRET", R"(https://hooks\.slack\.com/services/[A-Za-z0-9/_-]{20,200})", 0, 1.0, nullptr,
       nullptr, 0, false, "hooks.slack.com"},
      {"gitlab-token", "SECRET", R"(\bgl(?:pat|dt|rt|ptt)-[A-Za-z0-9_-]{20,64})", 0, 1.0, nullptr, nullptr, 0, false, "gl"},
      {"llm-api-key", "SECRET", R"(\bsk-(?:proj-|ant-(?:api\d\d-)?|svcacct-)?[A-Za-z0-9_-]{20,200})", 0, 1.0, nullptr,
       nullptr, 0, false, "sk-"},
      {"huggingface-token", "SECRET", R"(\bhf_[A-Za-z0-9]{30,40}\b)", 0, 1.0, nullptr, nullptr, 0, false, "hf_"},
      {"sendgrid-key", "SECRET", R"(\bSG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64})", 0, 1.0, nullptr, nullptr, 0,
       false, "SG."},
      // HTTP credentials: a Basic header's base64 "user:password", a bearer token of any length.
      {"http-authorization", "SECRET", R"((?i:\b(?:authorization:\s*basic|bearer)\s+)([A-Za-z0-9._~+/-]{6,2000}=*))", 1,
       1.0, ValidPasswordValue, nullptr, 0, false, "asic|earer|ASIC|EARER"},
      {"google-api-key", "SECRET", R"(\bAIza[0-9A-Za-z_-]{35}\b)", 0, 1.0, nullptr, nullptr, 0, false, "AIza"},
      {"stripe-key", "SECRET", R"(\b(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{16,247}\b)", 0, 1.0, nullptr, nullptr, 0,
       false, "_live_|_test_"},
      {"azure-key", "SECRET", R"((?i:\b(?:AccountKey|SharedAccessKey|sig)=)([A-Za-z0-9+/%]{20,400}={0,2}))", 1, 1.0,
       nullptr, nullptr, 0, false, "="},
      {"connection-string", "SECRET",
       R"((?i:\b(?:Server|Data Source|Host|Address)=[^;\n]{1,200};(?:[^;\n]{1,200};){0,10}?\s*(?:Password|Pwd)=[^;\n]{1,200};?))",
       0, 1.0, nullptr, nullptr, 0, false, "="},
      {"password-assignment", "SECRET",
       R"((?i:\b(?:password|passwd|passwort|pwd|pw|passphrase|passcode|pin|pin code|pincode|kennwort|wachtwoord|mot de passe|contrase\xC3\xB1a|senha|secret|api[_-]?key|apikey|access[_-]?token|auth[_-]?token|client[_-]?secret|token)\b(?:(?:\s+is)?\s*[:=]\s*|\s+(?:is|was)\s+(?:now\s+)?))("[^"\n]{3,200}"|'[^'\n]{3,200}'|[^\s,;"']{3,200}))",
       1, 0.95, ValidPasswordValue, nullptr, 0, false, ":|=| is | was "},
      {"high-entropy", "SECRET", R"((?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/=_-]{24,512}(?![A-Za-z0-9+/=_-]))", 0, 0.75,
       ValidSecretEntropy, "key|token|secret|password|credential|bearer|apikey", 0.2, false},
      // ---- contact and network --------------------------------------------------------
      {"url-credentials", "URL", R"(\b[A-Za-z][A-Za-z0-9+.-]{1,15}://[^\s:/@]{1,200}:[^\s@/]{1,200}@[^\s<>"']{1,2000})",
       0, 1.0, nullptr, nullptr, 0, false, "://"},
      // Letters beyond ASCII in the local part and the domain ("jürgen@müller.de").
      {"email", "EMAIL",
       R"((?<![\w.+%\x80-\xFF-])[A-Za-z0-9\x80-\xFF][A-Za-z0-9._%+\x80-\xFF-]{0,63}@[A-Za-z0-9\x80-\xFF](?:[A-Za-z0-9\x80-\xFF-]{0,61}[A-Za-z0-9\x80-\xFF])?(?:\.[A-Za-z0-9\x80-\xFF](?:[A-Za-z0-9\x80-\xFF-]{0,61}[A-Za-z0-9\x80-\xFF])?){0,8}\.[A-Za-z]{2,24}\b)",
       0, 1.0, nullptr, nullptr, 0, false, "@"},
      {"ipv4", "IP_ADDRESS", R"((?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?:/\d{1,2})?(?![\w]|\.\d))", 0, 0.95,
       ValidIpv4Cidr,
       nullptr, 0, true, "."},
      {"ipv6", "IP_ADDRESS",
       R"((?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?:(?<=:)\d{1,3}(?:\.\d{1,3}){3})?(?:%[A-Za-z0-9]{1,15})?(?![\w:]))", 0,
       0.9, ValidIpv6, nullptr, 0, false, ":"},
      {"mac", "MAC_ADDRESS",
       R"((?<![\w:-])(?:[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(?:\1[0-9A-Fa-f]{2}){4}|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})(?![\w:-]))",
       0, 0.95, nullptr, nullptr, 0, false, ":|-|."},
      // ---- names from the letter's frame (before the phones: a name just before a number cues it)
      {"greeting-name", "PERSON",
       R"((?<![\w'-])(?:Hi|Hello|Hey|Dear|Hallo|Morning|Good (?:morning|afternoon|evening)|Thanks|Thank you|Thx|Cheers)[ ]{1,3}((?:[A-Z]|[\xC3-\xC5][\x80-\xBF])(?:[a-z'-]|[\xC3-\xC5][\x80-\xBF]){1,30}(?:[ -](?:[A-Z]|[\xC3-\xC5][\x80-\xBF])(?:[a-z'-]|[\xC3-\xC5][\x80-\xBF]){1,30}){0,2})\s{0,3}[,!:\n])",
       1, 0.85, ValidPersonName, nullptr, 0, false},
      {"signature-name", "PERSON",
       R"((?i:regards|best|thanks|thank you|many thanks|cheers|sincerely|br|kind regards|best wishes)[,.!]?[ \t]{0,3}\n[ \t]{0,3}(?:-{1,2}\s?)?((?:[A-Z]|[\xC3-\xC5][\x80-\xBF])(?:[a-z'-]|[\xC3-\xC5][\x80-\xBF]){1,30}(?:[ \t]+(?:[A-Z]|[\xC3-\xC5][\x80-\xBF])(?:[a-z'-]|[\xC3-\xC5][\x80-\xBF]){1,30}){0,2})[ \t]{0,3}(?:\n|$))",
       1, 0.85, ValidPersonName, nullptr, 0, false},
      {"signature-inline", "PERSON",
       R"((?i:regards|thanks|cheers|sincerely)[,][ \t]{1,3}((?:[A-Z]|[\xC3-\xC5][\x80-\xBF])(?:[a-z'-]|[\xC3-\xC5][\x80-\xBF]){1,30}(?:[ \t]+(?:[A-Z]|[\xC3-\xC5][\x80-\xBF])(?:[a-z'-]|[\xC3-\xC5][\x80-\xBF]){1,30}){0,2})[ \t]{0,3}(?:\n|$|\.))",
       1, 0.8, ValidPersonName, nullptr, 0, false},
      // A title and a name, with the particles of a surname ("Mr. van der Berg", "Mrs. da
      // Costa"); a title in lower case only with its dot ("ms. Quinzia", not "MS Word" or
      // "I miss Paris").
      {"title-name", "PERSON",
       R"(\b(?:Mr|Mrs|Ms|Miss|Dr|Prof|(?:mr|mrs|ms|dr|prof)\.)\.?[ ]((?:(?:van|von|de|da|di|del|della|der|den|du|dos|das|le|la|ter|ten|'t)[ ]){0,2}(?:[A-Z]|[\xC3-\xC5][\x80-\xBF])(?:[a-z'-]|[\xC3-\xC5][\x80-\xBF]){1,30}(?:[ ](?:[A-Z]\.|(?:[A-Z]|[\xC3-\xC5][\x80-\xBF])(?:[a-z'-]|[\xC3-\xC5][\x80-\xBF]){1,30})){0,3})(?![A-Za-z\x80-\xFF]))", 1,
       0.85, ValidPersonName, nullptr, 0, false},
      {"introduction-name", "PERSON",
       R"((?i:my name is|this is|i am|i'm|name:|user:|requester:|contact:)[ ]{1,3}(?:(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.?[ ])?((?:[A-Z]|[\xC3-\xC5][\x80-\xBF])(?:[a-z'-]|[\xC3-\xC5][\x80-\xBF]){1,30}(?:[ ](?:[A-Z]\.|(?:[A-Z]|[\xC3-\xC5][\x80-\xBF])(?:[a-z'-]|[\xC3-\xC5][\x80-\xBF]){1,30})){0,3})(?![A-Za-z\x80-\xFF]))",
       1, 0.7, ValidPersonName, nullptr, 0, false},
      {"phone-international", "PHONE",
       R"((?<![\w+])(?:(?<!\d[ .-])|(?=\+|00\d{1,3}[.-]))(?:\(\+\d{1,3}\)|\+\(\d{1,3}\)|(?:\+|00)\d{1,3})[ \t.-]?(?:\(\d{1,4}\)[ \t.-]?)?\d{1,4}(?:[ \t.-]?\d{2,4}){1,4}(?:[ \t]?(?i:x|ext\.?)[ \t]?\d{1,5})?(?![\w]))",
       0, 0.8, ValidInternationalPhone, kPhoneCue, 0.15, false},
      {"phone-nanp", "PHONE",
       // After "digit space" only with the area code in brackets or a hyphen or dot between
       // groups: "MA 02111 (617) 555-0132" and "NY 69075 012-904-0479" are a zip code and a
       // number, the "111 1111" of "4111 1111 1111" is not the start of one.
       R"((?:(?:(?<![\w+.-])|(?<=[A-Za-z]\.)|)" FL_GLUED R"()(?:(?<!\d )|(?<=[.:/-]\d )|(?<=[.:/-]\d\d )|(?<=[.:/-]\d{3} )|(?<=[.:/-]\d{4} )|(?=[\d() ]{0,12}\d\)?[.-]\d))(?:1[ \t.-])?\d{3}[ \t.-]|(?:(?<![\w+.-])|(?<=[A-Za-z]\.)|)" FL_GLUED R"()(?:1[ \t.-]?)?\(\d{3}\)[ \t]?)\d{3}[ \t.-]\d{4}(?:[ \t]?(?i:x|ext\.?|#)[ \t]?\d{1,5})?(?![\w]|-(?![A-Z][a-z\xC3-\xC5])\w|\.\d))", 0,
       0.75, ValidPhone, kPhoneCue, 0.2, false},
      {"phone-national", "PHONE", R"((?:(?<![\w.+-])|(?<=[A-Za-z]\.))(?:(?<!\d )|(?<=[.:/-]\d )|(?<=[.:/-]\d\d )|(?<=[.:/-]\d{3} )|(?<=[.:/-]\d{4} )|(?=[\d() ]{0,12}\d\)?[.-]\d))0\d{1,4}[ \t/-]\d{3,8}(?:[ \t-]\d{2,6})?(?![\w]|-\w|\.\d))", 0, 0.45,
       ValidPhone, kPhoneCue, 0.4, false, nullptr, kPhoneAgainst, nullptr, nullptr, kAddressOrUnitAfter},
      // A national number with its trunk 0 and the full length of one (9-11 digits:
      // "0412 345 678", "01 42 68 53 00", "(05287) 47362 1", "031 925 412"), in brackets or
      // grouped, a slash allowed after the area code ("06-79/290 8100", "06-3/295 0312", "030/12345678"); not a US ZIP+4
      // code ("MA 02111-1234"), which only a cue makes a number. After a postcode that
      // follows a word ("VT 20744 01759 89834", "खडगपुर 116372 04743 957551").
      {"phone-national-full", "PHONE",
       R"((?:(?<![\w.+:/\[-])|(?<=[A-Za-z][.:])|)" FL_GLUED R"(|(?<=\[)(?!\d+/\d+:)|(?<=\d/)(?!\d+/))(?!\d{5}-\d{4}(?![\w-]|\.\d| \d))(?:(?<!\d )|(?<=[.:/-]\d )|(?<=[.:/-]\d\d )|(?<=[.:/-]\d{3} )|(?<=[.:/-]\d{4} )|)"
       R"((?<=[A-Za-z\x80-\xBF,] \d{4} )|(?<=[A-Za-z\x80-\xBF,] \d{5} )|(?<=[A-Za-z\x80-\xBF,] \d{6} )|(?=[\d() ]{0,12}\d\)?[.-]\d))(?:\(0\d{1,4}\)[ -]?|0\d{1,4}(?:-\d{1,2}/|[ ./-]))(?:\d{2,8}|\d(?=[ ./-]\d{3}))(?:[ ./-]\d{2,6}){0,3}(?![\w]|/(?![(+\d]|[A-Z][a-z\xC3-\xC5])|:\d|-(?![A-Z][a-z\xC3-\xC5])\w|\.\d))", 0,
       0.55, ValidNationalPhone, kPhoneCue, 0.4, false, nullptr, kPhoneAgainst, nullptr, nullptr, kAddressOrUnitAfter},
      // A country or area code in brackets and 9-13 digits in groups: "(351) 960 669 074",
      // "(03).5024.2984", "(66)/193-4514"; a one-digit area code and a local number ("(1)
      // 234-5678").
      {"phone-bracketed", "PHONE",
       R"((?:(?<![\w.+-])|(?<=[A-Za-z]\.)|)" FL_GLUED R"()(?:\d{1,3} ?)?\(\d{1,5}\)[ ./-]?\d{2,10}(?:[ .-]\d{2,8}){0,3}(?![\w]|/(?![(+\d]|[A-Z][a-z\xC3-\xC5])|:\d|-(?![A-Z][a-z\xC3-\xC5])\w|\.\d))", 0, 0.55,
       ValidBracketedPhone, kPhoneCue, 0.4, false, "(", kPhoneAgainst},
      // Any grouping of 7-15 digits with a cue, or six in pairs or triples ("Tel. 32 12 34"). An area code in brackets may follow a number
      // ("02111 (617) 555 0132") and carry a trunk or country digit ("8 (912) 345-67-89");
      // a slash may end the area code ("06-30/123 4567", not a date's "12/05").
      {"phone-context", "PHONE",
       R"((?:(?:(?<![\w.+-])|(?<=[A-Za-z]\.))(?:(?<!\d )|(?<=[.:/-]\d )|(?<=[.:/-]\d\d )|(?<=[.:/-]\d{3} )|(?<=[.:/-]\d{4} )|(?=[\d() ]{0,12}\d\)?[.-]\d))\d{1,5}|(?:(?<![\w.+(-])|(?<=[A-Za-z]\.))(?:\d{1,3}[ ]?)?\(\d{2,5}\))(?:[ .-]\d{1,8}){0,3}(?:[ .-]\d{2,8}|/\d{3,8})(?:[ .-]\d{2,8}){0,3}(?![\w]|-\w|\.\d))",
       0, 0.3, ValidCuedPhone, kPhoneCue, 0.6, false, nullptr, kPhoneAgainst, kPhoneVeto, kPhoneStrongCue},
      // Nine to eleven digits in one run, shaped like a phone number (Faker's and many forms'
      // plain "5403926876", "01914960073", "039722003"): found without a cue, unless a
      // counter's or an id's name is just before, or another number and "or" ("Seq
      // 3226706533 or 3226706534"), unless that number is in groups ("write to a@b.org or
      // 5403926876" and "0487 98 11 92 or 9498777106" are phones).
      {"phone-bare", "PHONE", R"((?<!\d:)(?:(?<!\d or )|(?<=\d[ .)-]\d\d or )|(?<=\d[ .)-]\d{3} or )|(?<=\d[ .)-]\d{4} or )|(?<=\d[ .)-]\d{6} or )|(?<=\d[ .)-]\d{7} or ))(?:(?<![\w.+-])|(?<=[A-Za-z]\.)|)" FL_GLUED_WORD R"()\d{9,11}(?![\w]|-(?![A-Z][a-z\xC3-\xC5])\w|\.\d))", 0, 0.5, ValidBarePhone,
       nullptr, 0, false, nullptr, kFieldAgainst, "^time$", kPhoneStrongCue},
      // Groups of 2-4 digits, 7-12 in all: how people write phone numbers ("451 5986",
      // "78 651 450", "0490 75 40 81", "99-99-99-99", "02/123 4567"), or an area code and
      // one group of 6-7 digits, 9-11 in all ("210 9789102", "0341 8387176"), found
      // without a cue unless a street's name or a unit follows. Not inside a run of
      // numbers: after a number of 1-4 digits, a masked value ("**** 3515 3479", not a
      // bullet's "* ") or a 5-6 digit number that itself follows one; after a zip code
      // ("WI 50730 070 206 212") it is a phone. An Indian mobile number in two halves
      // ("98765 43210"), a Greek landline's 5-2-3 ("21500 00 806"), an Italian mobile with a
      // slash ("347/1759500"), a Brazilian mobile ("11 94550-5117"), a Russian trunk 8 ("8 912
      // 081 77 46"), a Chilean mobile ("9 7792 2877"). Glued to a label's colon, in square
      // brackets, after another number and a slash; not a log's "[8086/2410]".
      {"phone-grouped", "PHONE", R"((?:(?<![\w.+/:$#[-])|(?<=[A-Za-z\x80-\xBF]:)|(?<=\b[A-Za-z]\.)|(?<=\b(?i:tel|mob|fax)\.)|(?<=\b(?i:ph)\.)|)" FL_GLUED R"(|(?:(?<=\[)|(?<=\d/))(?!\d+/))(?<![\d.],)(?<!(?<![\d.:/-])\d )(?<!(?<![\d.:/-])\d\d )(?<!(?<![\d.:/-])\d{3} )(?<!(?<![\d.:/-])\d{4} )(?<!\*\* )(?<!\d \d{5} )(?<!\d \d{6} )(?:\d{2,4}(?:[ /.-]\d{2,4}(?:[ .-]\d{2,4}){0,3}|[ .-]\d{6,7})|3\d\d/\d{6,7}|\d\d 9\d{4}-\d{4}|8([ -])\d{3}\1\d{3}\1\d\d\1\d\d|9 \d{4} \d{4}|[6-9]\d{4}[ -]\d{5}|2\d{4} \d\d \d{3})(?![\w%]|/(?![(+\d]|[A-Z][a-z\xC3-\xC5])|:\d|[.,](?![A-Z][a-z\xC3-\xC5])\w|-(?![A-Z][a-z\xC3-\xC5])\w| \d))", 0,
       0.5, ValidGroupedPhone, kPhoneCue, 0.4, false, nullptr, kPhoneAgainst, kPhoneVeto, kPhoneStrongCue,
       kAddressOrUnitAfter},
      // One run of 7-12 digits with a cue ("Tel. 45000806", "mobile 13606690743").
      {"phone-digits", "PHONE", R"((?<!\d:)(?:(?<![\w.+/|-])|(?<=[A-Za-z]\.))\d{7,12}(?![\w/|-]|\.\d))", 0, 0.2, ValidPhone,
       kPhoneCue, 0.6, false, nullptr, kFieldAgainst, kDigitsVeto, kPhoneStrongCue},
      // ---- money and identity ---------------------------------------------------------
      // Not inside an identifier ("blk_4162832865986721185" passes Luhn by chance).
      {"credit-card", "CREDIT_CARD", R"((?<![\w-])(?:\d[ -]?){11,18}\d(?![\w-]))", 0, 1.0, ValidCard, nullptr, 0,
       false},
      {"iban", "IBAN", R"(\b(?i:[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?)\b)", 0, 1.0, ValidIban, nullptr, 0,
       false, nullptr, nullptr, nullptr, nullptr, nullptr, /*trim_at_spaces=*/true},
      {"us-ssn", "US_SSN", R"((?<![\d-])\d{3}([- ])\d{2}\1\d{4}(?![\d-]))", 0, 0.85, ValidSsn,
       "ssn|social security|social sec", 0.15, false},
      // Nine digits in a run are a phone number when a phone's word is nearer than the SSN's.
      {"us-ssn-digits", "US_SSN", R"((?<![\w-])\d{9}(?![\w-]))", 0, 0.3, ValidSsn, "ssn|social security|social sec", 0.6,
       false, nullptr, nullptr, kPhoneStrongCue, nullptr, nullptr, false, /*veto_if_nearer=*/true},
      // European national identity numbers, each with its check digit (and its date of
      // birth where it has one); a PESEL only after its name.
      {"es-dni", "NATIONAL_ID", R"(\b(?:\d{8}|[XYZ]\d{7})-?[A-Z]\b)", 0, 0.9, ValidSpanishId, nullptr, 0, false},
      {"it-codice-fiscale", "NATIONAL_ID", R"(\b[A-Z]{6}\d{2}[A-Z]\d{2}[A-Z]\d{3}[A-Z]\b)", 0, 0.95,
       ValidCodiceFiscale, nullptr, 0, false},
      {"se-personnummer", "NATIONAL_ID", R"(\b(?:19|20)?\d{6}[-+]\d{4}\b)", 0, 0.9, ValidSwedishId, nullptr, 0, false},
      {"fi-hetu", "NATIONAL_ID", R"(\b\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]\b)", 0, 0.9, ValidFinnishId, nullptr, 0, false},
      // Eleven digits are a phone number when a phone's word is nearer than the id's (a
      // Chinese mobile number passes the check digits by chance: "reach me at 13418263304").
      {"no-fodselsnummer", "NATIONAL_ID", R"(\b\d{11}\b)", 0, 0.9, ValidNorwegianId, kNationalIdCue, 0, false, nullptr,
       nullptr, FL_PHONE_STRONG_CUE "|reach|^contact", nullptr, nullptr, false, /*veto_if_nearer=*/true},
      {"fr-nir", "NATIONAL_ID",
       R"(\b[12][ ]?\d{2}[ ]?\d{2}[ ]?(?:\d{2}|2[AB])[ ]?\d{3}[ ]?\d{3}[ ]?\d{2}\b)", 0, 0.9, ValidFrenchNir, nullptr,
       0, false},
      {"uk-nino", "NATIONAL_ID", R"(\b[A-Z]{2}[ ]?\d{2}[ ]?\d{2}[ ]?\d{2}[ ]?[A-D]\b)", 0, 0.9, ValidUkNino, nullptr, 0,
       false},
      {"pl-pesel", "NATIONAL_ID", R"(\b\d{11}\b)", 0, 0.3, ValidPesel, "pesel", 0.6, false, nullptr, nullptr,
       FL_PHONE_STRONG_CUE "|reach|^contact", nullptr, nullptr, false, /*veto_if_nearer=*/true},
      // A date, not the head or tail of a longer number ("60-56-85-91" is a phone).
      {"date-of-birth", "DATE_OF_BIRTH",
       R"((?<!\d[./-])\b(?:\d{1,2}[./-]\d{1,2}[./-](?:19|20)?\d{2}|(?:19|20)\d{2}[./-]\d{1,2}[./-]\d{1,2}|\d{1,2}(?:st|nd|rd|th)?\s(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]{0,6}\.?,?\s(?:19|20)\d{2}|(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]{0,6}\.?\s\d{1,2}(?:st|nd|rd|th)?,?\s(?:19|20)\d{2})\b(?![./-]\d))",
       0, 0.2, ValidDate, "born|birth|dob|d.o.b|birthday|geboren", 0.7, false},
      // ---- street addresses (LOCATION) ---------------------------------------------------
      // Each may run on into a postcode and a town after a comma ("…, 26914 Tirschenreuth",
      // "…, 451 95 Město Touškov", "…, H-2825 Győr").
      // A house number, up to four words and a street type, and a unit: "742 Evergreen
      // Terrace", "221B Baker Street", "417 Kennedy Isle Apt. 706", "34 Jones cove"; a unit
      // may come first ("Apt. 074, 75 Emily Boulevard", "Level 5, 1 Carter Wynd", "56/, 1 …").
      {"street-address", "LOCATION",
       R"((?:\b(?:Apt|Unit|Level|Flat|Suite|Shop)\.?[ \t]*\d{1,5}[A-Za-z]?,[ \t]+|\b\d{1,5}[ \t]?/,?[ \t]+)?)"
       R"(\b\d{1,6}[A-Za-z]?(?:-\d{1,4})?[ \t]+(?:(?:(?:[A-Z]|[\xC3-\xC5][\x80-\xBF])(?:[A-Za-z'-]|[\xC3-\xC5][\x80-\xBF])+|)"
       R"([NSEW]\.?|\d{1,3}(?:st|nd|rd|th))[ \t]+){1,4})"
       R"((?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Way|Court|Ct|Place|Pl|Terrace|Parkway|Pkwy|)"
       R"(Highway|Hwy|Circle|Cir|Square|Sq|Trail|Crescent|Close|Row|Mews|Grove|Gardens|Walk|Alley|Plaza|Loop|Pike|)"
       R"(Crossing|Ridge|Heights|Isle|Route|Rapids|Ports?|Mountains?|Brooks?|Cliffs?|Springs?|Parks?|Roads|Streets|)"
       R"(Summit|Stravenue|Via|Locks|Harbors?|Shores?|Views?|Villages?|Falls|Forks?|Fields?|Hills?|Lakes?|Estates?|)"
       R"(Meadows?|Creek|Junction|Knolls?|Landing|Manors?|Mills?|Orchard|Pass|Passage|Plains?|Points?|Ranch|Rest|)"
       R"(Ridges?|River|Shoals?|Station|Stream|Trafficway|Tunnel|Turnpike|Underpass|Valleys?|Viaduct|Vista|Wells?|)"
       R"(Expressway|Freeway|Green|Greens|Haven|Hollow|Inlet|Island|Key|Light|Lodge|Mission|Motorway|Neck|Oval|)"
       R"(Overpass|Prairie|Radial|Ramp|Track|Unions?|Bypass|Camp|Canyon|Cape|Causeway|Center|Centre|Corners?|Course|)"
       R"(Courts|Coves?|Dale|Dam|Divide|Drives|Extensions?|Flats?|Ford|Forest|Forge|Fort|Garden|Gateway|Glen|)"
       R"(Harbour|Ways|street|avenue|road|lane|drive|way|court|place|terrace|square|crescent|close|row|mews|grove|)"
       R"(gardens|walk|plaza|isle|rapids|ports?|mountains?|brooks?|cliffs?|springs?|parks?|summit|locks|harbou?rs?|)"
       R"(shores?|views?|villages?|falls|fields?|hills?|lakes?|estates?|meadows?|creek|junction|knolls?|landing|)"
       R"(manors?|mills?|orchard|passage|plains?|points?|ridges?|river|shoals?|station|stream|valleys?|vista|wells?|)"
       R"(green|greens|haven|hollow|island|lodge|oval|coves?|dale|extensions?|flats?|ford|forest|forge|fort|glen|)"
       R"(Range|Pocket|Gully|Keys|Shoals?|Rue|ramp|range|pocket|gully|keys|)"
       // Australian and British types that are no common word of their own
       R"(Esplanade|Wynd|Dell|Tarn|Cul-de-sac|Cruiseway|Promenade|Quays?|Retreat|Vale|Parade|Amble|Brae|Concourse|)"
       R"(Colonnade|Courtyard|Chase|Circuit|Firetrail|Foreshore|Laneway|Lookout|Meander|Nook|Parklands|Piazza|)"
       R"(Plateau|Ridgeway|Riverway|Riviera|Roadway|Siding|Strand|Thoroughfare|Tollway|Walkway|Driveway|Footway|)"
       R"(Byway|Alleyway|Anchorage|Grange|Glade|Heath|Burgs?|Centers|Circles|Crest|Crossroad|Ferry|Fords|Forges|)"
       R"(Glens|Groves|Islands|Junctions|Lights|Loaf|Parkways|Pines|Skyway|Spurs|Squares|Throughway|Walks|Ville|Mall|Circlet|Arcade|Brow)\b\.?)"
       R"((?:,?[ \t]*(?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|Fl|#)\.?[ \t]*#?[A-Za-z0-9-]{1,6}\b)?)" FL_POSTCODE_TOWN,
       0, 0.85, nullptr, nullptr, 0, false},
      // A street word built into the name and a house number: "Gutknechtstraße 63",
      // "Kyrkgatan 6", "Arthursingel 6", "Therese-Hecker-Weg 54", "Lübsring 9/4".
      {"street-compound", "LOCATION",
       R"(\b(?:[A-Z]|[\xC3-\xC5][\x80-\xBF])(?:[A-Za-z-]|[\xC3-\xC5][\x80-\xBF]){2,40})"
       R"((?i:stra(?:ss|\xC3\x9F)e|str\.|gasse|weg|platz|allee|damm|ufer|gata|gatan|v\xC3\xA4gen|v\xC3\xA4g|)"
       R"(veien|vei|vej|gade|katu|kuja|straat|laan|plein|gracht|kade|singel|utca|ulica|ring|pad|steeg|dreef))"
       R"([ \t]+\d{1,5}[a-zA-Z]?(?:/\d{1,4})?\b)" FL_POSTCODE_TOWN,
       0, 0.85, nullptr, nullptr, 0, false},
      // A street type first, its name and a house number: "Via Valentini 63", "Calle
      // Mayor 12", "Avenida de Loureiro, 46", "Privada Domínguez 373 Edif. 376", "Jl.
      // Setiabudhi No. 637"; "Okrová 443, 451 95 Město Touškov" has none.
      {"street-typed", "LOCATION",
       R"(\b(?i:calle|callej\xC3\xB3n|avenida|avinguda|avda\.|av\.|rua|rue|via|viale|vicolo|strada|piazza|piazzale|)"
       R"(corso|contrada|canale|borgo|plaza|carrer|paseo|pasaje|rambla|ronda|camino|carretera|glorieta|alameda|vial|)"
       R"(urbanizaci\xC3\xB3n|ca\xC3\xB1ada|traves[s]?[ae]|largo|pra\xC3\xA7a|ul\.|ulica|aleja|al\.|chemin|all\xC3\xA9e|quai|)"
       R"(boulevard|bd\.|cerrada|privada|calzada|corredor|ampliaci\xC3\xB3n|continuaci\xC3\xB3n|circunvalaci\xC3\xB3n|diagonal|peatonal|eje|perif\xC3\xA9rico|andador|circuito|retorno|prolongaci\xC3\xB3n|stretto|)"
       R"(incrocio|rotonda|jalan|jl\.|gang|gg\.|lorong|lr\.)[ \t]+)"
       R"((?:(?i:de|del|la|le|les|des|du|da|do|dos|das|di|della|dei|von|van|der|d'|l')[ \t]*){0,3})"
       R"((?:[A-Z]|[\xC3-\xC5][\x80-\xBF])(?:[A-Za-z'-]|[\xC3-\xC5][\x80-\xBF]){1,30})"
       R"((?:[ \t]+(?:[A-Z]|[\xC3-\xC5][\x80-\xBF])(?:[A-Za-z'-]|[\xC3-\xC5][\x80-\xBF]){1,30}){0,3},?[ \t]+)"
       // An interior number after the exterior one, before the comma ("Privada Sanches 807 827,").
       R"((?:No\.[ \t]*)?\d{1,5}[a-zA-Z]?\b(?:[ \t]\d{1,4}(?=,))?)"
       // A flat, a floor, a building ("Appartamento 37", "Piano 9", "Edif. 494 , Depto. 836").
       R"((?:[ \t]*,?[ \t]*(?i:appartamento|piano|interno|scala|int\.|piso|puerta|depto\.|dpto\.|interior|edif\.|)"
       R"(apto\.|andar|escalera|esc\.|apt\.|apt|suite|unit)[ \t]*[A-Za-z0-9-]{1,6}\b){0,2})"
       FL_POSTCODE_TOWN,
       0, 0.85, nullptr, nullptr, 0, false},
      // A house number first and a street type: "46, rue Adrienne Leroy", "2, boulevard
      // de Baudry".
      {"street-number-first", "LOCATION",
       R"(\b\d{1,4}(?:[ ]?(?:bis|ter))?,?[ \t]+(?i:rue|avenue|boulevard|chemin|place|all\xC3\xA9e|impasse|quai|route|)"
       R"(cours|passage|square|via|calle|rua)[ \t]+(?:(?i:de|du|des|la|le|d'|l')[ \t]*){0,2})"
       R"((?:[A-Z]|[\xC3-\xC5][\x80-\xBF])(?:[A-Za-z'-]|[\xC3-\xC5][\x80-\xBF]){1,30})"
       R"((?:[ \t]+(?:[A-Z]|[\xC3-\xC5][\x80-\xBF])(?:[A-Za-z'-]|[\xC3-\xC5][\x80-\xBF]){1,30}){0,3})" FL_POSTCODE_TOWN,
       0, 0.85, nullptr, nullptr, 0, false},
      // A name, a street word of its own and a house number: "Borsodi utca 62.", "Petőfi
      // út 109", "Brīvības iela 3".
      {"street-worded", "LOCATION",
       R"(\b(?:[A-Z]|[\xC3-\xC5][\x80-\xBF])(?:[A-Za-z'-]|[\xC3-\xC5][\x80-\xBF]){1,30}[ \t]+)"
       R"((?:utca|\xC3\xBAt|t\xC3\xA9r|k\xC3\xB6r\xC3\xBAt|iela|gatv\xC4\x97|t\xC3\xA4nav|ulica|ul\.)[ \t]+\d{1,5}[a-zA-Z]?\.?)"
       FL_POSTCODE_TOWN,
       0, 0.85, nullptr, nullptr, 0, false},
      // A name and a house number before a comma, a postcode and a town: "Okrová 443, 451 95
      // Město Touškov", "Bergbakken 1, 8463 Kårehavn", "Jordyhof 349, 3315 PB, Herwijnen",
      // "plac Drzymały 256, 58-351 Wyszków"; not a date ("September 22, 2015 If").
      {"street-by-postcode", "LOCATION",
       R"(\b(?!(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b))"
       R"((?:[a-z]{1,5}\.?[ \t])?(?:[A-Z]|[\xC3-\xC5][\x80-\xBF])(?:[A-Za-z'-]|[\xC3-\xC5][\x80-\xBF]){1,40})"
       R"((?:[ \t](?:[A-Za-z]|[\xC3-\xC5][\x80-\xBF])(?:[A-Za-z'-]|[\xC3-\xC5][\x80-\xBF]){1,30}){0,2})"
       R"([ \t]+\d{1,5}[a-zA-Z]?(?:/\d{1,4})?,[ \t]*(?!(?:19|20)\d\d\b)(?:[A-Z]{1,2}-)?\d{2,5}(?:[ -]\d{2,4})?(?:[ \t][A-Z]{2})?,?[ \t]+)"
       R"((?:[A-Z]|[\xC3-\xC5][\x80-\xBF])(?:[A-Za-z'-]|[\xC3-\xC5][\x80-\xBF]){1,30})"
       R"((?:[ \t](?:[A-Z]|[\xC3-\xC5][\x80-\xBF])(?:[A-Za-z'-]|[\xC3-\xC5][\x80-\xBF]){1,30}){0,2})",
       0, 0.85, nullptr, nullptr, 0, false},
      // UK postcodes ("NW1 6XE"), Australian states and postcodes ("VIC 3000").
      {"uk-postcode", "LOCATION", R"(\b[A-Z]{1,2}\d[A-Z\d]?[ ]\d[A-Z]{2}\b)", 0, 0.85, nullptr, nullptr, 0, false},
      {"au-state-postcode", "LOCATION", R"(\b(?:NSW|VIC|QLD|WA|SA|TAS|ACT|NT),?[ \t]+\d{4}\b)", 0, 0.85, nullptr, nullptr, 0,
       false, "NSW|VIC|QLD|WA|SA|TAS|ACT|NT"},
      // A US state and its ZIP code: "Springfield, IL 62704".
      {"us-state-zip", "LOCATION",
       R"(\b[A-Z]{2}[ \t]+\d{5}(?:-\d{4})?\b)", 0, 0.85, ValidUsStateZip, nullptr, 0, false},
      // A US military address: "PSC 2547, Box 5683, APO AA 90411", "Unit 5261 Box 9292, DPO AE 49258".
      {"us-military-address", "LOCATION",
       R"(\b(?:PSC|Unit|CMR)[ \t]+\d{3,5},?[ \t]+Box[ \t]+\d{1,5},?[ \t]+[ADF]PO[ \t]+A[AEP][ \t]+\d{5}\b)", 0, 0.9,
       nullptr, nullptr, 0, false, "PO A"},
      // ---- accounts -------------------------------------------------------------------
      // A login made of a person's names ("priya.sharma", "j_doe2") after an account's
      // label or as an @-mention; not a file name or a host ("user config.yaml").
      {"account-handle", "USERNAME",
       R"((?:(?i:\b(?:user(?:name)?|user id|login|logon|account|owner|assignee|assigned to|requester|requested by|reported by|caller|approver|samaccountname|uid)\b[ \t]{0,3}[:=]?[ \t]{0,3})@?|(?<![\w.@-])@)([a-z][a-z0-9]{0,30}[._][a-z][a-z0-9]{0,30}(?:[._][a-z0-9]{1,30})?)\b(?![.@-]?\w))",
       1, 0.8, ValidAccountHandle, nullptr, 0, false},
      // DOMAIN\user; not Windows' built-in principals ("NT AUTHORITY\SYSTEM",
      // "BUILTIN\Administrators", "NT SERVICE\…"), which name no person, nor a folder
      // path ("users\username\appdata").
      {"windows-account", "USERNAME", R"((?<![\\\w$])(?<!NT )(?!(?i:BUILTIN)\\)[A-Za-z][A-Za-z0-9-]{1,14}\\[A-Za-z][A-Za-z0-9._-]{1,63}\b(?![\w.-]*\\))", 0,
       0.85, nullptr, nullptr, 0, false, "\\"},
  };
  return k;
}
#undef FL_POSTCODE_TOWN
#undef FL_PHONE_STRONG_CUE

const std::set<std::string_view>& DigitRecognisers() {
  static const std::set<std::string_view> k = {
      "phone-international", "phone-nanp", "phone-national", "phone-national-full", "phone-bracketed",
      "phone-context", "phone-bare", "phone-grouped", "phone-digits", "credit-card", "iban", "us-ssn",
      "us-ssn-digits", "date-of-birth", "ipv4", "street-address", "street-compound", "street-typed",
      "street-number-first", "street-worded", "street-by-postcode", "uk-postcode", "au-state-postcode",
      "us-state-zip", "us-military-address", "es-dni", "it-codice-fiscale", "se-personnummer", "fi-hetu",
      "no-fodselsnummer", "fr-nir",
      "uk-nino", "pl-pesel"};
  return k;
}

const std::vector<const char*>& ProtectedPatterns() {
  static const std::vector<const char*> k = {
      R"(\bCVE-\d{4}-\d{4,7}\b)",
      R"(\b(?:KB|kb)\d{6,8}\b)",
      R"(\b(?i:http)(?:/\d(?:\.\d)?)?\s(?:error\s)?[1-5]\d\d\b)",
      R"((?i:\b(?:version|ver\.?|build|release|firmware|v)\s?)\d{1,5}(?:\.\d{1,6}){1,4}\b)",
      R"(\b(?:S3|EC2|EKS|AKS|GKE|ECS|RDS|C4|C5|i[3579]|x86_64|arm64|IPv[46]|TLSv?1\.[0-3]|SHA-?(?:1|256|512)|UTF-8|MD5)\b)",
      R"(\b(?:HKLM|HKCU|HKCR|HKU|HKEY_[A-Z_]{1,30})\\[^\s]{1,300})",
      R"(\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b)",
      R"(\b0x[0-9a-fA-F]{4,16}\b)",
  };
  return k;
}

bool IsGreetingStopword(std::string_view word) {
  static const std::set<std::string, std::less<>> k = {
      "team", "all", "it", "there", "everyone", "everybody", "folks", "guys", "colleagues", "support", "service",
      "desk", "helpdesk", "sir", "madam", "again", "thanks", "thank", "please", "good", "morning", "afternoon",
      "evening", "hello", "hi", "hey", "dear", "regards", "best", "cheers", "kind", "many", "urgent", "sorry",
      "unable", "not", "still", "just", "also", "getting", "trying", "having", "working", "looking", "writing",
      "from", "the", "this", "that", "your", "my", "our", "we", "you", "they", "he", "she", "i", "a", "an",
      "admin", "administrator", "user", "users", "customer", "manager", "security", "network", "ops", "devops",
      "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today", "tomorrow",
      "yesterday", "asap", "fyi", "update", "issue", "problem", "ticket", "request", "windows", "outlook", "teams",
      "vpn", "sap", "office", "microsoft", "google", "apple", "azure", "aws", "jira", "confluence", "slack", "zoom",
      "hr", "finance", "sales", "marketing", "legal", "engineering", "staff", "new", "everything", "nothing",
      "sent", "regarding", "re", "fw", "fwd", "subject", "note", "attached", "ok", "okay", "yes", "no", "here",
      "mr", "mrs", "ms", "miss", "dr", "prof", "unit", "much", "both", "lots", "heaps", "loads", "million", "buddy",
      "mate", "man", "dude", "bro", "boss", "guys", "sir", "advance", "so", "a", "again", "anyway", "heaps",
  };
  std::string lower;
  for (char c : word) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return k.count(lower) > 0;
}

bool ValidPersonName(std::string_view s) {
  // Every word must be a plausible name word: not a stopword.
  size_t start = 0;
  while (start < s.size()) {
    size_t end = s.find_first_of(" \t-", start);
    if (end == std::string_view::npos) end = s.size();
    if (end > start && IsGreetingStopword(s.substr(start, end - start))) return false;
    start = end + 1;
  }
  return !s.empty();
}

bool ValidUsStateZip(std::string_view s) {
  static const std::set<std::string, std::less<>> k = {
      "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS",
      "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC",
      "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY"};
  return k.count(s.substr(0, 2)) > 0;
}

bool ValidAccountHandle(std::string_view s) {
  const size_t cut = s.find_last_of("._");
  static const std::set<std::string, std::less<>> k = {
      "txt", "log", "exe", "dll", "sys", "msi", "bat", "cmd", "ps1", "sh", "py", "js", "ts", "json", "yaml", "yml", "xml",
      "csv", "tsv", "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "zip", "gz", "tar", "png", "jpg", "jpeg", "gif",
      "cfg", "conf", "ini", "html", "htm", "md", "rtf", "pst", "ost", "eml", "msg", "bak", "tmp", "iso", "img", "vhd",
      "com", "net", "org", "edu", "gov", "io", "local", "lan", "corp", "internal", "de", "uk", "fr", "nl", "es", "it"};
  return cut != std::string_view::npos && k.count(s.substr(cut + 1)) == 0;
}

bool ValidPasswordValue(std::string_view s) {
  std::string_view v = s;
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'')) v = v.substr(1, v.size() - 2);
  // A sentence's end is judged without its mark: "My PIN was blocked." is no password.
  while (v.size() > 1 && (v.back() == '.' || v.back() == '!' || v.back() == '?')) v.remove_suffix(1);
  static const std::set<std::string, std::less<>> k = {
      "reset", "expired", "required", "changed", "incorrect", "wrong", "invalid", "missing", "please", "request",
      "policy", "manager", "field", "prompt", "protected", "locked", "unknown", "blank", "empty", "none", "null",
  };
  std::string lower;
  for (char c : v) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (k.count(lower)) return false;
  bool digit = false, symbol = false, upper = false;
  for (char c : v) {
    digit |= std::isdigit(static_cast<unsigned char>(c)) != 0;
    upper |= std::isupper(static_cast<unsigned char>(c)) != 0;
    symbol |= !std::isalnum(static_cast<unsigned char>(c)) && c != ' ';
  }
  return digit || symbol || (upper && v.size() >= 8) || v.size() >= 12;
}

}  // namespace fl::guard::internal
