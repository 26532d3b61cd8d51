"""Tests for eventwire.dates: each rule of date resolution, on sentences written for these tests.

The dates are the product, so every case states the exact date, precision, rule and historical flag.
Publication date in most cases: Sunday 17 September 2023.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from dateparser.date import DateDataParser

from eventwire.dates import DateResolver, dateline_date, is_caption, writing_date
from eventwire.nlp import find_dateline
from eventwire.records import EventMention, ResolvedDate, Span

SUNDAY = date(2023, 9, 17)
SATURDAY = date(2023, 9, 16)


def resolve(
    sentence: str,
    article_date: date | None = SUNDAY,
    *,
    trigger: str | None = None,
    tense: str = "past",
    **kwargs: object,
) -> ResolvedDate:
    """Resolve one sentence in a fresh article; `trigger` is a substring of the sentence."""
    trigger_start = sentence.index(trigger) if trigger else None
    resolver = DateResolver(article_date)
    return resolver.resolve(sentence, 0, tense=tense, trigger_start=trigger_start, **kwargs)  # type: ignore[arg-type]


def check(rd: ResolvedDate, when: date | None, precision: str, rule: str, historical: bool = False) -> None:
    assert (rd.date, rd.precision, rd.rule, rd.historical) == (when, precision, rule, historical), rd


# --- weekdays --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "article_date", "tense", "expected"),
    [
        ("The envoy met the king on Saturday.", SUNDAY, "past", date(2023, 9, 16)),
        ("The envoy met the king on Friday.", SUNDAY, "past", date(2023, 9, 15)),
        ("The envoy met the king on Monday.", SUNDAY, "past", date(2023, 9, 11)),
        # the article day itself: a past "on Sunday" in a Sunday paper is today
        ("The envoy met the king on Sunday.", SUNDAY, "past", SUNDAY),
        ("The envoy met the king on Saturday.", SATURDAY, "past", SATURDAY),
        ("The envoy met the king last Sunday.", SUNDAY, "past", date(2023, 9, 10)),
        ("The envoy met the king late on Friday.", SUNDAY, "past", date(2023, 9, 15)),
        ("Saturday's talks ended without a deal.", SUNDAY, "past", date(2023, 9, 16)),
        ("The envoy will meet the king on Tuesday.", SUNDAY, "future", date(2023, 9, 19)),
        ("The envoy will meet the king on Saturday.", SUNDAY, "future", date(2023, 9, 23)),
        ("The envoy will meet the king on Sunday.", SUNDAY, "future", SUNDAY),
        ("The envoy will meet the king next Sunday.", SUNDAY, "future", date(2023, 9, 24)),
        ("The envoy will meet the king next Tuesday.", SUNDAY, "future", date(2023, 9, 19)),
        # present tense (headlines, schedules): the nearer occurrence
        ("The envoy meets the king on Tuesday.", SUNDAY, "present", date(2023, 9, 19)),
        ("The envoy meets the king on Saturday.", SUNDAY, "present", date(2023, 9, 16)),
    ],
)
def test_weekday_follows_tense(sentence: str, article_date: date, tense: str, expected: date) -> None:
    check(resolve(sentence, article_date, tense=tense), expected, "day", "weekday")


def test_weekday_evidence_span_is_in_article_offsets() -> None:
    sentence = "The envoy met the king on Saturday."
    rd = DateResolver(SUNDAY).resolve(sentence, 1000)
    assert rd.text == "Saturday"
    assert rd.span is not None and (rd.span.start, rd.span.end, rd.span.text) == (1026, 1034, "Saturday")


# --- relative days, weeks, months, years ----------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected", "precision"),
    [
        ("Troops withdrew yesterday.", date(2023, 9, 16), "day"),
        ("Troops withdrew late last night.", date(2023, 9, 16), "day"),
        ("Troops withdrew today.", SUNDAY, "day"),
        ("Troops withdrew this morning.", SUNDAY, "day"),
        ("The clashes stopped two days ago.", date(2023, 9, 15), "day"),
        ("The clashes stopped the day before yesterday.", date(2023, 9, 15), "day"),
        ("The clashes stopped 10 days ago.", date(2023, 9, 7), "day"),
        ("Last month, the militia threatened war.", date(2023, 8, 1), "month"),
        ("Earlier this month, the militia threatened war.", date(2023, 9, 1), "month"),
        ("The militia threatened war two months ago.", date(2023, 7, 1), "month"),
        ("The militia threatened war last year.", date(2022, 1, 1), "year"),
        ("The militia threatened war a year ago.", date(2022, 1, 1), "year"),
        # weeks and vague counts are ranges: the finest precision holding the whole range, never a made-up day
        ("The militia threatened war last week.", date(2023, 9, 1), "month"),
        ("The militia threatened war three weeks ago.", date(2023, 8, 1), "month"),
        ("The militia threatened war a few days ago.", date(2023, 9, 1), "month"),
        ("The militia threatened war over the weekend.", date(2023, 9, 1), "month"),
        ("The militia threatened war in recent days.", date(2023, 9, 1), "month"),
    ],
)
def test_relative_expressions(sentence: str, expected: date, precision: str) -> None:
    check(resolve(sentence), expected, precision, "relative")


def test_last_month_crosses_the_year() -> None:
    check(resolve("Last month, the militia threatened war.", date(2024, 1, 10)), date(2023, 12, 1), "month", "relative")


def test_last_week_across_a_month_boundary_is_only_known_to_the_year() -> None:
    # Tuesday 3 October 2023: last week ran 25 September to 1 October
    check(resolve("The militia threatened war last week.", date(2023, 10, 3)), date(2023, 1, 1), "year", "relative")


def test_future_units() -> None:
    check(resolve("Talks will resume next week.", tense="future"), date(2023, 9, 1), "month", "relative")
    check(resolve("Talks will resume next month.", tense="future"), date(2023, 10, 1), "month", "relative")
    check(resolve("Talks will resume tomorrow.", tense="future"), date(2023, 9, 18), "day", "relative")


# --- month names and explicit dates -------------------------------------------------------------


@pytest.mark.parametrize(
    ("article_date", "tense", "sentence", "expected"),
    [
        (SUNDAY, "past", "In March, the two leaders met in Cairo.", date(2023, 3, 1)),
        (date(2023, 2, 10), "past", "In March, the two leaders met in Cairo.", date(2022, 3, 1)),
        (date(2023, 3, 10), "past", "In March, the two leaders met in Cairo.", date(2023, 3, 1)),  # this March so far
        (date(2023, 3, 10), "past", "The two leaders met last March.", date(2022, 3, 1)),
        (SUNDAY, "past", "The two leaders met in mid-August.", date(2023, 8, 1)),
        (SUNDAY, "future", "The two leaders will meet in March.", date(2024, 3, 1)),
        (SUNDAY, "future", "The two leaders will meet in September.", date(2023, 9, 1)),
    ],
)
def test_month_name_is_the_occurrence_the_tense_points_at(
    article_date: date, tense: str, sentence: str, expected: date
) -> None:
    check(resolve(sentence, article_date, tense=tense), expected, "month", "explicit")


def test_month_of_last_year_is_more_than_a_year_back() -> None:
    # "last year" as a whole ends within the year before publication; its March does not
    rd = resolve("The two leaders met in March last year.")
    check(rd, date(2022, 3, 1), "month", "background", historical=True)


@pytest.mark.parametrize(
    ("sentence", "tense", "expected"),
    [
        ("The accord was signed on March 3.", "past", date(2023, 3, 3)),
        ("The accord was signed on Sept. 16.", "past", date(2023, 9, 16)),
        ("The accord was signed on the 16th of September.", "past", date(2023, 9, 16)),
        ("The accord was signed on Saturday, September 16, 2023.", "past", date(2023, 9, 16)),
        ("The accord was signed on 2023-09-10.", "past", date(2023, 9, 10)),
        # a yearless date later in the year than publication: last year's, for a past verb ...
        ("The accord was signed on Sept. 25.", "past", date(2022, 9, 25)),
        # ... unless it is within a dateline's reach of publication (time zones)
        ("The accord was signed on Sept. 18.", "past", date(2023, 9, 18)),
        ("The accord will be signed on Sept. 25.", "future", date(2023, 9, 25)),
        ("The accord will be signed on March 3.", "future", date(2024, 3, 3)),
    ],
)
def test_explicit_day_dates(sentence: str, tense: str, expected: date) -> None:
    check(resolve(sentence, tense=tense), expected, "day", "explicit")


def test_leap_day_without_a_year() -> None:
    check(resolve("The accord was signed on Feb. 29.", date(2024, 3, 5)), date(2024, 2, 29), "day", "explicit")
    # no 29 February within a year of publication: no date rather than a made-up one
    check(resolve("The accord was signed on Feb. 29.", date(2023, 3, 5)), None, "unknown", "explicit")


def test_explicit_dates_far_back_are_historical() -> None:
    check(resolve("The accord was signed on 3 March 2021."), date(2021, 3, 3), "day", "background", historical=True)
    check(resolve("The accord was signed on October 21, 2017."), date(2017, 10, 21), "day", "background", True)
    check(resolve("The accord was signed in October 2017."), date(2017, 10, 1), "month", "background", True)


def test_years_and_background() -> None:
    check(resolve("The group was founded in 2017."), date(2017, 1, 1), "year", "background", historical=True)
    check(resolve("Hamas has ruled Gaza since 2007."), date(2007, 1, 1), "year", "background", historical=True)
    check(resolve("The group held elections in 2022."), date(2022, 1, 1), "year", "explicit")
    check(resolve("The group vowed to disarm by 2030.", tense="future"), date(2030, 1, 1), "year", "explicit")
    check(resolve("The militia was formed in the 1990s."), None, "unknown", "background", historical=True)
    check(resolve("The militia was formed 15 years ago."), date(2008, 1, 1), "year", "background", historical=True)


def test_last_year_is_news_unless_the_sentence_tells_history() -> None:
    check(resolve("Last year, the two leaders met in Cairo."), date(2022, 1, 1), "year", "relative")
    check(
        resolve("The two leaders had met in Cairo last year.", trigger="met"),
        date(2022, 1, 1),
        "year",
        "background",
        historical=True,
    )
    check(resolve("The two leaders previously met in Cairo last year."), date(2022, 1, 1), "year", "background", True)


def test_background_without_a_date_gets_no_date() -> None:
    check(resolve("The two leaders had met in Cairo.", trigger="met"), None, "unknown", "background", True)
    check(resolve("The two leaders previously clashed over the border."), None, "unknown", "background", True)
    check(resolve("Back in the day, the two leaders were allies."), None, "unknown", "background", True)
    # reported speech in the past perfect is this article's news
    check(resolve("The army said it had arrested three men.", trigger="arrested"), SUNDAY, "day", "publication")
    # a past perfect elsewhere in the sentence does not make this trigger history
    check(resolve("Police arrested the man who had fled.", trigger="arrested"), SUNDAY, "day", "publication")


# --- rejected look-alikes --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Two soldiers were wounded.",
        "The army killed 100 fighters.",
        "He served as mayor for 15 years.",
        "Three months of talks ended without a deal.",
        "The 47-year-old was arrested.",
        "A man aged 60 was arrested.",
        "A total of 2000 people fled.",
        "Theresa May met the French president.",
        "Protesters march to the parliament.",
        "The Good Friday Agreement was honoured.",
        "The imam preaches on Fridays.",
        "The militia fired 12 rockets at the town.",
    ],
)
def test_numbers_durations_and_names_are_not_dates(sentence: str) -> None:
    check(resolve(sentence), SUNDAY, "day", "publication")


def test_spacy_duration_hint_is_not_a_date() -> None:
    sentence = "He served as mayor for 15 years."
    start = sentence.index("15 years")
    check(resolve(sentence, date_spans=[(start, start + 8)]), SUNDAY, "day", "publication")


def test_spacy_hint_admits_a_bare_year() -> None:
    sentence = "The 2017 figures were revised."
    assert resolve(sentence).rule == "publication"  # a bare number is no date on its own ...
    rd = resolve(sentence, date_spans=[(4, 8)])  # ... but spaCy tagged it DATE
    check(rd, date(2017, 1, 1), "year", "background", historical=True)


# --- captions ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The envoy (L) shakes hands with the king in Amman, Jordan October 21, 2017.", True),
        ("(credit: SOME AGENCY/HANDOUT VIA REUTERS)", True),
        ("FILE PHOTO: Fighters parade in the city.", True),
        ("Mourners gather at the site. REUTERS/Jane Doe", True),
        ("The minister (C) attends a rally.", True),
        ("The president (R) shakes hands with the premier.", True),
        ("Gov. Jane Roe (R) announced her veto on Wednesday.", False),  # a party label, not a position
        ("The minister speaks during a news conference in Amman, September 10, 2023.", True),
        ("The accord was signed on October 21, 2017.", False),
        ("The minister speaks with the envoy.", False),
        ("The minister told Reuters on Sunday that talks failed.", False),
        ("AMMAN (Reuters) - The minister said on Sunday that talks failed.", False),
        ("Caption: Protesters clash with police in Cairo in 2017.", True),
        ("Protesters clash with police in Cairo (Photo: Jane Doe)", True),
        ("Protesters clash with police (Image: SOME AGENCY)", True),
        ("The minister's caption: nothing to add.", False),  # "caption:" counts only as a line's label
    ],
)
def test_is_caption(sentence: str, expected: bool) -> None:
    assert is_caption(sentence) is expected


def test_caption_dates() -> None:
    old = "The envoy (L) shakes hands with the king in Amman, Jordan October 21, 2017."
    check(resolve(old, tense="present", trigger="shakes"), date(2017, 10, 21), "day", "caption", historical=True)
    recent = "The minister speaks during a news conference in Amman, September 10, 2023."
    check(resolve(recent, tense="present", trigger="speaks"), date(2023, 9, 10), "day", "caption")
    month_old = "The minister speaks during a news conference in Amman, August 1, 2023."
    check(resolve(month_old, tense="present"), date(2023, 8, 1), "day", "caption", historical=True)
    check(resolve("(credit: SOME AGENCY/HANDOUT VIA REUTERS)"), None, "unknown", "caption", historical=True)
    check(resolve("The minister (C) attends a rally."), None, "unknown", "caption", historical=True)


# --- carry-over ---------------------------------------------------------------------------------------


def run(resolver: DateResolver, sentences: list[str], *, triggers: dict[int, str] | None = None) -> list[ResolvedDate]:
    """Resolve an article's sentences in order, as the pipeline does (paragraphs split by blank lines)."""
    out, offset, paragraph_start = [], 0, True
    for index, sentence in enumerate(sentences):
        if sentence == "":
            paragraph_start = True
            continue
        trigger = (triggers or {}).get(index)
        out.append(
            resolver.resolve(
                sentence,
                offset,
                trigger_start=sentence.index(trigger) if trigger else None,
                paragraph_start=paragraph_start,
            )
        )
        offset += len(sentence) + 1
        paragraph_start = False
    return out


