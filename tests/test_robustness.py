"""Whatever text arrives, coding returns events or a clear ValueError; it never crashes."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import eventwire

WORDS = ["police", "arrested", "the", "minister", "met", "in", "Beirut", "on", "Saturday", "Hamas", "said",
         "would", "pay", "price", "not", "(", ")", "-", "\n\n", "“", "”", "2017", "last", "month", "?", "’s",
         "\u200b", "\u202e", "BEIRUT", "—", "and", "Iran", "attacked", "caption", "(credit:"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS), min_size=0, max_size=60), st.text(max_size=40))
def test_code_text_never_crashes(words, noise):
    text = " ".join(words) + noise
    try:
        events = eventwire.code_text(text, date="2024-01-02")
    except ValueError as exc:
        assert str(exc)  # a reason is given
        return
    for e in events:
        j = e.to_json()
        assert j["event"] and j["actor"]
        t = j["evidence"]["trigger"]
        assert text[t["start"]:t["end"]] == t["text"]
