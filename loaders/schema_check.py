"""Check article-fact files against their JSON Schema, in messages an analyst can act on.

``schema/article-facts.schema.json`` gives the format of article files and of
actor registries. Each error becomes a :class:`Problem` naming the file, line,
fact and field; :func:`malformed_paths` tells the other checks which values to
pass over, since they are already reported.
"""

from __future__ import annotations

import difflib
import json
import logging
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from ceasefire_kg.errors import Problem
from ceasefire_kg.loaders.reader import JsonPath, SourceFile, fact_label
from ceasefire_kg.loaders.schema_validity import Check, validity_check

logger = logging.getLogger(__name__)


@cache
def _root_schema() -> dict[str, Any]:
    text = resources.files("ceasefire_kg.schema").joinpath("article-facts.schema.json").read_text("utf-8")
    return json.loads(text)


_DEFS_REF = "#/$defs/"


def _inline_refs(node: Any, defs: dict[str, Any], active: frozenset[str] = frozenset()) -> Any:
    """A copy of a schema with each ``{"$ref": "#/$defs/NAME"}`` replaced by that definition.

    jsonschema resolves a ``$ref`` again at every use, which was a large part of
    the checks' time; the inlined schema accepts and rejects the same values with
    the same errors. A definition that refers to itself stays a ``$ref``.
    """
    if isinstance(node, dict):
        ref = node.get("$ref")
        if len(node) == 1 and isinstance(ref, str) and ref.startswith(_DEFS_REF):
            name = ref[len(_DEFS_REF) :]
            if name in defs and name not in active:
                return _inline_refs(defs[name], defs, active | {name})
        return {key: value if key == "$defs" else _inline_refs(value, defs, active) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline_refs(value, defs, active) for value in node]
    return node


def schema_for(definition: str | None, *, inline: bool = True) -> dict[str, Any]:
    """The schema of a file (``None``) or of one definition, with its ``$ref`` inlined unless ``inline`` is False."""
    root = _root_schema()
    if definition is None:
        return _inline_refs(root, root["$defs"]) if inline else root
    reference = {"$ref": f"{_DEFS_REF}{definition}"}
    # $defs stay beside the definition for any self-referring one left as a $ref.
    return {**(_inline_refs(reference, root["$defs"]) if inline else reference), "$defs": root["$defs"]}


@cache
def validator(definition: str | None) -> Draft202012Validator:
    """The validator of a file (``None``) or of one definition of the schema, such as ``registry``."""
    return Draft202012Validator(schema_for(definition))


@cache
def quick_check(definition: str | None) -> Check | None:
    """Whether a file (``None``) or a value of one definition is valid, quickly; None: ask :func:`validator`."""
    return validity_check(schema_for(definition), _root_schema()["$defs"])


def did_you_mean(value: object, choices: Iterable[str]) -> str:
    """`` Did you mean 'x'?`` naming the choice closest to ``value``, or nothing when none is close."""
    matches = difflib.get_close_matches(str(value), list(choices), n=1, cutoff=0.6)
    return f" Did you mean '{matches[0]}'?" if matches else ""


def type_name(value: object) -> str:
    """What kind of YAML value ``value`` is, in words for messages."""
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "a mapping",
        type(None): "empty",
    }.get(type(value), type(value).__name__)