def test_carry_over_and_its_reset() -> None:
    sentences = [
        "The envoy met the king in Amman on Saturday.",
        "The two discussed the border.",
        "",
        "They also agreed to meet again.",  # a new paragraph continues the story's frame
        "The two men first met in 2017.",  # history does not move the frame
        "The envoy (L) shakes hands with the king in Amman, Jordan October 21, 2017.",  # nor does a caption
        "The talks covered water rights.",
        "Two days ago, rebels attacked a convoy.",  # a newer date replaces the frame
        "They killed three guards.",
        "",
        "Earlier clashes",  # a section heading starts afresh
        "",
        "Rebels burned a village.",
    ]
    got = run(DateResolver(SUNDAY), sentences)
    saturday = (date(2023, 9, 16), "day", "carried")
    assert [(r.date, r.precision, r.rule) for r in got] == [
        (date(2023, 9, 16), "day", "weekday"),
        saturday,
        saturday,
        (date(2017, 1, 1), "year", "background"),
        (date(2017, 10, 21), "day", "caption"),
        saturday,
        (date(2023, 9, 15), "day", "relative"),
        (date(2023, 9, 15), "day", "carried"),
        (SUNDAY, "day", "publication"),  # the heading itself
        (SUNDAY, "day", "publication"),
    ]
    # the carried date points at the expression it came from, in article offsets
    assert got[1].span is not None and got[1].span.text == "Saturday"
    assert got[1].span.start == sentences[0].index("Saturday")
    assert got[7].text == "Two days ago"


