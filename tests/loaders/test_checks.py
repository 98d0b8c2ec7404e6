"""The checks of article-fact files, called as a library: what passes, what is counted, what is refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ceasefire_kg.errors import InputError, Problem
from ceasefire_kg.loaders.checks import CheckedCorpus, check_paths, find_fact_files
from ceasefire_kg.loaders.quotes import normalise_quote_text
from tests.loaders.conftest import ARTICLE, ARTICLE_TEXT, article_with
from tests.paths import CORPUS, EXAMPLES, SEED_ARTICLE, seed_text_dir

LATER_ARTICLE = "2025-04-09-kremlin-conditional-ceasefire"


def problems_of(*paths: Path, **options: object) -> list[Problem]:
    """Run the checks, which must fail, and return their problems."""
    with pytest.raises(InputError) as raised:
        check_paths(list(paths), **options)  # type: ignore[arg-type]
    return raised.value.problems


def described(problems: list[Problem]) -> list[str]:
    return [problem.describe() for problem in problems]


def quoted_facts(corpus: CheckedCorpus, article_id: str) -> int:
    """How many facts of an article carry a quote."""
    article = next(article for article in corpus.articles if article.article_id == article_id)
    return sum(
        1
        for section in article.data.values()
        if isinstance(section, list)
        for entry in section
        if isinstance(entry, dict) and "quote" in entry
    )


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# --- the examples ----------------------------------------------------------------------


def test_the_examples_are_valid_and_the_later_articles_quotes_are_all_found() -> None:
    corpus = check_paths([EXAMPLES])
    assert sorted(article.article_id for article in corpus.articles) == [SEED_ARTICLE, LATER_ARTICLE]
    assert [registry.registry_id for registry in corpus.registries] == ["ukraine-war-actors"]
    later = next(article for article in corpus.articles if article.article_id == LATER_ARTICLE)
    assert later.text_path == EXAMPLES / f"{LATER_ARTICLE}.txt"
    assert later.quotes_checked == quoted_facts(corpus, LATER_ARTICLE) > 0
    assert [registry.registry_id for registry in later.registries] == ["ukraine-war-actors"]


def test_every_quote_of_both_examples_is_found_in_their_texts() -> None:
    """The seed article's text lives outside the repository, in ``<repo>/../shared/corpus/``."""
    # Fails under CI=true when the text is missing (CI must have it), skips elsewhere.
    corpus = check_paths([EXAMPLES], text_dirs=seed_text_dir())
    assert len(corpus.articles) == 2
    for article in corpus.articles:
        assert article.text_path is not None, f"no text found for {article.article_id}"
        assert article.quotes_checked == quoted_facts(corpus, article.article_id), article.article_id
    seed = next(article for article in corpus.articles if article.article_id == SEED_ARTICLE)
    assert seed.text_path == CORPUS / f"{SEED_ARTICLE}.txt"
    assert seed.quotes_checked > 0


@pytest.mark.parametrize(("ci", "outcome"), [("true", pytest.fail.Exception), (None, pytest.skip.Exception)])
def test_a_missing_seed_text_fails_under_ci_and_skips_elsewhere(
    ci: str | None, outcome: type[BaseException], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tests.paths.CORPUS", tmp_path / "no-corpus")
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome) as raised:
        seed_text_dir()
    assert str(tmp_path / "no-corpus") in str(raised.value)


# --- the test article: valid; quotes matched loosely, counted ---------------------------


def test_the_test_article_is_valid_and_its_quotes_are_counted(fact_dir: Path) -> None:
    write(fact_dir, "test-article.yaml", ARTICLE)
    corpus = check_paths([Path("test-article.yaml")])
    (article,) = corpus.articles
    assert article.text_path == Path("test-article.txt")
    assert article.quotes_checked == 3
    assert corpus.fact_count == 3
    assert article.actor_names()["putin"] == "Vladimir Putin"


@pytest.mark.parametrize(
    ("quote", "text"),
    [
        ('he said "yes"', "he said \u201cyes\u201d"),
        ("he said \u201cyes\u201d", 'he said "yes"'),
        ("Ukraine's", "Ukraine\u2019s"),
        ("\u2018single\u2019", "'single'"),
        ("\u00abguillemets\u00bb", '"guillemets"'),
        ("over two lines", "over\ntwo   lines"),
        ("over\r\n two lines", "over two\tlines"),
        ("no-break space", "no-break\u00a0space"),
        ("  padded  ", "padded"),
    ],
)
def test_normalised_quotes_match_across_quote_marks_and_whitespace(quote: str, text: str) -> None:
    assert normalise_quote_text(quote) == normalise_quote_text(text)


