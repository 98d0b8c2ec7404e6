"""The safe YAML reader: line numbers, and refusal of what is slow, ambiguous or unsafe."""

from __future__ import annotations

from pathlib import Path

import pytest

from ceasefire_kg.errors import Problem
from ceasefire_kg.loaders import reader
from ceasefire_kg.loaders.reader import SECTION_KINDS, SourceFile, fact_label, read_source, read_sources
from tests.loaders.conftest import ARTICLE
from tests.paths import in_ci


@pytest.fixture(autouse=True, params=["libyaml", "pure-python"])
def yaml_loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test here runs with libyaml composing and with the pure-Python fallback alone."""
    if request.param == "pure-python":
        monkeypatch.setattr(reader, "_FastLoader", None)
    else:
        require_libyaml()
    return str(request.param)


def require_libyaml() -> None:
    """Skip a libyaml test where PyYAML lacks it, or fail under CI (PyYAML's wheels carry it)."""
    if reader._FastLoader is None:
        message = "PyYAML is installed without libyaml"
        if in_ci():
            pytest.fail(f"{message}, and CI=true forbids skipping: reinstall PyYAML from a wheel.", pytrace=False)
        pytest.skip(message)


def read_one(path: Path, max_bytes: int | None = None) -> tuple[SourceFile | None, list[Problem]]:
    sources, problems = read_sources([path]) if max_bytes is None else read_sources([path], max_bytes)
    return (sources[0] if sources else None), problems


def described(problems: list[Problem]) -> list[str]:
    return [problem.describe() for problem in problems]


def write(tmp_path: Path, text: str | bytes, name: str = "facts.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# --- what a good file gives ---------------------------------------------------------


def test_a_valid_file_gives_its_data_and_the_line_of_every_value(tmp_path: Path) -> None:
    source = read_source(write(tmp_path, ARTICLE))
    assert source.name == str(tmp_path / "facts.yaml")
    assert source.data["article"]["id"] == "test-article"
    assert source.data["proposals"][0]["duration_days"] == 30
    assert source.data["registries"] == ["actors.yaml"]
    assert source.line_of(("article",)) == 2
    assert source.line_of(("article", "published")) == 6
    assert source.line_of(("proposals", 0)) == 10
    assert source.line_of(("demands", 0, "by")) == 18
    assert source.line_of(("positions", 0, "conditions", 0)) == 29
    # A nested list or mapping is located at its key, not on the next line.
    assert source.line_of(("demands",)) == 16
    # A value that is not there is located at its nearest parent.
    assert source.line_of(("demands", 0, "status")) == 17
    # ... or of the whole document, which starts after the comment on line 1.
    assert source.line_of(("nothing", "here")) == 2


def test_dates_stay_text_so_that_the_checks_can_explain_them(tmp_path: Path) -> None:
    source = read_source(write(tmp_path, "published: 2025-03-19\nimpossible: 2025-02-30\nwhen: 2025-03-19T10:00:00Z\n"))
    assert source.data == {"published": "2025-03-19", "impossible": "2025-02-30", "when": "2025-03-19T10:00:00Z"}


def test_a_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    source = read_source(write(tmp_path, "\ufeffarticle:\n  id: x\n".encode("utf-8")))
    assert source.data == {"article": {"id": "x"}}
    assert source.line_of(("article", "id")) == 2


def test_anchors_without_aliases_are_harmless(tmp_path: Path) -> None:
    source = read_source(write(tmp_path, "a: &first 1\nb: 2\n"))
    assert source.data == {"a": 1, "b": 2}


def test_an_explicit_plain_tag_is_accepted(tmp_path: Path) -> None:
    source = read_source(write(tmp_path, "id: !!str 30\ncount: !!int '30'\n"))
    assert source.data == {"id": "30", "count": 30}


def test_a_document_with_only_a_separator_reads_as_empty_data(tmp_path: Path) -> None:
    # Not "the file is empty": the checks say what the top level should be.
    source = read_source(write(tmp_path, "---\n"))
    assert source.data is None


# --- what is refused ---------------------------------------------------------------


def test_read_sources_reports_every_bad_file_and_keeps_the_good_ones(tmp_path: Path) -> None:
    good = write(tmp_path, ARTICLE, "good.yaml")
    empty = write(tmp_path, "", "empty.yaml")
    alias = write(tmp_path, "a: &x 1\nb: *x\n", "alias.yaml")
    missing = tmp_path / "missing.yaml"
    sources, problems = read_sources([empty, good, missing, alias])
    assert [source.path for source in sources] == [good]
    assert [problem.file for problem in problems] == [str(empty), str(missing), str(alias)]


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, "a: 1\n" + "#" * 94 + "\n")
    assert read_one(path, max_bytes=100)[1] == []
    source, problems = read_one(path, max_bytes=99)
    assert source is None
    assert described(problems) == [
        f"{path}: the file is 100 bytes, over the limit of 99 bytes. "
        "Split the article's facts or check that this is a fact file."
    ]


#: (the file's text or bytes, the exact problems; "{path}" stands for the file's path): one refusal each.
REFUSED_FILES = [
    pytest.param(
        b"article:\n  title: Caf\xe9\n",
        ["{path}:2: byte 0xe9 at offset 21 is not valid UTF-8. Save the file as UTF-8."],
        id="non-utf8-bytes-are-located",
    ),
    pytest.param(
        "a: &x [1, 2]\nb:\n  c: *x\n",
        [
            "{path}:3: YAML aliases (*name) are not allowed in fact files. "
            "Write the value out in full instead of referring to an anchor."
        ],
        id="an-alias-is-refused-where-it-is-used",
    ),
    pytest.param(
        "article:\n  id: x\n  title: a: b\n",
        [
            "{path}:3: YAML syntax error: mapping values are not allowed here. "
            "Check indentation, colons and quotes on this line or the one above."
        ],
        id="a-syntax-error-names-its-line",
    ),
    pytest.param(
        "article:\n\tid: x\n",
        [
            "{path}:2: YAML syntax error: found character '\\t' that cannot start any token. "
            "Indent with spaces: YAML does not allow tabs for indentation."
        ],
        id="tab-indentation-gets-a-hint-about-tabs",
    ),
    pytest.param(
        "a: 1\n---\nb: 2\n",
        [
            "{path}:2: a second YAML document starts here ('---'); a fact file holds one document. "
            "Remove the '---' line, or move the second document into a file of its own."
        ],
        id="a-second-document-is-refused",
    ),
    pytest.param(
        ARTICLE.replace("    by: putin\n", "    by: putin\n    by: zelensky\n").replace(
            "  outlet: Test Wire\n", "  outlet: Test Wire\n  outlet: Other Wire\n"
        ),
        [
            "{path}:6: article 'test-article', field 'outlet': the key 'outlet' appears twice in the same mapping "
            "(first on line 5). Keep one of them; YAML would silently keep only the last one.",
            "{path}:20: demand 'test-demand', field 'by': the key 'by' appears twice in the same mapping "
            "(first on line 19). Keep one of them; YAML would silently keep only the last one.",
        ],
        id="every-duplicate-key-of-a-file-is-reported-with-its-fact",
    ),
    pytest.param(
        "article:\n  <<: {id: x}\n",
        ["{path}:2: article: YAML merge keys ('<<') are not allowed in fact files. Write each field out in full."],
        id="a-merge-key-is-refused",
    ),
    pytest.param(
        "article:\n  1: x\n  on: y\n  ? [a, b]\n  : z\n",
        [
            "{path}:2: article: the key '1' is read as a number, not text. Quote the key (\"1\":) or correct it.",
            "{path}:3: article: the key 'on' is read as true/false, not text. Quote the key (\"on\":) or correct it.",
            "{path}:4: article: a key must be text, not a list. Write a plain field name.",
        ],
        id="keys-that-are-not-text-are-refused",
    ),
]


@pytest.mark.parametrize(("text", "expected"), REFUSED_FILES)
def test_a_refused_file_gets_exact_messages(tmp_path: Path, text: str | bytes, expected: list[str]) -> None:
    path = write(tmp_path, text)
    _, problems = read_one(path)
    assert described(problems) == [line.replace("{path}", str(path)) for line in expected]


@pytest.mark.parametrize("text", ["", "\n\n   \n", "# just a comment\n", "\ufeff"])
def test_an_empty_file_is_refused(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    _, problems = read_one(path)
    assert described(problems) == [
        f"{path}:1: the file is empty. Write the article's facts, starting with an 'article:' section."
    ]


def test_a_duplicate_id_key_is_named_by_the_first_id(tmp_path: Path) -> None:
    path = write(tmp_path, "demands:\n  - id: first\n    id: second\n")
    _, problems = read_one(path)
    assert [(p.line, p.fact, p.field) for p in problems] == [(3, "demand 'first'", "id")]


@pytest.mark.parametrize(
    ("value", "tag"),
    [
        ("!!python/object/apply:os.system ['echo hacked']", "!!python/object/apply:os.system"),
        ("!!python/name:os.system", "!!python/name:os.system"),
        ("!custom value", "!custom"),
        ("!!timestamp 2025-03-19", "!!timestamp"),
        ("!!binary aGVsbG8=", "!!binary"),
        ("!!set {a, b}", "!!set"),
        ("!!omap [a: 1]", "!!omap"),
    ],
)
def test_tags_other_than_the_plain_yaml_types_are_refused(tmp_path: Path, value: str, tag: str) -> None:
    path = write(tmp_path, f"proposals:\n  - id: p\n    name: {value}\n")
    _, problems = read_one(path)
    assert described(problems) == [
        f"{path}:3: proposal 'p', field 'name': the YAML tag '{tag}' is not allowed in fact files. "
        "Remove the tag and write a plain value."
    ]


@pytest.mark.parametrize(
    ("value", "tag"), [("!!int thirty", "!!int"), ("!!bool maybe", "!!bool"), ("!!float x", "!!float")]
)
def test_a_value_that_does_not_fit_its_explicit_tag_is_refused(tmp_path: Path, value: str, tag: str) -> None:
    path = write(tmp_path, f"proposals:\n  - id: p\n    duration_days: {value}\n")
    _, problems = read_one(path)
    shown = value.split(" ", 1)[1]
    assert described(problems) == [
        f"{path}:3: proposal 'p', field 'duration_days': the value '{shown}' cannot be read as {tag}. "
        f"Remove the tag '{tag}' or correct the value."
    ]


def test_a_missing_file_and_a_folder_are_refused_without_a_crash(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    sources, problems = read_sources([missing, folder])
    assert sources == []
    assert described(problems) == [
        f"{missing}: cannot read the file: No such file or directory. Check the path.",
        f"{folder}: cannot read the file: Is a directory. Check the path and that the file is readable.",
    ]


# --- naming facts --------------------------------------------------------------------


def test_fact_labels_name_the_kind_and_id() -> None:
    data = {
        "article": {"id": "a1"},
        "demands": [{"id": "d1"}, {"by": "x"}, "not a mapping"],
        "registries": ["actors.yaml"],
    }
    assert fact_label(data, ("demands", 0, "by")) == "demand 'd1'"
    assert fact_label(data, ("demands", 1)) == "demand #2"
    assert fact_label(data, ("demands", 2)) == "demand #3"
    assert fact_label(data, ("demands", 7, "by")) == "demand #8"
    assert fact_label(data, ("article", "published")) == "article 'a1'"
    assert fact_label({"article": []}, ("article",)) == "article"
    assert fact_label(data, ("registries", 0)) is None
    assert fact_label(data, ()) is None
    assert fact_label(None, ("demands", 0)) is None


def test_every_section_is_named_after_its_kind() -> None:
    assert {section: f"{kind}s" for section, kind in SECTION_KINDS.items()} == {s: s for s in SECTION_KINDS}
