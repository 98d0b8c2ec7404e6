"""The language-model drafter against a local server replaying recorded answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from ceasefire_kg.draft import LlmSettings, draft_article, render_draft
from ceasefire_kg.errors import DraftEndpointError
from tests.draft.llm_replay import replay_server

DATA = Path(__file__).parent / "data"
TEXT = DATA / "2031-06-01-lake-talks.txt"
REGISTRY = DATA / "lake-actors.yaml"


def _draft(url: str, **settings: object):
    options = {"url": url, "model": "test-model", **settings}
    return draft_article(TEXT, registries=[REGISTRY], llm=LlmSettings(**options))  # type: ignore[arg-type]


def test_a_good_answer_becomes_unreviewed_facts_with_the_texts_quotes() -> None:
    with replay_server("good.json") as replay:
        draft = _draft(replay.url)

    assert [fact.id for fact in draft.facts] == [
        "lake-vel-truce",
        "tandor-demands-fishermen-freed",
        "orsk-talks",
        "merovia-frees-fishermen",
    ]
    assert all(fact.data["reviewed"] is False for fact in draft.facts)
    assert all(TEXT.read_text("utf-8")[fact.start : fact.end] == fact.data["quote"] for fact in draft.facts)
    assert draft.notes == []
    assert draft.drafter == "language model test-model"
    # The request: the model, structured output with the facts' schema, the registry and the text in the prompt.
    (request,) = replay.requests
    assert request["model"] == "test-model"
    assert request["response_format"]["type"] == "json_schema"
    assert "demands" in request["response_format"]["json_schema"]["schema"]["properties"]
    prompt = request["messages"][-1]["content"]
    assert "ilsa-brun: Ilsa Brun, person (represents tandor)" in prompt
    assert "Merovia freed 20 fishermen on Saturday" in prompt


def test_malformed_json_is_sent_back_and_the_repaired_answer_kept() -> None:
    with replay_server("malformed.json", "good.json") as replay:
        draft = _draft(replay.url)

    assert len(draft.facts) == 4
    repair = replay.requests[1]["messages"][-1]["content"]
    assert repair.startswith("Your answer has these problems:\n- the answer is not valid JSON (")


def test_a_schema_violation_is_sent_back_with_the_validators_message() -> None:
    with replay_server("schema-violation.json", "good.json") as replay:
        draft = _draft(replay.url)

    assert [fact.data["type"] for fact in draft.section("events")] == ["talks", "detainee-release"]
    repair = replay.requests[1]["messages"][-1]["content"]
    assert "- events[0]: type: 'negotiation' is not one of ['call', 'meeting', 'talks'," in repair


def test_an_invented_quote_is_dropped_and_reported_never_kept() -> None:
    with replay_server("invented-quote.json") as replay:
        draft = _draft(replay.url, repair_rounds=0)

    assert "orsk-shelling" not in [fact.id for fact in draft.facts]
    assert len(draft.facts) == 4
    assert draft.notes == ["dropped event 'orsk-shelling': its quote is not in the text"]
    assert "# Note: dropped event 'orsk-shelling': its quote is not in the text." in render_draft(draft, TEXT.name)


def test_an_invented_quote_still_there_after_the_repair_rounds_is_dropped() -> None:
    with replay_server("invented-quote.json", "invented-quote.json") as replay:
        draft = _draft(replay.url, repair_rounds=1)

    assert len(replay.requests) == 2
    assert (
        "quote not found in the article text (copy it exactly): 'Tandorian guns shelled Orsk overnight'"
        in (replay.requests[1]["messages"][-1]["content"])
    )
    assert draft.notes == ["dropped event 'orsk-shelling': its quote is not in the text"]


def test_malformed_json_every_round_is_an_error() -> None:
    with replay_server("malformed.json", "malformed.json") as replay:
        with pytest.raises(DraftEndpointError) as error:
            _draft(replay.url, repair_rounds=1)

    assert str(error.value) == (
        "the model's answer was not a JSON object after 1 repair round(s). "
        "Try another --model, more --repair-rounds, or draft offline (without --llm)."
    )


def test_a_fenced_answer_is_read() -> None:
    with replay_server("fenced.json") as replay:
        assert len(_draft(replay.url).facts) == 4


def test_a_timeout_is_an_error_that_says_what_to_do() -> None:
    with replay_server(("sleep", 3.0)) as replay:
        with pytest.raises(DraftEndpointError) as error:
            _draft(replay.url, timeout=1.0)

    assert str(error.value) == (
        f"the endpoint {replay.url}/chat/completions did not answer within 1 s. "
        "Give a longer --timeout, or a smaller model."
    )


def test_an_http_error_names_the_status_and_the_key_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CKG_LLM_API_KEY", "sk-secret-test-key")
    with replay_server(("status", 401)) as replay:
        with pytest.raises(DraftEndpointError) as error:
            _draft(replay.url)

    assert str(error.value) == (
        f"the endpoint {replay.url}/chat/completions answered HTTP 401 (Unauthorized). "
        "Check --llm and --model. Check the key in $CKG_LLM_API_KEY."
    )
    assert "sk-secret" not in str(error.value)
    assert replay.headers[0]["Authorization"] == "Bearer sk-secret-test-key"


def test_an_unreachable_endpoint_is_an_error() -> None:
    with replay_server() as replay:
        url = replay.url  # the port is free again once the server is closed
    with pytest.raises(DraftEndpointError) as error:
        _draft(url)

    assert str(error.value) == (
        f"cannot reach the endpoint {url}/chat/completions: [Errno 111] Connection refused. "
        "Check the URL given to --llm."
    )
