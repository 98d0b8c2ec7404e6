"""Splitting an article's text: title, dateline, sentences with the text's own offsets."""

from __future__ import annotations

from ceasefire_kg.draft.text import split_article

WIRE = (
    "[FICTIONAL: test data.]\n\nTalks end without a deal\n\n"
    "BRENN, Sept 19 (Example Wire) – The U.S. envoy met Gen. Arvo Lind on Monday. "
    "“We are close. Very close,” he said. Talks resume at 9 a.m. on Friday.\n\nA second paragraph.\n"
)


def test_title_dateline_and_outlet_are_read() -> None:
    article = split_article(WIRE)

    assert article.title == "Talks end without a deal"
    assert article.outlet == "Example Wire"
    assert article.dateline_date == "Sept 19"


def test_sentences_end_neither_at_abbreviations_nor_inside_a_quotation() -> None:
    article = split_article(WIRE)

    assert [sentence.text for sentence in article.sentences] == [
        "The U.S. envoy met Gen. Arvo Lind on Monday.",
        "“We are close. Very close,” he said.",
        "Talks resume at 9 a.m. on Friday.",
        "A second paragraph.",
    ]
    for sentence in article.sentences:
        assert WIRE[sentence.start : sentence.end] == sentence.text
        assert len(sentence.folded) == len(sentence.text)
    assert article.sentences[1].folded == '"We are close. Very close," he said.'


def test_a_text_without_title_or_dateline_is_all_body() -> None:
    article = split_article("Moscow said on Tuesday that talks would resume. Kyiv did not comment.")

    assert article.title is None
    assert article.outlet is None
    assert len(article.sentences) == 2
