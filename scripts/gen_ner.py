#!/usr/bin/env python3
"""Generates frontline's own NER training data: ticket-style sentences with person,
location and organisation names, in CoNLL form (one "token<TAB>tag" per line, BIO tags
B-PERSON / I-PERSON / B-LOCATION / ... / O, a blank line between sentences).

Half the sentences come from the sample ticket generator (gen_sample.py: its bodies,
details, signatures, greetings, with the people's names tagged), half from the frames
below. The names are invented from the lists below (first names and surnames from many
languages, real city and country names, made-up company names); the sentence frames are
written for help-desk text: greetings, signatures, requests about colleagues, locations
of offices and sites, vendors. Technical words that are capitalised (Outlook, VPN,
SharePoint) appear as O so that the tagger learns they are not names.

With --gazetteer-out it also writes the word lists the tagger looks words up in
("list<TAB>entry": first, last, location, word), for `frontline train-ner --gazetteer`.
Where Debian's python3-fake-factory (Faker) is installed, its first names, surnames,
cities and countries of the Latin-script locales join the lists above, both in the
sentences and in the gazetteer; where wamerican is installed, its lower-case words are the
"word" list (common words: evidence against a name). Without them the built-in lists are
used and a note says so.

usage: gen_ner.py --out train.conll [--n 6000] [--seed 1] [--gazetteer-out names.tsv]
"""
import argparse
import importlib
import os
import pkgutil
import random
import re
import string
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_sample as G  # noqa: E402  (the sample ticket generator: its sentences and slots)
import sample_templates as T  # noqa: E402

