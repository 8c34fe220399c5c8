// Path queries, one per quantifier bound 1…8 ({{max_hops}} is filled at load time, and
// with it {{left_hops}} = ceil(max_hops / 2) and {{right_hops}} = floor(max_hops / 2), at least 1).
// Paths ignore the stored direction. Inline predicates inside the quantified path pattern
// are evaluated while the pattern expands, so the date window, the types and the blocked
// entities prune the search instead of filtering a finished expansion (checked with
// PROFILE in tests/stores/test_cypher_plans.py: the filters sit inside the
// StatefulShortestPath / VarLengthExpand operators, not in a Filter above them).
// Each row is one path: its node ids and its relationship ids (the store looks the
// relationships up by id, once per dataset version, so paths stay small on the wire).
// Rows are ordered (shortest, then by node ids, then by relationship ids) before the
// LIMIT, so a capped answer is the same first rows every time, and the same rows the
// embedded store ranks first.

// name: paths_shortest
// All shortest paths. Plan: StatefulShortestPath(Into) between the two seeked ends
// (ALL SHORTEST is planned as SHORTEST 1 GROUPS) with the date, type and node predicates
// listed as "inlined predicates": applied per step of the breadth-first search.
// The search starts at the end with more links: into a hub of 40k links at 1M
// relationships it ran past 15 s, out of the same hub 0.1-0.3 s (the paths are the same,
// links have no direction here). Reversed back, the rows are ordered as from $source.
MATCH (s:Entity {id: $source})
MATCH (t:Entity {id: $target})
WITH s, t, COUNT { (t)--() } > COUNT { (s)--() } AS flipped
WITH CASE WHEN flipped THEN t ELSE s END AS a, CASE WHEN flipped THEN s ELSE t END AS b, flipped
WITH a, b, b.id AS end, flipped
MATCH p = ALL SHORTEST (a)
  ((x)-[r WHERE r.first <= $last AND r.last >= $first AND ($types IS NULL OR type(r) IN $types)]-
   (y WHERE y.id = end OR (NOT y.id IN $blocked AND NOT y.kind IN $blocked_kinds))){1,{{max_hops}}}
  (b)
WITH [n IN nodes(p) | n.id] AS nodes, [rel IN relationships(p) | rel.id] AS rels, flipped
RETURN CASE WHEN flipped THEN reverse(nodes) ELSE nodes END AS nodes,
       CASE WHEN flipped THEN reverse(rels) ELSE rels END AS rels
ORDER BY size(rels), nodes, rels
LIMIT $max_paths

// name: paths_all
// Every simple path up to the bound, found from both ends at once: each path of n links
// is split at its middle entity m into a half of ceil(n/2) links walked from the source
// and one of floor(n/2) walked from the target, so each path is found exactly once. Plan:
// two VarLengthExpand(All) from the seeked ends, with the date window, types and blocked
// entities as predicates of the expansion itself, joined by NodeHashJoin on m. A search
// from one end alone expands every trail up to the bound, which through a hub of a few
// thousand links runs past the time budget at 10k relationships (10 s instead of 0.6 s);
// the halves are only as deep as half the bound. Node uniqueness across the two halves
// is a Filter on the joined rows.
MATCH (a:Entity {id: $source})
MATCH (b:Entity {id: $target})
WITH a, b
MATCH p = (a)
  ((x)-[r WHERE r.first <= $last AND r.last >= $first AND ($types IS NULL OR type(r) IN $types)]-
   (y WHERE y.id = $target OR (NOT y.id IN $blocked AND NOT y.kind IN $blocked_kinds AND y.id <> $source))){1,{{left_hops}}}
  (m),
  q = (b)
  ((u)-[s WHERE s.first <= $last AND s.last >= $first AND ($types IS NULL OR type(s) IN $types)]-
   (v WHERE NOT v.id IN $blocked AND NOT v.kind IN $blocked_kinds AND v.id <> $target)){0,{{right_hops}}}
  (m)
USING JOIN ON m
WITH p, q, size(relationships(p)) AS left, size(relationships(q)) AS right
WHERE left - 1 <= right <= left AND left + right <= {{max_hops}}
WITH nodes(p) + reverse(nodes(q))[1..] AS ns, relationships(p) + reverse(relationships(q)) AS rs
WHERE all(i IN range(0, size(ns) - 2) WHERE NOT ns[i] IN ns[i + 1..])
RETURN [n IN ns | n.id] AS nodes, [rel IN rs | rel.id] AS rels
ORDER BY size(rels), nodes, rels
LIMIT $max_paths

// name: paths_temporal
// Time-respecting simple paths: as paths_all, then the greedy earliest-day check
// (t_i = max(t_(i-1), first_i) must not pass last_i) folded over the relationships in
// path order. Cypher 5 cannot carry t from one step of a pattern to the next, so this
// check runs on each joined candidate after the per-step pruning.
MATCH (a:Entity {id: $source})
MATCH (b:Entity {id: $target})
WITH a, b
MATCH p = (a)
  ((x)-[r WHERE r.first <= $last AND r.last >= $first AND ($types IS NULL OR type(r) IN $types)]-
   (y WHERE y.id = $target OR (NOT y.id IN $blocked AND NOT y.kind IN $blocked_kinds AND y.id <> $source))){1,{{left_hops}}}
  (m),
  q = (b)
  ((u)-[s WHERE s.first <= $last AND s.last >= $first AND ($types IS NULL OR type(s) IN $types)]-
   (v WHERE NOT v.id IN $blocked AND NOT v.kind IN $blocked_kinds AND v.id <> $target)){0,{{right_hops}}}
  (m)
USING JOIN ON m
WITH p, q, size(relationships(p)) AS left, size(relationships(q)) AS right
WHERE left - 1 <= right <= left AND left + right <= {{max_hops}}
WITH nodes(p) + reverse(nodes(q))[1..] AS ns, relationships(p) + reverse(relationships(q)) AS rs
WHERE all(i IN range(0, size(ns) - 2) WHERE NOT ns[i] IN ns[i + 1..])
WITH ns, rs, reduce(t = date('0001-01-01'), rel IN rs |
  CASE WHEN t IS NULL THEN NULL
       WHEN rel.last < CASE WHEN rel.first > t THEN rel.first ELSE t END THEN NULL
       ELSE CASE WHEN rel.first > t THEN rel.first ELSE t END END) AS reached
WHERE reached IS NOT NULL
RETURN [n IN ns | n.id] AS nodes, [rel IN rs | rel.id] AS rels
ORDER BY size(rels), nodes, rels
LIMIT $max_paths