def test_carry_over_of_a_month_frame() -> None:
    got = run(DateResolver(SUNDAY), ["Last month, the militia threatened war.", "", "It also said talks were over."])
    assert [(r.date, r.precision, r.rule) for r in got] == [
        (date(2023, 8, 1), "month", "relative"),
        (date(2023, 8, 1), "month", "carried"),
    ]


def test_future_event_does_not_inherit_a_past_frame() -> None:
    resolver = DateResolver(SUNDAY)
    resolver.resolve("The envoy met the king on Saturday.", 0)
    check(resolver.resolve("They will meet again.", 40, tense="future"), SUNDAY, "day", "publication")
    check(resolver.resolve("They agreed on a truce.", 70), date(2023, 9, 16), "day", "carried")


def test_plans_do_not_move_the_frame() -> None:
    resolver = DateResolver(SUNDAY)
    resolver.resolve("The envoy met the king on Saturday.", 0)
    check(resolver.resolve("Talks will resume next week.", 40, tense="future"), date(2023, 9, 1), "month", "relative")
    check(resolver.resolve("The king praised the envoy.", 80), date(2023, 9, 16), "day", "carried")


def test_anaphora_count_from_the_frame() -> None:
    resolver = DateResolver(SUNDAY)
    resolver.resolve("The envoy arrived on Thursday.", 0)
    check(resolver.resolve("He met the king the next day.", 30), date(2023, 9, 15), "day", "relative")
    check(resolver.resolve("The two signed a pact.", 60), date(2023, 9, 15), "day", "carried")  # the new frame
    # before any dated sentence the story's day is the publication day ...
    check(resolve("He met the king the previous day."), date(2023, 9, 16), "day", "relative")
    # ... but a past event is never moved past publication: no date rather than a guess
    rd = resolve("He met the king the next day.")
    assert (rd.date, rd.precision, rd.text) == (None, "unknown", "the next day")
    # a story framed by a month has no day to count from
    resolver = DateResolver(SUNDAY)
    resolver.resolve("Last month, the envoy arrived.", 0)
    rd = resolver.resolve("He met the king the next day.", 40)
    assert (rd.date, rd.precision, rd.rule) == (None, "unknown", "relative")


# --- the trigger picks the expression ----------------------------------------------------------------


def test_subordinate_clause_dates_only_its_own_verb() -> None:
    sentence = "The meeting also discussed the camp, shortly after the clashes stopped two days ago."
    resolver = DateResolver(SUNDAY)
    resolver.resolve("The envoy met the rebels on Saturday.", 0)
    # ask about the subordinate verb first: the order of questions must not change the answers
    check(
        resolver.resolve(sentence, 40, trigger_start=sentence.index("stopped")), date(2023, 9, 15), "day", "relative"
    )
    check(
        resolver.resolve(sentence, 40, trigger_start=sentence.index("discussed")), date(2023, 9, 16), "day", "carried"
    )
    # the subordinate clause's date is not the story's frame either
    check(resolver.resolve("They confirmed the truce.", 200), date(2023, 9, 16), "day", "carried")


def test_leading_subordinate_clause_and_when_clause() -> None:
    after = "After the clashes stopped two days ago, the camp reopened."
    check(resolve(after, trigger="reopened"), SUNDAY, "day", "publication")
    when = "When troops raided the camp on Friday, three men were killed."
    check(resolve(when, trigger="killed"), date(2023, 9, 15), "day", "weekday")


def test_nearest_expression_to_the_trigger_wins() -> None:
    sentence = "The envoy, who arrived on Friday, met the king on Saturday and left yesterday."
    check(resolve(sentence, trigger="arrived"), date(2023, 9, 15), "day", "weekday")
    check(resolve(sentence, trigger="met"), date(2023, 9, 16), "day", "weekday")
    check(resolve(sentence, trigger="left"), date(2023, 9, 16), "day", "relative")
    # a relative clause's verb still takes the main clause's date when its own clause has none
    sentence = "Last month, the militia threatened war, to which the minister said it would pay."
    check(resolve(sentence, trigger="said"), date(2023, 8, 1), "month", "relative")


# --- no article date ---------------------------------------------------------------------------------


def test_no_article_date() -> None:
    check(resolve("The accord was signed on October 21, 2017.", None), date(2017, 10, 21), "day", "explicit")
    check(resolve("The group was founded in 2017.", None), date(2017, 1, 1), "year", "explicit")
    for sentence in ("The envoy met the king on Saturday.", "The clashes stopped two days ago.", "In March, they met."):
        rd = resolve(sentence, None)
        assert (rd.date, rd.precision, rd.historical) == (None, "unknown", False), rd
        assert rd.text and rd.span is not None
    check(resolve("The two discussed the border.", None), None, "unknown", "none")
    resolver = DateResolver(None)
    resolver.resolve("The accord was signed on March 3, 2021.", 0)
    check(resolver.resolve("Both sides praised it.", 50), date(2021, 3, 3), "day", "carried")
    check(resolve("(credit: SOME AGENCY)", None), None, "unknown", "caption", historical=True)


