"""The brief's pictures, drawn with matplotlib as SVG to put inline in the page.

matplotlib is imported here only (the ``brief`` extra installs it): it draws
offline, writes SVG whose text stays text (searchable, selectable, printable
at any size), and gives the same bytes for the same figure once the date
metadata is left out and the id salt fixed.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from collections import defaultdict
from typing import Any

from ceasefire_kg.analysis import Alignment
from ceasefire_kg.errors import BriefError

logger = logging.getLogger(__name__)

#: The colour of each stance, in the matrix and the timeline (a diverging scale, readable in grey print by its labels).
STANCE_COLOURS = {
    "accepts": "#1a9850",
    "supports": "#91cf60",
    "conditionally-accepts": "#fdae61",
    "ambiguous": "#bdbdbd",
    "rejects": "#d73027",
}
#: Status colours of demands and proposals in the timeline.
STATUS_COLOURS = {
    "open": "#6a51a3",
    "met": "#1a9850",
    "withdrawn": "#4393c3",
    "proposed": "#969696",
    "agreed": "#91cf60",
    "in-force": "#1a9850",
    "collapsed": "#d73027",
    "lapsed": "#737373",
}
_OTHER = "#525252"
_LABEL_WIDTH = 48


def _pyplot_free_figure(width: float, height: float) -> Any:
    """A figure without pyplot: no global state, no GUI backend."""
    try:
        from matplotlib.figure import Figure
    except ImportError as error:
        raise BriefError(
            "ckg brief draws its pictures with matplotlib, which is not installed: "
            "pip install 'ceasefire-kg[brief]' (or pip install matplotlib)."
        ) from error
    return Figure(figsize=(width, height), layout="constrained")


def _svg(figure: Any, salt: str, title: str) -> str:
    """The figure as an inline ``<svg>`` element that scales with the page."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": salt, "svg.fonttype": "none", "font.family": "sans-serif"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    start = text.index("<svg")
    svg = text[start:]
    # Sized by CSS instead of in points, so that it fits a phone and an A4 page alike.
    svg = re.sub(r'^<svg([^>]*?) width="[^"]*" height="[^"]*"', r"<svg\1", svg, count=1)
    return svg.replace("<svg", f'<svg class="chart" role="img" aria-label="{_attribute(title)}"', 1)