FIRST = """Maria Anna Johan Lars Sven Ingrid Olga Ivan Dmitri Yuki Hiroshi Kenji Aiko Mei Wei Li Jun Chen
Priya Rahul Arjun Ananya Fatima Omar Ahmed Aisha Layla Youssef Hassan Leila Kwame Ama Kofi Chidi Ngozi
Thabo Zanele Pedro Lucia Carlos Sofia Mateo Valentina Diego Camila Jose Ana Luis Elena Pablo Carmen
Giulia Marco Luca Francesca Matteo Chiara Pierre Camille Louis Chloe Hugo Amelie Jean Claire Lukas Lena
Felix Hannah Jonas Mia Niklas Sophie Tomasz Agnieszka Piotr Katarzyna Jakub Zofia Erik Astrid Mikko Aino
Jan Eva Petr Lenka Bence Zsofia Gabor Eszter Andrei Ioana Mihai Elif Mehmet Ayse Emre Zeynep Nikos Eleni
James Mary John Patricia Robert Jennifer Michael Linda David Elizabeth William Barbara Richard Susan
Joseph Jessica Thomas Sarah Daniel Karen Matthew Nancy Anthony Lisa Mark Betty Paul Sandra Steven Ashley
Kevin Emily Brian Michelle George Amanda Edward Melissa Ronald Deborah Timothy Stephanie Jason Rebecca
Ryan Laura Jacob Sharon Gary Cynthia Nicholas Kathleen Eric Amy Jonathan Shirley Stephen Angela Larry
Helen Justin Samantha Scott Katherine Brandon Christine Benjamin Debra Samuel Rachel Gregory Carolyn
Alexander Janet Frank Catherine Patrick Maria Raymond Heather Jack Diane Dennis Ruth Jerry Julie Tyler
Olivia Noah Emma Liam Ava Ethan Isabella Mason Mia Logan Harper Lucas Evelyn Aiden Abigail Jackson
Krisztian Szabina Toshimi Sieda Emilie Victoria Kamila Andrita Ngaio Tariq Rania Siddharth Nkechi
Oluwaseun Bongani Malak Sanjay Deepika Haruto Sakura Minh Linh Thanh Bao Joon Seo Hyun Ji Nadia Karim""".split()
LAST = """Lopez Berg Johansson Andersson Nilsson Petrov Ivanova Sokolov Tanaka Suzuki Watanabe Yamamoto Wang
Zhang Liu Chen Yang Huang Sharma Patel Gupta Singh Kumar Khan Ahmed Hussain Ali Rahman Mensah Owusu Okafor
Nwosu Dlamini Nkosi Silva Santos Oliveira Pereira Costa Garcia Martinez Rodriguez Hernandez Gonzalez
Perez Sanchez Ramirez Torres Rossi Russo Ferrari Esposito Bianchi Romano Martin Bernard Dubois Thomas
Robert Richard Petit Durand Muller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann
Nowak Kowalski Wisniewski Wojcik Kowalczyk Novak Svoboda Dvorak Nagy Kovacs Toth Szabo Horvath Popescu
Ionescu Yilmaz Kaya Demir Sahin Papadopoulos Georgiou Smith Johnson Williams Brown Jones Miller Davis
Wilson Anderson Taylor Moore Jackson White Harris Thompson Clark Lewis Robinson Walker Young Allen King
Wright Scott Hill Green Adams Baker Nelson Carter Mitchell Roberts Turner Phillips Campbell Parker Evans
Edwards Collins Stewart Morris Murphy Cook Rogers Morgan Cooper Peterson Reed Bailey Bell Kelly Howard
Ward Cox Richardson Wood Watson Brooks Bennett Gray James Hughes Price Sanders Myers Long Ross Foster
Szollosy Gelencser Arata Batukayev Broberg Bruun Cervinkova Pano Virtanen Korhonen Haugen Lindqvist
Okonkwo Adeyemi Nguyen Tran Le Pham Kim Park Choi Jung Kang Cho Mahmoud Haddad Farouk Rasmussen""".split()
CITY = """London|Paris|Berlin|Madrid|Rome|Lisbon|Dublin|Amsterdam|Brussels|Vienna|Prague|Warsaw|Budapest|Bucharest|Athens|Istanbul|Stockholm|Oslo|Copenhagen|Helsinki|Zurich|Geneva|Munich|Hamburg|Frankfurt|Milan|Barcelona|Valencia|Lyon|Marseille|Manchester|Birmingham|Glasgow|Edinburgh|Cardiff|Belfast|Krakow|Gdansk|Tallinn|Riga|Vilnius|Kyiv|Sofia|Belgrade|Zagreb|Ljubljana|Bratislava|Porto|Seville|Bilbao|Antwerp|Rotterdam|Utrecht|Eindhoven|Cologne|Stuttgart|Leipzig|Dresden|Bern|Basel|Tokyo|Osaka|Kyoto|Seoul|Busan|Beijing|Shanghai|Shenzhen|Singapore|Bangkok|Jakarta|Manila|Mumbai|Delhi|Bangalore|Chennai|Hyderabad|Pune|Dubai|Riyadh|Cairo|Lagos|Nairobi|Accra|Johannesburg|Cape Town|Casablanca|Toronto|Montreal|Vancouver|Chicago|Boston|Seattle|Denver|Austin|Dallas|Houston|Atlanta|Miami|Phoenix|Portland|San Francisco|Los Angeles|New York|San Diego|Mexico City|Bogota|Lima|Santiago|Buenos Aires|Sao Paulo|Rio de Janeiro|Sydney|Melbourne|Brisbane|Perth|Auckland|Wellington""".split("|")
COUNTRY = """Germany|France|Spain|Italy|Portugal|Ireland|Netherlands|Belgium|Austria|Switzerland|Poland|Czech Republic|Hungary|Romania|Greece|Turkey|Sweden|Norway|Denmark|Finland|Estonia|Latvia|Lithuania|Ukraine|Bulgaria|Serbia|Croatia|Slovenia|Slovakia|United Kingdom|Scotland|Wales|Japan|South Korea|China|India|Pakistan|Bangladesh|Indonesia|Philippines|Thailand|Vietnam|Malaysia|Australia|New Zealand|Canada|United States|Mexico|Brazil|Argentina|Chile|Colombia|Peru|Uruguay|Egypt|Nigeria|Kenya|Ghana|South Africa|Morocco|Saudi Arabia|Qatar|Israel|Cyprus|Iceland|Luxembourg|Malta""".split("|")
ORG_A = """Acme Globex Initech Umbrella Stark Wayne Wonka Hooli Vandelay Soylent Cyberdyne Tyrell Massive Dynamic
Northwind Contoso Fabrikam Litware Adatum Tailspin Woodgrove Proseware Lucerne Alpine Blue Yonder Coho Wingtip
Persint Nordlicht Sunvale Brightpath Ironwood Silverline Greenfield Redwood Bluewater Skyline Oakridge Pinecrest
Riverbend Stonegate Fairview Lakeside Meridian Pinnacle Summit Horizon Keystone Vertex Quantum Apex Nimbus""".split()
ORG_B = ["Ltd", "GmbH", "Inc", "Corp", "AG", "SA", "BV", "Logistics", "Bank", "Insurance", "Consulting",
         "Systems", "Solutions", "Group", "Holdings", "Health", "Energy", "Airlines", "Media", "Foods"]
