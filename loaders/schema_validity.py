"""Tell quickly whether a file follows the JSON Schema, without saying why not.

Most files of a load are valid, and for a valid file jsonschema's validator
walks every value through its general machinery (a validator object per
subschema, a generator per keyword) only to find nothing: over a big load that
was a fifth of the checks' time. :func:`validity_check` compiles the schema
once into plain Python functions that answer only "valid or not", several
times faster; :mod:`ceasefire_kg.loaders.schema_check` asks jsonschema for the
errors, and their messages, only when the answer is no.

The compiled check must agree with jsonschema on every value, so it covers
only the keywords the project's schema uses, each with jsonschema's own
meaning (types as the 2020-12 draft defines them: ``1.0`` is an integer,
``true`` is not); a schema with any other keyword is not compiled at all and
every file goes to jsonschema. ``tests/loaders/test_schema_validity.py``
checks the two against each other on many broken files.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)

#: A compiled (sub)schema: True when the value is valid.
Check = Callable[[Any], bool]

#: Keywords that annotate a schema and never make a value invalid.
_ANNOTATIONS = frozenset({"description", "title", "$comment", "examples", "default", "deprecated", "$defs"})

_DEFS_REF = "#/$defs/"


class UnsupportedKeyword(Exception):
    """The schema uses a keyword (or a form of one) that is not compiled here."""


def _valid(_: Any) -> bool:
    return True


def _invalid(_: Any) -> bool:
    return False


def _is_integer(value: Any) -> bool:
    # bool is an int in Python, not in JSON Schema; a float without fraction is an integer since draft 6.
    return (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, float) and value.is_integer())


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_TYPES: dict[str, Check] = {
    "string": lambda value: isinstance(value, str),
    "object": lambda value: isinstance(value, dict),
    "array": lambda value: isinstance(value, list),
    "boolean": lambda value: isinstance(value, bool),
    "null": lambda value: value is None,
    "integer": _is_integer,
    "number": _is_number,
}


class _Compiler:
    def __init__(self, defs: dict[str, Any]) -> None:
        self.defs = defs
        self.compiled: dict[str, Check] = {}

    def reference(self, ref: Any) -> Check:
        if not isinstance(ref, str) or not ref.startswith(_DEFS_REF) or ref[len(_DEFS_REF) :] not in self.defs:
            raise UnsupportedKeyword(f"$ref {ref!r}")
        name = ref[len(_DEFS_REF) :]
        if name not in self.compiled:
            # A definition may refer to itself: the name is bound before its body is compiled.
            self.compiled[name] = lambda value: body(value)
            body = self.schema(self.defs[name])
            self.compiled[name] = body
        return self.compiled[name]

    def schema(self, node: Any) -> Check:
        if node is True:
            return _valid
        if node is False:
            return _invalid
        if not isinstance(node, dict):
            raise UnsupportedKeyword(f"schema {node!r}")
        checks: list[Check] = []
        known = _ANNOTATIONS | {"type", "$ref", "enum", "const", "allOf", "if", "then", "else"}
        known |= {"required", "properties", "additionalProperties", "items"}
        known |= {"pattern", "minLength", "maxLength", "minimum", "maximum"}
        unknown = set(node) - known
        if unknown:
            raise UnsupportedKeyword(", ".join(sorted(unknown)))
        if "type" in node:
            checks.append(self.type_check(node["type"]))
        if "$ref" in node:
            checks.append(self.reference(node["$ref"]))
        if "enum" in node:
            checks.append(_one_of_texts(node["enum"]))
        if "const" in node:
            checks.append(_one_of_texts([node["const"]]))
        if {"required", "properties", "additionalProperties"} & set(node):
            checks.append(self.object_check(node))
        if "items" in node:
            checks.append(self.items_check(node["items"]))
        if {"pattern", "minLength", "maxLength"} & set(node):
            checks.append(_text_check(node))
        if {"minimum", "maximum"} & set(node):
            checks.append(_number_check(node))
        checks.extend(self.schema(sub) for sub in node.get("allOf", ()))
        if "if" in node:
            condition = self.schema(node["if"])
            then, otherwise = self.schema(node.get("then", True)), self.schema(node.get("else", True))
            checks.append(lambda value: then(value) if condition(value) else otherwise(value))
        return _all(checks)

    @staticmethod
    def type_check(types: Any) -> Check:
        names = [types] if isinstance(types, str) else types
        if not isinstance(names, list) or not names or any(name not in _TYPES for name in names):
            raise UnsupportedKeyword(f"type {types!r}")
        tests = [_TYPES[name] for name in names]
        return tests[0] if len(tests) == 1 else lambda value: any(test(value) for test in tests)

    def object_check(self, node: dict[str, Any]) -> Check:
        required = tuple(node.get("required", ()))
        properties = {name: self.schema(sub) for name, sub in node.get("properties", {}).items()}
        additional = self.schema(node["additionalProperties"]) if "additionalProperties" in node else _valid

        def check(value: Any) -> bool:
            if not isinstance(value, dict):
                return True  # These keywords apply to mappings only.
            for name in required:
                if name not in value:
                    return False
            for name, item in value.items():
                sub = properties.get(name, additional)
                if not sub(item):
                    return False
            return True

        return check

    def items_check(self, items: Any) -> Check:
        each = self.schema(items)

        def check(value: Any) -> bool:
            if not isinstance(value, list):
                return True
            for item in value:
                if not each(item):
                    return False
            return True

        return check


def _all(checks: list[Check]) -> Check:
    if not checks:
        return _valid
    if len(checks) == 1:
        return checks[0]

    def check(value: Any) -> bool:
        for one in checks:
            if not one(value):
                return False
        return True

    return check


def _one_of_texts(options: Any) -> Check:
    # jsonschema compares a text only to equal text: any other value is not one of the options.
    if not isinstance(options, list) or not all(isinstance(option, str) for option in options):
        raise UnsupportedKeyword(f"enum {options!r}")
    allowed = frozenset(options)
    return lambda value: isinstance(value, str) and value in allowed


def _text_check(node: dict[str, Any]) -> Check:
    pattern = re.compile(node["pattern"]) if "pattern" in node else None
    shortest, longest = node.get("minLength", 0), node.get("maxLength")

    def check(value: Any) -> bool:
        if not isinstance(value, str):
            return True
        if pattern is not None and not pattern.search(value):
            return False
        return shortest <= len(value) and (longest is None or len(value) <= longest)

    return check


def _number_check(node: dict[str, Any]) -> Check:
    low, high = node.get("minimum"), node.get("maximum")
    if not all(bound is None or _is_number(bound) for bound in (low, high)):
        raise UnsupportedKeyword("minimum / maximum")

    def check(value: Any) -> bool:
        if not _is_number(value):
            return True
        return (low is None or value >= low) and (high is None or value <= high)

    return check


def validity_check(schema: dict[str, Any], defs: dict[str, Any]) -> Check | None:
    """Compile a schema into a function telling whether a value is valid.

    Args:
        schema: The schema (``$schema`` and ``$id`` only at its top).
        defs: The definitions its ``#/$defs/NAME`` references name.

    Returns:
        The check, or None when the schema uses something not compiled here
        (then every value must go to jsonschema).
    """
    top = {key: value for key, value in schema.items() if key not in ("$schema", "$id")}
    try:
        return _Compiler(defs).schema(top)
    except UnsupportedKeyword as unsupported:
        logger.info("JSON Schema not compiled for quick checks (%s); using jsonschema for every file", unsupported)
        return None
