"""Drafting with a language model behind an OpenAI-compatible chat-completions endpoint.

The model gets the fact format's JSON Schema (as structured output, and in
the prompt), the registry's actors and the article's text. Its answer is
checked like any draft: JSON, the schema, references between facts, and each
quote against the text. What fails is sent back with the validator's messages
for a bounded number of repair rounds; a fact still failing after them is
dropped and reported, never kept. Only the standard library talks HTTP, and
nothing is sent anywhere unless the caller gives an endpoint. The API key is
read from an environment variable and goes only into the request's
``Authorization`` header: never into a message, a log line or the draft.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any

from ceasefire_kg.draft.actors import Actor, ActorIndex
from ceasefire_kg.draft.model import DRAFT_SECTIONS, Draft, DraftFact
from ceasefire_kg.draft.output import schema_errors
from ceasefire_kg.draft.text import ArticleText
from ceasefire_kg.errors import DraftEndpointError
from ceasefire_kg.loaders.quotes import find_quote
from ceasefire_kg.loaders.schema_check import schema_for

if TYPE_CHECKING:
    from ceasefire_kg.draft.api import LlmSettings

logger = logging.getLogger(__name__)

_SYSTEM = """You draft the facts a news article states about a ceasefire negotiation, as JSON.
Answer with one JSON object only, following the JSON Schema you are given: the keys are
sections (actors, proposals, demands, positions, responses, claims, events), each a list of facts.
Rules:
- Every fact has an "id" (lowercase letters, digits, hyphens) and a "quote": a span copied
  EXACTLY from the article text, word for word, that states the fact. Never paraphrase a quote.
- Name actors by the ids of the registry below. A person or group the registry lacks goes under
  "actors" (id, name, type, role) and is named by that id.
- Facts refer to each other by id (a position's "proposal", a response's "demand", a denial's
  "denies", a demand's "precondition_for"); declare every fact you refer to.
- Dates are YYYY-MM-DD, resolved against the publication date ("on Tuesday" is the last Tuesday
  on or before it). Give counts (prisoners, fatalities, wounded) as numbers.
- Only what the text states. No fact without a quote from the text."""


def _endpoint(url: str) -> str:
    url = url.rstrip("/")
    return url if url.endswith("/chat/completions") else f"{url}/chat/completions"


def facts_schema() -> dict[str, Any]:
    """The JSON Schema of the model's answer: the fact sections of an article file, nothing else."""
    root = schema_for(None)
    sections = ("actors", *DRAFT_SECTIONS)
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {section: root["properties"][section] for section in sections},
    }


def _registry_lines(index: ActorIndex) -> str:
    lines = []
    for actor in index.actors.values():
        forms = sorted({form for form, (actor_id, _) in index.forms.items() if actor_id == actor.id})
        extra = f" (represents {actor.represents})" if actor.represents else ""
        lines.append(f"- {actor.id}: {actor.name}, {actor.type}{extra}; named as: {', '.join(forms[:8])}")
    return "\n".join(lines) or "(no registry: propose every actor under 'actors')"


class _Client:
    """One conversation with the endpoint."""

    def __init__(self, settings: LlmSettings) -> None:
        self.settings = settings
        self.url = _endpoint(settings.url)
        self.key = os.environ.get(settings.api_key_env) or None

    def ask(self, messages: list[dict[str, str]], schema: dict[str, Any]) -> str:
        body = {
            "model": self.settings.model,
            "messages": messages,
            "temperature": 0,
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "article_facts", "schema": schema, "strict": False},
            },
        }
        request = urllib.request.Request(
            self.url, data=json.dumps(body).encode("utf-8"), headers={"Content-Type": "application/json"}, method="POST"
        )
        if self.key:
            request.add_header("Authorization", f"Bearer {self.key}")
        where = f"the endpoint {self.url}"
        too_slow = (
            f"{where} did not answer within {self.settings.timeout:g} s. Give a longer --timeout, or a smaller model."
        )
        try:
            with urllib.request.urlopen(request, timeout=self.settings.timeout) as answer:
                raw = answer.read()
        except urllib.error.HTTPError as error:
            hint = " Check the key in $" + self.settings.api_key_env + "." if error.code in (401, 403) else ""
            raise DraftEndpointError(
                f"{where} answered HTTP {error.code} ({error.reason}). Check --llm and --model.{hint}"
            ) from None
        except TimeoutError:
            raise DraftEndpointError(too_slow) from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError | socket.timeout):
                raise DraftEndpointError(too_slow) from None
            raise DraftEndpointError(f"cannot reach {where}: {error.reason}. Check the URL given to --llm.") from None
        except (OSError, ValueError) as error:
            raise DraftEndpointError(f"cannot talk to {where}: {error}. Check the URL given to --llm.") from None
        try:
            content = json.loads(raw)["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise DraftEndpointError(
                f"{where} did not answer as an OpenAI-compatible chat-completions endpoint "
                "(no choices[0].message.content). Check the URL given to --llm."
            ) from None
        if not isinstance(content, str):
            raise DraftEndpointError(f"{where} answered without text content. Check --model.")
        return content