TECH = ["Outlook", "Teams", "VPN", "SharePoint", "Windows", "Excel", "Word", "Jira", "Confluence", "SAP",
        "Salesforce", "Zoom", "OneDrive", "Azure", "AWS", "Citrix", "Okta", "Chrome", "Firefox", "MacBook",
        "ThinkPad", "iPhone", "Android", "Linux", "Kubernetes", "Docker", "Jenkins", "GitLab", "Oracle", "Postgres"]
TITLES = ["Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "Mr", "Mrs", "Ms", "Dr"]

FRAMES = [
    "Hi {P1} , my {T} keeps crashing since this morning .",
    "Hello {P} , could you reset the password for {P} please ?",
    "Dear {P} , the {T} licence for our team in {L} expired yesterday .",
    "{P} from {O} cannot log in to {T} .",
    "Please add {P} to the finance group , she starts in {L} on Monday .",
    "The printer on the third floor of the {L} office is jammed again .",
    "Regards , {P}",
    "Thanks , {P1}",
    "Best regards {P} , {O}",
    "My colleague {P} says the {T} share is read-only .",
    "Our site in {L} , {C} has no network since 9am .",
    "{O} sent an invoice for the {T} renewal , can you check ?",
    "Can you give {P} access to the {T} project ?",
    "I am travelling to {L} next week and need {T} on my phone .",
    "{P} is leaving {O} on Friday , please disable the account .",
    "The {T} integration with {O} fails with a timeout .",
    "Manager approval from {P} is attached .",
    "please call {P1} when the {T} server is back",
    "{TI} {PL} asked for a new laptop for the {L} branch .",
    "New starter {P} joins the {L} team , needs {T} and {T} .",
    "We moved the {T} servers from {L} to {L} last month .",
    "Ticket raised on behalf of {P} ( {O} , {L} ) .",
    "{P} and {P} both see the same {T} error .",
    "The vendor {O} will send an engineer to {L} tomorrow .",
    "have you heard {P} speak yet ?",
    "{P} listed the issue for {O} and escalated it to {P} .",
    "Shipping address : {O} , {L} , {C}",
    "The meeting with {P} in {L} was moved to Thursday .",
    "Is {T} down ? Nobody in {L} can open it .",
    "{T} asks for a reboot after every update .",
    "The {T} client on my {T} will not sync .",
    "Please restore the folder that {P1} deleted yesterday .",
    "I spoke to {P} at {O} about the contract .",
    "Users in {C} report slow {T} logins .",
    "The new hire {P} is based in {L} , {C} .",
    "Cheers , {P1}",
    "Kind regards , {P} , IT Service Desk , {O}",
    "Contact : {P} , {O}",
    "{P} wrote that the {T} backup in {L} failed .",
    "Our office in {C} needs two more {T} licences .",
    "The new accounts are for {PL} , {PL} and {PL} .",
    "{P1} : the {T} share is back .",
    "{P1} : thanks , works now !",
    "Maybe the licence is under {P} 's name .",
    "Please follow up with {P} about the {T} renewal .",
    "Approvers : {P} , {P} , {P}",
    "{TI} {P} called about the invoice from {O} .",
    "Forwarding on behalf of {TI} {PL} .",
    "cc {P} , {P}",
    "Escalated to {P} ( team lead , {L} ) .",
    "{P} , {P} and I all use {T} in the {L} office .",
]

# General-purpose frames (news, reviews, stories, dialogue, forms, address blocks) so that
# the tagger sees names outside help-desk text, and capitalised words that are not names:
# titles of songs and books, holidays, form labels, job titles, street names ({S}).
GENERAL_FRAMES = [
    "{P} was born in {L} and moved to {L} as a teenager .",
    "{P1} lives on {S} with her two sisters .",
    "According to {P} , the band recorded the album in {L} .",
    "The song \" {TT} \" was written by {P} in 1974 .",
    "{PL} 's new novel , {TT} , is out next month .",
    "In an interview , {P} said the team had never played in {C} before .",
    "{P1} , can you send me the slides before the meeting ?",
    "{P1} : Where did you put the keys ?",
    "{P1} : On the table , next to the door .",
    "Name : {P}",
    "Full name : {P} Phone : ( 555 ) 010 - 2291",
    "Contact person : {P} , {J} , {O}",
    "{P}\n{J}\n{O}\n{N} {S}\n{L}",
    "Ship to : {P} , {N} {S} , {L} , {C}",
    "Please deliver the parcel to {N} {S} , Apt . {N} , {L} .",
    "Her maiden name is {PL} .",
    "My name is {P} and I work for {O} .",
    "Why is {P1} always late on Mondays ?",
    "{P1} told {P1} that the film was boring .",
    "The committee elected {P} as its new chair .",
    "Police in {L} arrested {P} on Tuesday .",
    "Former {O} chief executive {P} died on Sunday at the age of 81 .",
    "{P} scored twice as {L} beat {L} 3 - 1 .",
    "The museum in {L} shows paintings by {P} and {P} .",
    "{PL} , {PL} and {PL} founded {O} in a garage in {L} .",
    "Thanks to {P1} and {P1} for organising the {H} party !",
    "We closed the office for {H} .",
    "On {H} the shops in {L} stay open until noon .",
    "Listen to {TT} on the radio tonight .",
    "{TT} is the best track on the album .",
    "Dear Sir or Madam , I am writing about my order .",
    "Website : www.example.com Phone : ( 555 ) 010 - 2291",
    "Address : {N} {S}",
    "Occupation : {J}",
    "{P} , {J} at {O} , will lead the workshop .",
    "The {J} , {P} , signed the contract .",
    "I met {P1} at the train station in {L} .",
    "{P1} and I went hiking near {L} last summer .",
    "Is {P1} coming to the party on Saturday ?",
    "Say hello to {P1} from me !",
    "{P1} had given {P1} the address of the hotel .",
    "Travelling from {L} to {L} takes six hours by train .",
    "{L} is the capital of {C} .",
    "The festival moved from {L} to {L} in 2019 .",
    "{O} opened a new factory outside {L} .",
    "Shares of {O} fell after the report .",
    "The {TT} tour starts in {L} on Friday .",
    "She studied at the University of {L} before joining {O} .",
    "Happy birthday , {P1} !",
    "Love , {P1}",
    "Sincerely , {P}",
    "Yours truly , {P} , {J}",
    "The account belongs to {P} , who moved to {C} .",
    "Add {P} as a second driver on the policy .",
    "Meet me at the corner of {S} and {S} .",
    "{P1} : {U}\n{P1} : {U}",
    "{P1} : {U}\n{P1} : {U}\n{P1} : {U}",
    "{U}\n{P1} : {U}",
    "\" {U} \" said {P1} .",
    "\" {U} \" , {P1} told {P1} .",
    "{U} asked {P1} , looking at {P1} .",
    "It 's under my brother 's name , {P} .",
    "Everyone calls me {P1} .",
    "[ 10:42 ] {P1} : {U}",
    "{P1} wrote : {U}",
    "Patient {P} , born 12/03/1975 , was admitted to the {L} clinic on Monday .",
    "Please transfer the refund to {P} , account ending 4411 .",
    "{P} has been promoted to {J} , effective next month .",
    "Hi , this is {P} from {O} , calling about order 12345 .",
    "From : {P}\nTo : {P}\nSubject : {U}",
    "Sent by {P} on Monday at 9:14",
    "Attendees : {P} , {P} , {P1} and {P1} .",
    "{PL} , {P1}\n{N} {S}\n{L}",
    "Mr {PL} and Mrs {PL} have checked in .",
    "Congratulations to {P} on the new role !",
    "Great service from {P1} at the {L} branch .",
    "I borrowed {P1} 's charger this morning .",
    "Does {P1} know about this ?",
    "Who is {P} and why is she in the group chat ?",
    "I had lunch with {P} and {P1} .",
    "This parcel is for {P} , not for me .",
    "The report was written by {P} and reviewed by {P} .",
    "We sent the contract to {P} at {O} .",
    "{P} ( 34 ) from {L} won the race .",
    "Tickets for {TT} are sold out , said {P} , the organiser .",
    "Her son {P1} starts school in {L} this autumn .",
    "Ask {P1} , he knows the code .",
    "{P1} , {P1} , thanks for the quick fix .",
    "Booking reference for {P} : two nights in {L} .",
    "Interview with {P} , author of {TT}",
    "I think {PL} was right about the budget .",
    "The award went to {P} of {O} .",
    "Emergency contact : {P} ( sister )",
    "Beneficiary : {P}",
    "Account holder : {P} , {L}",
    "The office is on {S} , opposite the station .",
]
SONG = """Blue Moon Rising|Carry Me Home|Summer Rain|The Long Road|Midnight Train|Broken Wings|Golden Hour|Lost In
Time|Paper Heart|City Lights|Wild Horses Run|Dancing Alone|The Last Goodbye|Silver Lining|Highway Of
Dreams|Cold Winter Nights|Running Free|Letters From Home|Fire And Ice|Ocean Eyes|Yesterday's News|Beautiful
Day|Take Me Back|The Quiet Years|Heart Of Stone|Northern Star|Sweet Dreams|Open Roads|Hidden Valley|Night
Shift Blues""".replace("\n", " ").split("|")
HOLIDAY = ["Christmas", "Easter", "Labor Day", "New Year", "Thanksgiving", "Halloween", "Independence Day",
           "Memorial Day", "Boxing Day", "Good Friday", "Mother's Day", "Valentine's Day"]
JOB = ["Project Manager", "Software Engineer", "Head of Sales", "Chief Financial Officer", "Accountant",
       "Nurse", "Teacher", "Sales Representative", "Data Analyst", "Office Manager", "Graphic Designer",
       "Civil Engineer", "Head Chef", "Pharmacist", "Lawyer", "Marketing Director", "Bus Driver",
       "Research Scientist", "Systems Administrator", "Assistant Property Manager"]
STREET_SUFFIX = ["Street", "Road", "Avenue", "Drive", "Lane", "Way", "Boulevard", "Court", "Place", "Square",
                 "Crescent", "Close", "Terrace", "Hill", "Park", "Gardens", "Grove", "Row", "Walk", "St", "Rd", "Ave"]
STREET_PREFIX = ["Via", "Rue", "Calle", "Avenida", "Rua"]
STREET_WORD = ["Oak", "Maple", "Church", "Mill", "High", "Station", "Park", "Bridge", "King", "Queen", "Victoria",
               "Market", "Green", "Lake", "River", "North", "South", "West", "East", "Elm", "Cedar", "Pine"]

# Log and monitoring lines: dates, weekdays, months and CamelCase identifiers are not names.
LOG_FRAMES = [
    "{DT} {HOST} sshd [ {N} ] : Accepted publickey for root from 10.0.0.{N} port {N}",
    "{DT} {HOST} kernel : {ID} : link is up",
    "{DT} INFO {ID} : Starting {ID} on port {N}",
    "{DT} WARN {ID} {ID} : retrying connection to {HOST}",
    "[ {DT} ] ERROR {ID} failed : {ID} timed out after {N} ms",
    "{WD} {MO} {N} {N}:{N}:{N} {N} {ID} : {ID} state changed",
    "{MO} {N} {N}:{N}:{N} {HOST} {ID} [ {N} ] : {ID} returned {N}",
    "Last login : {WD} {MO} {N} {N}:{N}:{N} from {HOST}",
    "{DT} {HOST} ftpd [ {N} ] : connection from {HOST} at {WD} {MO} {N} {N}:{N}:{N} {N}",
    "{DT} {ID} ( {ID} ) started at {WD} {MO} {N}",
    "Report for {WD} , {MO} {N} : {N} errors , {N} warnings",
    "{ID} . {ID} : {ID} is null",
    "Scheduled maintenance on {WD} {N} {MO} , {N}:00 - {N}:00 UTC",
]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
            "Mon", "Tue", "Tues", "Wed", "Thu", "Thur", "Thurs", "Fri", "Sat", "Sun"]
