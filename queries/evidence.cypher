// name: evidence
// title: Every source and quote behind a fact
// description: The articles a fact (a proposal, demand, position, claim, event or actor) comes
//   from, oldest first, each with the quote that supports the fact in it (empty for an actor an
//   article merely introduces). The fact is given by its id, as in the article files (for example
//   putin-rejects-full-ceasefire), or by its IRI; an id used by facts of several kinds (an event
//   and a claim, say) gives the sources of each, told apart by kind. As known on the date: only
//   articles published on or before it, and only a fact one of them reports.
// param fact: fact-id — the fact's id (such as putin-rejects-full-ceasefire), a prefixed name (position:putin-rejects-full-ceasefire) or an IRI
// param as_of: date = latest — answer as known on this date (YYYY-MM-DD): only articles published on or before it
// columns: fact_id, kind, fact, published: date, outlet, article, url, quote, article_id
// known-by: as_of
//
// SPARQL version: evidence.rq. Known on the date: a node's or relationship's `known` (and a value's
// `<name>__known`) is absent (known from the start) or on or before it.
// The fact by its IRI or its id, through the index on the id of each kind of fact (every node
// with an id has one of these labels: actors, articles and the facts of the article files).
CALL () {
  MATCH (f:Resource {uri: $fact}) RETURN f
  UNION MATCH (f:Actor {factId: $fact}) RETURN f
  UNION MATCH (f:Proposal {factId: $fact}) RETURN f
  UNION MATCH (f:Demand {factId: $fact}) RETURN f
  UNION MATCH (f:Position {factId: $fact}) RETURN f
  UNION MATCH (f:Response {factId: $fact}) RETURN f
  UNION MATCH (f:Claim {factId: $fact}) RETURN f
  UNION MATCH (f:Event {factId: $fact}) RETURN f
  UNION MATCH (f:Article {factId: $fact}) RETURN f
}
WITH f
WHERE f:Resource AND ($as_of IS NULL OR f.known IS NULL OR f.known <= $as_of)
MATCH (f)-[derived:WAS_DERIVED_FROM]->(a:Article)
WHERE ($as_of IS NULL OR all(known IN [derived.known, a.known] WHERE known IS NULL OR known <= $as_of))
OPTIONAL MATCH (f)-[evidence:EVIDENCE]->(q:Quote)-[in_article:IN_ARTICLE]->(a)
WHERE ($as_of IS NULL OR all(known IN [evidence.known, q.known, in_article.known] WHERE known IS NULL OR known <= $as_of))
RETURN f.factId AS fact_id, split(split(f.uri, '/id/')[1], '/')[0] AS kind, f.label AS fact,
       a.issued AS published, a.outlet AS outlet, a.title AS article, a.url AS url, q.exact AS quote,
       a.factId AS article_id
ORDER BY published, article_id, kind, fact_id, coalesce(quote, '')