@pytest.mark.parametrize(("quote", "text"), [("rearming", "re-arming"), ("Yes.", "Yes!"), ("a b", "ab")])
def test_normalising_keeps_words_and_punctuation(quote: str, text: str) -> None:
    assert normalise_quote_text(quote) != normalise_quote_text(text)


def test_quotes_match_a_text_with_curly_quotes_and_line_breaks(fact_dir: Path) -> None:
    text = "He said: \u201cWe will\n  not   stop\u201d.\r\nThen Ukraine\u2019s envoy left.\n"
    (fact_dir / "test-article.txt").write_text(text, encoding="utf-8")
    article = article_with('quote: "proposed a 30-day ceasefire"', "quote: 'said: \"We will not stop\".'")
    article = article_with('quote: "Ukraine must stop rearming"', 'quote: "Then Ukraine\'s envoy left."', article)
    article = article_with(
        """quote: 'Putin said he "would accept" it, but Ukraine must stop rearming'""",
        "quote: |\n      We will\n      not stop",
        article,
    )
    write(fact_dir, "test-article.yaml", article)
    (checked,) = check_paths([Path("test-article.yaml")]).articles
    assert checked.quotes_checked == 3


def test_the_text_is_found_in_a_text_folder_by_article_id(fact_dir: Path) -> None:
    texts = fact_dir / "texts"
    texts.mkdir()
    (fact_dir / "test-article.txt").rename(texts / "test-article.txt")
    write(fact_dir, "test-article.yaml", article_with("  text: test-article.txt\n", ""))
    (unchecked,) = check_paths([Path("test-article.yaml")]).articles
    assert (unchecked.text_path, unchecked.quotes_checked) == (None, 0)
    (checked,) = check_paths([Path("test-article.yaml")], text_dirs=[texts]).articles
    assert (checked.text_path, checked.quotes_checked) == (texts / "test-article.txt", 3)


def test_a_text_beside_the_file_is_used_without_naming_it(fact_dir: Path) -> None:
    write(fact_dir, "test-article.yaml", article_with("  text: test-article.txt\n", ""))
    (checked,) = check_paths([Path("test-article.yaml")]).articles
    assert (checked.text_path, checked.quotes_checked) == (Path("test-article.txt"), 3)


def test_an_article_text_that_is_not_utf8_is_reported(fact_dir: Path) -> None:
    text = ARTICLE_TEXT.encode("utf-8").replace(b"Tuesday", b"Mardi \xe9t\xe9")
    (fact_dir / "test-article.txt").write_bytes(text)
    write(fact_dir, "test-article.yaml", ARTICLE)
    offset = text.index(b"\xe9")
    assert described(problems_of(Path("test-article.yaml"))) == [
        "test-article.yaml:7: article 'test-article', field 'text': the article text test-article.txt is not valid "
        f"UTF-8 (offset {offset}). Save the text as UTF-8."
    ]


def test_a_quote_that_matches_nothing_says_so(fact_dir: Path) -> None:
    write(fact_dir, "test-article.yaml", article_with('quote: "proposed a 30-day ceasefire"', "quote: Moscow agreed"))
    (problem,) = problems_of(Path("test-article.yaml"))
    assert (problem.line, problem.fact, problem.field) == (15, "proposal 'test-ceasefire'", "quote")
    assert problem.message == (
        "quote not found in the article text test-article.txt: not even its first word ('Moscow') is there."
    )


def test_a_long_quote_that_differs_late_shows_where(fact_dir: Path) -> None:
    text = "The delegations met in Riyadh for three days of technical talks on a ceasefire at sea.\n"
    (fact_dir / "test-article.txt").write_text(ARTICLE_TEXT + text, encoding="utf-8")
    quote = "The delegations met in Riyadh for three days of technical talks on a truce at sea."
    write(fact_dir, "test-article.yaml", article_with('quote: "proposed a 30-day ceasefire"', f"quote: {quote}"))
    (problem,) = problems_of(Path("test-article.yaml"))
    assert problem.message == (
        "quote not found in the article text test-article.txt: "
        "the text has '…for three days of technical talks on a ' but then differs at 'truce at sea.'."
    )