ID_PARTS = ["Request", "Handler", "Manager", "Service", "Client", "Session", "Allocator", "Scheduler", "Context",
            "Container", "Node", "Block", "Event", "Lifecycle", "Cache", "Socket", "Queue", "Worker", "Monitor"]

def identifier(rng):
    """A CamelCase identifier from logs: RMContainerAllocator, NSView, CCFile, BAbitmap."""
    r = rng.random()
    parts = rng.sample(ID_PARTS, rng.randint(1, 3))
    if r < 0.5:
        return "".join(rng.choice(string.ascii_uppercase) for _ in range(rng.randint(2, 3))) + "".join(parts)
    if r < 0.8:
        return "".join(parts)
    return rng.choice(["Kerberos", "Bluetooth", "Recalculating", "Midplane", "Discoverable", "Ack", "Seq", "Rect",
                       "Link", "Auth", "Dir", "Pid", "Engine", "Unknown", "Page"])

UTTERANCES = ["Where are you ?", "I told you so !", "Remember me ?", "The VPN is down again .", "Thanks , that worked .",
              "Can you hear me ?", "What a day .", "I am so sorry .", "Let's meet at noon .", "You saved my life !",
              "Is the printer fixed ?", "Not yet , give me ten minutes .", "Who broke the build ?", "See you tomorrow .",
              "That is not what I meant .", "Did you restart it ?", "Sure , on my way ."]