# --- other languages, API edges, cost -------------------------------------------------------------------


def test_other_languages_use_dated_hints_only() -> None:
    sentence = "El ministro se reunió el 21 de octubre de 2017 con la delegación."
    start, end = sentence.index("21 de"), sentence.index(" con")
    rd = DateResolver(SUNDAY, languages=("es",)).resolve(sentence, 0, date_spans=[(start, end)])
    check(rd, date(2017, 10, 21), "day", "background", historical=True)
    sentence = "Los enfrentamientos terminaron hace dos días."
    rd = DateResolver(SUNDAY, languages=("es",)).resolve(sentence, 0, date_spans=[(31, 44)])
    check(rd, SUNDAY, "day", "publication")


def test_bad_tense_is_refused() -> None:
    with pytest.raises(ValueError, match="tense"):
        DateResolver(SUNDAY).resolve("They met.", 0, tense="pluperfect")  # type: ignore[arg-type]


def test_dateparser_is_skipped_without_a_date_and_cached_with_one(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    original = DateDataParser.get_date_data

    def counting(self: DateDataParser, text: str, *args: object, **kwargs: object) -> object:
        calls.append(text)
        return original(self, text, *args, **kwargs)

    monkeypatch.setattr(DateDataParser, "get_date_data", counting)
    resolver = DateResolver(SUNDAY)
    resolver.resolve("The two factions called for unity in the camps.", 0)
    resolver.resolve("The envoy met the king on Saturday and left yesterday.", 50)
    assert calls == []  # neither sentence holds a calendar form dateparser is needed for
    for offset in (100, 200, 300):
        resolver.resolve("The accord was signed on October 21, 2017.", offset)
    assert calls == ["October 21, 2017"]


# --- the sample article -----------------------------------------------------------------------------------


def test_sample_article(shared_sample: Path) -> None:
    """The brief's reading of the sample: Saturday's meeting, the clashes two days ago, an old photo, last month."""
    text = shared_sample.read_text(encoding="utf-8")
    header = re.match(r"\s*date (\d{4})-(\d{2})-(\d{2})\s+", text)
    assert header is not None
    article_date = date(*map(int, header.groups()))
    body = text[header.end() :]
    resolver = DateResolver(article_date)
    seen: dict[str, ResolvedDate] = {}
    triggers = (
        "met in", "called on", "discussed", "stopped", "confirmed", "shakes", "credit", "threatened", "also said"
    )  # fmt: skip
    for paragraph in re.finditer(r"[^\n]+", body):  # one paragraph a line
        pieces = re.split(r"(?<=[.!?])\s+(?=[A-Z(])", paragraph.group())
        start = paragraph.start()
        for index, sentence in enumerate(pieces):
            start = body.index(sentence, start)
            for trigger in [t for t in triggers if t in sentence] or [None]:  # every sentence moves the frame
                rd = resolver.resolve(
                    sentence,
                    start,
                    tense="present" if trigger == "shakes" else "past",
                    trigger_start=sentence.index(trigger) if trigger else None,
                    paragraph_start=index == 0,
                )
                seen[trigger or sentence] = rd
    assert (seen["met in"].date, seen["met in"].precision, seen["met in"].rule) == (date(2023, 9, 16), "day", "weekday")
    assert seen["met in"].span is not None and body[seen["met in"].span.start : seen["met in"].span.end] == "Saturday"
    assert (seen["called on"].date, seen["called on"].rule) == (date(2023, 9, 16), "carried")
    assert (seen["discussed"].date, seen["discussed"].rule) == (date(2023, 9, 16), "carried")
    assert (seen["stopped"].date, seen["stopped"].precision) == (date(2023, 9, 15), "day")
    assert (seen["confirmed"].date, seen["confirmed"].rule) == (date(2023, 9, 16), "carried")
    caption = seen["shakes"]
    assert (caption.date, caption.historical, caption.rule) == (date(2017, 10, 21), True, "caption")
    assert (seen["credit"].date, seen["credit"].historical) == (None, True)
    assert (seen["threatened"].date, seen["threatened"].precision) == (date(2023, 8, 1), "month")
    assert (seen["also said"].date, seen["also said"].precision, seen["also said"].rule) == (
        date(2023, 8, 1),
        "month",
        "carried",
    )


def test_new_paragraph_returns_to_the_section_frame_not_a_passing_date() -> None:
    r = DateResolver(date(2016, 12, 19))
    assert r.resolve("A policeman shot the ambassador on Monday.", 0, paragraph_start=True).date == date(2016, 12, 19)
    passing = r.resolve("Militants claimed the Dec. 10 bombings in the city.", 50, paragraph_start=True)
    assert passing.date == date(2016, 12, 10)
    later = r.resolve("The White House condemned the shooting.", 120, paragraph_start=True)
    assert (later.date, later.rule) == (date(2016, 12, 19), "carried")


# --- ranges ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "tense", "start", "end", "precision"),
    [
        ("The ministers met between 3 and 5 May.", "past", date(2023, 5, 3), date(2023, 5, 5), "day"),
        ("The ministers met from 3 to 5 May.", "past", date(2023, 5, 3), date(2023, 5, 5), "day"),
        ("The ministers met 3-5 May.", "past", date(2023, 5, 3), date(2023, 5, 5), "day"),
        ("The ministers met May 3-5.", "past", date(2023, 5, 3), date(2023, 5, 5), "day"),
        ("The ministers met on 3 and 4 May.", "past", date(2023, 5, 3), date(2023, 5, 4), "day"),
        ("The ministers met from May 3 to May 5.", "past", date(2023, 5, 3), date(2023, 5, 5), "day"),
        ("The talks ran from 30 April to 2 May.", "past", date(2023, 4, 30), date(2023, 5, 2), "day"),
        # across New Year, and a year written once at the end holds for both ends
        ("The talks ran from Dec. 28 to Jan. 3.", "past", date(2022, 12, 28), date(2023, 1, 3), "day"),
        ("The talks ran from 28 December 2022 to 3 January.", "past", date(2022, 12, 28), date(2023, 1, 3), "day"),
        ("The talks ran between Aug. 3 and Aug. 5, 2023.", "past", date(2023, 8, 3), date(2023, 8, 5), "day"),
        # a future range that has begun is this one, not next year's
        ("Talks will run from 15 to 20 September.", "future", date(2023, 9, 15), date(2023, 9, 20), "day"),
        ("Talks will run between March and May.", "future", date(2024, 3, 1), date(2024, 5, 31), "month"),
        ("The talks ran between March and May.", "past", date(2023, 3, 1), date(2023, 5, 31), "month"),
    ],
)
def test_ranges_give_start_and_end(sentence: str, tense: str, start: date, end: date, precision: str) -> None:
    rd = resolve(sentence, tense=tense)
    assert (rd.date, rd.end, rd.precision, rd.rule, rd.historical) == (start, end, precision, "explicit", False), rd


