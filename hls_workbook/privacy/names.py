"""Finding people's names in free text, whether or not anyone put them on record.

Teams type names into stories and notes ("Kwame came back on Tuesday", "Mrs Okafor's
son"), and a public report must not show them. Names on record are handled in
``detect``; this module finds the others with a lexicon of given names and surnames and a
few rules that keep ordinary words, places and organisations ("Victoria Park",
"Grace Church", "Age UK") in the text.

The lexicon is the union of the person lists that ship with ``faker`` for the languages
spoken in UK communities, plus names those lists lack (written here by hand). It is built
once per process, the first time text is searched, so importing this module stays cheap.
"""

from __future__ import annotations

import functools
import importlib
import re
import unicodedata
from collections.abc import Iterator


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: faker locales whose person lists we read: languages of UK communities.
LOCALES = _words("""
    en_GB en_IE ga_IE en_US en_NZ en_IN en_PK en_NG en_KE ha_NG yo_NG ig_NG tw_GH zu_ZA sw
    pl_PL ro_RO lt_LT lv_LV bg_BG cs_CZ sk_SK hu_HU hr_HR el_GR tr_TR it_IT pt_PT pt_BR
    es_ES fr_FR de_DE ne_NP vi_VN uk_UA
""")

#: Given names common in UK communities that faker's lists lack (its Arabic, Bengali and
#: Hindi lists are in their own scripts, its Somali, Kurdish and Eritrean ones missing).
EXTRA_GIVEN = _words("""
    abdi abdirahman abdullahi abdiaziz ayaan asha hodan hamdi farhiya ifrah ilhan khadra
    deeqa faduma hibo idil mahad mohamud warsame nasra sahra sagal ubah zamzam guled liban
    ahmad ahmed mohammed muhammad mohamed mohammad mahmoud mustafa khalid khaled omar yousef
    youssef yusuf ibrahim ismail hamza hassan hussein hussain tariq tarek samir karim walid
    nabil bilal anas rami hani ziad fadi majid rashid salma layla leila noor nour fatima
    fatma aisha aysha ayesha mariam maryam amina zainab zeinab huda hana rania reem dina lina
    yasmin yasmine samira nadia hiba rana asma safa marwa shaima iman abeer ghada amal wafa
    jamila khadija suha imran irfan usman uthman zubair junaid shoaib waqar adeel nadeem
    naveed sajid sajjad shahzad zeeshan kashif asif arif atif aqeel farooq
    dawit yonas tesfay tesfaye mehari berhane semhar senait saba selam hiwot tigist meron
    mulu kidane haile yemane robel filmon awet feven luwam biniam natnael abrehet elsa
    farid farhad fawad jawad habib hamid javid mansour massoud nasir navid reza sohrab zia
    shirin parisa farzana laila mina nasrin roya soraya zahra shilan rebin dilan hevin
    bakhtiyar aram azad karwan shwan saman soran darya rojin berivan jiyan hawre
    delroy leroy winston errol clive desmond lloyd marcia claudette hyacinth merle yvonne
    tyrone jermaine marlon kemar shanice tanisha keisha latoya deon dwayne everton fitzroy
    glenroy carlton neville lascelles junior courtney shantelle jamal tyrese
    kwame kofi kwabena kwaku kwasi yaw ama akosua abena adwoa efua esi afua yaa nana kojo
    kweku ekow chidi chinedu ngozi adaeze chioma emeka obinna ifeoma nkechi uche chika
    tunde babatunde funmilayo folake bisi bola femi yemi kemi sola dapo segun tolu ayo seun
    bukola oluwaseun titilayo tayo wale jide lola dayo niyi bimpe yinka fatou awa mariama
    aminata ousmane mamadou moussa ibrahima abdoulaye kadiatou binta isatou lamin modou
    alieu fatmata kadiatu sorie alimamy foday tendai tatenda rutendo farai chipo nyasha
    thandiwe sipho
    abdul rahim shahid shamim nasima rumana rehana shahana taslima rokeya jahanara anwar
    kamal mizanur habibur mahfuz sultana shirina rubina shabana parveen nazia
    gurpreet harpreet manpreet jaspreet simran amrit baljit harjit jaswinder kuldip
    paramjit sukhwinder rajinder gurdeep harjinder jagdeep navdeep mandeep balwinder
    hetal bhavna nikesh jignesh hitesh mukesh ramesh suresh dinesh nilesh alpesh bhavesh
    kalpesh pritesh minal falguni dipika jayshree kokila hansa manisha priti shilpa
    priya raj ravi sunita anita meena rekha asha deepa kavita pooja neha anjali sanjay
    vijay ajay arjun rohan vikram
    wei ming mei ling xin jun hui hong xiao yan li jing lei tao chen
    arben besnik blerim dritan ermal flamur gentian ilir kujtim luan valon arta besa blerta
    drita elira fatjona jonida mirela teuta vjosa
    olena oksana mykola iryna tetiana andrii oleksandr serhii yulia nataliia olha dmytro
""")