def _attribute(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _short(text: str, width: int = _LABEL_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def timeline_svg(
    history: list[dict[str, Any]],
    timeline: list[dict[str, Any]],
    accusations: list[dict[str, Any]],
    until: dt.date,
) -> str | None:
    """Each side's stance on each proposal over time, and the statuses, talks and accusations below.

    Args:
        history: ``position-history`` rows.
        timeline: ``timeline`` rows (demand and proposal statuses, talks).
        accusations: ``accusations`` rows.
        until: The brief's date: the right end of each stance's bar.

    Returns:
        The picture, or None when nothing is dated.
    """
    lanes: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in history:
        if row["since"] is not None:
            lanes[(row["proposal"], row["actor"])].append(row)
    events: dict[str, list[tuple[dt.date, str]]] = {
        "Demand status": [],
        "Proposal status": [],
        "Talks": [],
        "Accusations": [],
    }
    for row in timeline:
        if row["date"] is None:
            continue
        if row["kind"] == "demand" and row["status"]:
            events["Demand status"].append((row["date"], str(row["status"])))
        elif row["kind"] == "proposal" and row["status"]:
            events["Proposal status"].append((row["date"], str(row["status"])))
        elif row["kind"] in ("talks", "meeting", "call"):
            events["Talks"].append((row["date"], str(row["kind"])))
    events["Accusations"] = [(row["date"], str(row["charge"])) for row in accusations if row["date"] is not None]
    event_lanes = [(name, items) for name, items in events.items() if items]
    if not lanes and not event_lanes:
        return None
    import matplotlib.dates as mdates
    from matplotlib.lines import Line2D

    ordered = sorted(lanes)
    count = len(ordered) + len(event_lanes)
    figure = _pyplot_free_figure(10, 1.4 + 0.42 * count)
    axes = figure.subplots()
    dates = [r["since"] for rows in lanes.values() for r in rows] + [d for _, items in event_lanes for d, _ in items]
    start = min(dates)
    end = max(until, max(dates))
    pad = dt.timedelta(days=max(1, (end - start).days // 30))
    labels = []
    for y, key in enumerate(ordered):
        rows = sorted(lanes[key], key=lambda r: (r["since"], r["position_id"]))
        labels.append(_short(f"{key[1]} · {key[0]}"))
        previous = None
        for number, row in enumerate(rows):
            colour = STANCE_COLOURS.get(str(row["stance"]), _OTHER)
            following = next((r["since"] for r in rows[number + 1 :] if r["since"] > row["since"]), end)
            axes.plot([row["since"], following], [y, y], color=colour, linewidth=7, solid_capstyle="butt")
            changed = previous is not None and previous != row["stance"]
            axes.plot(
                [row["since"]],
                [y],
                marker="D" if changed else "o",
                markersize=10 if changed else 6,
                markerfacecolor=colour,
                markeredgecolor="black",
                markeredgewidth=1.5 if changed else 0.5,
                linestyle="none",
            )
            previous = row["stance"]
    markers = {"Demand status": "v", "Proposal status": "s", "Talks": "P", "Accusations": "X"}
    for offset, (name, items) in enumerate(event_lanes):
        y = len(ordered) + offset
        labels.append(name)
        for date, what in sorted(items):
            axes.plot(
                [date],
                [y],
                marker=markers[name],
                markersize=9,
                color=STATUS_COLOURS.get(what, _OTHER if name != "Accusations" else "#b2182b"),
                markeredgecolor="black",
                markeredgewidth=0.5,
                linestyle="none",
            )
    axes.set_yticks(range(count), labels)
    axes.set_ylim(count - 0.5, -0.5)
    axes.set_xlim(start - pad, end + pad)
    axes.axvline(until, color="black", linewidth=1, linestyle=":")
    locator = mdates.AutoDateLocator()
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    axes.grid(axis="x", color="#e0e0e0")
    axes.spines[["top", "right"]].set_visible(False)
    shown = sorted({str(r["stance"]) for rows in lanes.values() for r in rows})
    statuses = sorted({what for name, items in event_lanes if name.endswith("status") for _, what in items})
    handles = [Line2D([], [], color=STANCE_COLOURS.get(s, _OTHER), linewidth=7, label=s) for s in shown]
    handles.append(
        Line2D([], [], marker="D", color="white", markeredgecolor="black", markersize=9, label="stance changed")
    )
    handles += [
        Line2D([], [], marker="o", color=STATUS_COLOURS.get(s, _OTHER), linestyle="none", label=f"status {s}")
        for s in statuses
    ]
    figure.legend(handles=handles, loc="outside lower center", ncols=4, fontsize=8, frameon=False)
    return _svg(figure, "timeline", "Timeline: each side's stance per proposal, statuses, talks and accusations")


def alignment_svg(result: Alignment) -> str | None:
    """The sides as a network: green lines where they agree more than they disagree, red dashed where less.

    Returns:
        The picture, or None when no two sides took stances on the same proposal.
    """
    import networkx as nx

    network = result.network
    if network.number_of_nodes() < 2:
        return None
    bloc_colours = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"]
    nodes = sorted(network.nodes, key=lambda n: (network.nodes[n].get("bloc", 0), network.nodes[n]["label"], n))
    ordered: nx.Graph[str] = nx.Graph()
    ordered.add_nodes_from(nodes)  # the circle follows the blocs, in this order
    positions = nx.circular_layout(ordered) if len(nodes) > 2 else {nodes[0]: (-1.0, 0.0), nodes[1]: (1.0, 0.0)}
    size = 4.5 if len(nodes) <= 8 else 7
    figure = _pyplot_free_figure(size + 1.5, size)
    axes = figure.subplots()
    for a, b, data in sorted(network.edges(data=True), key=lambda e: (e[0], e[1])):
        weight = data["weight"]
        (x1, y1), (x2, y2) = positions[a], positions[b]
        axes.plot(
            [x1, x2],
            [y1, y2],
            color="#1a9850" if weight > 0 else "#d73027" if weight < 0 else "#969696",
            linestyle="-" if weight > 0 else "--",
            linewidth=1 + 1.5 * min(abs(weight), 4),
            zorder=1,
        )
        axes.annotate(
            f"{weight:+d}", ((x1 + x2) / 2, (y1 + y2) / 2), fontsize=8, ha="center", va="center", color="#252525"
        )
    for node in nodes:
        x, y = positions[node]
        bloc = network.nodes[node].get("bloc", 0)
        axes.scatter([x], [y], s=500, color=bloc_colours[(bloc - 1) % len(bloc_colours)], edgecolors="black", zorder=2)
        axes.annotate(
            f"{_short(network.nodes[node]['label'], 28)}\n(bloc {bloc})",
            (x, y),
            xytext=(0, -24),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=9,
        )
    axes.set_xlim(-1.6, 1.6)
    axes.set_ylim(-1.6, 1.4)
    axes.set_aspect("equal")
    axes.axis("off")
    return _svg(figure, "alignment", "Alignment of the sides: who agrees with whom, and the blocs")