def _problems(answer: Any, content: str, known_actors: set[str]) -> list[str]:
    """What is wrong with the model's facts: schema errors, quotes not in the text, unknown references."""
    if not isinstance(answer, dict):
        return ["the answer must be a JSON object whose keys are the sections"]
    problems = []
    for section, facts in answer.items():
        if section not in ("actors", *DRAFT_SECTIONS):
            problems.append(f"unknown section '{section}'")
            continue
        if not isinstance(facts, list):
            problems.append(f"{section}: must be a list")
            continue
        for index, fact in enumerate(facts):
            where = f"{section}[{index}]"
            if not isinstance(fact, dict):
                problems.append(f"{where}: must be an object")
                continue
            problems += [f"{where}: {message}" for message in schema_errors(section, fact)]
            quote = fact.get("quote")
            if section != "actors" and isinstance(quote, str) and find_quote(quote, content) is None:
                problems.append(f"{where}: quote not found in the article text (copy it exactly): {quote[:80]!r}")
            for name in ("by", "actor"):
                value = fact.get(name)
                if section != "actors" and isinstance(value, str) and value not in known_actors:
                    problems.append(f"{where}: unknown actor '{value}' (use a registry id or declare it under actors)")
    return problems


def draft_with_model(draft: Draft, article: ArticleText, index: ActorIndex, settings: LlmSettings) -> None:
    """Fill ``draft`` with the facts a language model finds, checked and repaired.

    Raises:
        DraftEndpointError: The endpoint cannot be reached, fails, times out, or
            answers with no usable JSON even after the repair rounds.
    """
    content = draft.content
    schema = facts_schema()
    client = _Client(settings)
    messages = [
        {"role": "system", "content": f"{_SYSTEM}\n\nJSON Schema of the answer:\n{json.dumps(schema)}"},
        {
            "role": "user",
            "content": f"Registry of actors:\n{_registry_lines(index)}\n\nPublished: {draft.article['published']}\n\n"
            f"Article text:\n{content}",
        },
    ]
    answer: Any = None
    for round_number in range(settings.repair_rounds + 1):
        reply = client.ask(messages, schema)
        messages.append({"role": "assistant", "content": reply})
        try:
            candidate = json.loads(_unfenced(reply))
        except ValueError as error:
            problems = [f"the answer is not valid JSON ({error})"]
        else:
            answer = candidate if isinstance(candidate, dict) else answer
            known = set(index.actors) | {
                a.get("id")
                for a in (candidate.get("actors") or [])
                if isinstance(candidate, dict) and isinstance(a, dict)
            }
            problems = _problems(candidate, content, {k for k in known if isinstance(k, str)})
        if not problems:
            break
        logger.info("repair round %d: %d problems", round_number + 1, len(problems))
        if round_number < settings.repair_rounds:
            messages.append(
                {
                    "role": "user",
                    "content": "Your answer has these problems:\n- "
                    + "\n- ".join(problems[:40])
                    + "\nAnswer again with the whole corrected JSON object only.",
                }
            )
    if answer is None:
        raise DraftEndpointError(
            f"the model's answer was not a JSON object after {settings.repair_rounds} repair round(s). "
            "Try another --model, more --repair-rounds, or draft offline (without --llm)."
        )
    draft.drafter = f"language model {settings.model}"
    _take(draft, answer, index)


def _unfenced(reply: str) -> str:
    """The JSON of a reply, without the Markdown code fence some models put around it."""
    text = reply.strip()
    if text.startswith("```"):
        text = text.split("\n", 1)[1] if "\n" in text else ""
        text = text.rsplit("```", 1)[0]
    return text


def _take(draft: Draft, answer: dict[str, Any], index: ActorIndex) -> None:
    """Turn the model's answer into draft facts, each marked unreviewed; settle() checks them afterwards."""
    for entry in answer.get("actors") or []:
        if isinstance(entry, dict) and isinstance(entry.get("id"), str) and entry["id"] not in index.actors:
            if not schema_errors("actors", {**entry, "reviewed": False}):
                draft.actors.append(
                    Actor(entry["id"], entry["name"], entry["type"], entry.get("represents"), entry.get("role"), True)
                )
    for section in DRAFT_SECTIONS:
        for entry in answer.get(section) or []:
            if not isinstance(entry, dict):
                draft.notes.append(f"dropped an entry of {section}: not an object")
                continue
            data = {"id": entry.get("id"), "reviewed": False}
            data.update({key: value for key, value in entry.items() if key not in ("id", "reviewed", "quote")})
            data["quote"] = entry.get("quote")
            draft.facts.append(DraftFact(section, data, 0, 0))
    draft.candidates = []