#: Surnames faker lacks that often follow a name typed alone ("Grace Mensah").
EXTRA_SURNAMES = _words("""
    okafor mensah owusu boateng asante adeyemi okoro nwosu eze obi adebayo ogunleye balogun
    bangura kamara conteh sesay jalloh diallo bah barry sow ndiaye mohamud abdi warsame
    farah egal begum uddin miah khatun chowdhury hussain hossain akhtar bibi kaur singh
    patel shah mistry parmar solanki chauhan gill sandhu sidhu dhillon bains johal khan
    qureshi malik iqbal butt mahmood nawaz okonkwo achebe oyelaran mutasa moyo ncube
    kowalski nowak wisniewski
""")

#: Names that are also everyday words ("Will", "Hope", "Green"): a name on record is
#: matched only with its capital letter (:mod:`.detect`).
COMMON_WORD_NAMES = _words("""
    will may hope joy grace faith rose mark bill pat sue art june april august summer
    amber ruby dawn eve guy jack rob frank sunny earl grant dean chase hunter page reed
    rich ray sky storm star heather holly ivy iris lily daisy violet jade pearl crystal
    autumn winter honor honour glory max bob don gene lane miles rocky rusty sandy skip
    stone wade woody young hall baker carol cliff drew gay harmony herb jean kay kit lee
    mercy bliss lou norm penny peace sage song sol tom trust victory
    green white black brown grey gray wood king cook wright turner carter walker clark
    lord moss field fields marsh rivers banks bell bird fox lamb long short little love
    money power price sharp small strong sweet wise best bishop church chambers fisher
    mason miller porter potter shepherd booth bush cross dale day fry gold good hart
    hay head house hunt knight lake law light lock mann north park pike pool rice rock
    ross salt sands south street swan webb well wells west wild
""")

#: Given names that are also everyday words: a name only in a strong context (a title
#: before it, or a surname after it), because "Will you come?" and "May half-term" are
#: not about anyone.
EVERYDAY_NAMES = COMMON_WORD_NAMES | _words("""
    angel blessing comfort charity patience prudence destiny trinity melody felicity
    innocent immaculate lucky precious favour purity unity justice constance verity
    olive poppy hazel rosemary lavender jasmine willow coral diamond misty fancy brandy
    sherry ebony raven robin wolf phoenix sierra savannah troy chad jordan glen warren
    baptist pastor duke archer cooper tanner piper clement urban roman marine marina
    made said else man mad sad tea till us toy job nail harm mile mare tan sole edit gala
    ale meta sever veer lore lope harsh grit cord aura aria nadir pier peer mate ion bale
    christian canal forum safari server raid loot divan sonata salami hardy newton beau
    abbey bonnie colleen corona flora basil noel carmine dirk derrick randy ken sally
""")