# --- supersedes across files and the store ------------------------------------------------


def _superseding(old_position: str) -> str:
    article = article_with("id: test-article", "id: later-article")
    article = article_with('published: "2025-03-20"', 'published: "2025-03-21"', article)
    return article_with("  - id: test-position\n", f"  - id: later-position\n    supersedes: {old_position}\n", article)


def test_supersedes_may_name_a_position_of_another_file_of_the_same_run(fact_dir: Path) -> None:
    write(fact_dir, "test-article.yaml", ARTICLE)
    write(fact_dir, "later.yaml", _superseding("test-position"))

    def stored_positions() -> set[str]:
        raise AssertionError("the store was asked although the run declares the position")

    corpus = check_paths([Path("later.yaml"), Path("test-article.yaml")], known_positions=stored_positions)
    assert sorted(article.article_id for article in corpus.articles) == ["later-article", "test-article"]


def test_supersedes_may_name_a_stored_position(fact_dir: Path) -> None:
    write(fact_dir, "later.yaml", _superseding("stored-position"))
    asked: list[bool] = []

    def stored_positions() -> set[str]:
        asked.append(True)
        return {"stored-position"}

    check_paths([Path("later.yaml")], known_positions=stored_positions)
    assert asked == [True]
    assert described(problems_of(Path("later.yaml"))) == [
        "later.yaml:26: position 'later-position', field 'supersedes': unknown position 'stored-position'. "
        "Name a position of this file, of another file in this load, or already stored."
    ]


# --- registries --------------------------------------------------------------------------


def test_a_bad_registry_in_the_run_is_reported_once_however_many_articles_use_it(fact_dir: Path) -> None:
    registry = (fact_dir / "actors.yaml").read_text(encoding="utf-8")
    write(fact_dir, "actors.yaml", registry.replace("    type: person\n", "    type: human\n", 1))
    write(fact_dir, "a.yaml", ARTICLE)
    write(fact_dir, "b.yaml", article_with("id: test-article", "id: other-article"))
    problems = problems_of(Path("."))
    assert described(problems) == [
        "actors.yaml:35: actor 'trump', field 'type': unknown value 'human'. "
        "Use one of: person, state, organization, alliance."
    ]


def test_an_unreadable_registry_is_reported_once(fact_dir: Path) -> None:
    write(fact_dir, "actors.yaml", "registry: broken\nactors: [\n")
    write(fact_dir, "a.yaml", ARTICLE)
    write(fact_dir, "b.yaml", article_with("id: test-article", "id: other-article"))
    for paths in ([Path(".")], [Path("a.yaml"), Path("b.yaml")]):
        problems = problems_of(*paths)
        assert [(problem.file, problem.line) for problem in problems] == [("actors.yaml", 3)], described(problems)
        assert problems[0].message.startswith("YAML syntax error: ")


def test_an_actor_declared_in_both_a_registry_and_the_article_is_refused(fact_dir: Path) -> None:
    actors = "actors:\n  - id: putin\n    name: Putin\n    type: person\n"
    write(fact_dir, "a.yaml", article_with("proposals:\n", actors + "proposals:\n"))
    assert described(problems_of(Path("a.yaml"))) == [
        "a.yaml:10: actor 'putin', field 'id': actor 'putin' is already declared in registry actors.yaml. "
        "Remove it here, or give this actor another id."
    ]


def test_a_registry_actor_may_not_name_itself_or_an_unknown_actor(fact_dir: Path) -> None:
    registry = (fact_dir / "actors.yaml").read_text(encoding="utf-8")
    registry = registry.replace("    represents: russia\n", "    represents: putin\n", 1)
    registry = registry.replace("    member_of: [the-west]\n", "    member_of: [the-wets]\n", 1)
    write(fact_dir, "actors.yaml", registry)
    assert described(problems_of(Path("actors.yaml"))) == [
        "actors.yaml:9: actor 'united-states', field 'member_of': unknown actor 'the-wets'. "
        "Did you mean 'the-west'? Declare that actor in this registry too.",
        "actors.yaml:49: actor 'putin', field 'represents': 'putin' is this actor itself. "
        "Name another actor, or remove it.",
    ]


# --- other checks -------------------------------------------------------------------------


