// The queries of the project's guide in Neo4j Browser (`:play` after connecting; built by
// app/browser_guide.py), in the order the guide shows them. In each block the first comment
// line is the question, the rest explains the answer. The test suite runs every one of them.
// Dates are shown as written (`r.start` is "2018", "2010-01"); `r.first`/`r.last` are the
// typed Date bounds that filters use.

// name: browser_grundfos_to_irbid
// How did Viborg connect Grundfos to Irbid?
// The shortest chains from the pump maker Grundfos to Viborg Kommune, and from Viborg
// Kommune to Irbid, Jordan's second city. Click a relationship to see its dates and sources.
MATCH p1 = ALL SHORTEST (:Entity {id: 'grundfos'})-[]-{1,3}(v:Entity {id: 'viborg-kommune'})
MATCH p2 = ALL SHORTEST (v)-[]-{1,3}(:Entity {id: 'irbid'})
RETURN p1, p2

// name: browser_twin_towns
// Which twin towns (venskabsbyer), and since when?
// Every twinning as a timeline, dates as the sources write them; undated ones last.
MATCH (a:Entity)-[r:TWINNED_WITH]->(b:Entity)
RETURN a.name AS town, b.name AS twin, b.country AS country, r.start AS since, r.end AS until,
       r.description AS what
ORDER BY r.start IS NULL, r.first, town, twin

// name: browser_network_as_of
// What did Viborg Kommune's network look like in 2016?
// The relationships in force on some day of 2016: begun by its end, not ended before its
// start (undated links count as always in force). Change the year in both dates to compare.
MATCH p = (:Entity {id: 'viborg-kommune'})-[r]-(:Entity)
WHERE r.first <= date('2016-12-31') AND r.last >= date('2016-01-01') AND type(r) <> 'LOCATED_IN'
RETURN p

// name: browser_time_respecting
// Which chains from Grundfos to Irbid respect time?
// A chain counts only if each link was still in force when the one before it began, so
// know-how could have travelled along it. Up to four links; places (LOCATED_IN) excluded.
MATCH p = (:Entity {id: 'grundfos'})(()-[r WHERE type(r) <> 'LOCATED_IN']-()){1,4}(:Entity {id: 'irbid'})
WHERE all(i IN range(0, size(nodes(p)) - 2) WHERE NOT nodes(p)[i] IN nodes(p)[i + 1..])
WITH p, reduce(t = date('0001-01-01'), x IN relationships(p) |
  CASE WHEN t IS NULL OR x.last < CASE WHEN x.first > t THEN x.first ELSE t END THEN NULL
       ELSE CASE WHEN x.first > t THEN x.first ELSE t END END) AS reached
WHERE reached IS NOT NULL
RETURN [n IN nodes(p) | n.name] AS chain,
       [x IN relationships(p) | type(x) + ' ' + coalesce(x.start, 'undated')] AS links
ORDER BY size(links), links LIMIT 25

// name: browser_reform_2007
// What did the 2007 structural reform do?
// The counties (amter) merged into the regions on 1 January 2007, and the region that took
// over their international agreements.
MATCH p = (:Entity)-[r:MERGED_INTO|SUCCEEDED]->(:Entity)
RETURN p

// name: browser_brokers
// Who brokers between Danish and foreign actors?
// Actors tied both to a Danish party and to a foreign one that are not tied to each other:
// the pairs only this actor connects. Countries and LOCATED_IN ties are left out.
MATCH (d:Entity)-[r1]-(b:Entity)-[r2]-(f:Entity)
WHERE d.country = 'DK' AND f.country <> 'DK' AND NOT b:Country
  AND type(r1) <> 'LOCATED_IN' AND type(r2) <> 'LOCATED_IN' AND NOT (d)--(f)
RETURN b.name AS broker, b.kind AS kind, count(DISTINCT d) AS danish_contacts,
       count(DISTINCT f) AS foreign_contacts, count(DISTINCT d.id + '|' + f.id) AS pairs_brokered
ORDER BY pairs_brokered DESC, broker LIMIT 15

// name: browser_sources
// Where is the Viborg–Irbid cooperation written?
// Each quote behind the link and the document it is from; a document quoted twice is stored
// once in `source_documents`, and `source_quote_document` says which document each quote is from.
MATCH (:Entity {id: 'viborg-kommune'})-[r]-(:Entity {id: 'irbid'})
UNWIND range(0, size(r.source_quote_document) - 1) AS i
RETURN type(r) AS link, r.start AS since, r.end AS until,
       coalesce(r.source_documents[r.source_quote_document[i]], '') AS document, coalesce(r.source_quotes[i], '') AS quote

// name: browser_search
// Find an entity by a name you half remember
// Full-text search over names, English names and aliases; `~` allows typos and missing
// accents (Marijampolė is found as "marijampole").
CALL db.index.fulltext.queryNodes('entity_names', 'marijampole~') YIELD node, score
RETURN node.name AS name, node.kind AS kind, node.country AS country, score LIMIT 10

// name: browser_aarhus_harbin
// Aarhus and Harbin: what ties them, and since when?
// Every relationship between Aarhus Kommune and Harbin, with its written dates and status.
MATCH p = (:Entity {id: 'aarhus-kommune'})-[r]-(h:Entity)
WHERE h.name = 'Harbin'
RETURN p

// name: browser_region_partners
// Which regions abroad does Region Midtjylland cooperate with?
// Its partner regions with the year each partnership began, as the strategies write it.
MATCH p = (:Entity {id: 'region-midtjylland'})-[r:PARTNER_OF]-(:Entity)
RETURN p

// name: browser_undated
// How much do the sources date?
// Per relationship type: how many links have a start date as written (and at which
// precision), how many are only attested (a source shows them in force at some date), and
// how many are undated (taken as always in force by the date filters).
MATCH ()-[r]->()
RETURN type(r) AS type, count(*) AS links, count(r.start) AS dated,
       count(CASE r.start_precision WHEN 'year' THEN 1 END) AS to_the_year,
       count(CASE WHEN r.start_precision IN ['month', 'day'] THEN 1 END) AS finer,
       count(CASE r.dating WHEN 'attested' THEN 1 END) AS attested_only,
       count(CASE r.dating WHEN 'undated' THEN 1 END) AS undated
ORDER BY links DESC

// name: browser_overview
// What kinds of entity are in the graph?
// Every entity has the label `Entity` and its kind (`Municipality`, `Company`, …).
MATCH (e:Entity) RETURN e.kind AS kind, count(*) AS entities ORDER BY entities DESC