#: Everyday-word names that are written in lower case as words, so a capital letter in
#: the middle of a sentence marks a person ("we met Dawn"), not the word.
LOWERCASE_WORD_NAMES = _words("""
    dawn holly ivy daisy ruby amber heather hazel rose jade pearl penny mercy patience
    blessing comfort precious destiny sandy robin drew guy mark frank dean jack hunter
    piper poppy olive iris violet lily jasmine willow misty brandy sherry ebony raven
    rob pat sue kay kit lou bob don max gene ken sally
""")

#: Titles and kinship words that come before a name: the next capitalised word is one.
TITLES = _words("""
    mr mrs ms miss mx dr prof rev reverend pastor sister sir dame lady cllr councillor fr
    imam sheikh rabbi
    auntie aunty aunt uncle nan nana nanna gran granny grandma grandad grandpa
""")
#: Titles that mark a name even when typed in lower case ("mr smith").
FORMAL_TITLES = _words("mr mrs ms mx")

#: Words after a name that make it a place or an organisation ("Florence Road",
#: "Lewis Centre", "Grace Church", "St Mungo's Hostel").
PLACE_WORDS = _words("""
    road rd street st lane ln avenue ave close drive way crescent court gardens place
    terrace grove hill square walk row parade mews rise view green park well gate bridge
    cross common estate centre center house hall church chapel cathedral mosque masjid
    temple gurdwara synagogue library school academy college university nursery hospital
    hospice surgery clinic practice station ward trust foundation fund project club group
    network partnership cafe café kitchen pantry market arms inn hotel tower towers
    heights village town city lodge manor farm quay wharf dock arcade mall hub shop store
    bank memorial institute council borough primary infants juniors fc united rovers
    fair fete festival day week appeal award awards prize programme scheme service
    services team forum alliance society association council's campus field fields
    meadow meadows circus corner yard lido pool baths theatre cinema museum gallery
    leisure sports stadium ground grounds
""")

#: Capitalised words that are never a person here, though some are in name lists.
NOT_NAMES = _words("""
    monday tuesday wednesday thursday friday saturday sunday january february march
    july september october november december mon tue tues wed thu thur thurs fri sat sun
    jan feb mar apr jun jul aug sep sept oct nov dec christmas easter eid ramadan diwali
    hanukkah vaisakhi pride advent lent santa
    muslim jewish sikh hindu buddhist english irish scottish welsh british african
    caribbean asian polish romanian german french spanish italian portuguese turkish
    kurdish arabic urdu punjabi gujarati bengali somali europe european africa america
    american asia god allah jesus christ lord prophet bible quran israel
    who what where which why how whose whom there here
    the a an and or but so if then when while after before because as at by for from in
    into of on to with without about our their his her my your its this that these those
    we they he she it i you me us them him someone everyone anyone nobody somebody
    everybody all both each every some many most few others other people staff
    thanks thank hi hello dear best regards yes no ok okay
    council housing health care nhs gp social services team office department
    job jobcentre universal credit benefits tax hmrc dwp police fire ambulance
    age mind shelter crisis scope sense oasis emmaus samaritans oxfam mencap macmillan
    lottery heritage community communities foundation trust charities
    north south east west northern southern eastern western central upper lower
    great greater little old new saint
""")

#: Organisations whose names are, or look like, a person's (the words stay).
ORGANISATIONS = (
    "age uk", "citizens advice", "christian aid", "sue ryder", "marie curie",
    "leonard cheshire", "salvation army", "st mungo's", "barnardo's", "mary's meals",
    "carers uk", "home-start", "home start", "tommy's", "british red cross",
    "red cross", "young minds", "turning point", "change grow live", "victim support",
    "women's aid", "rape crisis", "the trussell trust", "trussell trust",
)

