"""Page-furniture phrases for the plain-text cleaner: what marks a line as navigation, a form,
a share bar, a donation appeal, an in-article link or the end of an article, in the languages
the digest reads (English, Russian, Belarusian, Ukrainian, Polish, Lithuanian, German)."""

from __future__ import annotations

import re

# Phrases that mark a short block as page furniture rather than article text.
FURNITURE = re.compile(
    r"(?i)skip to (main )?content|skip navigation|jump to|edit (this )?(post|page)"
    r"|official website of|\.gov websites?|websites? use \.gov|safely connected|archived content"
    r"|archive site|not updated|links may not (function|work)|for current information"
    r"|cookies?\b|accept all|privacy (policy|settings|preferences)|terms of (use|service)"
    r"|terms and conditions|subscri(be|bed|ption)|newsletter|sign(ing)? up|e-?mail address"
    r"|enter (your )?e-?mail|indicates required|confirmation e-?mail|share (this|on|via)"
    r"|follow us|read (more|also|next)|related (articles?|stories|news|posts|topics)"
    r"|more news|more from|editors.? picks|news feed|recommended|you (may|might) also like"
    r"|most (read|popular|viewed)|trending|top stories|latest news|all rights reserved"
    r"|copyright|©|\(c\) \d{4}|advertisement|sponsored|ad choices|log ?in\b|sign in\b"
    r"|create (an )?account|forgot (your )?password|\bmin(ute)?s? read|reading time"
    r"|getty images|shutterstock|\bphoto( by|:)|image credit|\bcredit:|audio is created"
    r"|listen to (this|the) article|ai assistance|text.to.speech|available only to"
    r"|subscribers only|premium content|to continue reading|already a subscriber|back to top"
    r"|print (this )?(page|article)|leave a (comment|reply)|\d+ comments|please,? enter"
    r"|thank you for (signing|subscribing)|^\d{1,2}[:.]\d{2}\s*([ap]\.?m\.?)?$"
    # donation and membership appeals
    r"|^donate\b|donate (now|today|here|to us)|make a donation|donation of any"
    r"|support (us|our (work|journalism|newsroom))"
    r"|readers like you|become a (patron|member|supporter)"
    # reprint notices, error-report hints, social buttons
    r"|reprint(ing)? (is )?(allowed|permitted|prohibited)|with an? (active )?(hyper)?link to"
    r"|press ctrl\s*\+\s*enter|copy link|\bon google news\b"
    # Russian, Belarusian, Ukrainian
    r"|перейти к (основному )?(содержанию|контенту|содержимому)|подпи(сывайтесь|шитесь)"
    r"|читайте (также|ещё|еще)|^поделиться\b|^войти$|поддержите (нас|редакцию|наш)"
    r"|самое (читаемое|популярное)|ещё новости|все права защищены"
    r"|при (использовании|цитировании|перепечатке) материалов"
    r"|падпісвайцеся|чытайце таксама|падзяліцца|усе правы абароненыя"
    r"|підписуйтесь|читайте також|поділитися|усі права захищені"
    # Polish, Lithuanian, German
    r"|czytaj (też|także|również)|zobacz (też|także)|udostępnij|subskrybuj|wszelkie prawa"
    r"|skaitykite (taip pat|daugiau)|dalintis|visos teisės saugomos"
    r"|lesen sie auch|abonnieren|alle rechte vorbehalten"
)
# A caption credit at the end of a line: (NAME/AGENCY via Getty Images), (Photo: Reuters).
CREDIT = re.compile(
    r"(?i)\((?:[^()]*\b(?:via|photo|credit|courtesy)\b[^()]*|[A-Z .'-]+/[A-Z][^()]*)\)\W*$"
)
# Lines that end an article: what follows them is other content.
TERMINATOR = re.compile(
    r"(?i)^\W*(related( articles| stories| news| posts)?|more news|more (from|on|in) .{0,30}|"
    r"editors.? picks|news feed|recommended( for you)?|read (also|next|more)|"
    r"you (may|might) also like|most (read|popular|viewed)|latest( news)?|popular|trending|"
    r"comments?|leave a (comment|reply)|share( this( article| story)?)?|tags?:?.{0,60}|"
    r"читайте (также|ещё|еще)|самое (читаемое|популярное)|(ещё|еще|другие|последние) новости|"
    r"по теме|похожие (новости|материалы)|чытайце таксама|іншыя навіны|читайте також|"
    r"czytaj (też|także|również)|zobacz (też|także)|skaitykite (taip pat|daugiau)|"
    r"lesen sie auch|mehr zum thema)\W*$"
)
# An in-article link line: a "read also" label followed by another story's headline.
INLINE_LINK = re.compile(
    r"(?i)^\W*(read (also|more|next)|see also|also read|related|more on this|"
    r"читайте (также|ещё|еще)|по теме|чытайце таксама|читайте також|"
    r"czytaj (też|także|również)|zobacz (też|także)|lesen sie auch)\s*[:—–>»-]\s*\w"
)
BYLINE = re.compile(
    r"^(?:[Bb]y|BY|[Vv]on|[Pp]ar|[Аа]втор:?)\s+(?:[A-ZА-ЯЁІЎ][\w.’'-]+\s?){1,4}"
    r"|\b(?i:min(?:ute)?s? read)\b|^(?i:published|posted|updated)\b"
)
# A line that says when a page was updated rather than first published.
UPDATED = re.compile(
    r"(?i)^\W*(last\s+)?(updated|modified|edited|обновлено|обновлён|обновлен|изменено"
    r"|абноўлена|оновлено|zaktualizowano|aktualizacja|atnaujinta|aktualisiert)\b"
)
WORD = re.compile(r"\w+(?:[’'-]\w+)*")
_SEPARATORS = re.compile(r"\s[|/•·]\s")


def furniture_hits(text: str) -> int:
    """How many different furniture phrases a block contains."""
    return len({m.group(0).lower() for m in FURNITURE.finditer(text)})


def is_byline(text: str) -> bool:
    """Whether a short line reads like a byline (by NAME, Published …, 3 min read)."""
    return bool(BYLINE.search(text)) and len(WORD.findall(text)) <= 20


def is_menu_line(text: str) -> bool:
    """Whether a line is a row of menu items (EN | BY | RU, Home / News / World): no headline
    separates its words with pipes, slashes or dots standing between spaces."""
    return len(_SEPARATORS.findall(text)) >= 2 or bool(re.fullmatch(r"[\W\d_]*", text))


def is_update_line(text: str) -> bool:
    """Whether a byline line gives the time of an update (Updated …, Обновлено …)."""
    return bool(UPDATED.match(text))
