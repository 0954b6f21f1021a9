"""The review's dated paragraph: sentences taken from the reports, opened by one date phrase.

How a paragraph is made (nothing is invented):
- Every report's sentences are cleaned (markup escapes and HTML entities undone) and those that
  cannot stand in the review are left out: questions, fragments, long quotes, boilerplate and an
  outlet's standing disclaimers (`standing` sentences recur in reports of other events), and
  background (a sentence about an earlier year that names no day of the event).
- The review speaks in the third person: a report's own "we" is attributed to its outlet where a
  safe rule exists ("We are grateful to ..." → "Forum X said it was grateful to ..."), "As we
  reported," is dropped, and any other first person outside quotation marks is left out.
- Sentences are scored by the facts they carry (names and numbers) that the other reports of the
  event share, and by their place in their report (news comes first). The opening sentence is the
  best one that reads in the past tense and can follow the date phrase; others are added by score
  until TARGET_WORDS, never past MAX_WORDS (HARD_MAX for a single opening sentence, cut at a
  comma and marked "…"), and printed in their reports' order. Each keeps its item's index.
- Trimming is limited to: a leading dateline or relative time ("On Tuesday, "), "As we reported,";
  the date the phrase gives ("on Feb. 12", "the December 13 release" → "the release"); and the
  first word lower-cased after the phrase unless it is a name or an acronym.
- The date phrase ("On January 16," / "From January 14 to 16,") is the only wording added. It is
  left out when the opening sentence starts with a date, or names the date in a way that cannot
  be cut. Its date is a day the opening names in the report's week, else the report's own date;
  `date_basis` says which ("text" or "report"), and there is no phrase without either.
- A paragraph shorter than TARGET_WORDS is kept when the reports have no more to give.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from digest.compose.names import name_key, name_tokens
from digest.weeks import MONTHS

TARGET_WORDS, MAX_WORDS, HARD_MAX = 80, 130, 150
MIN_WORDS = TARGET_WORDS  # the old name: below it, sentences from the other reports are added
_MONTH = "|".join(MONTHS)
_OPENS_WITH_DATE = re.compile(
    rf"^(?:On|From|Between|Since|By)?\s*(?:(?:{_MONTH})\s+\d{{1,2}}|\d{{1,2}}\s+(?:{_MONTH}))\b"
)
_DATELINE = re.compile(
    r"^[A-ZА-ЯЁІЎ]{3,}(?:[ ,]+[A-Z0-9][\w.]*){0,3}\s*(?:\([^)]{1,40}\))?\s*[-–—]+\s+"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_PART = r"(?:\s+(?:morning|afternoon|evening|night))?"
_RELATIVE = re.compile(
    rf"^(?:On\s+{_WEEKDAY}{_PART},?\s+"  # "On Tuesday the ministry ..." (comma optional)
    rf"|(?:(?:Earlier|Late|Early)\s+)?(?:{_WEEKDAY}|[Tt]oday|[Yy]esterday|[Tt]his week"
    rf"|[Ll]ast week){_PART},\s+)"
)
_SPAN = re.compile(
    rf"(?:[Ff]rom\s+)?({_MONTH})\s+(\d{{1,2}})\s*(?:-|–|to|through|until)\s*"
    rf"(?:({_MONTH})\s+)?(\d{{1,2}})\b"
)
_SHORT = "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
_DAY = re.compile(
    rf"\b(?:({_MONTH}|{_SHORT})\.?\s+(\d{{1,2}})|(\d{{1,2}})\s+({_MONTH}|{_SHORT})\.?)\b"
    r"(?!\s*[-–]\d)"
)
_COMMON_FIRST = frozenset(
    "the a an this these that those it its there their some several many most all both one two"
    " three four five six seven eight nine ten at in according after during".split()
)
_WORD = re.compile(r"\w+")
_STOP_WORDS = frozenset(
    "about above across after against along among around as at before behind below beneath"
    " beside besides between beyond but by despite down during each either every except few"
    " following for from further here how however if in inside into less more much near neither"
    " no none nor not now of off on once only onto or other our out outside over per same since"
    " so such than then thereafter though through throughout thus to together toward towards"
    " under unlike until up upon via what whatever when whenever where whereas whether which"
    " while who whom whose why with within without yet".split()
)
_BREAK = re.compile(r"[.!?…][\"”’»)]?\s+(?=[A-Z\"“«‘(А-ЯЁІЎŁŠŽČ0-9])")
_ABBREVIATIONS = frozenset(
    "u.s u.k u.n e.u mr mrs ms dr st gen lt col maj sgt capt adm prof jr sr no vs etc approx"
    " jan feb mar apr jun jul aug sep sept oct nov dec".split()
)


@dataclass(frozen=True)
class Sentence:
    """One sentence offered to the paragraph: its text and the index of its item."""

    text: str
    source: int


@dataclass(frozen=True)
class Paragraph:
    """The composed paragraph, the item index of each sentence, and the dates it opens with.

    `date_basis` says where the date comes from: "text" (a day the opening sentence names),
    "report" (the report's own date), or "" (no date). `phrase` is the date phrase printed, if any.
    """

    text: str
    sources: tuple[int, ...]
    start: date | None
    end: date | None
    date_basis: str = ""
    phrase: str = ""
    left_out: dict[str, int] = field(default_factory=dict)  # why sentences were left out
    no_phrase: str = ""  # why a dated paragraph has no date phrase


def date_phrase(start: date, end: date | None = None) -> str:
    """ "On January 16," for one day; "From January 14 to 16," (or across months) for a span."""
    if end is None or end <= start:
        return f"On {MONTHS[start.month - 1]} {start.day},"
    first = f"{MONTHS[start.month - 1]} {start.day}"
    if start.year != end.year:
        return f"From {first}, {start.year} to {MONTHS[end.month - 1]} {end.day}, {end.year},"
    if start.month != end.month:
        return f"From {first} to {MONTHS[end.month - 1]} {end.day},"
    return f"From {first} to {end.day},"


def find_span(text: str, day: date) -> tuple[date, date] | None:
    """A span of days the text names ("from January 14 to 16", "10-12 October") near `day`."""
    for _, _, start, end in _spans(text, day):
        if start < end and day - timedelta(days=14) <= start and end <= day + timedelta(days=1):
            return start, end
    return None


_SPAN_DAY_FIRST = re.compile(
    rf"(?:[Ff]rom\s+)?(\d{{1,2}})\s*(?:-|–|to|until|through)\s*(\d{{1,2}})\s+({_MONTH})\b"
)


def _spans(text: str, near: date) -> list[tuple[int, int, date, date]]:
    """Every span of days in the text, month first or day first: (from, to, first, last day)."""
    out = []
    for m in _SPAN.finditer(text):
        days = _span_dates(m, near)
        if days:
            out.append((m.start(), m.end(), *days))
    for m in _SPAN_DAY_FIRST.finditer(text):
        month = MONTHS.index(m[3]) + 1
        try:
            first, last = date(near.year, month, int(m[1])), date(near.year, month, int(m[2]))
        except ValueError:
            continue
        out.append((m.start(), m.end(), first, last))
    return sorted(out)


def find_day(text: str, day: date) -> date | None:
    """The first day the text names ("on Feb. 12", "16 January") in the week up to `day`."""
    for m in _DAY.finditer(text):
        name, number = (m[1], m[2]) if m[1] else (m[4], m[3])
        month = next(n for n, full in enumerate(MONTHS, 1) if full.startswith(name[:3]))
        for year in (day.year, day.year - 1):
            try:
                found = date(year, month, int(number))
            except ValueError:
                break
            if day - timedelta(days=7) <= found <= day:
                return found
    return None


def trim(sentence: str) -> str:
    """The sentence without a leading dateline or relative time (the date phrase replaces them)."""
    out = _RELATIVE.sub("", _DATELINE.sub("", sentence.strip()), count=1)
    return out[:1].upper() + out[1:] if out else out


def usable(sentence: str) -> bool:
    """Whether a sentence can stand in a paragraph: four words or more, ended, not a question."""
    text = sentence.strip().rstrip('"”’»)')
    return len(text.split()) >= 4 and text[-1:] in ".!…" and not text.endswith("?")


def _provenance(text: str, texts: list[str], chosen: list[Sentence]) -> tuple[int, ...]:
    """The source of each sentence as split_sentences splits the finished paragraph."""
    starts, at = [], 0
    for t in texts:
        starts.append(at)
        at += len(t) + 1
    out, cursor = [], 0
    for piece in split_sentences(text):
        cursor = text.find(piece, cursor)
        owner = max(n for n, s in enumerate(starts) if s <= max(cursor, 0))
        out.append(chosen[owner].source)
        cursor += len(piece)
    return tuple(out)


def lead(text: str, max_words: int = MAX_WORDS) -> str:
    """The article's opening sentences, whole, up to max_words (at least one sentence)."""
    chosen: list[str] = []
    words = 0
    for sentence in split_sentences(text):
        n = len(sentence.split())
        if chosen and words + n > max_words:
            break
        chosen.append(sentence)
        words += n
    return " ".join(chosen)


def split_sentences(text: str) -> list[str]:
    """Sentences of a text (paragraph breaks are sentence breaks)."""
    out: list[str] = []
    for para in re.split(r"\n+", text):
        start = 0
        for m in _BREAK.finditer(para):
            if _is_abbreviation(para[start : m.start() + 1]):
                continue
            out.append(para[start : m.end()].strip())
            start = m.end()
        out.append(para[start:].strip())
    return [s for s in out if s]


def _is_abbreviation(text: str) -> bool:
    """Whether text ends in an abbreviation or an initial ("U.S.", "Gen.", "A.") not a sentence."""
    word = text.rsplit(None, 1)[-1] if text.split() else ""
    word = word.lstrip('“"(«‘').rstrip(".").casefold()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


_NOT_PLURAL = frozenset(
    "poles czechs slovaks finns swedes danes greeks turks serbs croats uzbeks kazakhs tajiks balts"
    " scots brits jews brussels athens wales netherlands philippines flanders emirates".split()
)


def _plural_noun(word: str) -> bool:
    """Whether a capitalised word looks like a common plural ("Crews", "Officials")."""
    w = word.casefold()
    if len(w) < 4 or not w.endswith("s") or w.endswith(("ss", "us", "is", "'s", "’s")):
        return False
    return not w.endswith("ans") and w not in _NOT_PLURAL


def names_inside(texts: Sequence[str]) -> frozenset[str]:
    """Words the texts capitalise inside a sentence (not after its end): names, as written."""
    found: set[str] = set()
    for text in texts:
        for m in re.finditer(r"(?<=[\w,;:)”\"] )([A-Z][\w’'-]+)", text):
            found.add(m[1])
    return frozenset(found)


def _repeats(text: str, chosen: Sequence[str]) -> bool:
    """Whether a sentence mostly repeats one already chosen (half its words or more)."""
    words = set(_WORD.findall(text.casefold()))
    for other in chosen:
        seen = set(_WORD.findall(other.casefold()))
        if words and len(words & seen) * 2 >= len(words):
            return True
    return False


def _cut(text: str, limit: int) -> str:
    """A sentence longer than `limit` words cut at its last comma or semicolon within it, + "…"."""
    head = " ".join(text.split()[:limit])
    cut = max(head.rfind(", "), head.rfind("; "))
    return (head[:cut] if cut > 0 else head).rstrip(",;: ") + "…"


def _lower_first(
    sentence: str, lowered: frozenset[str] = frozenset(), names: frozenset[str] = frozenset()
) -> str:
    """The sentence with its first word lower-cased unless it is a name or an acronym.

    A word is a name when the reports capitalise it inside a sentence (`names`), or it is an
    acronym; it is common when it is a function word, when the reports also write it in lower
    case ("Satellite images ..." where "satellite" appears), or when it is a plural that is not a
    people's name ("Crews of ...", but "Belarusians" stay). "Belarusian" and "NATO" stay.
    """
    first = sentence.split(None, 1)[0] if sentence.split() else ""
    word = first.strip('"“‘«(')
    shouted = len(word) > 1 and word.isupper()  # "NATO", "US": names, keep them
    inner = any(c.isupper() for c in word[1:]) or any(c.isdigit() for c in word)
    common = word.casefold() in _COMMON_FIRST or word.casefold() in _STOP_WORDS
    following = sentence.split()[1:2]
    titled = bool(following) and following[0][:1].isupper()  # "President Lukashenka", a title
    common = common or (word.casefold() in lowered and not titled) or _plural_noun(word)
    if word in names:
        common = word.casefold() in _COMMON_FIRST or word.casefold() in _STOP_WORDS
    if word[:1].isupper() and not shouted and not inner and common and word != "I":
        at = sentence.index(word[:1])
        return sentence[:at] + sentence[at].lower() + sentence[at + 1 :]
    return sentence


# ---------------------------------------------------------------- choosing the sentences

_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~>])")
_STARS = re.compile(r"\*+|(?<![A-Za-z0-9])_+|_+(?![A-Za-z0-9])|`+|\[\d{1,3}\]")
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|«[^»]*»|„[^“”]*[“”]")
_FIRST_PERSON = re.compile(
    r"\b(?:[Ww]e|WE|[Oo]urs?|ourselves|us|[Mm]y|me|myself)\b(?!-)|(?<!War )\bI\b(?=\s+[a-z'’])"
)
_AS_WE = re.compile(
    r"^As\s+(?:we|I)\s+(?:have\s+|had\s+)?(?:already\s+)?(?:reported|wrote|written|noted"
    r"|mentioned|said|informed)(?:\s+(?:earlier|before|previously|yesterday))?,\s*",
    re.IGNORECASE,
)
_WE = re.compile(r"^We\s+(?:(\w+ly)\s+)?(\w+)\b")
_WE_AUX = {
    "are": "said it was", "were": "said it had been", "will": "said it would",
    "have": "said it had", "had": "said it had", "can": "said it could",
    "would": "said it would", "could": "said it could",
}  # fmt: skip
_WE_ACTS = {  # "We urge ..." → "<outlet> urged ..."
    "call": "called", "urge": "urged", "condemn": "condemned", "welcome": "welcomed",
    "demand": "demanded", "thank": "thanked", "reiterate": "reiterated", "express": "expressed",
    "reaffirm": "reaffirmed", "appeal": "appealed", "salute": "saluted", "denounce": "denounced",
}  # fmt: skip
_WE_SAYS = {  # "We believe ..." → "<outlet> said it believed ..."
    "believe": "believed", "hope": "hoped", "appreciate": "appreciated", "support": "supported",
    "remain": "remained", "continue": "continued", "stand": "stood", "consider": "considered",
    "know": "knew", "see": "saw", "expect": "expected", "intend": "intended", "note": "noted",
}  # fmt: skip
_BOILERPLATE = re.compile(
    r"\b(?:subscribe|sign up|newsletter|follow us|donate|support (?:us|our work)"
    r"|read (?:more|also)|click here|cookies?|all rights reserved"
    r"|(?:audio|video|article) (?:is|was) (?:created|generated)|photo:|©|share this|advertisement"
    r"|propaganda elements"
    r"|information (?:published|provided|spread) by (?:russian|belarusian|state)"
    r"|(?:cannot|could not|can't|couldn't) (?:be )?(?:independently )?verif"
    r"|(?:has|have) not been (?:independently )?verified|we remind|editor'?s note"
    r"|disclaimer|terms of use|privacy policy)",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
_SINCE = re.compile(
    r"^(?:Since then|Since (?:19|20)\d\d|Back in|In the past|Previously|Earlier,)\b"
)
_NEEDS_ANTECEDENT = re.compile(
    r"^(?:He|She|It|They|This|These|That|Those|His|Her|Its|Their|But|And|However|Also|Meanwhile"
    r"|Moreover|Furthermore|Additionally|In addition|The latter|The former|Such|Both)\b"
)
_NUMBER = re.compile(r"\d(?:[\d,.\u00a0 ]*\d)?")
_PAST_AUX = frozenset("was were had did would could".split())
_PRESENT_AUX = frozenset("is are am has have does do will shall can may must".split())
_PAST_IRREGULAR = frozenset(
    """said met held took made gave went came saw told sent left found kept began brought thought
    became stood ran won lost paid built fell felt led meant put set sold spoke struck taught wrote
    fled flew drove rode broke chose froze hid hit knew let shot shut sought spent swore threw
    understood woke withdrew overtook undertook forbade got bought caught fought arose rose drew
    grew beat bore tore laid lay slept sat""".split()
)
_PRESENT_VERBS = frozenset(
    """indicate suggest say remain continue welcome call plan expect urge need want seek hope
    believe claim warn note see know think appear seem mean include face hold stand become keep
    allow require consider oppose condemn demand accuse deny reveal confirm insist argue estimate
    describe write tell ask offer provide remember mark lead host operate show""".split()
)
_NOT_PAST_ED = frozenset("need needed seed speed breed hundred bed red shed feed weed".split())
_DETERMINERS = frozenset(
    "the a an of for with by its their his her our this that these those to in on at from as"
    " newly recently".split()
)


@dataclass(frozen=True)
class _Candidate:
    text: str
    source: int
    rank: int
    position: int
    facts: frozenset[str]
    fit: bool  # can open the paragraph under the date phrase
    score: float = 0.0

    @property
    def words(self) -> int:
        return len(self.text.split())


def clean(text: str) -> str:
    """Text without markup: HTML entities decoded, Markdown escapes and marks removed."""
    out = html.unescape(html.unescape(text)).replace("\u00a0", " ")
    out = _STARS.sub("", _ESCAPE.sub(r"\1", out))
    return re.sub(r"[ \t]{2,}", " ", out).replace(" ,", ",").replace(" .", ".").strip()


def unquoted(text: str) -> str:
    """The text with what stands inside quotation marks removed (quotes may say "we")."""
    return _QUOTED.sub(" ", text)


def first_person(text: str) -> bool:
    """Whether the text speaks in the first person outside quotation marks."""
    return bool(_FIRST_PERSON.search(unquoted(text)))


def third_person(text: str, speaker: str) -> str | None:
    """The sentence in the review's voice: the outlet's "we" attributed to it, else None."""
    text = _AS_WE.sub("", text)
    text = text[:1].upper() + text[1:]
    if not first_person(text):
        return text
    m = _WE.match(text)
    if not speaker or not m:
        return None
    adverb, verb = (m[1] + " " if m[1] else ""), m[2]
    if verb in _WE_AUX:
        head = f"{speaker} {_WE_AUX[verb]} {adverb}"
    elif verb in _WE_ACTS:
        head = f"{speaker} {adverb}{_WE_ACTS[verb]} "
    elif verb in _WE_SAYS:
        head = f"{speaker} said it {adverb}{_WE_SAYS[verb]} "
    else:
        return None
    rest = text[m.end() :].lstrip()
    rest = re.sub(r"\bour\b", "its", re.sub(r"\bourselves\b", "itself", rest))
    out = head + rest
    return None if first_person(out) else out


def leave_out_reason(text: str, day: date | None, standing: frozenset[str] = frozenset()) -> str:
    """Why a sentence cannot stand in the paragraph ("" when it can)."""
    body = text.strip().rstrip('"”’»)')
    if body.endswith("?") or "?" in unquoted(text):
        return "question"
    if not usable(text):
        return "fragment"
    if _key(text) in standing or _BOILERPLATE.search(text):
        return "boilerplate"
    quoted = sum(len(q.split()) for q in _QUOTED.findall(text))
    total = len(text.split())
    if quoted > 25 or (quoted >= 8 and quoted > 0.6 * total):
        return "long quote"
    if is_background(text, day):
        return "background"
    return ""


def is_background(text: str, day: date | None) -> bool:
    """Whether a sentence tells of earlier years rather than the event (it names no day of it)."""
    if _SINCE.match(text):
        return True
    if day is None:
        return False
    years = [int(y) for y in _YEAR.findall(text)]
    if not years or min(years) >= day.year:
        return False
    return find_day(text, day) is None and find_span(text, day) is None


def reads_past(text: str) -> bool:
    """Whether a sentence's first verb is in the past tense (a cautious test: unsure is False)."""
    return first_verb(text) == "past"


def first_verb(text: str) -> str:
    """The tense of a sentence's first verb as far as a word list tells: "past", "present", ""."""
    words = re.findall(r"[A-Za-z’'-]+", unquoted(text))
    previous = ""
    for n, word in enumerate(words):
        w = word.casefold()
        lower = word[:1].islower() or n == 0
        if w in _PAST_AUX or (lower and w in _PAST_IRREGULAR):
            return "past"
        if w in _PRESENT_AUX:
            return "present"
        if word[:1].islower() and previous not in _DETERMINERS:
            if w.endswith("ed") and len(w) > 4 and "-" not in w and w not in _NOT_PAST_ED:
                return "past"
            if w in _PRESENT_VERBS or (w.endswith("s") and w[:-1] in _PRESENT_VERBS):
                return "present"
            if w.endswith("ies") and w[:-3] + "y" in _PRESENT_VERBS | {"deny"}:
                return "present"
        previous = w
    return ""


_PERFECT = re.compile(r"\b(has|have)\s+((?!been\b)[a-z]{3,}ed)\b")
_PERFECT_ASPECT = re.compile(
    r"\b(?:since|so far|yet|ever|never|already|for (?:the )?(?:past|last)|recently|lately)\b",
    re.IGNORECASE,
)


def simple_past(text: str) -> str | None:
    """The sentence with its present perfect in the simple past, where safe; None otherwise.

    Safe means: the perfect is the first verb, its participle is regular ("has signed" →
    "signed"), and no word ties it to the present ("since", "already", "so far", ...).
    """
    bare = unquoted(text)
    m = _PERFECT.search(bare)
    if not m or _PERFECT_ASPECT.search(bare) or m[2] in _NOT_PAST_ED:
        return None
    if first_verb(bare[: m.start()]):  # another verb comes first
        return None
    at = text.find(m[0])
    return text[:at] + m[2] + text[at + len(m[0]) :] if at >= 0 else None


def facts(text: str) -> frozenset[str]:
    """The names (folded across spellings) and numbers a text gives."""
    names = {name_key(w) for w in name_tokens(text)}
    numbers = {"#" + re.sub(r"\D", "", n) for n in _NUMBER.findall(text)}
    return frozenset(k for k in names | numbers if len(k) >= 2)


def standing_keys(texts_by_group: Sequence[Sequence[str]]) -> frozenset[str]:
    """Sentences that recur in reports of different events: an outlet's standing text."""
    seen: dict[str, set[int]] = {}
    for group, texts in enumerate(texts_by_group):
        for text in texts:
            for sentence in split_sentences(text):
                if len(sentence.split()) >= 6:
                    seen.setdefault(_key(sentence), set()).add(group)
    return frozenset(k for k, groups in seen.items() if len(groups) > 1)


def compose(
    offers: Sequence[Sequence[Sentence]],
    day: date | None,
    speakers: Sequence[str] = (),
    standing: frozenset[str] = frozenset(),
) -> Paragraph:
    """The paragraph from each item's sentences (best-sourced item first), opened by its date."""
    left_out: dict[str, int] = {}
    candidates = _candidates(offers, day, speakers, standing, left_out)
    offered = [clean(s.text) for sentences in offers for s in sentences]
    lowered = {w for text in offered for w in re.findall(r"\b[a-z]\w*", text)}
    if not candidates:
        return Paragraph("", (), day, day, "report" if day else "", "", left_out)
    opening = next((c for c in candidates if c.fit), None)
    chosen = _choose(candidates, opening or candidates[0])
    start, end, basis = _dating(chosen[0].text if opening else "", day)
    if not opening:
        start, end, basis = None, None, ""  # no phrase: the story's date is the report's, below
    texts = [c.text for c in chosen]
    phrase = date_phrase(start, end) if start and opening else ""
    no_phrase = "" if opening or not day else "no sentence reads in the past tense"
    if phrase and _OPENS_WITH_DATE.match(texts[0]):
        phrase, no_phrase = "", "the opening sentence starts with its date"
    elif phrase and start:
        dropped = _drop_date(texts[0], start, end)
        if dropped is None:
            phrase, no_phrase = "", "the opening names its date in a way that cannot be cut"
        else:
            names = names_inside(offered)
            texts[0] = f"{phrase} {_lower_first(dropped, frozenset(lowered), names)}"
    if start:
        kept = [0]
        for n in range(1, len(texts)):
            dropped = _drop_date(texts[n], start, end)
            if dropped is not None:
                texts[n] = dropped
                kept.append(n)
            else:
                left_out["repeats the date"] = left_out.get("repeats the date", 0) + 1
        texts, chosen = [texts[n] for n in kept], [chosen[n] for n in kept]
    sentences = [Sentence(c.text, c.source) for c in chosen]
    text = " ".join(texts)
    sources = _provenance(text, texts, sentences)
    return Paragraph(text, sources, start, end or start, basis, phrase, left_out, no_phrase)


def _candidates(offers, day, speakers, standing, left_out) -> list[_Candidate]:
    """Every sentence that can stand in the review, in the review's voice, scored, best first."""
    found = _scored(offers, day, speakers, standing, left_out, background=False)
    if not found and left_out.get("background"):  # a report about the past: that is its news
        left_out.clear()
        found = _scored(offers, day, speakers, standing, left_out, background=True)
    return sorted(found, key=lambda c: (-c.score, c.rank, c.position))


def _scored(offers, day, speakers, standing, left_out, background: bool) -> list[_Candidate]:
    """The sentences that can stand (background too, if so asked), in the review's voice."""
    report_facts = [facts(" ".join(s.text for s in sentences)) for sentences in offers]
    found: list[_Candidate] = []
    for rank, sentences in enumerate(offers):
        speaker = speakers[rank] if rank < len(speakers) else ""
        for position, offered in enumerate(sentences):
            text = clean(offered.text)
            reason = leave_out_reason(text, day, standing)
            if background and reason == "background":
                reason = ""
            voiced = third_person(text, speaker) if not reason else None
            if not reason and voiced is None:
                reason = "first person"
            if reason or voiced is None:
                left_out[reason] = left_out.get(reason, 0) + 1
                continue
            own = facts(voiced)
            others = [f for n, f in enumerate(report_facts) if n != rank and f]
            support = (
                sum(len(own & f) / len(own) for f in others) / len(others) if own and others else 0
            )
            past = reads_past(voiced)
            if not past and (simple := simple_past(voiced)):
                voiced, past = simple, True
                position += 1  # a rewritten sentence yields to one that reads so as written
            fit = past and not _NEEDS_ANTECEDENT.match(voiced)
            score = 1 / (1 + 0.5 * position) + 0.8 * support + 0.04 * min(len(own), 6)
            score -= 0.3 * rank + (0 if past else 0.4)
            if day and (find_day(voiced, day) or find_span(voiced, day)):
                score += 0.3  # names a day of the event's week: an anchor of the news
            found.append(_Candidate(voiced, offered.source, rank, position, own, fit, score))
    return found


def _choose(candidates: list[_Candidate], opening: _Candidate) -> list[_Candidate]:
    """The opening, then the best other sentences until TARGET_WORDS (in their reports' order)."""
    if opening.words > HARD_MAX - 6:
        opening = replace_text(opening, _cut(opening.text, MAX_WORDS - 6))
    chosen = [opening]
    words = opening.words
    for c in candidates:
        if words >= TARGET_WORDS:
            break
        if c.text == opening.text or (c.source, c.position) == (opening.source, opening.position):
            continue
        if words + c.words > MAX_WORDS - 6 or _repeats(c.text, [x.text for x in chosen]):
            continue
        chosen.append(c)
        words += c.words
    return [chosen[0], *sorted(chosen[1:], key=lambda c: (c.rank, c.position))]


def replace_text(candidate: _Candidate, text: str) -> _Candidate:
    """The candidate with its text replaced (a cut sentence)."""
    return _Candidate(text, candidate.source, candidate.rank, candidate.position,
                      candidate.facts, candidate.fit, candidate.score)  # fmt: skip


def _dating(opening: str, day: date | None) -> tuple[date | None, date | None, str]:
    """The paragraph's dates and where they come from: a day the opening names, or the report's."""
    if day is None:
        return None, None, ""
    span = find_span(opening, day) if opening else None
    if span:
        return span[0], span[1], "text"
    named = find_day(opening, day) if opening else None
    return (named, None, "text") if named else (day, None, "report")


def _drop_date(text: str, start: date, end: date | None) -> str | None:
    """The sentence without the date(s) the phrase gives; None when one cannot be cut cleanly."""
    out = text
    for at, stop, first, last in reversed(_spans(out, start)):
        if (first, last) != (start, end):
            continue
        before = out[:at]
        lead = re.search(r"(?:^|\s)(?:[Ff]rom|[Bb]etween|[Oo]n)\s*$", before)
        if not out[at:stop].casefold().startswith("from") and not lead:
            return None
        out = _join(out[: lead.start()] if lead else before, out[stop:])
    wanted = {start, end} - {None}
    for m in reversed(list(_DAY.finditer(out))):
        if _day_of(m, start) not in wanted:
            continue
        tail = re.match(r",?\s*\d{4}\b", out[m.end() :])
        stop = m.end() + (tail.end() if tail else 0)
        before = out[: m.start()]
        on = re.search(rf"(?:^|\s)[Oo]n\s+(?:{_WEEKDAY},?\s+)?$", before)
        the = re.search(r"(?:^|\s)([Tt]he)\s+$", before)
        part = re.search(
            r"(?:^|\s)[Oo]n\s+the\s+(morning|afternoon|evening|night)\s+of\s+$", before
        )
        if on:
            out = _join(out[: on.start()], out[stop:])
        elif part:
            when = "at night" if part[1] == "night" else f"in the {part[1]}"
            out = _join(out[: part.start()] + " " + when, out[stop:])
        elif the and re.match(r"\s+[a-z]", out[stop:]):
            out = before + out[stop:].lstrip()
        else:
            return None
    out = out.strip()
    return out[:1].upper() + out[1:] if out != text.strip() else text


def _join(head: str, tail: str) -> str:
    """Two pieces of a sentence rejoined where a date was cut out: no stray space or comma."""
    tail = tail.lstrip()
    if not head.strip():
        return tail.lstrip(", ")
    if tail[:1] in ",.;:" or not tail:
        return head.rstrip() + tail
    return head.rstrip() + " " + tail


def _span_dates(m: re.Match, near: date) -> tuple[date, date] | None:
    """The first and last day of a span match, in the year of `near`."""
    first_month = MONTHS.index(m[1]) + 1
    last_month = MONTHS.index(m[3]) + 1 if m[3] else first_month
    try:
        first = date(near.year, first_month, int(m[2]))
        last = date(near.year, last_month, int(m[4]))
    except ValueError:
        return None
    return (first.replace(year=first.year - 1), last) if first > last else (first, last)


def _day_of(m: re.Match, near: date) -> date | None:
    """The day a day match names, in the year of `near` (or the year before, near New Year)."""
    name, number = (m[1], m[2]) if m[1] else (m[4], m[3])
    month = next(n for n, full in enumerate(MONTHS, 1) if full.startswith(name[:3]))
    for year in (near.year, near.year - 1, near.year + 1):
        try:
            found = date(year, month, int(number))
        except ValueError:
            return None
        if abs((found - near).days) <= 200:
            return found
    return None


def _key(sentence: str) -> str:
    """A sentence folded for comparison: its words, lower-cased."""
    return " ".join(_WORD.findall(sentence.casefold()))


_MARKUP_LEFT = re.compile(r"\\[*_`\[\]#]|&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")
_PHRASE = re.compile(
    rf"^(?:On|From)\s+({_MONTH})\s+(\d{{1,2}})(?:,\s+\d{{4}})?"
    rf"(?:\s+to\s+(?:{_MONTH}\s+)?\d{{1,2}}(?:,\s+\d{{4}})?)?,\s+"
)


def audit(text: str, start: date | None) -> list[str]:
    """The review's rules a paragraph breaks: length, voice, date once, tense, markup."""
    broken = []
    if len(text.split()) > HARD_MAX:
        broken.append(f"over {HARD_MAX} words")
    if first_person(text):
        broken.append("first person outside quotes")
    if _MARKUP_LEFT.search(text):
        broken.append("markup escape or entity")
    m = _PHRASE.match(text)
    if m and start:
        rest = text[m.end() :]
        opened = date(start.year, MONTHS.index(m[1]) + 1, int(m[2]))
        if any(_day_of(d, opened) == opened for d in _DAY.finditer(rest)):
            broken.append("names its opening date twice")
        first = split_sentences(rest)[0] if rest else ""
        if first and not reads_past(first[:1].upper() + first[1:]):
            broken.append("opening not in the past tense")
        lowered = frozenset(re.findall(r"\b[a-z]\w*", rest))
        if rest[:1].isupper() and _lower_first(rest, lowered) != rest:
            broken.append("capital after the date phrase")
    return broken