def test_every_problem_carries_its_file_line_fact_and_field(fact_dir: Path) -> None:
    write(fact_dir, "a.yaml", article_with("    by: putin\n", "    by: putn\n"))
    (problem,) = problems_of(Path("a.yaml"))
    assert (problem.file, problem.line, problem.fact, problem.field) == ("a.yaml", 18, "demand 'test-demand'", "by")
    assert problem.message == "unknown actor 'putn'. Did you mean 'putin'?"
    assert problem.hint == "Declare it under 'actors:' or in a registry listed under 'registries:'."


#: (the file a.yaml, the exact problems the checks report): one refusal each.
REFUSED_FILES = [
    pytest.param(
        article_with(
            "    duration_days: 30\n",
            '    duration_days: 30\n    effective_from: "2025-03-18"\n    ended_on: "2025-03-17"\n',
        ),
        [
            "a.yaml:16: proposal 'test-ceasefire', field 'ended_on': ended_on 2025-03-17 is before effective_from "
            "2025-03-18. Swap or correct the dates."
        ],
        id="an-end-before-the-start",
    ),
    pytest.param(
        article_with('published: "2025-03-20"', "published: 2025-13-01"),
        [
            "a.yaml:6: article 'test-article', field 'published': '2025-13-01' is not a real date "
            "(month must be in 1..12). Write an existing calendar date as YYYY-MM-DD."
        ],
        id="an-impossible-publication-date",
    ),
    pytest.param(
        article_with(
            "    name: A 30-day ceasefire\n",
            "    name: [" + ", ".join(["x"] * 100) + "]\n",
            article_with('quote: "proposed a 30-day ceasefire"', "quote: " + ("word " * 500).strip()),
        ),
        [
            "a.yaml:11: proposal 'test-ceasefire', field 'name': expected text, got a list "
            "(['x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x'…). Write text here.",
            "a.yaml:15: proposal 'test-ceasefire', field 'quote': the text is 2499 characters long, over the limit "
            "of 2000. Quote only the span that supports the fact.",
        ],
        id="long-values-are-shortened-in-messages",
    ),
    pytest.param(
        article_with("positions:\n", "positions:\n  - just text\n"),
        [
            "a.yaml:25: position #1, field 'positions': expected a mapping, got text ('just text'). "
            "Write a mapping here."
        ],
        id="an-entry-that-is-not-a-mapping",
    ),
    pytest.param(
        "- article\n",
        [
            "a.yaml:1: expected a mapping at the top level, got a list. "
            "Start the file with 'article:' (or 'registry:' for an actor registry)."
        ],
        id="a-file-that-is-not-a-mapping",
    ),
]


@pytest.mark.parametrize(("content", "expected"), REFUSED_FILES)
def test_a_refused_file_gets_exact_messages(content: str, expected: list[str], fact_dir: Path) -> None:
    write(fact_dir, "a.yaml", content)
    assert described(problems_of(Path("a.yaml"))) == expected


def test_the_size_limit_can_be_lowered(fact_dir: Path) -> None:
    registry_size = (fact_dir / "actors.yaml").stat().st_size
    article = ARTICLE + "#" * registry_size + "\n"
    write(fact_dir, "a.yaml", article)
    size = len(article.encode("utf-8"))
    check_paths([Path("a.yaml")], max_bytes=size)
    assert described(problems_of(Path("a.yaml"), max_bytes=size - 1)) == [
        f"a.yaml: the file is {size:,} bytes, over the limit of {size - 1:,} bytes. "
        "Split the article's facts or check that this is a fact file."
    ]


# --- finding the files ----------------------------------------------------------------------


def test_folders_are_searched_recursively_in_a_stable_order_without_duplicates(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "deep").mkdir(parents=True)
    for name in ("b/2.yaml", "a/1.yml", "a/deep/3.yaml", "a/notes.txt", "0.yaml"):
        (tmp_path / name).write_text("x: 1\n", encoding="utf-8")
    files, problems = find_fact_files([tmp_path / "b", tmp_path, tmp_path / "0.yaml"])
    assert problems == []
    found = [file.relative_to(tmp_path).as_posix() for file in files]
    assert found == ["b/2.yaml", "0.yaml", "a/1.yml", "a/deep/3.yaml"]


