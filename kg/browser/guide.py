"""The Neo4j Browser guide: a guided tour of the graph, then one slide per saved query.

Neo4j Browser loads a guide with ``:guide URL``; a Markdown guide is split
into slides on ``---`` lines, and its ``cypher`` code blocks can be clicked to
run. The guide is generated from the saved queries' headers (read by
:mod:`ceasefire_kg.saved_queries`): the actors, the proposals and their scopes,
the events, then every saved query with its parameters as ``:param`` blocks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ceasefire_kg.browser.query_blocks import (
    ID_COLUMN_SUFFIX,
    cypher_literal,
    graph_block,
    id_column,
    param_block,
    query_body,
)
from ceasefire_kg.browser.urls import DEFAULT_PORT, browser_commands
from ceasefire_kg.errors import BrowserAssetsError
from ceasefire_kg.saved_queries import IRI_KINDS, Parameter, SavedQuery, or_list, saved_queries

GUIDE_TITLE = "Ceasefire negotiations in Neo4j"

_SLIDE_BREAK = "\n\n---\n\n"


def _cypher_block(text: str) -> str:
    return f"```cypher\n{text}\n```"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _parameter_line(parameter: Parameter) -> str:
    kind = parameter.type_text
    default = "required" if parameter.required else f"default {parameter.default}"
    how = {
        "date": "a date such as `date('2025-04-01')`",
        "integer": "a whole number",
        "boolean": "`true` or `false`",
        "string": "a string in quotes",
        "fact-id": "a fact's id in quotes, such as `'putin-rejects-full-ceasefire'`",
        "enum": f"one of {or_list([f'`{cypher_literal(choice)}`' for choice in parameter.choices])}",
    }.get(parameter.type, "")
    if parameter.type == "iri":
        namespace = IRI_KINDS[parameter.kind]("") if parameter.kind in IRI_KINDS else None
        how = f"a full IRI in quotes, such as `'{namespace}ID'`" if namespace else "a full IRI in quotes"
    if parameter.default is not None and parameter.convert(parameter.default) is None:
        # null leaves the parameter unset, as its default 'none' (or 'latest') does. What that
        # means differs (the latest date, from the beginning, no restriction): the
        # description says it in the header's own words.
        how += f"; `null` for {parameter.default}"
    text = f"- `{parameter.name}` ({kind}, {default})"
    if parameter.description:
        text += f": {_one_line(parameter.description)}"
    if how:
        text += f". In Browser: {how}."
    return text


def _query_slide(query: SavedQuery) -> str:
    columns = ", ".join(f"`{name}`" for name in query.column_names)
    parts = [
        f"## {query.title}",
        f"Saved query `{query.name}` (the same answer as `ckg query {query.name}`).",
        _one_line(query.description) if query.description else "",
    ]
    block = param_block(query)
    if block is not None:
        parts.append("Parameters:")
        parts.append("\n".join(_parameter_line(parameter) for parameter in query.parameters))
        required = [f"`{parameter.name}`" for parameter in query.parameters if parameter.required]
        parts.append(
            "Set them first (these are the defaults; edit a value in the editor and run it again to change it"
            + (f"; {', '.join(required)} has no default: replace its null" if required else "")
            + "):"
        )
        parts.append(_cypher_block(block))
        for example in query.examples:
            # Set the same way (every parameter), so that one click gives a consistent set.
            parts.append(f"Or, {example.description or 'with ' + example.options}:")
            parts.append(_cypher_block(param_block(query, example) or ""))
    parts.append(f"Run `{query.name}` unchanged; it returns a table of {columns}:")
    parts.append(_cypher_block(query_body(query)))
    graph = graph_block(query)
    column = id_column(query)
    if graph is not None and column is not None:
        parts.append(
            f"See the same answer as a graph: each {column[: -len(ID_COLUMN_SUFFIX)]} with who and what it involves:"
        )
        parts.append(_cypher_block(graph))
    return "\n\n".join(part for part in parts if part)


def _intro_slide(queries: Sequence[SavedQuery], port: int) -> str:
    listing = "\n".join(f"- `{query.name}`: {query.title}" for query in queries) or "- (none are installed)"
    style_command, guide_command = browser_commands(port)
    return "\n\n".join(
        [
            # Browser titles a remote guide by the first <title> in its text (else
            # by its URL); a Markdown link definition holds it without showing it.
            f"[//]: # (<title>{GUIDE_TITLE}</title>)\n\n# {GUIDE_TITLE}",
            "This guide walks through the negotiation graph that `ckg push` wrote: the actors, "
            "the proposals and their scopes, the events, then each saved query. Click a code block to copy it "
            "into the editor, or its ▶ icon to run it. The arrows below move between slides.",
            "Every node is captioned with its `name` and coloured by its label. If the graph looks "
            "grey, load the style again:",
            _cypher_block(style_command),
            "What the graph holds, by label:",
            _cypher_block(
                "MATCH (n:Resource)\n"
                "UNWIND [label IN labels(n) WHERE label <> 'Resource'] AS label\n"
                "RETURN label, count(*) AS nodes\n"
                "ORDER BY nodes DESC, label"
            ),
            f"The saved queries, one slide each after the tour:\n\n{listing}",
            f"Reopen this guide any time with `{guide_command}`.",
        ]
    )


def _actors_slide() -> str:
    return "\n\n".join(
        [
            "## The actors",
            "States, the people who speak for them (`REPRESENTS`), organisations and alliances "
            "(`MEMBER_OF`). People count for the side they represent in the saved queries.",
            _cypher_block(
                "MATCH (actor:Actor)\n"
                "OPTIONAL MATCH link = (actor)-[:REPRESENTS|MEMBER_OF]->(:Actor)\n"
                "RETURN actor, link"
            ),
            "Who they are, as a table:",
            _cypher_block(
                "MATCH (actor:Actor)\n"
                "OPTIONAL MATCH (actor)-[:REPRESENTS]->(side:Actor)\n"
                "RETURN actor.name AS actor,\n"
                "       [label IN labels(actor) WHERE NOT label IN ['Resource', 'Actor']] AS kind,\n"
                "       side.name AS speaks_for\n"
                "ORDER BY kind, actor"
            ),
        ]
    )


def _proposals_slide() -> str:
    return "\n\n".join(
        [
            "## The proposals and their scopes",
            "Ceasefires, truces and agreements, who proposed them, who they bind and who mediates; "
            "each scope is drawn with the broader scopes it belongs to (`BROADER`).",
            _cypher_block(
                "MATCH (proposal:Proposal)\n"
                "OPTIONAL MATCH scope = (proposal)-[:SCOPE]->(:Concept)-[:BROADER*0..]->(:Concept)\n"
                "OPTIONAL MATCH actors = (proposal)-[:PROPOSED_BY|PARTY|MEDIATOR]->(:Actor)\n"
                "RETURN proposal, collect(scope) AS scopes, collect(actors) AS actors"
            ),
            "How the sides read a proposal's scope (scope interpretations):",
            _cypher_block(
                "MATCH reading = (:Actor)<-[:CLAIMANT]-(claim:ScopeInterpretation)-[:ABOUT_PROPOSAL]->(:Proposal)\n"
                "OPTIONAL MATCH claimed = (claim)-[:CLAIMED_SCOPE]->(:Concept)\n"
                "RETURN reading, collect(claimed) AS claimed"
            ),
            "How each side reads a proposal's terms (terms interpretations: what a deal includes and leaves out;"
            " empty where no article reports a reading):",
            _cypher_block(
                "MATCH (proposal:Proposal)\n"
                "OPTIONAL MATCH (actor:Actor)<-[:CLAIMANT]-(claim:TermsInterpretation)-[:ABOUT_PROPOSAL]->(proposal)\n"
                "RETURN proposal.name AS proposal, actor.name AS actor,\n"
                "       claim.includesTerm AS includes, claim.excludesTerm AS excludes, claim.date AS date\n"
                "ORDER BY proposal, date, actor"
            ),
            "Each proposal's latest status:",
            _cypher_block(
                "MATCH (proposal:Proposal)\n"
                "OPTIONAL MATCH (proposal)-[:SCOPE]->(scope:Concept)\n"
                "WITH proposal, collect(scope.name) AS scopes\n"
                "OPTIONAL MATCH (proposal)-[:STATUS_RECORD]->(record:StatusRecord)\n"
                "WITH proposal, scopes, record ORDER BY record.asOf DESC\n"
                "RETURN proposal.name AS proposal, scopes, collect(record.name)[0] AS latest_status\n"
                "ORDER BY proposal"
            ),
        ]
    )


def _events_slide() -> str:
    return "\n\n".join(
        [
            "## The events",
            "Calls, meetings and talks, strikes, releases, blockades and sanctions: who carried them out "
            "(`INITIATOR`; its `authorship` says whether that is alleged or established), who took part "
            "(`PARTICIPANT`), whom they targeted (`TARGET`), who mediated (`MEDIATOR`), and, for an event "
            "known only from some actors' account, whose (`ACCORDING_TO`).",
            _cypher_block(
                "MATCH (event:Event)\n"
                "OPTIONAL MATCH actors = (event)-[:INITIATOR|PARTICIPANT|TARGET|MEDIATOR|ACCORDING_TO]->(:Actor)\n"
                "RETURN event, collect(actors) AS actors"
            ),
            "As a table, with the days each spans and how talks were held (`direct`, or `proximity`: the "
            "mediators carried messages between sides who did not meet, so the sides had no direct contact):",
            _cypher_block(
                "MATCH (event:Event)-[:EVENT_TYPE]->(type:Concept)\n"
                "OPTIONAL MATCH (event)-[:ACCORDING_TO]->(source:Actor)\n"
                "RETURN event.name AS event, type.name AS type, event.date AS date, event.endDate AS end_date,\n"
                "       event.talksFormat AS format, event.fatalities AS fatalities, event.wounded AS wounded,\n"
                "       event.authorship AS authorship, collect(source.name) AS according_to\n"
                "ORDER BY date, event"
            ),
        ]
    )


def _closing_slide() -> str:
    return "\n\n".join(
        [
            "## Next",
            "The same questions run from the command line, on Neo4j or on the embedded store: "
            "`ckg queries` lists them and `ckg query NAME -p NAME=VALUE` runs one.",
            "Browser keeps the style in this web browser. To go back to Browser's own style:",
            _cypher_block(":style reset"),
            "To see the parameters that are set, and to clear the result frames:",
            _cypher_block(":params"),
            _cypher_block(":clear"),
        ]
    )


def guide(queries: Iterable[SavedQuery] | None = None, port: int = DEFAULT_PORT) -> str:
    """The Neo4j Browser guide, as Markdown for ``:guide``.

    Args:
        queries: The saved queries to present, in order; by default every shipped
            one (:func:`ceasefire_kg.saved_queries.saved_queries`). Queries
            without a Cypher version are left out.
        port: The port the assets are served on (named in the slides' commands).

    Returns:
        The slides, separated by ``---`` lines: an introduction listing the
        saved queries, the actors, the proposals and their scopes, the events, one slide per
        saved query (its description, parameters as a ``:param`` block, the query
        and, when it names facts, a graph view of them), and a closing slide.

    Raises:
        SavedQueryFileError: If a shipped query file is malformed.
    """
    chosen = [query for query in (saved_queries() if queries is None else queries) if query.cypher is not None]
    slides = [_intro_slide(chosen, port), _actors_slide(), _proposals_slide(), _events_slide()]
    slides += [_query_slide(query) for query in chosen]
    slides.append(_closing_slide())
    for slide in slides:
        # A line of three dashes inside a slide would split it in two.
        if re.search(r"^---\s*$", slide, flags=re.MULTILINE):
            raise BrowserAssetsError(
                "A guide slide contains a line of three dashes, which Browser reads as a slide break; "
                "rewrite that line of the saved query."
            )
    return _SLIDE_BREAK.join(slides) + "\n"


def guide_slides(text: str) -> list[str]:
    """Split a guide into slides the way Neo4j Browser does (on lines of ``---``), each stripped."""
    return [slide.strip() for slide in re.split(r"\r?\n---\r?\n", text)]


def guide_blocks(text: str) -> list[str]:
    """The contents of a guide's ``cypher`` blocks (the runnable ones), in order."""
    return [match.group(1) for match in re.finditer(r"```cypher\n(.*?)\n```", text, flags=re.DOTALL)]
