"""Bad input through the real command line: every problem named exactly, nothing stored.

Each test runs ``ckg load`` (or ``ckg validate``) on broken fact files against a
store that holds one example article, and checks that

* the command exits with code 1, through the CLI's error path (no crash, no traceback);
* the output holds the exact, complete line of each problem (file:line: fact,
  field: what is wrong, how to fix it), under a header that counts them;
* the store exports byte for byte as before: a load is all or nothing.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import Result

from ceasefire_kg.loaders.reader import MAX_FILE_BYTES
from tests.cli_helpers import run_ckg
from tests.loaders.conftest import ARTICLE, STORED_ARTICLE, article_with, export_nquads

HINT_ACTOR = "Declare it under 'actors:' or in a registry listed under 'registries:'."
HINT_QUOTE = (
    "Copy the span exactly from the text (whitespace and the style of quote marks and dashes may differ; "
    "words and punctuation may not)."
)


def header(problems: int, files: int) -> str:
    """The first line of the CLI's report of refused input."""
    return (
        f"Error: {problems} problem{'s' if problems != 1 else ''} in {files} "
        f"file{'s' if files != 1 else ''}; nothing was stored:"
    )


def assert_refused(result: Result, expected: list[str], *, files: int = 1) -> None:
    """Check that a command refused its input with exactly these problem lines, in this order."""
    assert result.exit_code == 1, result.output
    # A crash also exits with 1 under CliRunner; only a SystemExit is the CLI's own error path.
    assert isinstance(result.exception, SystemExit), f"crashed: {result.exception!r}\n{result.output}"
    assert "Traceback" not in result.output
    lines = result.output.splitlines()
    head = header(len(expected), files)
    assert head in lines, result.output
    reported = lines[lines.index(head) + 1 :]
    assert reported == expected, result.output


def assert_unchanged(store: tuple[Path, bytes]) -> None:
    """Check that the store exports exactly as it did before the failed command."""
    path, before = store
    assert export_nquads(path) == before, "the store changed although the load was refused"


def load(*paths: str | Path, store: tuple[Path, bytes]) -> Result:
    return run_ckg("load", *paths, "--store", store[0])


def assert_file_refused(
    folder: Path, content: str, expected: list[str], store: tuple[Path, bytes], name: str = "bad.yaml"
) -> None:
    """Write ``content`` to ``folder/name``; loading it must report exactly ``expected`` and store nothing."""
    (folder / name).write_text(content, encoding="utf-8")
    assert_refused(load(name, store=store), expected)
    assert_unchanged(store)