def load_extra_lists():
    """Faker's first names, surnames, cities and countries (Latin script) where the Debian
    package is installed; empty lists and a note otherwise."""
    first, last, places = set(), set(), set()
    suffixes = set()
    try:
        import faker.providers.person as person_pkg
        import faker.providers.address as address_pkg
    except ImportError:
        print("gen_ner: python3-fake-factory is not installed: using the built-in name lists only "
              "(scripts/install-deps.sh installs it)", file=sys.stderr)
        return [], [], []
    latin = lambda x: x and all(ord(c) < 0x250 or c in " -'" for c in x) and x[0].isupper()
    for pkg, kind in ((person_pkg, "person"), (address_pkg, "address")):
        for m in pkgutil.iter_modules(pkg.__path__):
            try:
                prov = importlib.import_module(f"{pkg.__name__}.{m.name}").Provider
            except Exception:  # a locale module that does not import on this Python
                continue
            def names(attr):
                v = getattr(prov, attr, None)
                return [x for x in (v or ()) if isinstance(x, str) and latin(x)] if isinstance(v, (tuple, list, dict)) else []
            if kind == "person":
                first.update(names("first_names") + names("first_names_male") + names("first_names_female"))
                last.update(names("last_names"))
            else:
                places.update(names("cities") + names("city_names") + names("countries") + names("states"))
                if m.name.startswith("en"):
                    suffixes.update(names("street_suffixes"))
    STREET_SUFFIX.extend(sorted(suffixes - set(STREET_SUFFIX)))
    return sorted(first), sorted(last), sorted(places)