def test_old_ranges_are_history_and_dated_by_what_they_say() -> None:
    rd = resolve("The ministers met between May 3 and May 5, 2022.")
    assert (rd.date, rd.end, rd.precision, rd.historical) == (date(2022, 5, 3), date(2022, 5, 5), "day", True)
    rd = resolve("The war raged from 2019 to 2021.")
    assert (rd.date, rd.end, rd.precision, rd.historical) == (date(2019, 1, 1), date(2021, 12, 31), "year", True)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The ministers met from 5 to 3 May.", date(2023, 5, 3)),  # runs backwards: only "3 May" is a date
        ("Prices rose on May 3 to 5 percent.", date(2023, 5, 3)),  # a rate, not a day
        ("The ministers met on May 3 and 5 soldiers died.", date(2023, 5, 3)),  # "and" joins days only after "on D"
    ],
)
def test_look_alike_ranges_are_single_days(sentence: str, expected: date) -> None:
    rd = resolve(sentence)
    assert (rd.date, rd.end, rd.precision) == (expected, None, "day"), rd


def test_range_reaches_the_event_json() -> None:
    rd = resolve("The ministers met between 3 and 5 May.")
    mention = EventMention("a", 0, "CONSULT", None, Span(14, 17, "met"), Span(0, 38, ""), [], [], date=rd)
    out = mention.to_json()
    assert (out["date"], out["date_end"], out["date_precision"]) == ("2023-05-03", "2023-05-05", "day")
    single = EventMention("a", 0, "CONSULT", None, Span(14, 17, "met"), Span(0, 38, ""), [], [], date=resolve("x"))
    assert (single.to_json()["date"], single.to_json()["date_end"]) == ("2023-09-17", None)


def test_a_range_carries_to_the_next_sentence_whole() -> None:
    resolver = DateResolver(SUNDAY)
    resolver.resolve("The envoys met in Doha from 3 to 5 May.", 0)
    rd = resolver.resolve("They discussed a truce.", 50)
    assert (rd.date, rd.end, rd.rule) == (date(2023, 5, 3), date(2023, 5, 5), "carried")


# --- years that modify a noun, progressive, seasons, ordinal days ---------------------------------------


def test_a_year_before_an_event_noun_dates_what_it_stands_before() -> None:
    check(resolve("The 2006 war killed 1,200 people.", trigger="killed"), date(2006, 1, 1), "year", "background", True)
    check(resolve("Israel's 2019 elections ended in deadlock."), date(2019, 1, 1), "year", "background", True)
    # after the trigger the year is the election's, not the rally's ...
    check(resolve("Protesters rallied against the 2022 election results.", trigger="rallied"), SUNDAY, "day",
          "publication")
    # ... the same for spaCy's DATE hint on a bare year ...
    sentence = "Protesters rallied against the 2022 results."
    start = sentence.index("2022")
    check(resolve(sentence, trigger="rallied", date_spans=[(start, start + 4)]), SUNDAY, "day", "publication")
    # ... and a sentence's own date wins over it
    sentence = "Protesters denounced the 2022 election results on Saturday."
    check(resolve(sentence, trigger="denounced"), SATURDAY, "day", "weekday")
    # a count is no year
    check(resolve("The 2000 soldiers left the town.", trigger="left"), SUNDAY, "day", "publication")


def test_an_attributive_year_does_not_move_the_frame() -> None:
    resolver = DateResolver(SUNDAY)
    resolver.resolve("The envoy met the king on Saturday.", 0)
    resolver.resolve("The 2023 elections were discussed.", 40)
    check(resolver.resolve("They agreed on a truce.", 80), SATURDAY, "day", "carried")


@pytest.mark.parametrize(
    ("sentence", "trigger", "expected"),
    [
        ("The ministers are meeting on Saturday.", "meeting", date(2023, 9, 23)),
        ("The ministers are also travelling to Cairo on Tuesday.", "travelling", date(2023, 9, 19)),
        ("The ministers are meeting in March.", "meeting", date(2024, 3, 1)),
        ("The ministers meet on Saturday.", "meet", date(2023, 9, 16)),  # simple present: the nearer one
    ],
)
def test_present_progressive_points_forward(sentence: str, trigger: str, expected: date) -> None:
    assert resolve(sentence, tense="present", trigger=trigger).date == expected


@pytest.mark.parametrize(
    ("sentence", "tense", "expected", "precision"),
    [
        ("Fighting raged in the summer.", "past", date(2023, 1, 1), "year"),
        ("Fighting raged this spring.", "past", date(2023, 1, 1), "year"),
        ("Talks will resume in the spring.", "future", date(2024, 1, 1), "year"),
        ("Fighting raged in the summer of 2019.", "past", date(2019, 1, 1), "year"),
        ("Fighting raged last spring.", "past", date(2023, 1, 1), "year"),  # over for more than a season
        # said in September, "last summer" may be this one or last year's; a winter spans two years
        ("Fighting raged last summer.", "past", None, "unknown"),
        ("Fighting raged over the winter.", "past", None, "unknown"),
    ],
)
def test_seasons_are_years_at_best(sentence: str, tense: str, expected: date | None, precision: str) -> None:
    rd = resolve(sentence, tense=tense)
    assert (rd.date, rd.precision) == (expected, precision), rd


def test_the_fall_of_a_city_is_no_season() -> None:
    check(resolve("Since the fall of Kabul, aid has dried up."), SUNDAY, "day", "publication")


@pytest.mark.parametrize(
    ("sentence", "tense", "expected"),
    [
        ("The ministers met on the 16th.", "past", date(2023, 9, 16)),
        ("The ministers met on the 20th in Cairo.", "past", date(2023, 8, 20)),
        ("The ministers will meet on the 20th.", "future", date(2023, 9, 20)),
        ("The ministers met on the 3rd of last month.", "past", date(2023, 8, 3)),
    ],
)
def test_ordinal_day_of_the_month(sentence: str, tense: str, expected: date) -> None:
    check(resolve(sentence, tense=tense), expected, "day", "explicit")


@pytest.mark.parametrize("sentence", ["It marked the 16th anniversary of the war.", "They met on the 5th floor."])
def test_ordinals_that_are_not_days(sentence: str) -> None:
    check(resolve(sentence), SUNDAY, "day", "publication")


# --- the article's own date from its dateline -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reading", "expected"),
    [
        ("KABUL, July 13 (Reuters) - Fighters attacked a post.", date(2024, 7, 20), date(2024, 7, 13)),
        ("KABUL, July 13 (Reuters) - Fighters attacked a post.", date(2024, 3, 1), date(2023, 7, 13)),
        # up to two days ahead of the reading date: a dateline across time zones
        ("KABUL, July 13 (Reuters) - Fighters attacked a post.", date(2024, 7, 12), date(2024, 7, 13)),
        ("KABUL, July 13 (Reuters) - Fighters attacked a post.", date(2024, 7, 10), date(2023, 7, 13)),
        ("GENEVA, 5 May (AP) - The envoy spoke.", date(2024, 7, 20), date(2024, 5, 5)),
        ("WASHINGTON, Sept. 17, 2019 (Reuters) - The envoy spoke.", date(2024, 7, 20), date(2019, 9, 17)),
        ("WASHINGTON, Sept. 17, 2019 (Reuters) - The envoy spoke.", None, date(2019, 9, 17)),
        ("NEW YORK, FEB 26 - Shares rose.", date(1987, 3, 1), date(1987, 2, 26)),
        ("KABUL, July 13 (Reuters) - Fighters attacked a post.", None, None),  # no year without a reading date
        ("KABUL, Feb 30 (Reuters) - Fighters attacked a post.", date(2024, 7, 20), None),
    ],
)
def test_dateline_date(text: str, reading: date | None, expected: date | None) -> None:
    line = find_dateline(text)
    assert line is not None and line.date is not None
    assert dateline_date(line.date, reading) == expected