def test_missing_paths_and_folders_without_yaml_are_problems(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    files, problems = find_fact_files([tmp_path / "empty", tmp_path / "missing"])
    assert files == []
    assert described(problems) == [
        f"{tmp_path / 'empty'}: the folder holds no .yaml or .yml files. Point at fact files or a folder of them.",
        f"{tmp_path / 'missing'}: no such file or folder. Check the path.",
    ]


def test_the_examples_can_be_copied_and_checked_from_anywhere(tmp_path: Path) -> None:
    copy = tmp_path / "articles"
    shutil.copytree(EXAMPLES, copy)
    corpus = check_paths([copy / f"{LATER_ARTICLE}.yaml"])
    assert [article.article_id for article in corpus.articles] == [LATER_ARTICLE]
    assert [registry.source.path for registry in corpus.registries] == [copy / "actors.yaml"]


def test_a_malformed_entry_does_not_hide_problems_in_the_rest_of_the_file(fact_dir: Path) -> None:
    text = article_with("    stance: conditionally-accepts\n", "    stance: conditionaly-accepts\n")
    text = article_with("    by: putin\n", "    by: putn\n", text)
    problems = described(problems_of(write(fact_dir, "two.yaml", text)))
    assert len(problems) == 2
    assert problems[0] == (
        f"{fact_dir / 'two.yaml'}:18: demand 'test-demand', field 'by': unknown actor 'putn'. Did you mean 'putin'? "
        "Declare it under 'actors:' or in a registry listed under 'registries:'."
    )
    assert problems[1].startswith(
        f"{fact_dir / 'two.yaml'}:28: position 'test-position', field 'stance': "
        "unknown value 'conditionaly-accepts'. Use one of:"
    )


def test_no_broken_copy_of_the_test_article_crashes_the_checks(fact_dir: Path) -> None:
    """Whatever a schema error leaves malformed, the checks still run on the rest without tripping over it."""
    import yaml

    broken = _mutations(yaml.safe_load(ARTICLE))
    assert len(broken) > 200
    for mutation in broken:
        path = write(fact_dir, "a.yaml", yaml.safe_dump(mutation, allow_unicode=True))
        try:
            check_paths([path])
        except InputError:
            pass  # Refused with its problems listed; any other exception fails the test.


# --- the JSON Schema with its $defs inlined behaves as the schema itself ---------------------


def _mutations(document: object) -> list[object]:
    """Broken copies of a document: each value replaced by wrong ones, each key dropped, one unknown key added."""
    import copy

    wrong_values: list[object] = [123, None, "Not A Slug!", "x" * 3000, ["a", 2], {"z": 1}]
    broken: list[object] = []

    def walk(node: object, path: tuple[object, ...]) -> None:
        # Two entries of each list are enough to reach every part of the schema.
        items = node.items() if isinstance(node, dict) else enumerate(node[:2]) if isinstance(node, list) else []
        for key, value in items:
            for wrong in wrong_values:
                changed = copy.deepcopy(document)
                target = changed
                for part in path:
                    target = target[part]  # type: ignore[index]
                target[key] = wrong  # type: ignore[index]
                broken.append(changed)
            if isinstance(node, dict):
                changed = copy.deepcopy(document)
                target = changed
                for part in path:
                    target = target[part]  # type: ignore[index]
                del target[key]  # type: ignore[union-attr]
                target["unknown_field"] = 1  # type: ignore[index]
                broken.append(changed)
            walk(value, (*path, key))

    walk(document, ())
    return broken


def _errors(validator: object, document: object) -> list[tuple[object, ...]]:
    errors = validator.iter_errors(document)  # type: ignore[attr-defined]
    return sorted(
        (
            tuple(map(str, error.absolute_path)),
            error.message,
            error.validator,
            str(error.schema.get("description")),
            tuple(error.schema.get("properties", {})),
        )
        for error in errors
    )


@pytest.mark.slow
def test_the_inlined_schema_reports_the_same_errors_as_the_schema_with_refs() -> None:
    import yaml
    from jsonschema import Draft202012Validator

    from ceasefire_kg.loaders import schema_check

    checked = 0
    # One article and the registry: every definition of the schema is used by them.
    for path in [EXAMPLES / f"{SEED_ARTICLE}.yaml", EXAMPLES / "actors.yaml"]:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        definition = "registry" if "registry" in document else None
        inlined = schema_check.validator(definition)
        with_refs = Draft202012Validator(schema_check.schema_for(definition, inline=False))
        assert "$ref" not in repr({k: v for k, v in inlined.schema.items() if k != "$defs"})
        for broken in [document, *_mutations(document)]:
            assert _errors(inlined, broken) == _errors(with_refs, broken)
            checked += 1
    assert checked > 500