def dictionary_words(path="/usr/share/dict/words"):
    """Lower-case words from wamerican, or none (with a note)."""
    if not os.path.exists(path):
        print(f"gen_ner: {path} is missing (Debian's wamerican): no common-word list", file=sys.stderr)
        return []
    with open(path, encoding="utf-8", errors="replace") as f:
        return [w for w in (x.strip() for x in f) if w.isalpha() and w.islower()]

EXTRA_FIRST, EXTRA_LAST, EXTRA_PLACES = [], [], []

def first_name(rng):
    return rng.choice(EXTRA_FIRST) if EXTRA_FIRST and rng.random() < 0.6 else rng.choice(FIRST)

def last_name(rng):
    return rng.choice(EXTRA_LAST) if EXTRA_LAST and rng.random() < 0.6 else rng.choice(LAST)

def place(rng):
    return rng.choice(EXTRA_PLACES) if EXTRA_PLACES and rng.random() < 0.5 else rng.choice(CITY)

def street(rng):
    r = rng.random()
    if r < 0.4:
        return f"{rng.choice(STREET_WORD)} {rng.choice(STREET_SUFFIX)}"
    if r < 0.65:
        return f"{last_name(rng)} {rng.choice(STREET_SUFFIX)}"
    if r < 0.8:
        return f"{first_name(rng)} {rng.choice(STREET_SUFFIX)}"
    return f"{rng.choice(STREET_PREFIX)} {last_name(rng)}"