def test_a_dateline_without_a_day_gives_none() -> None:
    line = find_dateline("BEIRUT (AP) - The army said.")
    assert line is not None and line.date is None


def test_pipeline_dates_an_undated_article_from_its_dateline_and_keeps_a_header_date() -> None:
    import eventwire

    text = "KABUL, July 13 (Reuters) - Taliban fighters attacked a police post in Kandahar on Saturday."
    events = [e for e in eventwire.code_text(text, id="kabul") if e.event == "ASSAULT"]
    published = dateline_date("July 13", date.today())
    assert events and published is not None
    saturday = DateResolver(published).resolve("They met on Saturday.", 0).date
    assert (events[0].date.date, events[0].date.rule) == (saturday, "weekday")
    dated = [e for e in eventwire.code_text(text, date="2021-07-14", id="kabul") if e.event == "ASSAULT"]
    assert dated and dated[0].date.date == date(2021, 7, 10)  # the given date wins over the dateline


def test_progressive_with_another_events_day_stays_in_the_past() -> None:
    sentence = "Republicans are challenging statements made during Friday's hearing."
    assert resolve(sentence, tense="present", trigger="challenging").date == date(2023, 9, 15)
    sentence = "Republicans are challenging statements made since Friday."
    assert resolve(sentence, tense="present", trigger="challenging").date == date(2023, 9, 15)


def test_a_past_event_is_never_dated_after_publication() -> None:
    sentence = "The minister urged lawmakers to act, saying growth would be higher in 2024."
    check(resolve(sentence, trigger="urged"), SUNDAY, "day", "publication")
    resolver = DateResolver(SUNDAY)
    resolver.resolve("The envoy met the king on Saturday.", 0)
    check(resolver.resolve(sentence, 40, trigger_start=sentence.index("urged")), SATURDAY, "day", "carried")


def test_a_season_does_not_move_the_frame() -> None:
    resolver = DateResolver(SUNDAY)
    resolver.resolve("The envoy met the king on Saturday.", 0)
    resolver.resolve("Lawmakers were away during the summer recess.", 40)
    check(resolver.resolve("They agreed on a truce.", 90), SATURDAY, "day", "carried")


def test_dateline_eval_counts_days_against_the_story_date(tmp_path):
    from eventwire.eval.datelines import score

    folder = tmp_path / "reuters21578"
    folder.mkdir()
    story = ('<REUTERS NEWID="{n}"><DATE>{d} 10:00:00.00</DATE><TEXT><DATELINE>    {line} - </DATELINE>'
             '<BODY>Officials said talks would resume next week. Reuter</BODY></TEXT></REUTERS>')
    (folder / "reut2-000.xml").write_text("\n".join([
        story.format(n=1, d="26-FEB-1987", line="HOUSTON, Feb 26"),
        story.format(n=2, d="27-FEB-1987", line="TOKYO, Feb 26"),  # filed the day before
        story.format(n=3, d="01-MAR-1987", line="LONDON"),  # no day in the dateline
    ]), encoding="latin-1")
    result = score(tmp_path)
    assert result["stories"] == 3 and result["same day"] == 1 and result["1-3 days off"] == 1
    assert result["no dateline day"] == 1 and result["same_day_share"] == 0.5


# --- named past events and anniversaries ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "trigger", "article_date", "expected", "precision", "historical"),
    [
        # a day known by name is that day, whatever the article's year
        ("The Sept. 11 attacks killed nearly 3,000 people.", "killed", SUNDAY, date(2001, 9, 11), "day", True),
        ("The 9/11 attacks killed nearly 3,000 people.", "attacks", SUNDAY, date(2001, 9, 11), "day", True),
        ("The Oct. 7 attack killed hundreds of people.", "killed", date(2025, 11, 2), date(2023, 10, 7), "day", True),
        ("The Oct. 7 attack killed hundreds of people.", "killed", date(2024, 3, 14), date(2023, 10, 7), "day", True),
        # two days on, the attack is still the news
        ("The Oct. 7 attack killed hundreds of people.", "attack", date(2023, 10, 9), date(2023, 10, 7), "day", False),
        ("The Jan. 6 riot shook the capital.", "shook", date(2024, 5, 2), date(2021, 1, 6), "day", True),
        # a yearless day before an event noun is the latest such day, and history once a month old
        ("Hamas's Oct. 7 attack started the war.", "started", date(2024, 5, 2), date(2023, 10, 7), "day", True),
        ("The Feb. 3 bombing shocked the city.", "shocked", SUNDAY, date(2023, 2, 3), "day", True),
        # a year before an event noun, with lower-case words between
        ("The 2008 financial crisis hit the banks.", "hit", SUNDAY, date(2008, 1, 1), "year", True),
        ("The 1994 genocide killed thousands of people.", "killed", SUNDAY, date(1994, 1, 1), "year", True),
        ("Germany invaded Poland during World War II.", "invaded", SUNDAY, date(1939, 1, 1), "year", True),
        # the verb that performs the event takes its date
        ("Hamas launched the Oct. 7 attack from Gaza.", "launched", date(2024, 5, 2), date(2023, 10, 7), "day", True),
    ],
)
def test_named_past_events(
    sentence: str, trigger: str, article_date: date, expected: date, precision: str, historical: bool
) -> None:
    rd = resolve(sentence, article_date, trigger=trigger)
    assert (rd.date, rd.precision, rd.historical) == (expected, precision, historical), rd


def test_world_war_is_a_range_of_years() -> None:
    rd = resolve("Germany invaded Poland during World War II.", trigger="invaded")
    assert (rd.date, rd.end, rd.precision, rd.text) == (date(1939, 1, 1), date(1945, 12, 31), "year", "World War II")


@pytest.mark.parametrize(
    ("sentence", "trigger", "article_date"),
    [
        # a present event that mentions a past one keeps its own date
        ("Protesters rallied against the March 2021 coup.", "rallied", SUNDAY),
        ("Officials compared the bombing to 9/11.", "compared", SUNDAY),
        ("Leaders condemned the Oct. 7 attack.", "condemned", date(2024, 5, 2)),
        ("Israel invaded Gaza after the Oct. 7 attack.", "invaded", date(2024, 5, 2)),
        ("Thousands marched against the 2014 invasion of Crimea.", "marched", SUNDAY),
        # "in" after the trigger is as often about a noun ("interference in the 2016 election")
        ("Prosecutors are investigating interference in the 2016 election.", "investigating", SUNDAY),
        ("Relatives sued the men who helped in the 9/11 attacks.", "sued", SUNDAY),
        # an anniversary without a day of its own: the story's day
        ("On the anniversary of the 1994 genocide, survivors gathered in Kigali.", "gathered", SUNDAY),
        ("Survivors marked the 30th anniversary of the 1994 genocide.", "marked", SUNDAY),
        # a date after "on" is a date, not a name, even before an event noun
        ("On March 3 attacks killed five people.", "killed", SUNDAY),
    ],
)
def test_present_events_that_mention_a_past_one(sentence: str, trigger: str, article_date: date) -> None:
    rd = resolve(sentence, article_date, trigger=trigger)
    if sentence.startswith("On March 3"):
        check(rd, date(2023, 3, 3), "day", "explicit")
    else:
        check(rd, article_date, "day", "publication")