def _shorten(text: str, limit: int = 60) -> str:
    """Cut a value shown in a message, so that one long value does not flood the report."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


_EXPECTED = {
    "string": "text",
    "integer": "a whole number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "number": "a number",
}


# jsonschema types an error's parts as possibly unset; a reported error has them all.


def _schema(error: ValidationError) -> Mapping[str, Any]:
    """The schema the value failed (a mapping throughout the project's schema)."""
    return error.schema if isinstance(error.schema, Mapping) else {}


def _instance(error: ValidationError) -> Any:
    return error.instance


def _missing_fields(error: ValidationError) -> list[str]:
    """The fields a ``required`` error says are missing."""
    required: Any = error.validator_value
    return [name for name in required if name not in _instance(error)]


def _unknown_fields(error: ValidationError) -> list[str]:
    """The fields an ``additionalProperties`` error says are not allowed."""
    return sorted(set(_instance(error)) - set(_schema(error).get("properties", {})))


def malformed_paths(error: ValidationError) -> list[JsonPath]:
    """Where a JSON Schema error leaves values that the other checks must not use.

    A missing or unknown field is a fault of that field only: the entry around
    it, and its other fields, are still checked.
    """
    path: JsonPath = tuple(error.absolute_path)
    if error.validator == "required":
        return [(*path, name) for name in _missing_fields(error)]
    if error.validator == "additionalProperties":
        return [(*path, name) for name in _unknown_fields(error)]
    return [path]


def _schema_problems(source: SourceFile, error: ValidationError) -> list[Problem]:
    """Translate one JSON Schema error into messages a user can act on."""
    path: JsonPath = tuple(error.absolute_path)
    fact = fact_label(source.data, path)
    field_name = next((str(part) for part in reversed(path) if isinstance(part, str)), None)
    validator, value, instance = error.validator, error.validator_value, _instance(error)

    def problem(message: str, hint: str, *, at: JsonPath = path, name: str | None = field_name) -> Problem:
        return Problem(source.name, message, hint, line=source.line_of(at), fact=fact, field=name)

    if validator == "additionalProperties":
        allowed = list(_schema(error).get("properties", {}))
        return [
            problem(
                f"unknown field '{extra}'.",
                f"Allowed fields: {', '.join(allowed)}.{did_you_mean(extra, allowed)}",
                at=(*path, extra),
                name=extra,
            )
            for extra in _unknown_fields(error)
        ]
    if validator == "required":
        return [
            problem(f"missing required field '{name}'.", f"Add '{name}:' to this entry.", name=name)
            for name in _missing_fields(error)
        ]
    if validator == "enum":
        options = [str(option) for option in value]  # type: ignore[union-attr]
        return [
            problem(
                f"unknown value '{instance}'.", f"Use one of: {', '.join(options)}.{did_you_mean(instance, options)}"
            )
        ]
    if validator == "type":
        expected = _EXPECTED.get(str(value), str(value))
        return [
            problem(
                f"expected {expected}, got {type_name(instance)} ({_shorten(repr(instance))}).",
                f"Write {expected} here.",
            )
        ]
    if validator == "pattern":
        description = _schema(error).get("description") or f"text matching {value}"
        return [problem(f"'{_shorten(str(instance))}' is not valid here.", f"Expected: {description}")]
    if validator == "maxLength":
        shorten = "Quote only the span that supports the fact." if field_name == "quote" else "Shorten it."
        return [problem(f"the text is {len(instance)} characters long, over the limit of {value}.", shorten)]
    if validator == "minLength":
        return [
            problem(
                f"the text is {len(instance)} character{'s' if len(instance) != 1 else ''} long, "
                f"under the minimum of {value}.",
                "Write it out in full.",
            )
        ]
    if validator in ("minimum", "maximum", "minItems"):
        return [problem(f"{error.message}.", "Correct the value.")]
    return [problem(f"{error.message}.", "See schema/article-facts.schema.json for the format.")]


def structure_errors(
    source: SourceFile, definition: str | None, problems: list[Problem]
) -> list[ValidationError] | None:
    """Report a file's JSON Schema errors into ``problems``, and return them.

    Args:
        source: The parsed file.
        definition: The schema definition it must follow (``registry``), or
            None for an article file.
        problems: Where the problems are appended.

    Returns:
        The errors, in the order of their place in the file; None when the
        file is not even a mapping.
    """
    if not isinstance(source.data, dict):
        problems.append(
            Problem(
                source.name,
                f"expected a mapping at the top level, got {type_name(source.data)}.",
                "Start the file with 'article:' (or 'registry:' for an actor registry).",
                line=1,
            )
        )
        return None
    quick = quick_check(definition)
    if quick is not None and quick(source.data):
        return []  # Valid: jsonschema would find no error, and takes far longer to say so.
    errors = sorted(validator(definition).iter_errors(source.data), key=lambda e: list(map(str, e.absolute_path)))
    for error in errors:
        problems.extend(_schema_problems(source, error))
    return errors