SYLLABLES = ["ra", "zen", "tri", "vo", "lex", "mar", "qui", "no", "ta", "vi", "sta", "plex", "cor", "da", "on",
             "ix", "bel", "ka", "ly", "sen", "tro", "fi", "gra", "hu", "mo", "ne", "pi", "sol", "ve", "xo"]
ORG_SUFFIX = ORG_B + ["LLC", "Corporation", "Incorporated", "Company", "Partners", "Agency", "Labs", "Software",
                      "Technologies", "Associates", "Foundation", "Institute", "Studio", "Ventures"]

def organisation(rng):
    """A company name: a list name, an invented brand, or surnames in a firm's pattern."""
    r = rng.random()
    suffix = lambda p: f" {rng.choice(ORG_SUFFIX)}" if rng.random() < p else ""
    if r < 0.4:
        return rng.choice(ORG_A) + suffix(0.7)
    if r < 0.7:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        return word.capitalize() + rng.choice(["", "", "", "com", "ly", "io"]) + suffix(0.5)
    l1, l2, l3 = last_name(rng), last_name(rng), last_name(rng)
    return rng.choice([f"{l1}{suffix(1)}", f"{l1}-{l2}", f"{l1} , {l2} and {l3}", f"{l1} & {l2}",
                       f"{l1} and {l2}{suffix(0.5)}"])

def person(rng, kind):
    f, l = first_name(rng), last_name(rng)
    if kind == "P1":
        return [f]
    if kind == "PL":
        return [l]
    r = rng.random()
    initial = rng.choice('ABCDEFGHJKLMNPRSTW')
    if r < 0.55:
        return [f, l]
    if r < 0.7:
        return [f, last_name(rng), l] if rng.random() < 0.3 else [f, l]
    if r < 0.8:
        return [f, f"{initial}.", l]
    if r < 0.84:
        return [f, l, rng.choice(["Jr.", "Sr."])]
    if r < 0.88:
        return [f"{initial}.", l]
    return [f]

def fill(rng, frame):
    toks, tags = [], []
    for w in frame.split():
        m = re.fullmatch(r"\{(\w+)\}", w)
        if not m:
            toks.append(w); tags.append("O"); continue
        k = m.group(1)
        if k in ("P", "P1", "PL"):
            ws, t = person(rng, k), "PERSON"
        elif k == "L":
            ws, t = (place(rng) if rng.random() < 0.8 else rng.choice(COUNTRY)).split(), "LOCATION"
        elif k == "C":
            ws, t = rng.choice(COUNTRY).split(), "LOCATION"
        elif k == "O":
            ws, t = tokens(organisation(rng)), "ORGANIZATION"
        elif k == "T":
            toks.append(rng.choice(TECH)); tags.append("O"); continue
        elif k == "TI":
            toks.append(rng.choice(TITLES)); tags.append("O"); continue
        elif k in ("S", "TT", "H", "J", "N", "DT", "WD", "MO", "ID", "HOST", "U"):  # not names
            value = {"U": lambda: rng.choice(UTTERANCES),"S": lambda: street(rng), "TT": lambda: rng.choice(SONG), "H": lambda: rng.choice(HOLIDAY),
                     "J": lambda: rng.choice(JOB), "N": lambda: str(rng.randint(1, 9999)),
                     "WD": lambda: rng.choice(WEEKDAYS), "MO": lambda: rng.choice(MONTHS),
                     "DT": lambda: rng.choice([f"{rng.choice(MONTHS)} {rng.randint(1, 28)} 10:{rng.randint(10, 59)}:07",
                                               f"{rng.choice(WEEKDAYS)} {rng.choice(MONTHS)} {rng.randint(1, 28)}",
                                               f"2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)} 08:1{rng.randint(0, 9)}:44"]),
                     "ID": lambda: identifier(rng),
                     "HOST": lambda: rng.choice(["srv-web-01", "db02", "combo", "node-17", "gw.example.net"])}[k]()
            for x in tokens(value):
                toks.append(x); tags.append("O")
            continue
        for i, x in enumerate(ws):
            toks.append(x); tags.append(("B-" if i == 0 else "I-") + t)
    return toks, tags

# Slots of the sample tickets that hold people's names, and the office slot (a location).
PERSON_SLOTS = {"rname", "rfirst", "colleague", "manager", "newhire"}