def test_named_events_do_not_move_the_frame() -> None:
    resolver = DateResolver(SUNDAY)
    resolver.resolve("The envoy met the king on Saturday.", 0)
    resolver.resolve("The March 2021 coup was discussed.", 40)
    resolver.resolve("Both recalled the 9/11 attacks.", 80)
    check(resolver.resolve("They agreed on a truce.", 120), SATURDAY, "day", "carried")


@pytest.mark.parametrize(
    ("sentence", "trigger", "article_date", "expected"),
    [
        # the anniversary's day is this year's (the latest up to publication for a past verb)
        ("Mourners gathered on the anniversary of the Oct. 7 attack.", "gathered", date(2024, 10, 8),
         date(2024, 10, 7)),
        ("On the anniversary of the Oct. 7 attack, mourners gathered.", "gathered", date(2024, 10, 8),
         date(2024, 10, 7)),
        ("Crowds marked the anniversary of the 9/11 attacks.", "marked", SUNDAY, date(2023, 9, 11)),
        # an ordinal with a written year: the year it falls in
        ("Crowds marked the 20th anniversary of the Sept. 11, 2001, attacks.", "marked", date(2021, 9, 12),
         date(2021, 9, 11)),
    ],
)
def test_anniversary_is_the_day_it_falls_on(sentence: str, trigger: str, article_date: date, expected: date) -> None:
    rd = resolve(sentence, article_date, trigger=trigger)
    assert (rd.date, rd.precision, rd.rule) == (expected, "day", "explicit"), rd


def test_a_plain_day_beats_an_anniversary() -> None:
    rd = resolve("Crowds marked the anniversary of the 9/11 attacks on Monday.", date(2023, 9, 13), trigger="marked")
    check(rd, date(2023, 9, 11), "day", "weekday")


# --- years and dates that modify an event noun --------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "trigger", "expected", "precision"),
    [
        ("The 2014 invasion of Crimea drew sanctions.", "drew", date(2014, 1, 1), "year"),
        ("The March 2021 coup ousted the government.", "ousted", date(2021, 3, 1), "month"),
        ("In the 2006 war, the army shelled the town.", "shelled", date(2006, 1, 1), "year"),
        # after the trigger, "during" makes the named event the trigger's time
        ("The army shelled the town during Israel's 2006 war.", "shelled", date(2006, 1, 1), "year"),
        ("Russia's 2014 invasion drew sanctions.", "drew", date(2014, 1, 1), "year"),
    ],
)
def test_attributive_dates(sentence: str, trigger: str, expected: date, precision: str) -> None:
    check(resolve(sentence, trigger=trigger), expected, precision, "background", historical=True)


# --- anaphora: counted from the time the text was just talking about ------------------------------------------


def test_anaphora_within_one_sentence_count_from_its_own_date() -> None:
    sentence = "Rebels attacked the town on Tuesday and troops withdrew the next day."
    check(resolve(sentence, trigger="withdrew"), date(2023, 9, 13), "day", "relative")
    sentence = "Rebels attacked the town on Tuesday; hours later, troops withdrew."
    check(resolve(sentence, trigger="withdrew"), date(2023, 9, 12), "day", "relative")


@pytest.mark.parametrize(
    ("previous", "sentence", "expected", "precision", "historical"),
    [
        ("Rebels attacked the town on Tuesday.", "Troops had shelled it the day before.", date(2023, 9, 11), "day",
         False),
        ("Rebels attacked the town on Tuesday.", "Troops shelled it a day earlier.", date(2023, 9, 11), "day", False),
        ("Rebels attacked the town on Tuesday.", "Hours later, troops withdrew.", date(2023, 9, 12), "day", False),
        ("Rebels attacked the town on Tuesday.", "Troops withdrew on the same day.", date(2023, 9, 12), "day", False),
        ("Rebels attacked the town on Aug. 2.", "Two weeks later, troops withdrew.", date(2023, 8, 16), "day", False),
        ("Rebels attacked the town on Aug. 2.", "Later that week, troops withdrew.", date(2023, 8, 1), "month",
         False),
        ("Rebels attacked the town on Aug. 2.", "The following month, troops withdrew.", date(2023, 9, 1), "month",
         False),
        ("Rebels attacked the town in June.", "The following month, troops withdrew.", date(2023, 7, 1), "month",
         False),
        ("Rebels attacked the town in June.", "Troops withdrew the previous month.", date(2023, 5, 1), "month",
         False),
        # history is counted from too, though it never becomes the story's frame
        ("The war began in May 2019.", "A year later, the two sides signed a truce.", date(2020, 1, 1), "year",
         True),
        ("The war began in May 2019.", "That year, the two sides signed a truce.", date(2019, 1, 1), "year", True),
        ("The war began in May 2019.", "Two months later, the two sides signed a truce.", date(2019, 7, 1), "month",
         True),
    ],
)
def test_anaphora_count_from_the_previous_dated_sentence(
    previous: str, sentence: str, expected: date, precision: str, historical: bool
) -> None:
    resolver = DateResolver(SUNDAY)
    resolver.resolve(previous, 0, paragraph_start=True)
    rd = resolver.resolve(sentence, len(previous) + 1)
    assert (rd.date, rd.precision, rd.rule != "carried", rd.historical) == (expected, precision, True, historical), rd


def test_anaphora_do_not_reach_into_another_paragraph() -> None:
    resolver = DateResolver(SUNDAY)
    resolver.resolve("The envoy met the king on Saturday.", 0, paragraph_start=True)
    resolver.resolve("The war began in May 2019.", 40, paragraph_start=True)
    rd = resolver.resolve("A day later, the envoy left.", 80, paragraph_start=True)
    check(rd, date(2023, 9, 17), "day", "relative")  # the section's Saturday, not 2019


@pytest.mark.parametrize(
    "sentence",
    ["Exports rose 5 percent from a year earlier.", "Prices fell faster than the previous month."],
)
def test_comparisons_are_not_anaphora(sentence: str) -> None:
    check(resolve(sentence), SUNDAY, "day", "publication")


def test_a_past_anaphor_is_not_moved_past_publication() -> None:
    resolver = DateResolver(SUNDAY)
    resolver.resolve("Rebels attacked the town on Friday.", 0)
    assert resolver.resolve("Two weeks later, troops withdrew.", 40).date is None