#: Given names that are also places (UK and beyond): after "in", "at" or "from" they are
#: the place ("moved from Preston", "a flat in Chelsea").
PLACE_NAMES = _words("""
    chelsea victoria florence jordan preston lincoln kent devon sydney austin paris india
    georgia chester stanley ashton washington beverley shirley sutton hamilton douglas
    florida carolina virginia brooklyn dallas houston milan sofia adelaide regina lourdes
    jersey clifton kingsley everton morley brent kingston richmond darlington chad
    dakota lagos accra
""")
_LOCATION_WORDS = _words("in at from near around across into towards outside through via")
_MOVING_WORDS = _words("moved move moving went go going travelled traveled came back trip")

#: Words inside a surname ("Anna van der Berg", "Omar al Hassan").
_PARTICLES = _words("van von de da di del della der den du le la bin ibn al el ul ter")

#: Verbs and nouns that mark the capitalised word next to them as a person.
_PERSON_VERBS = _words("""
    said says told tells asked asks explained rang phoned texted emailed mentioned shared
    admitted laughed cried smiled joined arrived wants wanted needs needed feels felt
    thinks thought hopes hoped agreed suggested volunteered brought cooked helped talked
    spoke wrote came
""")
_KIN = _words("""
    mum mam mom mother dad father son daughter husband wife partner brother sister
    children kids baby nan gran grandma grandad carer friend family boyfriend girlfriend
    niece nephew cousin auntie uncle
""")
#: People named by their part: "our volunteer Zanele", "her neighbour, Derek".
_PERSON_NOUNS = _KIN | _words("""
    volunteer worker nurse mentor officer manager coordinator neighbour colleague client
    tenant resident member chair trustee interpreter teacher doctor befriender buddy
    caseworker advocate landlord
""")
#: First words of a sentence that say something about people without naming anyone.
_NOT_PEOPLE = _words("""
    reception management admin security government funding research evidence feedback
    one another neither either none nobody everyone someone anyone somebody everybody
    whoever police school nursery church mosque temple community partnership family
""")
_CALLED = _words("called named")
_DETERMINERS = _words("the a an our their this these those his her my your its")

_LOWER_TITLE = re.compile(r"(?<!\w)m(?:rs?|s|x)\b")
_TOKEN = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
# "BaseTable", "iPhone": words of a product, not a name ("McDonald", "O'Neill" are names).
_CAMEL = re.compile(r"^(?!Mc|Mac|O'|O’|D'|D’|De|La|Le|Di|Da)\w*?[a-z][A-Z]")
_APOSTROPHES = str.maketrans({"'": "", "’": "", "ʼ": "", "ʹ": ""})
_FOLD = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ı": "i", "ß": "ss",
                       "ʹ": "", "'": "", "’": "", "ʼ": ""})


def key(word: str) -> str:
    """How a word is looked up: 'O’Neill' -> 'oneill'."""
    if not word.isascii():
        word = unicodedata.normalize("NFC", word).translate(_APOSTROPHES)
    elif "'" in word:
        word = word.replace("'", "")
    return word.casefold()


def fold(word: str) -> str:
    """'Łukasz' -> 'lukasz', 'Seán' -> 'sean': people type names without accents, so the
    lexicon holds both forms (words in the text are not folded: 'Łĩ' is no 'Li')."""
    word = word.casefold().translate(_FOLD)
    return "".join(ch for ch in unicodedata.normalize("NFKD", word)
                   if not unicodedata.combining(ch))


def _entries(values: object) -> Iterator[str]:
    for value in values:  # lists, tuples, or dicts of name -> weight
        yield from str(value).replace("-", " ").split()


def _transliterator(locale: str) -> dict[str, str] | None:
    """faker's own Cyrillic-to-Latin table (for e-mail addresses) gives 'Olena', not 'Олена'."""
    try:
        internet = importlib.import_module(f"faker.providers.internet.{locale}")
    except ImportError:
        return None
    table = dict(getattr(internet.Provider, "replacements", ()))
    return {k.casefold(): v for k, v in table.items()} or None