# Contractions of "is" and "us" that stay one token (NerTokens' list).
CONTRACTIONS = {"what's", "how's", "it's", "that's", "let's", "there's", "here's", "who's", "where's", "he's",
                "she's", "when's", "why's"}

def tokens(text):
    """The same split as the C++ NerTokens: word runs (letters, digits, non-ASCII, ' and -),
    a short capitalised word keeps its period before a space, a possessive's 's apart (not
    a contraction's: "What's"), other punctuation alone."""
    out, i = [], 0
    word = lambda c: c.isalnum() or ord(c) >= 0x80 or c in "'-"
    while i < len(text):
        c = text[i]
        if c.isspace():
            i += 1; continue
        if not word(c):
            out.append(c); i += 1; continue
        j = i
        while j < len(text) and word(text[j]): j += 1
        if j < len(text) and text[j] == "." and j - i <= 4 and text[i].isupper() and (j + 1 == len(text) or text[j + 1] == " "):
            j += 1
        tok = text[i:j]
        mark = 0
        if tok.lower().replace("\u2019", "'") in CONTRACTIONS:
            pass
        elif len(tok) > 2 and tok[-2:] in ("'s", "'S", "\u2019s"):
            mark = 2
        elif len(tok) > 2 and tok[-1] == "'" and tok[-2] in "sS":
            mark = 1
        if mark:
            out.extend([tok[:-mark], tok[-mark:]])
        else:
            out.append(tok)
        i = j
    return out

def ticket_sentence(rng):
    """A sentence from the sample ticket generator, names tagged."""
    pool = rng.choice([
        [b[0] for c in T.C.values() for b in c["bodies"]],
        [d for c in T.C.values() for d in c["details"]],
        [x for c in T.C.values() for x in c["subjects"]],
        T.FILLERS, T.PII_SENTENCES, T.SIGNATURES, T.GREETINGS, T.CLOSINGS, T.CROSS_MENTIONS,
    ])
    template = rng.choice(pool)
    ctx = G.Ctx(rng, rng.choice(list(T.C)))
    toks, tags = [], []
    for literal, slot, _, _ in string.Formatter().parse(template):
        for t in tokens(literal):
            toks.append(t); tags.append("O")
        if slot is None:
            continue
        if slot in PERSON_SLOTS:
            ws = person(rng, "P1" if slot == "rfirst" else "P")
            for i, w in enumerate(ws):
                toks.append(w); tags.append(("B-" if i == 0 else "I-") + "PERSON")
            continue
        value = str(ctx[slot])
        typ = "LOCATION" if slot == "office" else None
        for i, t in enumerate(tokens(value)):
            toks.append(t); tags.append(("B-" if i == 0 else "I-") + typ if typ else "O")
    return toks, tags

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--n", type=int, default=6000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--lower", type=float, default=0.08, help="share of sentences written all in lower case")
    ap.add_argument("--gazetteer-out", help="also write the word lists for train-ner --gazetteer here")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    EXTRA_FIRST[:], EXTRA_LAST[:], EXTRA_PLACES[:] = load_extra_lists()
    if a.gazetteer_out:
        with open(a.gazetteer_out, "w", encoding="utf-8") as f:
            for lst, names in (("first", FIRST + EXTRA_FIRST), ("last", LAST + EXTRA_LAST),
                               ("location", CITY + COUNTRY + EXTRA_PLACES),
                               ("word", dictionary_words() + [w.lower() for w in MONTHS + WEEKDAYS])):
                for x in sorted(set(names)):
                    f.write(f"{lst}\t{x}\n")
    with open(a.out, "w", encoding="utf-8") as f:
        for _ in range(a.n):
            r = rng.random()
            if r < 0.4:
                toks, tags = ticket_sentence(rng)
            elif r < 0.65:
                toks, tags = fill(rng, rng.choice(FRAMES))
            elif r < 0.7:
                toks, tags = fill(rng, rng.choice(LOG_FRAMES))
            else:
                toks, tags = fill(rng, rng.choice(GENERAL_FRAMES))
            if not toks:
                continue
            if rng.random() < a.lower:  # people type names in lower case too
                toks = [x.lower() for x in toks]
            for x, t in zip(toks, tags):
                f.write(f"{x}\t{t}\n")
            f.write("\n")

if __name__ == "__main__":
    main()