# --- the present week, month and year; deadlines and bounds --------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "tense", "expected", "precision", "rule"),
    [
        # Thursday 14 March 2024
        ("Troops withdrew this week.", "past", date(2024, 3, 1), "month", "relative"),
        ("Troops will withdraw next week.", "future", date(2024, 3, 1), "month", "relative"),
        ("Troops will withdraw later this month.", "future", date(2024, 3, 1), "month", "relative"),
        ("Troops withdrew earlier this year.", "past", date(2024, 1, 1), "year", "relative"),
        ("Troops withdrew late last year.", "past", date(2023, 1, 1), "year", "relative"),
        ("Troops withdrew over the weekend.", "past", date(2024, 3, 1), "month", "relative"),
        ("Troops will withdraw tonight.", "future", date(2024, 3, 14), "day", "relative"),
        ("Troops withdrew this morning.", "past", date(2024, 3, 14), "day", "relative"),
        ("Troops withdrew in recent days.", "past", date(2024, 3, 1), "month", "relative"),
        ("Troops withdrew in recent weeks.", "past", date(2024, 1, 1), "year", "relative"),  # never a day
        # a deadline: any day up to it
        ("Troops will withdraw by March 30.", "future", date(2024, 3, 1), "month", "explicit"),
        ("Troops will withdraw by the end of the year.", "future", date(2024, 1, 1), "year", "relative"),
        ("Troops will withdraw by 2030.", "future", date(2030, 1, 1), "year", "explicit"),
        # "until" bounds what starts now
        ("Troops will stay in the town until March 30.", "future", date(2024, 3, 14), "day", "publication"),
        ("Troops have held the town since March 3.", "past", date(2024, 3, 3), "day", "explicit"),
    ],
)
def test_current_units_deadlines_and_bounds(
    sentence: str, tense: str, expected: date, precision: str, rule: str
) -> None:
    check(resolve(sentence, date(2024, 3, 14), tense=tense), expected, precision, rule)


# --- a dateline that disagrees with the article's date -----------------------------------------------------


@pytest.mark.parametrize(
    ("article_date", "dateline", "expected"),
    [
        (date(2024, 7, 14), "July 13", date(2024, 7, 13)),  # filed the day before
        (date(2024, 1, 2), "Dec. 31", date(2023, 12, 31)),  # across New Year
        (date(2024, 7, 14), "July 15", date(2024, 7, 15)),  # a day ahead across time zones
        (date(2024, 7, 14), "July 14", None),  # agrees: nothing to correct
        (date(2024, 7, 14), "June 13", None),  # a month off: another story's day or a typo
        (date(2024, 7, 14), None, None),
        (None, "July 13", None),
    ],
)
def test_writing_date(article_date: date | None, dateline: str | None, expected: date | None) -> None:
    assert writing_date(article_date, dateline) == expected


def test_relative_dates_count_from_the_dateline_day() -> None:
    # a story dated Sunday 14 July 2024 with "KABUL, July 13 (Reuters)": written on the Saturday
    header, written = date(2024, 7, 14), date(2024, 7, 13)
    rd = DateResolver(header, written=written).resolve("Fighters attacked the post yesterday.", 0)
    check(rd, date(2024, 7, 12), "day", "relative")
    rd = DateResolver(header, written=written).resolve("Fighters attacked the post on Sunday.", 0)
    check(rd, date(2024, 7, 7), "day", "weekday")  # the Sunday before the Saturday it was written
    rd = DateResolver(header, written=written).resolve("Fighters attacked the post.", 0)
    check(rd, written, "day", "dateline")
    # the same day as the header's: the usual rule names
    check(DateResolver(header, written=header).resolve("Fighters attacked.", 0), header, "day", "publication")


def test_a_dateline_cut_off_as_its_own_sentence_does_not_date_the_story() -> None:
    resolver = DateResolver(date(2024, 3, 14))
    resolver.resolve("KABUL, March 13 (Reuters) -", 0, paragraph_start=True)
    resolver.resolve("Fighters attacked a police post on Monday.", 28)
    rd = resolver.resolve("Gunmen had shelled the same post the day before.", 80, paragraph_start=True)
    check(rd, date(2024, 3, 10), "day", "relative")


def test_a_day_in_that_year() -> None:
    resolver = DateResolver(date(2019, 1, 25))
    resolver.resolve("Between June and July 2016, the adviser briefed the campaign.", 0)
    rd = resolver.resolve("On July 22 that year, the group released the emails.", 70)
    check(rd, date(2016, 7, 22), "day", "background", historical=True)
    resolver = DateResolver(SUNDAY)
    resolver.resolve("The war began in 2015.", 0)
    rd = resolver.resolve("In March of that year, rebels took the town.", 30)
    check(rd, date(2015, 3, 1), "month", "background", historical=True)


def test_a_year_after_a_preposition_is_counted_from() -> None:
    # spaCy tags the bare year; "back to 2010 when" is a time the story was at, though no frame
    resolver = DateResolver(SUNDAY)
    first = "The governor has made such remarks dating back to 2010 when he ran for office."
    start = first.index("2010")
    resolver.resolve(first, 0, date_spans=[(start, start + 4)])
    rd = resolver.resolve("A year later, the governor insulted the union.", 100)
    check(rd, date(2011, 1, 1), "year", "background", historical=True)


def test_minutes_later_keeps_the_time_whatever_its_precision() -> None:
    resolver = DateResolver(SUNDAY)
    resolver.resolve("Last month, gunmen attacked the embassy.", 0)
    rd = resolver.resolve("Twenty minutes later, guards fired back.", 50)
    check(rd, date(2023, 8, 1), "month", "relative")


def test_a_plain_date_wins_over_that_week() -> None:
    resolver = DateResolver(date(2019, 1, 25))
    resolver.resolve("The adviser wrote to the campaign on Oct. 1, 2016.", 0)
    rd = resolver.resolve("At the end of that week, on Oct. 7, the group released the emails.", 60)
    check(rd, date(2018, 10, 7), "day", "explicit")  # a yearless day keeps its own rule; the point: not "that week"


def test_scheduled_events_may_lie_ahead() -> None:
    # "the Dec. 12 election" in a November story is next month's; "the Feb. 3 bombing" in September is past
    rd = resolve("The Dec. 12 election worries the party.", date(2017, 11, 9), trigger="worries", tense="present")
    assert rd.date == date(2017, 12, 12), rd
    rd = resolve("The Nov. 2 bombing shocked the city.", date(2017, 11, 9), trigger="shocked")
    assert rd.date == date(2017, 11, 2), rd


def test_named_day_needs_its_noun() -> None:
    # the singular "Sept. 11 attack" in 2013 is Benghazi's of 2012, not 2001's
    sentence = "Officials revised their account of the Sept. 11 attack, which killed four Americans."
    rd = resolve(sentence, date(2013, 5, 15), trigger="killed")
    assert rd.date == date(2012, 9, 11), rd
    # "post-9/11" is an era, not the day
    check(resolve("The city began its post-9/11 rebuilding effort.", trigger="began"), SUNDAY, "day", "publication")


def test_a_named_event_does_not_date_the_next_main_clause() -> None:
    sentence = "Most hijackers on 9/11 were foreigners, but the government denies any role."
    check(resolve(sentence, trigger="denies"), SUNDAY, "day", "publication")
    sentence = "On 9/11, hijackers crashed four planes."
    check(resolve(sentence, trigger="crashed"), date(2001, 9, 11), "day", "background", historical=True)


def test_during_a_named_event_is_as_near_as_a_plain_date() -> None:
    sentence = "In August 2015 he quit the campaign and supported it throughout the 2016 election."
    rd = resolve(sentence, date(2019, 1, 25), trigger="supported")
    assert (rd.date, rd.precision) == (date(2016, 1, 1), "year"), rd