@functools.cache
def lexicon() -> tuple[frozenset[str], frozenset[str]]:
    """(given names, surnames), folded, from faker's lists and ours; built once."""
    given: set[str] = set(EXTRA_GIVEN)
    surnames: set[str] = set(EXTRA_SURNAMES)
    for locale in LOCALES:
        try:
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        except ImportError:  # an older faker without this locale
            continue
        table = _transliterator(locale) if locale == "uk_UA" else None
        for attr in dir(provider):
            target = given if attr.startswith("first_names") else (
                surnames if attr.startswith("last_names") else None)
            if target is None:
                continue
            for name in _entries(getattr(provider, attr)):
                if table:
                    name = "".join(table.get(ch, ch) for ch in name.casefold())
                target.update((key(name), fold(name)))
    given = {g for g in given if len(g) >= 3 or g in ("jo", "ed", "al", "di", "li", "bo")}
    return frozenset(given - NOT_NAMES), frozenset(surnames - NOT_NAMES)


#: Fixed reference data: the report runner keeps it warm between reports.
lexicon.static = True  # type: ignore[attr-defined]


_CAPITALISED = re.compile(r"(?<!\w)[^\W\d_a-z][^\W\d_]*(?:['’-][^\W\d_]+)*")
# The shapes _context_names looks for, as one pattern: a capital letter next to a cue.
_UPPER = r"[^\W\d_a-z]"


def _any_of(words: frozenset[str]) -> str:
    return "(?i:" + "|".join(sorted(words)) + r")(?!\w)"


_CUE = re.compile(
    rf"{_UPPER}[\w'’-]*[ \t]+{_any_of(_PERSON_VERBS)}"
    rf"|{_UPPER}[\w'’-]*['’]s\s+{_any_of(_KIN)}"
    rf"|(?<!\w){_any_of(_PERSON_NOUNS | _CALLED)},?\s+{_UPPER}"
)
_ORGANISATION_KEYS: dict[str, list[tuple[str, ...]]] = {}
for _org in ORGANISATIONS:
    _parts = tuple(key(re.sub(r"['’]s$", "", p)) for p in _TOKEN.findall(_org))
    _ORGANISATION_KEYS.setdefault(_parts[0], []).append(_parts)


class _Tok:
    """One word: where it is, its text without a possessive 's, its lookup key, whether it
    is capitalised ("Kwame") or in capitals ("KWAME"), and what comes before it."""

    __slots__ = ("start", "end", "text", "key", "cap", "caps", "gap", "possessive")

    def __init__(self, m: re.Match[str], text: str, prev_end: int) -> None:
        word = m.group(0)
        start = m.start()
        self.possessive = len(word) > 3 and word[-1] in "sS" and word[-2] in "'’"
        if self.possessive:
            word = word[:-2]
        self.start, self.end, self.text = start, start + len(word), word
        self.key = key(word)
        self.caps = self.cap = False
        if word[0].isupper():
            rest = word[1:]
            if word.isupper():
                self.caps = len(word) > 1
                self.cap = not self.caps
            elif "-" in word:  # "Mary-Jane" yes; "MARK-story", "Drop-in" no
                self.cap = all(p[:1].isupper() and (p[1:].islower() or len(p) == 1)
                               for p in word.split("-"))
            else:
                self.cap = rest.islower() or not _CAMEL.search(word)
        #: What lies between the previous word and this one.
        self.gap = text[prev_end:start]


