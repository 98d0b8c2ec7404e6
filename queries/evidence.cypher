// name: evidence
// title: Every source and quote behind a fact
// description: The articles a fact (a proposal, demand, position, claim, event or actor) comes
//   from, oldest first, each with the quote that supports the fact in it (empty for an actor an
//   article merely introduces). The fact is given by its id, as in the article files (for example
//   putin-rejects-full-ceasefire), or by its IRI; an id used by facts of several kinds (an event
//   and a claim, say) gives the sources of each, told apart by kind.
// param fact: fact-id — the fact's id (such as putin-rejects-full-ceasefire), a prefixed name (position:putin-rejects-full-ceasefire) or an IRI
// columns: fact_id, kind, fact, published: date, outlet, article, url, quote, article_id
//
// SPARQL version: evidence.rq.
MATCH (f:Resource)
WHERE f.uri = $fact OR f.factId = $fact
MATCH (f)-[:WAS_DERIVED_FROM]->(a:Article)
OPTIONAL MATCH (f)-[:EVIDENCE]->(q:Quote)-[:IN_ARTICLE]->(a)
RETURN f.factId AS fact_id, split(split(f.uri, '/id/')[1], '/')[0] AS kind, f.label AS fact,
       a.issued AS published, a.outlet AS outlet, a.title AS article, a.url AS url, q.exact AS quote,
       a.factId AS article_id
ORDER BY published, article_id, kind, fact_id, coalesce(quote, '')
