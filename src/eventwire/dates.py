"""Temporal resolution: the date expressions of a sentence become calendar dates against the article date.

News rarely prints full dates. It says "on Saturday", "two days ago", "last month", and leaves the
rest of the story in that time frame. A wrong date is a wrong event for our users, so this module
prefers the story's carried frame or an honest "unknown" over a guess, keeps photo captions and
background history apart from the article's news, and records the expression and rule behind each date.

Who does what: the English patterns below find expressions (spaCy DATE spans are only hints, because
spaCy also tags durations and ages: "15 years", "47-year-old"; a hint counts only where it holds a
written year). dateparser reads the calendar forms that carry a year ("October 21, 2017", "3/4/2021",
and other languages' hints), and its period gives their precision. Weekdays, yearless dates, month
names, counts ("two weeks ago") and ranges ("earlier this month") are computed here, because their
reading depends on the verb's tense and on news conventions dateparser does not know: it never reads
"on Saturday" in a Saturday paper as that day, puts "Sept. 18" in a Sept. 17 paper a year back, and has
no answer for "earlier this month".

Every expression becomes an interval of days first; its precision is the finest allowed unit that
holds the whole interval (day, month, year, else unknown), so "last week" is never stamped with a
made-up day. A month-precision date is the first of its month, a year-precision date the 1st of January.
A written range ("between 3 and 5 May", "from March to May") keeps both ends: `date` is its first day,
`end` its last, and the precision is the start's. A date before an event noun names that event ("the
2006 war", "the March 2021 coup", "the Oct. 7 attack"; "9/11" and "World War II" by name): it dates only
a trigger it stands before or that performs it ("launched the Oct. 7 attack"), never the frame, and is
history once a month old ("rallied against the 2022 results" is today's rally); "the anniversary of"
such a day is that day this year. No past event is dated after publication.

Anaphora ("the day before", "later that week", "two months later", "July 22 that year") count from
the time the text was just talking about: a date earlier in the sentence, else the paragraph's last
date (history included), else the frame. `dateline_date` gives an undated article the day of its
dateline; `writing_date` the day a dated one was written, which relative expressions count from.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Literal

from dateparser.date import DateDataParser

from eventwire.nlp import find_dateline
from eventwire.records import Precision, ResolvedDate, Span

Tense = Literal["past", "present", "future"]

# A photo (or, in a background sentence, an event) older than this is not the article's news.
_NOT_NEWS_AGE = timedelta(days=31)
# A yearless date up to this far past publication is still read in the publication year
# (datelines and time zones put "Sept. 18" in a Sept. 17 paper), not moved a year back.
_YEAR_SLACK = timedelta(days=2)

# --------------------------------------------------------------------------------------------------
# English expression patterns, in any case (some archives are lower-cased) except "May", "March" and
# "Mar", which only capitalised are months rather than verbs.

_DIGITS = tuple("0123456789")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH = r"(?:(?i:January|February|April|June|July|August|September|October|November|December)|March|May)"
_MON = rf"(?:{_MONTH}|(?:(?i:Jan|Feb|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)|Mar)(?![a-zA-Z])\.?)"
_WEEKDAY = r"(?i:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?![\d:%])"
_YEAR = r"(?:1[89]|20)\d{2}(?![\d%]|,\d)"
_NUM = (
    r"(?i:a\s+few|a\s+couple(?:\s+of)?|couple\s+of|few|several|an?|one|two|three|four|five|six"
    r"|seven|eight|nine|ten|eleven|twelve|\d{1,3})"
)
_PREP = r"(?i:in|since|during|until|till|by|from|through|throughout|before|after|of|early|late|mid-?|back\s+in)"
# Range separators: "3-5 May", "3 to 5 May", "between 3 and 5 May" ("and" only after "between").
_SEP = r"(?:\s*[-\u2013\u2014]\s*|\s+(?P<sep>(?i:to|through|thru|until|till|and))\s+)"
_LEAD = r"(?:(?P<lead>(?i:between|from))\s+)"
# A range's second day is no day when a unit follows it ("from May 3 to 5 percent", "3-5 p.m.").
_NOT_A_DAY_AFTER = r"(?!\s*(?:%|(?i:percent|per\s+cent|[ap]\.?m\b|o'clock|:)))"
_SEASON = r"(?i:spring|summer|autumn|winter|fall)"
# Nouns that a bare year can date when it stands before them ("the 2006 war", "its 2019 election"):
# a bare year before other nouns is as often a count ("the 2000 soldiers") as a date.
_EVENT_NOUN = (
    r"(?i:wars?|conflict|fighting|hostilities|clashes|battle|siege|invasion|incursion|offensive|operation"
    r"|uprising|revolution|revolt|rebellion|intifada|coup|putsch|attacks?|bombings?|massacre|killings?"
    r"|assassination|shooting|raid|riots?|unrest|protests?|crackdown|crisis|elections?|polls?|vote|referendum"
    r"|accords?|agreement|deal|treaty|pact|ceasefire|truce|summit|talks|negotiations|earthquake|floods?"
    r"|tsunami|hurricane|cyclone|withdrawal|takeover|disengagement|blockade|embargo|sanctions|genocide"
    r"|annexation|occupation|insurrection|pandemic|recession|famine|explosions?|blasts?|hijackings?|assault"
    r"|onslaught|rampage|Olympics|World\s+Cup)"
)
# Lower-case words that may stand between a date and its event noun ("the 2008 financial crisis").
_EVENT_MOD = (
    r"(?:financial|economic|global|civil|military|general|presidential|parliamentary|legislative|national"
    r"|local|municipal|regional|nuclear|chemical|terror|terrorist|suicide|deadly|failed|armed|border|air"
    r"|missile|rocket|drone|ground|peace|trade|debt|banking|refugee|migrant|political|constitutional"
    r"|ethnic|sectarian|student|mass|popular|surprise|cross-border|full-scale|\w+-led)"
)
# What follows a date that names an event rather than a time ("the March 2021 coup", "the Oct. 7 attack").
_ATTR_AFTER = re.compile(rf",?\s+(?:(?:[A-Z][\w'-]*|{_EVENT_MOD})\s+){{0,3}}{_EVENT_NOUN}\b")
# ... and what precedes it: a determiner or possessive, so that "on March 3 attacks killed five" stays a date.
_DETERMINER_BEFORE = re.compile(r"(?:\b(?i:the|a|an|its|their|his|her|our|this|that)|\w(?:'s|\u2019s))\s+$")
# Events that are scheduled, so that a yearless day before them may lie ahead ("the Dec. 12 election"
# in a November story): the nearer occurrence, where for an attack it is the past one.
_SCHEDULED = re.compile(
    r",?\s+(?:\S+\s+){0,3}?(?i:elections?|polls?|vote|referendum|summit|talks|negotiations|Olympics|World\s+Cup)\b"
)
# Prepositions that make any date before them the time of what precedes ("invaded Poland during World War II").
# ("after 9/11" reaches here only where "after" heads the date itself; "after the 2006 war" opens a clause.)
# Not "in": "interference in the 2016 election" names what the noun is about, not when the verb happened.
_TEMPORAL_PREP = frozenset({"during", "amid", "throughout", "after", "since"})
# Where a sentence's second main clause begins: a named event in the first does not date the second's verb.
_COORDINATION = re.compile(r";|,\s+(?i:but|while|whereas|yet)\b|\s(?i:but)\s")
# Prepositions that make a bare year before a word the time of the text ("dating back to 2010 when ...").
_PREPOSITIONS = frozenset({"in", "to", "since", "from", "until", "till", "by", "during", "after", "before", "around"})
_DETERMINERS = frozenset({"the", "a", "an", "its", "their", "his", "her", "our", "this", "that"})
# Events known by their day alone, and the days they name (a yearless "Oct. 7 attack" in a 2025 story is 2023's).
# A yearless day before one of the nouns given becomes the named event; "9/11" and "7/7" are the event as written.
_NAMED_DAYS: dict[str, tuple[date, str]] = {
    "9/11": (date(2001, 9, 11), r"attacks|hijackings"),  # "the Sept. 11 attack" may be Benghazi's (2012)
    "7/7": (date(2005, 7, 7), r"attacks?|bombings?"),
    "1/6": (date(2021, 1, 6), r"attacks?|riots?|insurrection|siege|assault"),
    "10/7": (date(2023, 10, 7), r"attacks?|massacres?|assault|raid|onslaught|incursion|invasion|rampage"),
}
_WORLD_WARS = {"i": (1914, 1918), "one": (1914, 1918), "1": (1914, 1918), "first": (1914, 1918),
               "ii": (1939, 1945), "two": (1939, 1945), "2": (1939, 1945), "second": (1939, 1945)}
# "on the 30th anniversary of the 1994 genocide": the date before it names the past event, not this one.
_ANNIVERSARY_BEFORE = re.compile(
    r"(?i:(?:(?P<nth>\d{1,3})(?:st|nd|rd|th)|(?P<nthw>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth"
    r"|tenth|twentieth|fiftieth|hundredth))\s+)?(?i:anniversary)\s+(?i:of)\s+(?:(?i:the)\s+|\w+(?:'s|\u2019s)\s+)?$"
)
_ORDINAL_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
                  "eighth": 8, "ninth": 9, "tenth": 10, "twentieth": 20, "fiftieth": 50, "hundredth": 100}
_UNIT_MOD = (
    r"(?i:the\s+end\s+of\s+(?:last|this|next|the)|end\s+of\s+(?:last|this|next)"
    r"|the\s+(?:beginning|start|middle)\s+of\s+(?:last|this|next|the)"
    r"|(?:earlier|later|early|late)\s+(?:this|last|next)|this\s+past|this\s+coming"
    r"|the\s+(?:past|last|previous|next|coming|current)|over\s+the|at\s+the|in\s+recent"
    r"|recent|last|past|previous|next|coming|this|current|the)"
)

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        ("numeric", r"(?<![\d/.-])(?P<core>\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{4})(?![\d/-])"),
        (
            "monthday",
            rf"\b(?P<core>(?:(?P<wd>{_WEEKDAY}),?\s+)?(?P<date>(?P<mon>{_MON})\s+(?P<day>{_DAY})"
            rf"(?:,?\s+(?P<year>{_YEAR}))?))",
        ),
        (
            "monthday",
            rf"\b(?P<core>(?:(?P<wd>{_WEEKDAY}),?\s+)?(?P<date>(?i:the\s+)?(?P<day>{_DAY})\s+(?i:of\s+)?"
            rf"(?P<mon>{_MON})(?:,?\s+(?P<year>{_YEAR}))?))",
        ),
        (
            "range",  # "between 3 and 5 May", "3-5 May", "30 April to 2 May 2022"
            rf"\b(?P<core>{_LEAD}?(?:(?i:the)\s+)?(?P<d1>{_DAY})"
            rf"(?:\s+(?i:of\s+)?(?P<m1>{_MON})(?:,?\s+(?P<y1>{_YEAR}))?)?"
            rf"{_SEP}(?:(?i:the)\s+)?(?P<d2>{_DAY})\s+(?i:of\s+)?(?P<m2>{_MON})(?:,?\s+(?P<y2>{_YEAR}))?)",
        ),
        (
            "range",  # "May 3-5", "from May 3 to May 5, 2022"
            rf"\b(?P<core>{_LEAD}?(?P<m1>{_MON})\s+(?P<d1>{_DAY})(?:,?\s+(?P<y1>{_YEAR}))?"
            rf"{_SEP}(?:(?P<m2>{_MON})\s+)?(?P<d2>{_DAY}){_NOT_A_DAY_AFTER}(?:,?\s+(?P<y2>{_YEAR}))?)",
        ),
        (
            "range",  # "between March and May", "from November 2019 to February 2020"
            rf"\b(?P<core>{_LEAD}(?:(?i:early|mid-?|late)\s*)?(?P<m1>{_MONTH})(?:,?\s+(?P<y1>{_YEAR}))?"
            rf"{_SEP}(?:(?i:early|mid-?|late)\s*)?(?P<m2>{_MONTH})(?:,?\s+(?P<y2>{_YEAR}))?)\b",
        ),
        ("range", rf"\b(?P<core>{_LEAD}(?P<y1>{_YEAR}){_SEP}(?P<y2>{_YEAR}))"),  # "from 2019 to 2021"
        ("monthyear", rf"\b(?P<core>(?P<mon>{_MON}),?\s+(?i:of\s+)?(?P<year>{_YEAR}))"),
        (
            "month",
            rf"(?<![\w-])(?:(?P<prep>{_PREP})\s+)?(?P<core>(?:(?P<mod>(?i:last|this|next|early|late|mid-?"
            r"|(?:the\s+)?(?:end|beginning|start|middle)\s+of))\s*)?"
            rf"(?P<mon>{_MONTH})(?:\s+(?P<rel>(?i:(?:of\s+)?(?:last|this|next)\s+year))|\s+of\s+(?P<year>{_YEAR}))?)\b",
        ),
        ("year", rf"(?<![\w-])(?P<prep>{_PREP})\s*(?P<core>(?i:the\s+)?(?i:year\s+)?(?P<year>{_YEAR}))"),
        (
            "attr",  # a year that modifies an event noun: "the 2006 war", "its 2019 Lebanon elections"
            rf"\b(?:(?i:the|a|an|its|their|his|her|our|this|that)|\w+(?:'s|\u2019s))\s+(?P<core>(?P<year>{_YEAR}))"
            rf"(?=\s+(?:(?:[A-Z][\w'-]*|{_EVENT_MOD})\s+){{0,3}}{_EVENT_NOUN}\b)",
        ),
        ("attr", rf"(?<![\w$-])(?P<core>(?P<year>{_YEAR}))(?='s\s|\u2019s\s)"),  # "2017's election"
        (
            "season",  # "last summer", "in the spring", "autumn 2019"
            rf"(?<![\w-])(?:(?P<prep>{_PREP}|over)\s+)?(?P<core>(?:(?P<mod>(?i:this\s+past|last|this|next|the|early"
            rf"|late|mid-?)(?:\s+(?i:early|late|mid-?))?)\s*)?(?P<season>{_SEASON})"
            rf"(?:\s+(?i:of\s+)?(?P<year>{_YEAR}))?)\b",
        ),
        (
            "ordinal",  # "on the 16th", "on the 3rd of last month"
            r"\b(?i:on)\s+(?P<core>(?i:the)\s+(?P<day>[12]\d|3[01]|0?[1-9])(?i:st|nd|rd|th)"
            r"(?:\s+(?i:of\s+(?P<rel>this|last|next)\s+month))?)"
            r"(?=\s*(?:[,.;:!?)]|$)|\s+(?i:in|at|when|after|before|as|with|near|and)\s)",
        ),
        (
            "decade",
            rf"\b(?:(?P<prep>{_PREP})\s+)?(?P<core>(?i:the\s+(?:(?:early|mid|late)[- ]?)?)"
            r"(?P<dec>(?:1[89]|20)\d0)'?s)\b",
        ),
        (
            "relword",
            r"\b(?P<core>(?i:the\s+day\s+(?P<dba>before\s+yesterday|after\s+tomorrow)"
            r"|(?:(?:early|late|earlier|later)\s+)?(?P<word>yesterday|today|tonight|tomorrow)"
            r"(?:\s+(?:morning|afternoon|evening|night))?|(?P<ln>last\s+night)"
            r"|this\s+(?:morning|afternoon|evening)))\b",
        ),
        (
            "weekday",
            r"(?<!(?i:good) )(?<!(?i:black) )(?<!(?i:bloody) )(?<!(?i:holy) )(?<!(?i:ash) )(?<!(?i:palm) )"
            r"(?<!(?i:super) )(?<!(?i:cyber) )"
            rf"\b(?P<core>(?:(?P<mod>(?i:last|this\s+past|this\s+coming|this|next|coming|early|late)(?i:\s+on)?)\s+)?"
            rf"(?P<wd>{_WEEKDAY})(?!s\b)(?:'s)?(?:\s+(?i:morning|afternoon|evening|night))?)\b",
        ),
        (
            "unit",
            rf"\b(?P<core>(?P<mod>{_UNIT_MOD})\s+(?:(?P<n>{_NUM})\s+)?"
            r"(?P<unit>(?i:weekend|week|month|year|day(?=s)))s?)\b",
        ),
        ("ago", rf"\b(?P<core>(?:(?P<n>{_NUM})\s+)?(?P<unit>(?i:day|week|month|year|decade))s?\s+(?i:ago))\b"),
        (
            "anaphor",
            r"\b(?P<core>(?i:the\s+(?:previous|next|following|same)\s+(?:day|night|morning|evening)"
            r"|that\s+(?:day|night|morning|evening)|(?:earlier|later)\s+(?:in\s+the|that)\s+day"
            r"|(?P<hours>hours|minutes|moments)\s+(?:later|earlier|afterwards?)"
            rf"|(?P<n>{_NUM}|the)\s+days?\s+(?P<dir>earlier|later|(?:before|after)(?=\s*(?:[,.;:!?)]|$)))))\b",
        ),
        (
            "anaphor",  # "later that week", "the following month", "two weeks later": counted from the story's time
            r"\b(?P<core>(?i:(?P<umod>(?:earlier|later)\s+that|that|the\s+(?:following|previous|preceding))"
            r"\s+(?P<au>week|month|year)"
            rf"|(?:(?P<un>{_NUM})\s+)?(?P<au2>week|month|year)s?\s+(?P<udir>earlier|later)))\b",
        ),
        (
            "named",  # events known by name: "9/11", "7/7", "World War II", "the Second World War"
            r"(?<![\w/.-])(?P<core>(?P<name>9/11|7/7)(?![\w/])|World\s+War\s+(?P<ww>II|I|(?i:one|two)|[12])\b"
            r"|(?P<ww2>(?i:first|second))\s+World\s+War\b)",
        ),
    )
)
# Cheap gates: a pattern runs only on sentences holding one of its words, so that a sentence without
# any date costs a few substring tests, not a dozen regex scans.
_GATES: dict[str, tuple[str, ...]] = {
    "numeric": _DIGITS,
    "monthday": _MONTHS,
    "range": (*_DIGITS, *_MONTHS),
    "monthyear": _MONTHS,
    "month": _MONTHS,
    "year": _DIGITS,
    "attr": _DIGITS,
    "season": ("spring", "summer", "autumn", "winter", "fall"),
    "ordinal": ("st", "nd", "rd", "th"),
    "decade": ("0s", "0's"),
    "relword": ("yesterday", "today", "tonight", "tomorrow", "night", "morning", "afternoon", "evening"),
    "weekday": ("day",),
    "unit": ("week", "month", "year", "days"),
    "ago": ("ago",),
    "anaphor": ("previous", "next", "following", "preceding", "same", "that ", "in the day", " day ", " days ",
                "later", "earlier"),
    "named": ("/", "world war"),
}
# Every pattern above needs one of these (weekdays, "today" and "days" hold "day"; "weekend" holds "week").
_ANY_GATE = (
    *_DIGITS, *_MONTHS, "day", "night", "morning", "afternoon", "evening", "tomorrow", "ago", "week", "month", "year",
    "spring", "summer", "autumn", "winter", "fall", "later", "earlier", "/", "world war",
)  # fmt: skip
_WORD = re.compile(r"\w*")
_YEAR_IN_TEXT = re.compile(rf"(?<![\d.,$])(?P<year>{_YEAR})")

_EXPLICIT_KINDS = frozenset({"numeric", "monthday", "monthyear", "month", "year", "decade", "hint", "attr", "range",
                             "season", "ordinal", "named", "anniversary"})
# Expressions that name a day or month on the calendar: a present progressive ("is meeting on Tuesday")
# points them forward, like "will".
_NAMED_KINDS = frozenset({"weekday", "monthday", "month", "range", "ordinal", "season"})
_PROGRESSIVE = re.compile(r"\b(?i:is|are|am|'s|'re)\s+(?:(?i:not|also|now|still|reportedly|expected)\s+)*$")
_SEASON_MONTHS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2)}
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_VAGUE_NUMBERS = {"few": (2, 5), "couple": (2, 3), "several": (3, 7)}
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}

# Clause boundaries: an expression inside "... after the clashes stopped two days ago" dates the
# stopping, not the main verb. A clause runs from its subordinator to the next clause punctuation.
# "when" and "while" are left out: their clause gives the main event's own time.
_SUBORDINATOR = re.compile(
    r"\b(?i:after|before|since|until|till|because|although|though|whereas|which|who|whom|whose|where)\b"
)
_CLAUSE_END = re.compile(r"[,;:()\u2013\u2014]|\s-\s")

# Background: the sentence tells history, not the article's news.
_BACKGROUND_WORDS = re.compile(
    r"\b(?i:back\s+in|previously|formerly|in\s+the\s+past|historically|used\s+to|(?:years|decades)\s+ago|long\s+ago)\b"
)
_PAST_PERFECT_BEFORE_TRIGGER = re.compile(
    r"\b(?i:had)(?:\s+(?i:not|never|already|previously|earlier|also|long|first|once|just|recently|been))*\s+$"
)
_PAST_PERFECT = re.compile(
    r"\b(?i:had)(?:\s+(?i:not|never|already|previously|earlier|also|long|first|once|just|recently))*\s+"
    r"(?i:been|\w+(?:ed|en|wn)|met|made|held|led|left|sent|fought|struck|won|lost|told|sought|brought"
    r"|built|paid|hit|shot|cut|kept|spent|fled|begun|become|come|gone|done|seen|given|known|found"
    r"|caught|bought|sold|stood|heard|signed|set|put|run|read)\b"
)
_REPORTING = re.compile(
    r"\b(?i:said|says|say|told|tells|announced|reported|confirmed|added|claimed|stated|noted|explained"
    r"|revealed|acknowledged|admitted|denied|insisted|warned|learned|learnt|according\s+to)\b"
)

# Captions and credit lines. A bare "(R)" is more often a US party label ("Gov. Jan Brewer (R) said")
# than a position in a photo, so it counts only beside a caption verb.
_CAPTION_MARK = re.compile(
    r"\((?:\d(?:st|nd|rd|th)\s+)?(?:L|C|L-R|R-L|L\s+to\s+R|left|right|cent(?:er|re)|front|rear|top|bottom)\)"
    r"|\(\d(?:st|nd|rd|th)\s+R\)"
    r"|\bcredit\s*:|\bphoto(?:graph)?\s*(?:credit)?\s*:|\bphoto\s+by\b|\bfile\s+photo\b|\(illustrative"
    r"|\A\W*(?:caption|image|picture|pictured)\s*:|\(\s*(?:image|picture)\s*:"
    r"|\b(?:REUTERS|AFP|AP|EPA|GETTY\s+IMAGES|ANADOLU|XINHUA|WAFA|FLASH\s?90|GPO)\s*/\s*[A-Z]"
    r"|\bAP\s+Photo\b|\bGetty\s+Images\b|\bvia\s+REUTERS\b",
    re.IGNORECASE,
)
_CAPTION_VERB = re.compile(
    r"\b(?:shakes?\s+hands|speaks|attends|gestures|looks\s+on|poses|waves|arrives|listens|walks|holds"
    r"|delivers|stands|sits|greets|meets|talks|reacts|addresses|visits|chairs|prays|mourns|carries"
    r"|takes\s+part|(?:is|are)\s+(?:seen|pictured))\b"
)
# Wire-photo captions end in a bare full date ("... in Tehran, Iran October 21, 2017."); body prose puts
# "on" before such a date.
_CAPTION_DATE_END = re.compile(
    rf"(?<!\b[Oo]n)(?<!\b[Ss]ince)(?<!\b[Bb]y)(?<!\b[Oo]f)(?<!\b[Uu]ntil)(?<!\band)(?<!\bto)(?<!\bthrough)"
    rf"\s(?:{_MON}\s+{_DAY},?\s+{_YEAR}"
    rf"|{_DAY}\s+{_MON}\s+{_YEAR})\.?\s*(?:\([^)]*\)\s*)?$"
)


def is_caption(sentence: str) -> bool:
    """True for photo captions and credit lines: they describe a picture, often years old, not the news."""
    lower = sentence.lower()
    if any(map(lower.__contains__, ("(", ":", "/", "photo", "getty", "reuters"))) and _CAPTION_MARK.search(sentence):
        return True
    position_r, digits = "(R)" in sentence, any(map(sentence.__contains__, _DIGITS))
    if not (position_r or digits) or not _CAPTION_VERB.search(sentence):
        return False
    return position_r or bool(_CAPTION_DATE_END.search(sentence))


# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Interval:
    """The days an expression may mean, inclusive; reduced to one date and a precision at the end."""

    lo: date
    hi: date
    unit: Precision | None = None  # set for a written range: the precision of its start

    def reduce(self) -> tuple[date | None, Precision, date | None]:
        """(date, precision, end): a range keeps both ends, anything else becomes one date."""
        lo, hi = self.lo, self.hi
        if self.unit is not None:
            return lo, self.unit, hi
        if lo == hi:
            return lo, "day", None
        if (lo.year, lo.month) == (hi.year, hi.month):
            return lo.replace(day=1), "month", None
        if lo.year == hi.year:
            return date(lo.year, 1, 1), "year", None
        return None, "unknown", None


@dataclass(frozen=True, slots=True)
class _Expr:
    """A date expression found in the sentence (offsets within the sentence)."""

    start: int
    end: int
    text: str
    kind: str
    groups: tuple[tuple[str, str], ...]  # the pattern's named groups that matched
    prep: str  # the preposition before it ("since", "back in"), lower-case, for background cues
    # it names a past event rather than a time ("the 2014 invasion", "the Oct. 7 attack"): it dates a trigger
    # it stands before (or is), never one before it, and never becomes the story's frame
    attributive: bool = False

    def group(self, name: str) -> str:
        return next((value for key, value in self.groups if key == name), "")


@dataclass(frozen=True, slots=True)
class _Sentence:
    """What one sentence offers, computed once however many triggers the pipeline asks about."""

    start: int
    text: str
    caption: bool
    exprs: tuple[_Expr, ...]
    clauses: tuple[tuple[int, int], ...]  # subordinate clauses, (start, end) within the sentence
    cues: tuple[int, ...]  # where background words ("previously", "back in") start
    past_perfect: bool  # a past perfect outside reported speech, anywhere


@dataclass(frozen=True, slots=True)
class _Frame:
    """The story's current time frame, carried to later sentences that name no date."""

    date: date
    precision: Precision
    text: str
    span: Span
    end: date | None = None