def _tokens(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    prev = 0
    for m in _TOKEN.finditer(text):
        tok = _Tok(m, text, prev)
        toks.append(tok)
        prev = m.end()
    return toks


def _joined(tok: _Tok) -> bool:
    """Part of the same name as the word before: only spaces between, no possessive."""
    return bool(tok.gap) and tok.gap.strip(" \t") == ""


def _sentence_start(toks: list[_Tok], i: int) -> bool:
    gap = toks[i].gap.strip(" \t\"'“‘(*•")
    return i == 0 or (gap[-1:] in (".", "!", "?", ":", ";", "\n", "-", "–", "—")
                      if gap else "\n" in toks[i].gap)


def find_names(text: str) -> list[tuple[int, int]]:
    """Where people's names are in ``text``: (start, end) pairs, possessive 's left out.

    - a known given name, capitalised: a name, with the capitalised words right after it
      (the surname); "Kwame came back", "Priya Raman rang";
    - a title (Mr, Dr, Auntie, Nan...) and a capitalised word: a name ("Mrs Adeyemi");
    - a given name that is an everyday word ("Will", "Grace", "May"): only with a title
      before it or a known surname after it; "Dawn", "Mark" and the like also when
      capitalised in the middle of a sentence;
    - any capitalised word right before "said", "told", "'s mum" and the like, after
      "called" or "named", or next to another name ("Kwame and Tunde"), unless it is
      a word that is never a person;
    - none of these when followed by a place or organisation word ("Victoria Park",
      "Lewis Centre"), after "St", inside an organisation's name ("Sue Ryder"), or when
      a place-name like "Chelsea" follows "in", "at" or "from".
    """
    if not text or not any(ch.isupper() for ch in text) and not _LOWER_TITLE.search(text):
        return []
    given, surnames = lexicon()
    if not _worth_a_look(text, given):
        return []
    toks = _tokens(text)
    n = len(toks)
    skip = _organisation_words(toks)
    found: list[tuple[int, int]] = []
    named: set[int] = set()
    i = 0
    while i < n:
        if i in skip:
            i += 1
            continue
        head = _name_head(toks, i, given, surnames)
        if head is None:
            i += 1
            continue
        first, last = head
        found.append((toks[first].start, toks[last].end))
        named.update(range(first, last + 1))
        i = last + 1
    found += _context_names(toks, named, skip, given)
    return sorted(found)


def _worth_a_look(text: str, given: frozenset[str]) -> bool:
    """A capitalised given name or title, or a cue word: most texts have neither."""
    for word in _CAPITALISED.findall(text):
        word = key(word[:-2] if word[-2:] in ("'s", "’s") else word)
        if word in given or word in TITLES or word.split("-")[0] in given:
            return True
    return bool(_CUE.search(text) or _LOWER_TITLE.search(text))


def _organisation_words(toks: list[_Tok]) -> set[int]:
    """Indexes of words inside an organisation's name, or right after "St"/"Saint"."""
    out: set[int] = set()
    keys = [t.key for t in toks]
    for i, word in enumerate(keys):
        if word in ("st", "saint") and toks[i].cap:
            out.update(range(i + 1, min(i + 3, len(toks))))
        for parts in _ORGANISATION_KEYS.get(word, ()):
            if tuple(keys[i:i + len(parts)]) == parts:
                out.update(range(i, i + len(parts)))
    return out


def _surname_run(toks: list[_Tok], i: int, limit: int = 3) -> int:
    """Index of the last word of the surname that starts after word ``i`` (or ``i``)."""
    j = i
    while j + 1 < len(toks) and j - i < limit and _joined(toks[j + 1]) \
            and not toks[j].possessive:
        nxt = toks[j + 1]
        k = j + 1
        while k < len(toks) and toks[k].key in _PARTICLES and _joined(toks[k]):
            k += 1  # "van der", "al"
        if k > j + 1:
            if k < len(toks) and toks[k].cap and _joined(toks[k]):
                j = k
                continue
            break
        if not (nxt.cap or (nxt.caps and toks[i].caps)) or nxt.key in NOT_NAMES \
                or nxt.key in PLACE_WORDS or nxt.text in ("I", "A"):
            break
        j += 1
    return j


def _place_after(toks: list[_Tok], j: int) -> bool:
    """A capitalised place or organisation word right after word ``j``."""
    if j + 1 >= len(toks) or not _joined(toks[j + 1]) and not toks[j].possessive:
        return False
    nxt = toks[j + 1]
    return nxt.cap and nxt.key in PLACE_WORDS and (toks[j].possessive or _joined(nxt))


def _name_head(toks, i, given, surnames) -> tuple[int, int] | None:
    """The name starting at word ``i`` as (first, last) word indexes, if there is one."""
    tok = toks[i]
    word = tok.key
    if word in TITLES and (tok.cap or word in FORMAL_TITLES) and i + 1 < len(toks):
        nxt = toks[i + 1]
        if nxt.gap.strip(" \t.") == "" and nxt.key not in NOT_NAMES and (
                nxt.cap or nxt.caps or word in FORMAL_TITLES
                and (nxt.key in surnames or nxt.key in given)):
            last = _surname_run(toks, i + 1)
            if not _place_after(toks, last):
                return i + 1, last
        return None
    if not (tok.cap or tok.caps) or word in NOT_NAMES:
        return None
    first_part = word.split("-")[0]
    if word not in given and first_part not in given:
        return None
    last = _surname_run(toks, i)
    if _place_after(toks, last):
        return None
    if tok.caps and (last == i or toks[i + 1].key not in surnames):
        return None  # "ANA", "MIND": capitals alone are acronyms
    if last == i and i > 0 and toks[i - 1].key == "the":
        return None  # "the Kingston branch", "the Chelsea flower show"
    if word in PLACE_NAMES and last == i and i > 0 and (
            toks[i - 1].key in _LOCATION_WORDS or toks[i - 1].key == "to"
            and any(t.key in _MOVING_WORDS for t in toks[max(0, i - 5):i - 1])):
        return None
    if word not in EVERYDAY_NAMES:
        return i, last
    nxt = toks[i + 1] if last > i else None
    if nxt is not None and nxt.key in surnames and nxt.key not in EVERYDAY_NAMES:
        return i, last
    if word in LOWERCASE_WORD_NAMES and last == i and not _sentence_start(toks, i):
        return i, i
    return None


def _could_be_name(tok: _Tok, given: frozenset[str]) -> bool:
    """A sentence's first word before "said": "Faisal said" yes; "Staff said", "Mum said",
    "Volunteers said" (a plural), "Learning shared" no."""
    word = tok.key
    return not (word in _PERSON_NOUNS or word in _NOT_PEOPLE
                or word.endswith(("s", "ing")) and word not in given)


def _context_names(toks: list[_Tok], named: set[int], skip: set[int],
                   given: frozenset[str]) -> list[tuple[int, int]]:
    """Capitalised words that are not in the lexicon but are used as a person's name."""
    out: list[tuple[int, int]] = []
    n = len(toks)
    for i, tok in enumerate(toks):
        if i in named or i in skip or not tok.cap or len(tok.text) < 2 \
                or tok.key in NOT_NAMES or tok.key in PLACE_WORDS or tok.key in TITLES:
            continue
        prev = toks[i - 1] if i > 0 else None
        start = _sentence_start(toks, i)
        if prev is not None and prev.key in _DETERMINERS and not start:
            continue
        nxt = toks[i + 1] if i + 1 < n else None
        cue = (
            (nxt is not None and _joined(nxt) and nxt.key in _PERSON_VERBS
             and (not start or _could_be_name(tok, given)))
            or (tok.possessive and nxt is not None and nxt.key in _KIN)
            or (prev is not None and prev.key in _PERSON_NOUNS and not start
                and tok.gap.strip(" \t,") == "")
            or (prev is not None and prev.key in _CALLED and not start)
            or (not start and prev is not None and prev.key in ("and", "&")
                and i - 2 in named)
            or (nxt is not None and nxt.key in ("and", "&") and i + 2 in named
                and not start)
        )
        if cue:
            last = _surname_run(toks, i)
            if not _place_after(toks, last):
                out.append((tok.start, toks[last].end))
                named.update(range(i, last + 1))
    return out