@contextmanager
def fails_after(seconds: float) -> Iterator[None]:
    """Interrupt the body after ``seconds`` (so a regression fails instead of hanging)."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- the test article itself is valid ----------------------------------------


def test_the_unbroken_test_article_loads(fact_dir: Path, ckg_store: tuple[Path, bytes]) -> None:
    """The control: every bad-input case below fails only because of what it breaks."""
    (fact_dir / "test-article.yaml").write_text(ARTICLE, encoding="utf-8")
    result = load("test-article.yaml", store=ckg_store)
    assert result.exit_code == 0, result.output
    summary = [line for line in result.output.splitlines() if line.startswith("  test-article: ")]
    assert len(summary) == 1 and summary[0].endswith("; 3 quotes found in test-article.txt"), result.output
    listed = run_ckg("articles", "--store", ckg_store[0])
    assert [line.split("\t")[0] for line in listed.stdout.splitlines()] == [STORED_ARTICLE, "test-article"]


# --- one broken thing per file -------------------------------------------------

BROKEN_ARTICLES = [
    pytest.param(
        article_with("    conditions: [test-demand]\n", "   conditions: [test-demand]\n"),
        [
            "bad.yaml:29: YAML syntax error: expected <block end>, but found '<block mapping start>'. "
            "Check indentation, colons and quotes on this line or the one above."
        ],
        id="yaml-syntax-error",
    ),
    pytest.param(
        article_with("duration_days: 30", 'duration_days: "thirty"'),
        [
            "bad.yaml:14: proposal 'test-ceasefire', field 'duration_days': "
            "expected a whole number, got text ('thirty'). Write a whole number here."
        ],
        id="wrong-type",
    ),
    pytest.param(
        article_with('    quote: "Ukraine must stop rearming"', '    quotee: "Ukraine must stop rearming"'),
        [
            "bad.yaml:17: demand 'test-demand', field 'quote': missing required field 'quote'. "
            "Add 'quote:' to this entry.",
            "bad.yaml:23: demand 'test-demand', field 'quotee': unknown field 'quotee'. "
            "Allowed fields: id, by, of, text, issue, precondition_for, about, status, as_of, quote, reviewed. Did you mean 'quote'?",
        ],
        id="unknown-field",
    ),
    pytest.param(
        article_with("    by: putin\n", ""),
        ["bad.yaml:17: demand 'test-demand', field 'by': missing required field 'by'. Add 'by:' to this entry."],
        id="missing-required-field",
    ),
    pytest.param(
        article_with("stance: conditionally-accepts", "stance: conditionaly-accepts"),
        [
            "bad.yaml:28: position 'test-position', field 'stance': unknown value 'conditionaly-accepts'. "
            "Use one of: accepts, conditionally-accepts, supports, rejects, ambiguous. "
            "Did you mean 'conditionally-accepts'?"
        ],
        id="unknown-enum-value",
    ),
    pytest.param(
        article_with("    by: putin\n", "    by: putn\n"),
        [f"bad.yaml:18: demand 'test-demand', field 'by': unknown actor 'putn'. Did you mean 'putin'? {HINT_ACTOR}"],
        id="dangling-actor",
    ),
    pytest.param(
        article_with("    proposal: test-ceasefire\n", "    proposal: test-ceasfire\n"),
        [
            "bad.yaml:27: position 'test-position', field 'proposal': unknown proposal 'test-ceasfire'. "
            "Did you mean 'test-ceasefire'? Declare that proposal under 'proposals:' in this file."
        ],
        id="dangling-proposal",
    ),
    pytest.param(
        article_with("conditions: [test-demand]", "conditions: [test-demnd]"),
        [
            "bad.yaml:29: position 'test-position', field 'conditions': unknown demand 'test-demnd'. "
            "Did you mean 'test-demand'? Declare that demand under 'demands:' in this file."
        ],
        id="dangling-demand",
    ),
    pytest.param(
        article_with(
            "positions:\n",
            "  - id: test-demand\n    by: putin\n    text: Again.\n    quote: stop rearming\npositions:\n",
        ),
        [
            "bad.yaml:24: demand 'test-demand', field 'id': duplicate id 'test-demand' in 'demands' "
            "(first declared on line 17). Give each entry its own id, or merge the two."
        ],
        id="duplicate-id",
    ),
    pytest.param(
        article_with('    as_of: "2025-03-19"\n', '    as_of: "2025-03-19"\n    as_of: "2025-03-18"\n'),
        [
            "bad.yaml:23: demand 'test-demand', field 'as_of': the key 'as_of' appears twice in the same mapping "
            "(first on line 22). Keep one of them; YAML would silently keep only the last one."
        ],
        id="duplicate-key",
    ),
    pytest.param(
        article_with('as_of: "2025-03-19"', 'as_of: "2025-02-30"'),
        [
            "bad.yaml:22: demand 'test-demand', field 'as_of': '2025-02-30' is not a real date "
            "(day is out of range for month). Write an existing calendar date as YYYY-MM-DD."
        ],
        id="impossible-date",
    ),
    pytest.param(
        article_with('as_of: "2025-03-19"', 'as_of: "19/03/2025"'),
        [
            "bad.yaml:22: demand 'test-demand', field 'as_of': '19/03/2025' is not valid here. "
            "Expected: A calendar date written YYYY-MM-DD."
        ],
        id="invalid-date",
    ),
    pytest.param(
        article_with('as_of: "2025-03-19"', "as_of: 2025-03-21"),
        [
            "bad.yaml:22: demand 'test-demand', field 'as_of': as_of 2025-03-21 is after the article was published "
            "(2025-03-20). An article can only report stances and demands up to its own date."
        ],
        id="as-of-after-publication",
    ),
    pytest.param(
        article_with('quote: "Ukraine must stop rearming"', 'quote: "Ukraine must stop re-arming"'),
        [
            "bad.yaml:23: demand 'test-demand', field 'quote': quote not found in the article text test-article.txt: "
            f"the text has 'Ukraine must stop re' but then differs at '-arming'. {HINT_QUOTE}"
        ],
        id="quote-not-found",
    ),
    pytest.param(
        article_with("text: test-article.txt", "text: missing.txt"),
        [
            "bad.yaml:7: article 'test-article', field 'text': text file 'missing.txt' not found "
            "(looked for missing.txt). Give the article's full text path relative to this file, or remove 'text:'."
        ],
        id="text-file-missing",
    ),
    pytest.param(
        "",
        ["bad.yaml:1: the file is empty. Write the article's facts, starting with an 'article:' section."],
        id="empty-file",
    ),
    pytest.param(
        "# Only a comment, no facts.\n\n",
        ["bad.yaml:1: the file is empty. Write the article's facts, starting with an 'article:' section."],
        id="only-a-comment",
    ),
    pytest.param(
        article_with("registries: [actors.yaml]", "registries: [actor.yaml]"),
        [
            "bad.yaml:8: field 'registries': registry file 'actor.yaml' not found (looked for actor.yaml). "
            "Give its path relative to this file."
        ],
        id="registry-missing",
    ),
    pytest.param(
        article_with("    conditions: [test-demand]\n", "    conditions: [test-demand]\n    supersedes: old-one\n"),
        [
            "bad.yaml:30: position 'test-position', field 'supersedes': unknown position 'old-one'. "
            "Name a position of this file, of another file in this load, or already stored."
        ],
        id="dangling-supersedes",
    ),
    pytest.param(
        article_with("    proposal: test-ceasefire\n", "    proposal: test-ceasefire\n    supersedes: test-position\n"),
        [
            "bad.yaml:28: position 'test-position', field 'supersedes': 'test-position' is this position itself. "
            "Name another position, or remove it."
        ],
        id="position-supersedes-itself",
    ),
    pytest.param(
        article_with("duration_days: 30", "duration_days: !!python/object/apply:os.system [echo hacked]"),
        [
            "bad.yaml:14: proposal 'test-ceasefire', field 'duration_days': "
            "the YAML tag '!!python/object/apply:os.system' is not allowed in fact files. "
            "Remove the tag and write a plain value."
        ],
        id="python-tag",
    ),
    pytest.param(
        ARTICLE + "---\n" + ARTICLE,
        [
            "bad.yaml:31: a second YAML document starts here ('---'); a fact file holds one document. "
            "Remove the '---' line, or move the second document into a file of its own."
        ],
        id="two-documents",
    ),
]


@pytest.mark.parametrize(("content", "expected"), BROKEN_ARTICLES)
def test_a_broken_article_is_refused_with_exact_messages(
    content: str, expected: list[str], fact_dir: Path, ckg_store: tuple[Path, bytes]
) -> None:
    assert_file_refused(fact_dir, content, expected, ckg_store)


# --- bad files that need bytes, sizes or several paths ---------------------------


def test_non_utf8_bytes_are_refused(fact_dir: Path, ckg_store: tuple[Path, bytes]) -> None:
    data = article_with("title: Test talks", "title: Caf\u00e9 talks").encode("latin-1")
    (fact_dir / "bad.yaml").write_bytes(data)
    offset = data.index(b"\xe9")
    assert_refused(
        load("bad.yaml", store=ckg_store),
        [f"bad.yaml:4: byte 0xe9 at offset {offset} is not valid UTF-8. Save the file as UTF-8."],
    )
    assert_unchanged(ckg_store)


BILLION_LAUGHS = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def test_a_yaml_alias_bomb_is_refused_without_expanding_it(fact_dir: Path, ckg_store: tuple[Path, bytes]) -> None:
    (fact_dir / "bad.yaml").write_text(BILLION_LAUGHS, encoding="utf-8")
    # Expanded, the last line alone would be 9**9 (387 million) strings.
    with fails_after(10):
        result = load("bad.yaml", store=ckg_store)
    assert_refused(
        result,
        [
            "bad.yaml:2: YAML aliases (*name) are not allowed in fact files. "
            "Write the value out in full instead of referring to an anchor."
        ],
    )
    assert_unchanged(ckg_store)


def test_a_file_over_the_size_limit_is_refused(fact_dir: Path, ckg_store: tuple[Path, bytes]) -> None:
    head = ARTICLE.encode("utf-8")
    padding = b"#" * (MAX_FILE_BYTES - len(head)) + b"\n"
    (fact_dir / "huge.yaml").write_bytes(head + padding)
    size = MAX_FILE_BYTES + 1
    assert (fact_dir / "huge.yaml").stat().st_size == size
    assert_refused(
        load("huge.yaml", store=ckg_store),
        [
            f"huge.yaml: the file is {size:,} bytes, over the limit of {MAX_FILE_BYTES:,} bytes. "
            "Split the article's facts or check that this is a fact file."
        ],
    )
    assert_unchanged(ckg_store)


def test_a_folder_without_yaml_files_is_refused(fact_dir: Path, ckg_store: tuple[Path, bytes]) -> None:
    (fact_dir / "notes").mkdir()
    (fact_dir / "notes" / "readme.txt").write_text("not facts\n", encoding="utf-8")
    assert_refused(
        load("notes", store=ckg_store),
        ["notes: the folder holds no .yaml or .yml files. Point at fact files or a folder of them."],
    )
    assert_unchanged(ckg_store)


def test_a_path_that_does_not_exist_is_refused(fact_dir: Path, ckg_store: tuple[Path, bytes]) -> None:
    assert_refused(load("nowhere.yaml", store=ckg_store), ["nowhere.yaml: no such file or folder. Check the path."])
    assert_unchanged(ckg_store)


def test_the_same_article_id_in_two_files_is_refused(fact_dir: Path, ckg_store: tuple[Path, bytes]) -> None:
    (fact_dir / "test-article.yaml").write_text(ARTICLE, encoding="utf-8")
    (fact_dir / "copy.yaml").write_text(ARTICLE, encoding="utf-8")
    assert_refused(
        load("test-article.yaml", "copy.yaml", store=ckg_store),
        [
            "copy.yaml:3: article 'test-article', field 'id': article id 'test-article' is also used by "
            "test-article.yaml. Each article needs its own id."
        ],
    )
    assert_unchanged(ckg_store)


# --- all problems of a run together; validate; all or nothing ----------------------


def test_all_problems_of_all_files_are_reported_together(fact_dir: Path, ckg_store: tuple[Path, bytes]) -> None:
    broken = article_with("    by: putin\n", "    by: putn\n")
    broken = article_with('as_of: "2025-03-19"', 'as_of: "2025-02-30"', broken)
    (fact_dir / "bad-refs.yaml").write_text(broken, encoding="utf-8")
    (fact_dir / "syntax.yaml").write_text("article:\n  id: x\n title: y\n", encoding="utf-8")
    (fact_dir / "empty.yaml").write_text("", encoding="utf-8")
    result = load("syntax.yaml", "bad-refs.yaml", "nowhere.yaml", "empty.yaml", store=ckg_store)
    assert_refused(
        result,
        [
            "bad-refs.yaml:18: demand 'test-demand', field 'by': unknown actor 'putn'. "
            f"Did you mean 'putin'? {HINT_ACTOR}",
            "bad-refs.yaml:22: demand 'test-demand', field 'as_of': '2025-02-30' is not a real date "
            "(day is out of range for month). Write an existing calendar date as YYYY-MM-DD.",
            "empty.yaml:1: the file is empty. Write the article's facts, starting with an 'article:' section.",
            "nowhere.yaml: no such file or folder. Check the path.",
            "syntax.yaml:3: YAML syntax error: expected <block end>, but found '<block mapping start>'. "
            "Check indentation, colons and quotes on this line or the one above.",
        ],
        files=4,
    )
    assert_unchanged(ckg_store)


#: Two problems in one file, one of them a JSON Schema error: the other must be reported in the same run.
SCHEMA_ERROR_BESIDE_ANOTHER = [
    pytest.param(
        [
            ("stance: conditionally-accepts", "stance: conditionaly-accepts"),
            ("    actor: putin\n", "    actor: putn\n"),
        ],
        [
            f"bad.yaml:26: position 'test-position', field 'actor': unknown actor 'putn'. Did you mean 'putin'? {HINT_ACTOR}",
            "bad.yaml:28: position 'test-position', field 'stance': unknown value 'conditionaly-accepts'. "
            "Use one of: accepts, conditionally-accepts, supports, rejects, ambiguous. "
            "Did you mean 'conditionally-accepts'?",
        ],
        id="bad-enum-and-unknown-actor-in-one-entry",
    ),
    pytest.param(
        [("    text: Ukraine must", "    txt: Ukraine must"), ('as_of: "2025-03-19"', 'as_of: "2025-02-30"')],
        [
            "bad.yaml:17: demand 'test-demand', field 'text': missing required field 'text'. Add 'text:' to this entry.",
            "bad.yaml:20: demand 'test-demand', field 'txt': unknown field 'txt'. "
            "Allowed fields: id, by, of, text, issue, precondition_for, about, status, as_of, quote, reviewed. Did you mean 'text'?",
            "bad.yaml:22: demand 'test-demand', field 'as_of': '2025-02-30' is not a real date "
            "(day is out of range for month). Write an existing calendar date as YYYY-MM-DD.",
        ],
        id="unknown-field-and-impossible-date-in-one-entry",
    ),
    pytest.param(
        [
            ("duration_days: 30", 'duration_days: "thirty"'),
            ('quote: "proposed a 30-day', 'quote: "proposed a 60-day'),
        ],
        [
            "bad.yaml:14: proposal 'test-ceasefire', field 'duration_days': "
            "expected a whole number, got text ('thirty'). Write a whole number here.",
            "bad.yaml:15: proposal 'test-ceasefire', field 'quote': quote not found in the article text "
            f"test-article.txt: the text has 'proposed a ' but then differs at '60-day ceasefire'. {HINT_QUOTE}",
        ],
        id="wrong-type-and-quote-not-found-in-one-entry",
    ),
    pytest.param(
        [("  outlet:", "  outlett:"), ("    by: putin\n", "    by: putn\n")],
        [
            "bad.yaml:2: article 'test-article', field 'outlet': missing required field 'outlet'. "
            "Add 'outlet:' to this entry.",
            "bad.yaml:5: article 'test-article', field 'outlett': unknown field 'outlett'. "
            "Allowed fields: id, title, outlet, published, url, language, text. Did you mean 'outlet'?",
            f"bad.yaml:18: demand 'test-demand', field 'by': unknown actor 'putn'. Did you mean 'putin'? {HINT_ACTOR}",
        ],
        id="article-section-error-and-unknown-actor",
    ),
    pytest.param(
        [("  outlet:", "  outlett:"), ('published: "2025-03-20"', 'published: "2025-02-30"')],
        [
            "bad.yaml:2: article 'test-article', field 'outlet': missing required field 'outlet'. "
            "Add 'outlet:' to this entry.",
            "bad.yaml:5: article 'test-article', field 'outlett': unknown field 'outlett'. "
            "Allowed fields: id, title, outlet, published, url, language, text. Did you mean 'outlet'?",
            "bad.yaml:6: article 'test-article', field 'published': '2025-02-30' is not a real date "
            "(day is out of range for month). Write an existing calendar date as YYYY-MM-DD.",
        ],
        id="article-section-error-and-impossible-publication-date",
    ),
    pytest.param(
        [
            ("  title: Test talks on a 30-day ceasefire", "  title: 30"),
            ('quote: "Ukraine must stop rearming"', 'quote: "Ukraine must stop re-arming"'),
        ],
        [
            "bad.yaml:4: article 'test-article', field 'title': expected text, got a number (30). Write text here.",
            "bad.yaml:23: demand 'test-demand', field 'quote': quote not found in the article text test-article.txt: "
            f"the text has 'Ukraine must stop re' but then differs at '-arming'. {HINT_QUOTE}",
        ],
        id="article-section-error-and-quote-not-found",
    ),
]


@pytest.mark.parametrize(("changes", "expected"), SCHEMA_ERROR_BESIDE_ANOTHER)
def test_a_schema_error_does_not_hide_other_problems_of_its_entry_or_file(
    changes: list[tuple[str, str]], expected: list[str], fact_dir: Path, ckg_store: tuple[Path, bytes]
) -> None:
    content = ARTICLE
    for old, new in changes:
        content = article_with(old, new, content)
    (fact_dir / "bad.yaml").write_text(content, encoding="utf-8")
    assert_refused(run_ckg("validate", "bad.yaml", "--store", ckg_store[0]), expected)
    assert_refused(load("bad.yaml", store=ckg_store), expected)
    assert_unchanged(ckg_store)


def test_a_value_two_files_give_differently_is_named_by_its_yaml_field(
    fact_dir: Path, ckg_store: tuple[Path, bytes]
) -> None:
    (fact_dir / "test-article.yaml").write_text(ARTICLE, encoding="utf-8")
    other = article_with("id: test-article", "id: other-article")
    (fact_dir / "other.yaml").write_text(
        article_with("duration_days: 30", "duration_days: 31", other), encoding="utf-8"
    )
    assert_refused(
        load("test-article.yaml", "other.yaml", store=ckg_store),
        [
            "other.yaml:14: proposal 'test-ceasefire', field 'duration_days': has more than one value for "
            "'duration_days' across the files and the store. The same id names the same thing everywhere: "
            "keep the value identical in every file, or give this fact its own id."
        ],
    )
    assert_unchanged(ckg_store)


def test_validate_reports_the_same_problem_and_exits_1(fact_dir: Path, ckg_store: tuple[Path, bytes]) -> None:
    (fact_dir / "bad.yaml").write_text(article_with("    by: putin\n", "    by: putn\n"), encoding="utf-8")
    expected = [
        f"bad.yaml:18: demand 'test-demand', field 'by': unknown actor 'putn'. Did you mean 'putin'? {HINT_ACTOR}"
    ]
    assert_refused(run_ckg("validate", "bad.yaml", "--store", ckg_store[0]), expected)
    assert_refused(run_ckg("validate", "bad.yaml", "--store", fact_dir / "no-store"), expected)
    assert not (fact_dir / "no-store").exists(), "validate created a store"
    assert_unchanged(ckg_store)


def test_a_good_file_loaded_with_a_bad_one_is_not_stored(fact_dir: Path, ckg_store: tuple[Path, bytes]) -> None:
    (fact_dir / "test-article.yaml").write_text(ARTICLE, encoding="utf-8")
    bad = article_with("id: test-article", "id: other-article")
    bad = article_with('as_of: "2025-03-19"', 'as_of: "2025-02-30"', bad)
    (fact_dir / "bad.yaml").write_text(bad, encoding="utf-8")
    assert_refused(
        load("test-article.yaml", "bad.yaml", store=ckg_store),
        [
            "bad.yaml:22: demand 'test-demand', field 'as_of': '2025-02-30' is not a real date "
            "(day is out of range for month). Write an existing calendar date as YYYY-MM-DD."
        ],
    )
    listed = run_ckg("articles", "--store", ckg_store[0])
    assert listed.exit_code == 0, listed.output
    assert [line.split("\t")[0] for line in listed.stdout.splitlines()] == [STORED_ARTICLE]
    assert_unchanged(ckg_store)


def test_a_bad_folder_stores_nothing_of_its_good_files(fact_dir: Path, ckg_store: tuple[Path, bytes]) -> None:
    (fact_dir / "test-article.yaml").write_text(ARTICLE, encoding="utf-8")
    bad = article_with("id: test-article", "id: other-article")
    bad = article_with("stance: conditionally-accepts", "stance: maybe", bad)
    (fact_dir / "zz-bad.yaml").write_text(bad, encoding="utf-8")
    assert_refused(
        load(".", store=ckg_store),
        [
            "zz-bad.yaml:28: position 'test-position', field 'stance': unknown value 'maybe'. "
            "Use one of: accepts, conditionally-accepts, supports, rejects, ambiguous."
        ],
    )
    listed = run_ckg("articles", "--store", ckg_store[0])
    assert [line.split("\t")[0] for line in listed.stdout.splitlines()] == [STORED_ARTICLE]
    assert_unchanged(ckg_store)


def test_a_refused_first_load_creates_no_store(fact_dir: Path) -> None:
    (fact_dir / "bad.yaml").write_text("", encoding="utf-8")
    result = run_ckg("load", "bad.yaml", "--store", fact_dir / "new-store")
    assert result.exit_code == 1, result.output
    assert not (fact_dir / "new-store").exists()


# --- input that once crashed the reader or the checks with a traceback --------

NESTED_TOO_DEEP = (
    "bad.yaml:4: lists and mappings are nested more than 20 levels deep here. Fact files nest a few levels only "
    "(article, section, fact, field, list): check the brackets and indentation."
)


@pytest.mark.parametrize(
    "value",
    ["[" * 500 + "]" * 500, "{a: " * 1000 + "1" + "}" * 1000, "[" * 21 + "]" * 21],
    ids=["list-500-deep", "map-1000-deep", "list-21-deep"],
)
@pytest.mark.parametrize("command", ["load", "validate"])
def test_nesting_too_deep_is_refused(fact_dir: Path, ckg_store: tuple[Path, bytes], value: str, command: str) -> None:
    (fact_dir / "bad.yaml").write_text(
        article_with("title: Test talks on a 30-day ceasefire", f"title: {value}"), encoding="utf-8"
    )
    assert_refused(run_ckg(command, "bad.yaml", "--store", ckg_store[0]), [NESTED_TOO_DEEP])
    assert_unchanged(ckg_store)


def test_a_lone_surrogate_escape_is_refused(fact_dir: Path, ckg_store: tuple[Path, bytes]) -> None:
    (fact_dir / "bad.yaml").write_text(
        article_with("title: Test talks on a 30-day ceasefire", 'title: "\\ud800 Test talks"'), "utf-8"
    )
    assert_refused(
        load("bad.yaml", store=ckg_store),
        [
            "bad.yaml:4: article 'test-article', field 'title': the escape \\ud800 is half of a UTF-16 surrogate "
            "pair, not a character. Write the character itself, or its \\U0001XXXX escape."
        ],
    )
    assert_unchanged(ckg_store)


@pytest.mark.parametrize(("character", "code"), [("\x1b", "001B"), ("\x08", "0008"), ("\x0e", "000E")])
def test_a_control_character_is_named_with_its_line(
    fact_dir: Path, ckg_store: tuple[Path, bytes], character: str, code: str
) -> None:
    (fact_dir / "bad.yaml").write_text(article_with("outlet: Test Wire", f"outlet: Test{character} Wire"), "utf-8")
    assert_refused(
        load("bad.yaml", store=ckg_store),
        [
            f"bad.yaml:5: the character U+{code} is not allowed in a YAML file. Remove it; to put a control "
            "character in a value, write it as an escape (\\x1b) in double quotes."
        ],
    )
    assert_unchanged(ckg_store)


@pytest.mark.parametrize(
    ("data", "line"),
    [(ARTICLE.encode("utf-16-le"), 1), (ARTICLE.replace("Test Wire", "Test\x00Wire").encode(), 5)],
    ids=["utf-16-without-bom", "nul-byte"],
)
def test_nul_bytes_are_refused_as_not_utf8(
    fact_dir: Path, ckg_store: tuple[Path, bytes], data: bytes, line: int
) -> None:
    (fact_dir / "bad.yaml").write_bytes(data)
    assert_refused(
        load("bad.yaml", store=ckg_store),
        [
            f"bad.yaml:{line}: the file holds NUL bytes: it is not UTF-8 text (UTF-16 without a byte-order mark, "
            "or binary data). Save the file as UTF-8."
        ],
    )
    assert_unchanged(ckg_store)


@pytest.mark.parametrize(
    ("registry", "got"), [("just text\n", "text"), ("- a\n- list\n", "a list"), ("42\n", "a number")]
)
def test_a_registry_that_is_not_a_mapping_is_refused_once(
    fact_dir: Path, ckg_store: tuple[Path, bytes], registry: str, got: str
) -> None:
    (fact_dir / "actors.yaml").write_text(registry, encoding="utf-8")
    (fact_dir / "bad.yaml").write_text(ARTICLE, encoding="utf-8")
    assert_refused(
        load("bad.yaml", store=ckg_store),
        [
            f"actors.yaml:1: expected a mapping at the top level, got {got}. Start the file with 'article:' "
            "(or 'registry:' for an actor registry)."
        ],
    )
    # Given on the command line as well, it is still reported once.
    assert_refused(
        load(".", store=ckg_store),
        [
            f"actors.yaml:1: expected a mapping at the top level, got {got}. Start the file with 'article:' "
            "(or 'registry:' for an actor registry)."
        ],
    )
    assert_unchanged(ckg_store)


def test_a_registry_path_that_is_no_yaml_file_is_not_read(fact_dir: Path, ckg_store: tuple[Path, bytes]) -> None:
    (fact_dir / "bad.yaml").write_text(
        article_with("registries: [actors.yaml]", "registries: [../../../../../../etc/passwd]"), encoding="utf-8"
    )
    assert_refused(
        load("bad.yaml", store=ckg_store),
        [
            "bad.yaml:8: field 'registries': registry file '../../../../../../etc/passwd' is not a .yaml or .yml "
            "file. Give the path of an actor registry file, relative to this file."
        ],
    )
    assert_unchanged(ckg_store)


def test_a_registry_in_another_folder_is_read(fact_dir: Path, ckg_store: tuple[Path, bytes]) -> None:
    outside = fact_dir.parent / "elsewhere"
    outside.mkdir()
    (outside / "actors.yaml").write_text((fact_dir / "actors.yaml").read_text("utf-8"), "utf-8")
    (fact_dir / "actors.yaml").unlink()
    (fact_dir / "good.yaml").write_text(
        article_with("registries: [actors.yaml]", "registries: [../elsewhere/actors.yaml]"), encoding="utf-8"
    )
    result = load("good.yaml", store=ckg_store)
    assert result.exit_code == 0, result.output


# --- valid time: a status holds from a date the article could report -------------------

_FUTURE_STATUS_ARTICLES = [
    pytest.param(
        article_with(
            "    duration_days: 30\n", '    duration_days: 30\n    status: in-force\n    status_since: "2025-03-21"\n'
        ),
        [
            "bad.yaml:16: proposal 'test-ceasefire', field 'status_since': the status in-force holds from "
            "status_since 2025-03-21, after the article was published (2025-03-20). An article can only report "
            "a status that holds by its own date: give status_since on or before 2025-03-20, or correct the status."
        ],
        id="status-since-after-publication",
    ),
    pytest.param(
        article_with(
            "    duration_days: 30\n", '    duration_days: 30\n    status: in-force\n    effective_from: "2025-04-01"\n'
        ),
        [
            "bad.yaml:16: proposal 'test-ceasefire', field 'effective_from': the status in-force holds from "
            "effective_from 2025-04-01, after the article was published (2025-03-20). A status in-force without "
            "status_since holds from effective_from, and an article can only report a status that holds by its "
            "own date: give status_since (on or before 2025-03-20), correct effective_from, or correct the status."
        ],
        id="in-force-from-a-later-date",
    ),
    pytest.param(
        ARTICLE
        + 'events:\n  - id: test-talks\n    type: talks\n    status: held\n    date: "2025-03-22"\n'
        + '    quote: "proposed a 30-day ceasefire"\n',
        [
            "bad.yaml:35: event 'test-talks', field 'date': the status held holds from date 2025-03-22, after the "
            "article was published (2025-03-20). A status held without status_since holds from date, and an "
            "article can only report a status that holds by its own date: give status_since (on or before "
            "2025-03-20), correct date, or correct the status."
        ],
        id="held-after-publication",
    ),
]


@pytest.mark.parametrize(("content", "expected"), _FUTURE_STATUS_ARTICLES)
def test_a_status_from_after_the_publication_is_refused(
    content: str, expected: list[str], fact_dir: Path, ckg_store: tuple[Path, bytes]
) -> None:
    assert_file_refused(fact_dir, content, expected, ckg_store)


def test_a_planned_event_and_an_agreed_deal_may_look_ahead(fact_dir: Path, ckg_store: tuple[Path, bytes]) -> None:
    content = (
        article_with(
            "    duration_days: 30\n", '    duration_days: 30\n    status: agreed\n    effective_from: "2025-04-01"\n'
        )
        + 'events:\n  - id: test-talks\n    type: talks\n    status: planned\n    date: "2025-03-25"\n'
        + '    quote: "proposed a 30-day ceasefire"\n'
    )
    (fact_dir / "good.yaml").write_text(content, encoding="utf-8")
    result = load("good.yaml", store=ckg_store)
    assert result.exit_code == 0, result.output