def _month_interval(year: int, month: int) -> _Interval:
    return _Interval(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))


def _year_interval(year: int) -> _Interval:
    return _Interval(date(year, 1, 1), date(year, 12, 31))


def _add_months(year: int, month: int, k: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + k
    return index // 12, index % 12 + 1


def _calendar_unit(unit: str, day: date, k: int) -> _Interval:
    """The calendar week/month/year k units from the one holding `day` (weeks run Monday to Sunday)."""
    if unit == "week":
        monday = day - timedelta(days=day.weekday()) + timedelta(weeks=k)
        return _Interval(monday, monday + timedelta(days=6))
    if unit == "month":
        return _month_interval(*_add_months(day.year, day.month, k))
    return _year_interval(day.year + k)


def _count(text: str) -> tuple[int, int] | None:
    """'two' -> (2, 2), 'a few' -> (2, 5); None for what is not a count."""
    words = text.lower().split()
    if not words:
        return None
    for word, value in _VAGUE_NUMBERS.items():
        if word in words:
            return value
    if words[-1].isdigit():
        return int(words[-1]), int(words[-1])
    n = _NUMBER_WORDS.get(words[-1])
    return (n, n) if n else None


def _find_exprs(sentence: str, hints: Sequence[tuple[int, int]], english: bool) -> list[_Expr]:
    """Non-overlapping expressions, longest first; hint spans add only what holds a written year."""
    found: list[_Expr] = []
    lower = sentence.lower()
    run_patterns = english and any(map(lower.__contains__, _ANY_GATE))
    for kind, pattern in _PATTERNS if run_patterns else ():
        if any(map(lower.__contains__, _GATES[kind])):
            for m in pattern.finditer(sentence):
                groups = tuple((k, v) for k, v in m.groupdict().items() if v)
                start, end = m.span("core")
                prep = " ".join((m.groupdict().get("prep") or "").lower().split())
                if not _plausible(kind, m, prep, sentence):
                    continue
                found.append(_Expr(start, end, sentence[start:end], kind, groups, prep))
    found.sort(key=lambda e: (e.start - e.end, e.start))
    kept: list[_Expr] = []
    for expr in found:
        if all(expr.end <= k.start or expr.start >= k.end for k in kept):
            kept.append(expr)
    for s, e in hints:
        s, e = max(0, s), min(len(sentence), e)
        if s < e and _YEAR_IN_TEXT.search(sentence, s, e) and all(e <= k.start or s >= k.end for k in kept):
            # a bare year before a word modifies a noun ("the 2022 election results"): it dates that noun
            bare = re.fullmatch(rf"(?i:the\s+)?(?P<year>{_YEAR})", sentence[s:e])
            attributive = bare is not None and re.match(r"(?:'s|\u2019s)?\s+[A-Za-z]", sentence[e:]) is not None
            groups = (("year", bare.group("year")),) if bare else ()
            kept.append(_Expr(s, e, sentence[s:e], "attr" if attributive else "hint", groups, ""))
    kept.sort(key=lambda e: e.start)
    kept = _with_that_year(sentence, kept)
    return [x for x in map(lambda e: _named_or_anniversary(sentence, e), kept) if x is not None]


def _with_that_year(sentence: str, exprs: list[_Expr]) -> list[_Expr]:
    """ "On July 22 that year", "in March of that year": a yearless day or month in the year the text
    was talking about, one anaphoric expression rather than two."""
    out: list[_Expr] = []
    for expr in exprs:
        prev = out[-1] if out else None
        if (
            prev is not None
            and expr.kind == "anaphor"
            and expr.group("au").lower() == "year"
            and expr.group("umod").lower() == "that"
            and prev.kind in ("monthday", "month")
            and not (prev.group("year") or prev.group("rel") or prev.group("mod"))
            and re.fullmatch(r"\s+(?i:of\s+)?", sentence[prev.end : expr.start])
        ):
            text = sentence[prev.start : expr.end]
            out[-1] = _Expr(prev.start, expr.end, text, "anaphor", (*prev.groups, ("ofyear", "1")), prev.prep)
        else:
            out.append(expr)
    return out


def _named_or_anniversary(sentence: str, expr: _Expr) -> _Expr | None:
    """Read a date as the name of a past event where the words around it say so.

    "the March 2021 coup", "Hamas's Oct. 7 attack": a date between a determiner and an event noun
    names that event (attributive). A yearless day in the table of named days becomes that event
    ("the Sept. 11 attacks" is 2001's). After "the anniversary of" a day gives the anniversary's day
    ("the 20th anniversary of the Sept. 11, 2001, attacks" is 2021-09-11); a year alone ("the 30th
    anniversary of the 1994 genocide") is dropped, so that the story's own day dates the ceremony.
    """
    before = sentence[max(0, expr.start - 40) : expr.start]
    anniversary = _ANNIVERSARY_BEFORE.search(before)
    if anniversary is not None and expr.kind in ("monthday", "monthyear", "year", "attr", "named", "hint", "numeric"):
        return _anniversary(expr, anniversary)
    if expr.kind == "named":
        return replace(expr, attributive=True)
    if expr.kind not in ("monthday", "monthyear", "numeric", "month", "hint"):
        return expr
    if expr.kind == "month" and not expr.group("year") or not _DETERMINER_BEFORE.search(before):
        return expr
    if not _ATTR_AFTER.match(sentence, expr.end):
        return expr
    if expr.kind == "monthday" and not expr.group("year"):
        key = f"{_month_number(expr.group('mon'))}/{_day_number(expr.group('day'))}"
        named = _NAMED_DAYS.get(key)
        if named is not None and re.match(rf",?\s+(?:[\w'-]+\s+){{0,3}}(?i:{named[1]})\b", sentence[expr.end :]):
            return replace(expr, kind="named", groups=(("name", key),), attributive=True)
        if _SCHEDULED.match(sentence, expr.end):
            return replace(expr, attributive=True, groups=(*expr.groups, ("scheduled", "1")))
    return replace(expr, attributive=True)


def _anniversary(expr: _Expr, m: re.Match[str]) -> _Expr | None:
    """The anniversary's own day: the past event's month and day, in its year plus the ordinal when
    both are written, else in the year the tense points at (see `_anniversary_interval`)."""
    nth = int(m.group("nth")) if m.group("nth") else _ORDINAL_WORDS.get((m.group("nthw") or "").lower(), 0)
    year, month, day = expr.group("year"), expr.group("mon"), expr.group("day")
    if expr.kind == "named":
        name = expr.group("name")
        if name not in _NAMED_DAYS:
            return None
        when = _NAMED_DAYS[name][0]
        year, month, day = str(when.year), str(when.month), str(when.day)
    elif expr.kind == "numeric":
        return None
    else:
        month = str(_month_number(month)) if month else ""
        day = str(_day_number(day)) if day else ""
    if not (month and day):
        return None  # "the anniversary of the 1994 genocide": no day; the story's own day is better
    groups = tuple((k, v) for k, v in (("year", year), ("mon", month), ("day", day), ("nth", str(nth))) if v)
    return replace(expr, kind="anniversary", groups=groups)


def _plausible(kind: str, m: re.Match[str], prep: str, sentence: str) -> bool:
    """Drop matches that look like dates but are not: a bare "May", "a total of 2000", "the week"."""
    if kind == "month":
        return bool(prep or m.group("mod") or m.group("rel") or m.group("year"))  # "March" may be a verb
    if kind == "range":
        return _plausible_range(m)
    if kind == "season":
        mod = (m.group("mod") or "").lower()
        if not (mod or m.group("year")) or (mod == "the" and not prep):
            return False  # "summer" alone, "the summer heat"
        # "the fall of Kabul" is no season; "the spring of 2011" is
        return not re.match(rf"\s+of\s+(?!{_YEAR})", sentence[m.end():], re.IGNORECASE)
    if kind == "anaphor" and "au" in m.groupdict():
        # "rose 5% from a year earlier", "than the previous month": a comparison, not the event's time
        return _word_before(sentence, m.start("core")) not in ("from", "than", "over", "with", "to", "versus", "vs")
    if kind == "year":
        if m.group("core").lower().startswith("the") and _ATTR_AFTER.match(sentence, m.end()):
            return False  # "in the 2006 war": the year names the war (an "attr" expression)
        return not (prep == "of" and re.match(r"\s+[a-z]", sentence[m.end() :]))
    if kind == "unit":
        mod = " ".join(m.group("mod").lower().split())
        if m.group("unit").lower() == "weekend":
            return True
        # "the week", "over the years": no anchor; "the previous week" counts from the story's time (anaphor)
        return mod not in ("the", "over the", "at the", "the previous")
    return True


def _plausible_range(m: re.Match[str]) -> bool:
    """A range runs forward, and joins with "and" only after "between" ("on 3 and 4 May" names two days)."""
    lead, sep = (m.group("lead") or "").lower(), (m.group("sep") or "").lower()
    day_first = "d2" in m.groupdict() and m.group("m2") is not None and m.start("m2") > m.start("d2")
    on_days = day_first and re.search(r"\b(?i:on)\s+$", m.string[max(0, m.start() - 4) : m.start()]) is not None
    if sep == "and" and not (lead == "between" or on_days) or lead == "between" and sep not in ("and", ""):
        return False  # "on 3 and 4 May" is both days, a range too
    names = m.groupdict()
    if "d1" not in names:  # month or year range
        if "m1" in names:
            return m.group("m1").lower()[:3] != m.group("m2").lower()[:3] or m.group("y1") is not None
        return int(m.group("y1")) < int(m.group("y2"))
    same_month = m.group("m1") is None or m.group("m1").lower()[:3] == (m.group("m2") or m.group("m1")).lower()[:3]
    day = lambda g: int(re.sub(r"\D", "", m.group(g)))  # noqa: E731
    return not (same_month and m.group("y1") is None and day("d1") >= day("d2"))


def _has_cue_word(lower: str) -> bool:
    """Gate for _BACKGROUND_WORDS."""
    return any(map(lower.__contains__, ("back in", "previous", "formerly", "the past", "histor", "used to", "ago")))


def _find_clauses(sentence: str, exprs: Sequence[_Expr]) -> tuple[tuple[int, int], ...]:
    """Subordinate clauses; a subordinator that heads a date phrase ("since 2014") opens none."""
    clauses = []
    for m in _SUBORDINATOR.finditer(sentence):
        if any(x.start <= m.start() < x.end or 0 <= x.start - m.end() <= 1 for x in exprs):
            continue
        end = _CLAUSE_END.search(sentence, m.end())
        clauses.append((m.start(), end.start() if end else len(sentence)))
    return tuple(clauses)


def _clause_of(position: int, clauses: Sequence[tuple[int, int]]) -> tuple[int, int] | None:
    """The innermost subordinate clause holding `position`; None for the main clause."""
    inside = [c for c in clauses if c[0] <= position < c[1]]
    return max(inside) if inside else None


def _is_heading(sentence: str) -> bool:
    """A section heading ("Arouri's past threats") opens a new part of the story with its own time frame."""
    first = sentence.strip().split("\n", 1)[0].strip()
    return 0 < len(first.split()) <= 10 and first[-1] not in ".!?:;,\"'\u201d\u2019)"


class DateResolver:
    """Resolves event dates for the sentences of one article, in order.

    One resolver per article, because the story's time frame carries from sentence to sentence.
    The pipeline may ask about several triggers of one sentence, in any order: what one sentence
    sets as the frame reaches the next sentence only, so the answers do not depend on that order.
    """

    def __init__(
        self, article_date: date | None, *, languages: Sequence[str] = ("en",), written: date | None = None
    ) -> None:
        """`written` is the day the story was written, when its dateline says so and differs from the
        article's date ("KABUL, July 13 (Reuters)" in a story dated 14 July; see `writing_date`): the
        relative expressions count from it, and an undated event takes it (rule "dateline")."""
        if isinstance(article_date, datetime):
            article_date = article_date.date()
        if isinstance(written, datetime):
            written = written.date()
        self._base = written or article_date
        self._default_rule = "dateline" if written is not None and written != article_date else "publication"
        self._english = "en" in languages
        # Only written calendar forms reach dateparser and yearless ones get their year here (by tense),
        # so one parser serves every tense; it is built once, as building it per call is slow.
        settings: dict[str, object] = {"RETURN_AS_TIMEZONE_AWARE": False, "PREFER_DATES_FROM": "past"}
        if (base := self._base) is not None:
            settings["RELATIVE_BASE"] = datetime(base.year, base.month, base.day)
        self._parser = DateDataParser(languages=list(languages), settings=settings)
        self._cache: dict[tuple[str, str, str], _Interval | None] = {}
        self._sentence: _Sentence | None = None
        self._frame: _Frame | None = None  # set by earlier sentences
        self._pending: _Frame | None = None  # set by the current sentence, for the next ones
        self._section: _Frame | None = None  # the first frame of the current section (lede or after a heading)
        # the last date the paragraph named, history included: what "the day before" and "a year later" count
        # from ("The war began in May 2022. A year later, ..."), though history never becomes the frame
        self._recent: _Interval | None = None
        self._pending_recent: _Interval | None = None

    # ---------------------------------------------------------------------------------------------
    def resolve(
        self,
        sentence: str,
        sentence_start: int,
        *,
        date_spans: Sequence[tuple[int, int]] = (),
        tense: Tense = "past",
        trigger_start: int | None = None,
        paragraph_start: bool = False,
    ) -> ResolvedDate:
        """The date of the event whose trigger is at `trigger_start` (offsets within `sentence`)."""
        if tense not in ("past", "present", "future"):
            raise ValueError(f"tense must be past, present or future, not {tense!r}")
        info = self._enter(sentence, sentence_start, date_spans, paragraph_start)
        background = self._is_background(info, trigger_start)
        if info.exprs and not info.caption and tense != "future":  # plans do not move the story's time
            self._update_frame(info, tense, self._is_background(info, None))
        expr = self._choose(info, trigger_start, tense)
        if expr is not None:
            if tense == "present" and _points_forward(sentence, expr) and _progressive(sentence, trigger_start):
                tense = "future"  # "is meeting on Saturday" is an arrangement, not this past Saturday
            # a named past event ("the Oct. 7 attack") is background: history once older than a month
            dated = self._dated(info, expr, tense, background or expr.attributive or self._expr_cue(info, expr))
            late = self._base is not None and dated.date is not None and dated.date > self._base + _YEAR_SLACK
            if not (late and tense == "past" and not info.caption):
                return dated
            # a past event is not dated after publication: "said growth would rise in 2011" dates the growth
        if info.caption or background:
            rule = "caption" if info.caption else "background"
            return ResolvedDate(None, "unknown", historical=True, rule=rule)
        frame = self._frame
        if frame is not None and not (tense == "future" and self._base and frame.date < self._base):
            return ResolvedDate(frame.date, frame.precision, frame.text, frame.span, rule="carried", end=frame.end)
        if self._base is not None:
            return ResolvedDate(self._base, "day", rule=self._default_rule)
        return ResolvedDate(None, "unknown", rule="none")

    def current(self, sentence: str, sentence_start: int, *, paragraph_start: bool = False) -> ResolvedDate:
        """The story's present at this sentence: when something said here was said.

        A declared plan ("will meet on Tuesday") is an event of the day it was announced; the
        sentence's own expressions date the plan, not the announcement, so they are not used.
        """
        info = self._enter(sentence, sentence_start, (), paragraph_start)
        if info.caption:
            return ResolvedDate(None, "unknown", historical=True, rule="caption")
        frame = self._frame
        if frame is not None:
            return ResolvedDate(frame.date, frame.precision, frame.text, frame.span, rule="carried", end=frame.end)
        if self._base is not None:
            return ResolvedDate(self._base, "day", rule=self._default_rule)
        return ResolvedDate(None, "unknown", rule="none")

    # ---------------------------------------------------------------------------------------------
    def _enter(
        self, sentence: str, start: int, hints: Sequence[tuple[int, int]], paragraph_start: bool
    ) -> _Sentence:
        """Analyse a new sentence once; moving on hands the last sentence's frame to this one."""
        current = self._sentence
        if current is not None and current.start == start and current.text == sentence:
            return current
        if self._pending is not None:
            self._frame, self._pending = self._pending, None
            if self._section is None:
                self._section = self._frame
        if self._pending_recent is not None:
            self._recent, self._pending_recent = self._pending_recent, None
        if paragraph_start:
            self._recent = None
            if _is_heading(sentence):
                self._frame = self._section = None
            else:
                # a new paragraph returns to the section's main time ("on Monday" in the lede), not to a
                # date a previous paragraph mentioned in passing ("the Dec. 10 bombings")
                self._frame = self._section
        exprs = tuple(_find_exprs(sentence, hints, self._english))
        # (" " added: the parser may cut "KABUL, July 13 (Reuters) -" off as a sentence of its own)
        if current is None and exprs and (line := find_dateline(sentence + " ")) is not None:
            # "KABUL, July 13 (Reuters) -" dates the filing, which is the article's date, not the lede's event
            exprs = tuple(x for x in exprs if x.start >= line.end)
        lower = sentence.lower()
        cues = tuple(m.start() for m in _BACKGROUND_WORDS.finditer(sentence)) if _has_cue_word(lower) else ()
        clauses = _find_clauses(sentence, exprs) if exprs or cues else ()
        had = _PAST_PERFECT.search(sentence) if "had" in lower else None
        past_perfect = had is not None and not _REPORTING.search(sentence, 0, had.start())
        self._sentence = _Sentence(start, sentence, is_caption(sentence), exprs, clauses, cues, past_perfect)
        return self._sentence

    @staticmethod
    def _choose(info: _Sentence, trigger: int | None, tense: Tense = "past") -> _Expr | None:
        """The expression that dates this trigger: same clause first, then the nearest.

        An expression inside a subordinate clause dates only triggers in that clause.
        """
        best: tuple[tuple[int, bool, int], _Expr] | None = None
        trigger_clause = _clause_of(trigger, info.clauses) if trigger is not None else None
        word = _WORD.match(info.text, trigger) if trigger is not None else None
        trigger_end = word.end() if word else 0
        for expr in info.exprs:
            clause = _clause_of(expr.start, info.clauses)
            attr = expr.kind == "attr" or expr.attributive
            # a named event, an anniversary or "that week" dates the trigger only where no plain date in its
            # clause does ("At the end of that week, on Oct. 7, ...")
            weak = attr or expr.kind == "anniversary" or bool(expr.group("au") or expr.group("au2"))
            if tense != "past" and _word_before(info.text, expr.start) in ("until", "till"):
                continue  # "will stay until March 30": the end of what starts now
            if trigger is None:
                key = (0 if clause is None else 1, weak, expr.start)
            else:
                if clause is not None and not clause[0] <= trigger < clause[1]:
                    continue
                if attr and expr.start > trigger:
                    if not _dates_what_precedes(info.text, trigger, trigger_end, expr):
                        continue  # "rallied against the 2022 election results": the year is the election's
                    weak = False  # "supported him throughout the 2016 election": as good as a plain date
                elif attr and _COORDINATION.search(info.text, expr.end, trigger):
                    continue  # "hijackers on 9/11 were Saudis, but the government denies ...": another clause's
                distance = max(expr.start - trigger_end, trigger - expr.end, 0)
                key = (0 if clause == trigger_clause else 1, weak, distance)
            if best is None or key < best[0]:
                best = (key, expr)
        return best[1] if best else None

    def _dated(self, info: _Sentence, expr: _Expr, tense: Tense, background: bool) -> ResolvedDate:
        span = Span(info.start + expr.start, info.start + expr.end, expr.text)
        interval = self._interval(expr, tense)
        if interval is not None and tense == "future" and self._base is not None and interval.unit is None:
            widened = _Interval(self._base, interval.hi)
            if _word_before(info.text, expr.start) == "by" and interval.lo > self._base and widened.reduce()[0]:
                # "will withdraw by March 30": any day until then; "by 2030" stays the year it names
                interval = widened
        kind_rule = "explicit" if expr.kind in _EXPLICIT_KINDS else "weekday" if expr.kind == "weekday" else "relative"
        if interval is None:
            historical = info.caption or background
            rule = "caption" if info.caption else "background" if historical else kind_rule
            return ResolvedDate(None, "unknown", expr.text, span, historical, rule)
        when, precision, end = interval.reduce()
        historical = self._historical(interval, info.caption, background)
        rule = "caption" if info.caption else "background" if historical else kind_rule
        return ResolvedDate(when, precision, expr.text, span, historical, rule, end)

    def _historical(self, interval: _Interval, caption: bool, background: bool) -> bool:
        """Captions and background count as history once older than a month; anything older than a year is."""
        base = self._base
        if base is None:
            return caption or background
        if caption or background:
            return base - interval.hi > _NOT_NEWS_AGE
        try:
            year_before = base.replace(year=base.year - 1)
        except ValueError:  # 29 February
            year_before = base.replace(year=base.year - 1, day=28)
        return interval.hi < year_before

    def _update_frame(self, info: _Sentence, tense: Tense, background: bool) -> None:
        """The last main-clause, non-historical date of this sentence becomes the frame for the next;
        the last main-clause date of any age is what the next sentence's anaphora count from."""
        recent = False
        for expr in reversed(info.exprs):
            if _clause_of(expr.start, info.clauses) is not None or expr.kind == "season" or expr.attributive:
                continue  # another event's time ("the Oct. 7 attack"), or too coarse ("the summer recess")
            if expr.kind == "attr":  # "the 2023 election" is no time of the story; "back to 2010 when" may be
                if not recent and _word_before(info.text, expr.start) in _PREPOSITIONS:
                    self._pending_recent, recent = self._interval(expr, tense), True
                continue
            interval = self._interval(expr, tense)
            if interval is not None and not recent:
                self._pending_recent, recent = interval, True
            if expr.kind == "anaphor" and interval is not None and interval.lo != interval.hi and self._base \
                    and interval.lo <= self._base <= interval.hi:
                return  # "now, ten years later": back to the present, which the frame already says better
            if interval is None or self._historical(interval, False, background or self._expr_cue(info, expr)):
                continue
            when, precision, end = interval.reduce()
            if when is not None:
                span = Span(info.start + expr.start, info.start + expr.end, expr.text)
                self._pending = _Frame(when, precision, expr.text, span, end)
            return

    # ---------------------------------------------------------------------------------------------
    @staticmethod
    def _is_background(info: _Sentence, trigger: int | None) -> bool:
        """History told in the trigger's clause: "previously", "back in", or a past perfect not in reported speech."""
        if trigger is None:
            return bool(info.cues) or info.past_perfect
        clause = _clause_of(trigger, info.clauses)
        if any(_clause_of(cue, info.clauses) == clause for cue in info.cues):
            return True
        window = max(0, trigger - 60)
        if "had" not in info.text[window:trigger].lower():
            return False
        had = _PAST_PERFECT_BEFORE_TRIGGER.search(info.text, window, trigger)
        return bool(had and not _REPORTING.search(info.text, 0, had.start()))

    @staticmethod
    def _expr_cue(info: _Sentence, expr: _Expr) -> bool:
        """The expression itself marks history: "since 2014", "back in May", "first met ... in 2017"."""
        if expr.prep in ("since", "back in"):
            return True
        return expr.prep == "in" and re.search(r"\bfirst\b", info.text[: expr.start], re.IGNORECASE) is not None

    # ---------------------------------------------------------------------------------------------
    def _interval(self, expr: _Expr, tense: Tense) -> _Interval | None:
        """The days an expression means, or None where it cannot be read (or needs the missing article date)."""
        if expr.kind == "anaphor":
            return self._anaphor(expr, tense)
        if expr.attributive and expr.kind == "monthday":
            # the verb's tense is not the named event's: "the Feb. 3 bombing" is past, "the Dec. 12 election"
            # the nearer one
            tense = "present" if expr.group("scheduled") else "past"
        key = (expr.kind, expr.text, tense)
        if key not in self._cache:
            self._cache[key] = self._compute(expr, tense)
        return self._cache[key]

    def _compute(self, expr: _Expr, tense: Tense) -> _Interval | None:
        kind, base = expr.kind, self._base
        if kind == "monthday" and expr.group("year"):
            return self._parse(expr.group("date"))  # without the weekday, which dateparser may trust over the date
        if kind in ("numeric", "monthyear", "year", "hint", "attr"):
            return self._parse(expr.group("year") if kind in ("year", "attr") else expr.text)
        if kind == "range":
            return _range(expr, tense, base)
        if kind == "season":
            return _season(expr, tense, base)
        if kind == "named":
            return _named(expr, tense, base)
        if kind == "anniversary":
            return _anniversary_interval(expr, tense, base)
        if kind == "decade":
            start = int(expr.group("dec"))
            return _Interval(date(start, 1, 1), date(start + 9, 12, 31))
        if kind == "month" and expr.group("year"):
            return _month_interval(int(expr.group("year")), _month_number(expr.group("mon")))
        if base is None:
            return None  # everything below is relative to the publication date
        if kind == "monthday":
            return self._yearless(expr, tense, base)
        if kind == "month":
            return self._month(expr, tense, base)
        if kind == "weekday":
            day = _weekday(base, _WEEKDAYS.index(expr.group("wd").capitalize()), expr.group("mod").lower(), tense)
            return _Interval(day, day)
        if kind == "relword":
            return self._relword(expr, base)
        if kind == "ordinal":
            return _ordinal(expr, tense, base)
        if kind == "unit":
            return _unit(expr, tense, base)
        if kind == "ago":
            return _ago(expr, base)
        return None

    def _parse(self, text: str) -> _Interval | None:
        """dateparser reads a calendar form; its period becomes the interval."""
        data = self._parser.get_date_data(text)
        if data.date_obj is None:
            return None
        day = data.date_obj.date()
        written = _YEAR_IN_TEXT.search(text)
        if written is None or int(written.group("year")) != day.year:
            return None  # dateparser invented a year from a bare number ("two", "12")
        if data.period == "year":
            return _year_interval(day.year)
        if data.period == "month":
            return _month_interval(day.year, day.month)
        if data.period == "week":
            return _calendar_unit("week", day, 0)
        return _Interval(day, day)

    @staticmethod
    def _yearless(expr: _Expr, tense: Tense, base: date) -> _Interval | None:
        """ "March 3": the year is that of the occurrence the tense points at (29 February included)."""
        month, day = _month_number(expr.group("mon")), int(re.sub(r"\D", "", expr.group("day")))
        options = []
        for year in (base.year - 1, base.year, base.year + 1):
            try:
                options.append(date(year, month, day))
            except ValueError:  # 31 April; 29 February of a common year
                continue
        picked = _by_tense(options, tense, base)
        return _Interval(picked, picked) if picked else None

    @staticmethod
    def _month(expr: _Expr, tense: Tense, base: date) -> _Interval:
        """ "in March": the latest March up to this month for the past, the next from this month for the future."""
        month = _month_number(expr.group("mon"))
        mod, rel = expr.group("mod").lower(), expr.group("rel").lower()
        if rel:
            return _month_interval(base.year + (-1 if "last" in rel else 1 if "next" in rel else 0), month)
        before = base.year if month <= base.month else base.year - 1
        after = base.year if month >= base.month else base.year + 1
        if mod == "this":
            year = base.year
        elif mod == "last":  # never the current month
            year = base.year if month < base.month else base.year - 1
        elif mod == "next":
            year = base.year if month > base.month else base.year + 1
        elif tense == "future":
            year = after
        elif tense == "present":
            year = after if (month - base.month) % 12 < (base.month - month) % 12 else before
        else:
            year = before
        return _month_interval(year, month)

    @staticmethod
    def _relword(expr: _Expr, base: date) -> _Interval:
        word = (expr.group("word") or "").lower()
        if expr.group("dba"):
            offset = -2 if expr.group("dba").lower().startswith("before") else 2
        elif expr.group("ln") or word == "yesterday":
            offset = -1
        elif word == "tomorrow":
            offset = 1
        else:  # today, tonight, this morning
            offset = 0
        day = base + timedelta(days=offset)
        return _Interval(day, day)

    def _anaphor(self, expr: _Expr, tense: Tense) -> _Interval | None:
        """ "the next day", "two days earlier", "later that week": counted from the time the text was just
        talking about (see `_anchors`). A day is counted only from a day ("the next day" after "in 2019"
        has no answer there, and falls back to the story's frame); a week, month or year from anything
        inside one."""
        found = None
        for anchor in self._anchors(expr, tense):
            if expr.group("ofyear"):
                found = _in_that_year(expr, anchor)
            elif expr.group("au") or expr.group("au2"):
                found = _unit_anaphor(expr, anchor)
            elif expr.group("hours"):
                found = anchor  # "minutes later": still the time the text was talking about, however precise
            else:
                found = _day_anaphor(expr, anchor.lo) if anchor.lo == anchor.hi else None
            if found is not None:
                break
        if found is None or found.lo > found.hi:
            return None
        if tense == "past" and self._base is not None and found.lo > self._base:
            return None  # "the next day" with nothing before it: not tomorrow for a past event
        return found

    def _anchors(self, expr: _Expr, tense: Tense) -> list[_Interval]:
        """What an anaphor may count from, best first: a plain date earlier in this sentence ("attacked on
        Monday and withdrew the next day") alone; else the paragraph's last date, history included ("The
        war began in May 2019. A year later, ..."), then the story's frame (a range's whole span) or the
        publication day."""
        info = self._sentence
        earlier = [x for x in info.exprs if x.end <= expr.start and x.kind not in ("anaphor", "attr", "season")
                   and not x.attributive] if info is not None else []
        if earlier:
            found = self._interval(earlier[-1], tense)
            return [found] if found is not None else []
        out = [self._recent] if self._recent is not None else []
        frame = self._frame
        if frame is None:
            out += [_Interval(self._base, self._base)] if self._base is not None else []
        elif frame.precision == "day":
            out.append(_Interval(frame.date, frame.end or frame.date))
        elif frame.precision in ("month", "year"):
            last = frame.end or frame.date
            out.append(_Interval(frame.date, _month_interval(last.year, last.month).hi if frame.precision == "month"
                                 else date(last.year, 12, 31)))
        return out


def _in_that_year(expr: _Expr, anchor: _Interval) -> _Interval | None:
    """ "July 22 that year": the day (or month) in the anchor's year, where the anchor is within one year."""
    if anchor.lo.year != anchor.hi.year:
        return None
    month = _month_number(expr.group("mon"))
    if not expr.group("day"):
        return _month_interval(anchor.lo.year, month)
    try:
        day = date(anchor.lo.year, month, _day_number(expr.group("day")))
    except ValueError:
        return None
    return _Interval(day, day)


def _day_anaphor(expr: _Expr, anchor: date) -> _Interval | None:
    """ "the previous day", "two days later", "hours later", "that day" from the story's day."""
    text = expr.text.lower()
    direction = expr.group("dir").lower()
    if direction:
        counted = _count(expr.group("n")) if expr.group("n").lower() != "the" else (1, 1)
        if counted is None or counted[0] != counted[1]:
            return None
        offset = counted[0] if direction in ("after", "later") else -counted[0]
    elif expr.group("hours"):
        offset = 0  # "hours later": the same day, as far as a date can tell
    elif "previous" in text:
        offset = -1
    elif "next" in text or "following" in text:
        offset = 1
    else:  # that day, the same day, later that day
        offset = 0
    day = anchor + timedelta(days=offset)
    return _Interval(day, day)


def _unit_anaphor(expr: _Expr, anchor: _Interval) -> _Interval | None:
    """ "later that week", "the following month", "two weeks later", "a year earlier" from the story's time."""
    if expr.group("au"):
        unit, mod = expr.group("au").lower(), " ".join(expr.group("umod").lower().split())
        current = _calendar_unit(unit, anchor.lo, 0)
        if anchor.hi > current.hi:
            return None  # the story's time spans more than one such unit: "that week" is not known
        if mod == "that":
            return current
        if mod == "later that":
            return _Interval(anchor.hi + timedelta(days=1), current.hi)
        if mod == "earlier that":
            return _Interval(current.lo, anchor.lo - timedelta(days=1))
        return _calendar_unit(unit, anchor.lo, 1 if "following" in mod else -1)
    unit = expr.group("au2").lower()
    counted = _count(expr.group("un")) if expr.group("un") else (2, 5)
    if counted is None:
        return None
    low, high = counted
    sign = 1 if expr.group("udir").lower() == "later" else -1
    if sign < 0:
        low, high = high, low
    if unit == "week":
        return _Interval(anchor.lo + timedelta(weeks=sign * low), anchor.hi + timedelta(weeks=sign * high))
    if unit == "month":
        first, last = _calendar_unit("month", anchor.lo, sign * low), _calendar_unit("month", anchor.hi, sign * high)
        return _Interval(first.lo, last.hi)
    return _Interval(date(anchor.lo.year + sign * low, 1, 1), date(anchor.hi.year + sign * high, 12, 31))


def _named(expr: _Expr, tense: Tense, base: date | None) -> _Interval | None:
    """A named event's days: "World War II" its years; "9/11", "the Oct. 7 attack" the day named,
    unless the article is older than that day (then the yearless day as the tense reads it)."""
    war = (expr.group("ww") or expr.group("ww2")).lower()
    if war:
        first, last = _WORLD_WARS[war]
        return _Interval(date(first, 1, 1), date(last, 12, 31), "year")
    when = _NAMED_DAYS[expr.group("name")][0]
    if base is None or base >= when:
        return _Interval(when, when)
    picked = _by_tense([date(y, when.month, when.day) for y in (base.year - 1, base.year)], tense, base)
    return _Interval(picked, picked) if picked else None


def _anniversary_interval(expr: _Expr, tense: Tense, base: date | None) -> _Interval | None:
    """ "the 20th anniversary of the Sept. 11, 2001, attacks" is 2021-09-11; "the anniversary of the
    Oct. 7 attack" the latest 7 October the tense points at."""
    nth, month, day = int(expr.group("nth") or 0), int(expr.group("mon")), int(expr.group("day"))
    years = [int(expr.group("year")) + nth] if nth and expr.group("year") else [] if base is None else [
        base.year - 1, base.year, base.year + 1
    ]
    options = []
    for year in years:
        try:
            options.append(date(year, month, day))
        except ValueError:  # 29 February
            continue
    if nth and expr.group("year"):
        return _Interval(options[0], options[0]) if options else None
    picked = _by_tense(options, tense, base) if base is not None else None
    return _Interval(picked, picked) if picked else None


# Verbs whose object is the event itself: "launched the Oct. 7 attack" happened on Oct. 7.
_EVENT_VERB = re.compile(
    r"(?i:launch|carr(?:y|ie)|stag|mount|perpetrat|commit|orchestrat|mastermind|conduct|wag|execut|led\b|lead|plann?)"
)


def _dates_what_precedes(sentence: str, trigger: int, trigger_end: int, expr: _Expr) -> bool:
    """Whether an attributive date after the trigger still dates it: after "during" and the like
    ("invaded Poland during World War II"), or as the object of a verb that performs the event
    ("launched the Oct. 7 attack", "carried out the 2019 bombings")."""
    if _prep_before(sentence, expr.start) in _TEMPORAL_PREP:
        return True
    return expr.start - trigger_end <= 25 and _EVENT_VERB.match(sentence, trigger) is not None


def _prep_before(sentence: str, position: int) -> str:
    """The word before a noun phrase starting at `position`, past its determiners ("during Israel's")."""
    words = sentence[max(0, position - 40) : position].lower().split()
    while words and (words[-1] in _DETERMINERS or words[-1].endswith(("'s", "\u2019s"))):
        words.pop()  # "during the 2006 war", "during Israel's 2006 war"
    return words[-1] if words else ""


def _word_before(sentence: str, position: int) -> str:
    """The word just before `position`, lower-case ("" at the start)."""
    words = sentence[max(0, position - 20) : position].lower().split()
    return words[-1] if words else ""


def _month_number(name: str) -> int:
    return _MONTHS.index(name.lower()[:3]) + 1


def _day_number(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def _progressive(sentence: str, trigger: int | None) -> bool:
    """ "is meeting", "are also travelling": a present progressive trigger."""
    if trigger is None:
        return False
    word = _WORD.match(sentence, trigger)
    return bool(word and word.group().lower().endswith("ing")) and bool(
        _PROGRESSIVE.search(sentence, max(0, trigger - 60), trigger)
    )


def _points_forward(sentence: str, expr: _Expr) -> bool:
    """A day or month said as when the verb happens ("on Tuesday"), not another event's ("during
    Wednesday's testimony", "since March"): only the former moves forward with a progressive."""
    if expr.kind not in _NAMED_KINDS or expr.text.endswith(("'s", "\u2019s")):
        return False
    before = sentence[max(0, expr.start - 12) : expr.start].lower().split()
    return not before or before[-1] not in ("during", "since", "after", "before", "following", "from", "of", "until")


def _pick(make: Callable[[int], _Interval | None], tense: Tense, base: date) -> _Interval | None:
    """The occurrence the tense points at among those starting last year, this year and next year:
    the latest begun by publication (past), the earliest not over before it (future), the one that
    holds publication or else the past one (present). Two days of slack as for yearless dates."""
    options = [iv for year in (base.year - 1, base.year, base.year + 1) if (iv := make(year)) is not None]
    if tense == "future":
        return min((iv for iv in options if iv.hi >= base - _YEAR_SLACK), key=lambda iv: iv.lo, default=None)
    if tense == "present":
        holding = [iv for iv in options if iv.lo <= base <= iv.hi]
        if holding:
            return holding[0]
    return max((iv for iv in options if iv.lo <= base + _YEAR_SLACK), key=lambda iv: iv.lo, default=None)


def _range(expr: _Expr, tense: Tense, base: date | None) -> _Interval | None:
    """ "between 3 and 5 May", "from March to May 2019", "from 2019 to 2021": both ends, inclusive.

    A year written at the end holds for both ends (the start a year earlier when the range crosses
    New Year); without any year the tense picks the occurrence, as for a yearless date.
    """
    y1, y2 = expr.group("y1"), expr.group("y2")
    if not expr.group("m2") and not expr.group("m1"):
        return _Interval(date(int(y1), 1, 1), date(int(y2), 12, 31), "year")
    mon2 = _month_number(expr.group("m2") or expr.group("m1"))
    mon1 = _month_number(expr.group("m1")) if expr.group("m1") else mon2
    days = (_day_number(expr.group("d1")), _day_number(expr.group("d2"))) if expr.group("d1") else None
    forward = (mon1, days[0]) <= (mon2, days[1]) if days else mon1 <= mon2

    def build(start_year: int, end_year: int) -> _Interval | None:
        try:
            if days:
                return _Interval(date(start_year, mon1, days[0]), date(end_year, mon2, days[1]), "day")
            return _Interval(date(start_year, mon1, 1), _month_interval(end_year, mon2).hi, "month")
        except ValueError:  # 31 April
            return None

    if y1 and y2:
        found = build(int(y1), int(y2))
        return found if found and found.lo <= found.hi else None
    if y1 or y2:
        start = int(y1) if y1 else int(y2) - (0 if forward else 1)
        return build(start, start + (0 if forward else 1))
    if base is None:
        return None
    return _pick(lambda year: build(year, year + (0 if forward else 1)), tense, base)


def _season(expr: _Expr, tense: Tense, base: date | None) -> _Interval | None:
    """ "last summer", "in the spring", "autumn 2019": meteorological seasons (northern hemisphere),
    so year precision at best; a winter spans New Year and stays unknown. "last summer" said within a
    season of its end may mean this year's or last year's: unknown rather than a guess ("next" alike)."""
    first, last = _SEASON_MONTHS[expr.group("season").lower()]

    def make(year: int) -> _Interval:
        return _Interval(date(year, first, 1), _month_interval(year + (last < first), last).hi)

    if expr.group("year"):
        return make(int(expr.group("year"))) if last > first else None
    if base is None:
        return None
    mod = " ".join(expr.group("mod").lower().split())
    options = [make(year) for year in (base.year - 2, base.year - 1, base.year, base.year + 1)]
    season = timedelta(days=92)
    if mod == "last":
        found = max((iv for iv in options if iv.hi < base), key=lambda iv: iv.lo)
        return found if base - found.hi > season else None
    if mod == "next":
        found = min((iv for iv in options if iv.lo > base), key=lambda iv: iv.lo)
        return found if found.lo - base > season else None
    if mod == "this" and last > first:
        return make(base.year)
    if mod == "this past":
        return max((iv for iv in options if iv.lo <= base), key=lambda iv: iv.lo)
    return _pick(make, tense, base)


def _ordinal(expr: _Expr, tense: Tense, base: date) -> _Interval | None:
    """ "on the 16th": that day of the month the tense points at (this month's or a neighbour's)."""
    day, rel = _day_number(expr.group("day")), expr.group("rel").lower()
    offsets = {"last": (-1,), "this": (0,), "next": (1,)}.get(rel, (-2, -1, 0, 1))
    options = []
    for k in offsets:
        year, month = _add_months(base.year, base.month, k)
        if day <= calendar.monthrange(year, month)[1]:
            options.append(date(year, month, day))
    picked = (options[0] if options else None) if rel else _by_tense(options, tense, base)
    return _Interval(picked, picked) if picked else None


def _by_tense(options: Sequence[date], tense: Tense, base: date) -> date | None:
    """Of the candidate days, the one the tense points at: the next for the future, the nearest for
    the present, the last one (a little slack past the reading day) for the past."""
    if tense == "future":
        return min((d for d in options if d >= base - _YEAR_SLACK), default=None)
    if tense == "present":
        return min(options, key=lambda d: (abs(d - base), d > base), default=None)
    return max((d for d in options if d <= base + _YEAR_SLACK), default=None)


_DATELINE_DATE = re.compile(
    rf"(?:(?P<mon>{_MON})\s+(?P<day>{_DAY})|(?P<day2>{_DAY})\s+(?P<mon2>{_MON}))(?:,?\s+(?P<year>{_YEAR}))?"
)


def dateline_date(text: str, reading: date | None) -> date | None:
    """The day a dateline gives its story ("July 13", "13 July", "Sept. 17, 2023").

    A written year is used as written. A yearless day takes the year of its latest occurrence up to
    two days after the reading date (the day the article is read: a story is not dated after it is
    read, and datelines run up to a day ahead across time zones). So "July 13" read on 2024-07-20 is
    2024-07-13, read on 2024-03-01 it is 2023-07-13. Without a reading date there is no year: None.
    """
    m = _DATELINE_DATE.fullmatch(text.strip().title())  # "FEB 26" in old wire copy
    if m is None:
        return None
    month = _month_number(m.group("mon") or m.group("mon2"))
    day = _day_number(m.group("day") or m.group("day2"))
    years = [int(m.group("year"))] if m.group("year") else [] if reading is None else [
        reading.year - 1, reading.year, reading.year + 1
    ]
    options = []
    for year in years:
        try:
            options.append(date(year, month, day))
        except ValueError:
            continue
    if m.group("year"):
        return options[0] if options else None
    return max((d for d in options if reading is not None and d <= reading + _YEAR_SLACK), default=None)


# How far a dateline's day may lie from the article's date and still be the day the story was written:
# a header may carry the day after filing (time zones, print editions) or a crawl date some days on.
_DATELINE_BEFORE = timedelta(days=14)


def writing_date(article_date: date | None, dateline: str | None) -> date | None:
    """The day a story was written, when its dateline ("July 13") disagrees with the article's date.

    The dateline is the writer's day, so "on Saturday" counts from it. It is trusted up to two weeks
    before the article's date and two days after (time zones); a dateline further off is a typo or
    another story's, and gives None, as does one that agrees with the date or has no day.
    """
    if article_date is None or not dateline:
        return None
    day = dateline_date(dateline, article_date)
    if day is None or day == article_date or not article_date - _DATELINE_BEFORE <= day <= article_date + _YEAR_SLACK:
        return None
    return day


def _weekday(base: date, weekday: int, mod: str, tense: Tense) -> date:
    """News convention: a past "on Saturday" is the latest Saturday up to the article day itself,
    a future one the next Saturday from it; "last"/"next" exclude the article day."""
    back = (base.weekday() - weekday) % 7
    ahead = (weekday - base.weekday()) % 7
    if "last" in mod or "past" in mod:
        return base - timedelta(days=back or 7)
    if "next" in mod or "coming" in mod:
        return base + timedelta(days=ahead or 7)
    if tense == "future" or (tense == "present" and ahead < back):
        return base + timedelta(days=ahead)
    return base - timedelta(days=back)


def _unit(expr: _Expr, tense: Tense, base: date) -> _Interval:
    """ "last week", "earlier this month", "the past few days", "over the weekend"."""
    mod = " ".join(expr.group("mod").lower().split())
    unit = expr.group("unit").lower()
    if unit == "weekend":
        if tense == "future" or "next" in mod or "coming" in mod:
            if base.weekday() == 6 and "next" not in mod:
                return _Interval(base, base)
            saturday = base + timedelta(days=(5 - base.weekday()) % 7 or (7 if "next" in mod else 0))
            return _Interval(saturday, saturday + timedelta(days=1))
        saturday = base - timedelta(days=(base.weekday() - 5) % 7)
        return _Interval(saturday, min(saturday + timedelta(days=1), base))
    plural = expr.text.lower().endswith("s")
    counted = _count(expr.group("n")) if expr.group("n") else (2, 5) if plural else None
    forward = "next" in mod or "coming" in mod
    if counted is not None or "past" in mod or "recent" in mod or mod == "the last":
        reach = timedelta(days=(counted or (1, 1))[1] * _UNIT_DAYS[unit])
        return _Interval(base, base + reach) if forward else _Interval(base - reach, base)
    current = _calendar_unit(unit, base, 0)
    if "earlier" in mod:
        return _Interval(current.lo, max(current.lo, base - timedelta(days=1)))
    if "later" in mod:
        return _Interval(min(current.hi, base + timedelta(days=1)), current.hi)
    if "last" in mod or "previous" in mod:
        return _calendar_unit(unit, base, -1)
    if forward:
        return _calendar_unit(unit, base, 1)
    if tense == "past":
        return _Interval(current.lo, base)
    if tense == "future":
        return _Interval(base, current.hi)
    return current


def _ago(expr: _Expr, base: date) -> _Interval | None:
    """ "two days ago" is a day; "three weeks ago" a week; "a few days ago" the days it may be."""
    unit = expr.group("unit").lower()
    counted = _count(expr.group("n")) if expr.group("n") else (2, 5)
    if counted is None:
        return None
    low, high = counted
    if unit == "day":
        return _Interval(base - timedelta(days=high), base - timedelta(days=low))
    if unit == "decade":
        return _Interval(date(base.year - 10 * high - 5, 1, 1), date(base.year - 10 * low + 5, 12, 31))
    return _Interval(_calendar_unit(unit, base, -high).lo, _calendar_unit(unit, base, -low).hi)
