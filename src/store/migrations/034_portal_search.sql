-- 034_portal_search: the public side of 事后公开 - the list's indexes and the
-- full-text search index of published decisions (src/disclosure/search.c).
--
-- Chinese has no spaces between words, so the index is of character
-- bigrams: every pair of adjacent characters of the normalised text of a
-- publication's current public version is one term, (c1 * 1114112 + c2);
-- the last character of a run (before a space or the end) is also indexed
-- as (c * 1114112 + 0), so that a one-character query can find it.  A
-- query's bigrams are looked up, the rarest first, and every candidate is
-- checked against the stored text (a substring match), so the bigrams only
-- narrow the search and never decide it.  Rows exist only for publications
-- that are public now (state 'published', within their period); they are
-- rewritten by disclosure_search_update in the transaction of every change
-- of what is public.  The term table (publication_terms) is declared in
-- the dialect files: WITHOUT ROWID on SQLite, so the primary key is the
-- table.

-- one row per indexed publication: the normalised text and the filters
CREATE TABLE publication_search (
  publication_id BIGINT PRIMARY KEY REFERENCES publications(id),
  version INTEGER NOT NULL,
  kind TEXT NOT NULL,
  body_unit_id BIGINT NOT NULL,
  unit_id BIGINT NOT NULL,
  category TEXT NOT NULL,
  decision_date TEXT NOT NULL,
  text TEXT NOT NULL
);

-- the filtered lists of the portal, keyset-paged by (decision_date, id)
CREATE INDEX publications_public_kind ON publications(kind, state, decision_date, id);
CREATE INDEX publications_public_body ON publications(body_unit_id, state, decision_date, id);
CREATE INDEX publications_public_unit ON publications(unit_id, state, decision_date, id);
CREATE INDEX publications_public_category ON publications(category, state, decision_date, id);
-- a decision number typed as printed finds its decision directly
CREATE INDEX publications_decision_no ON publications(decision_no, state);
-- the Atom feed of versions (first publications and corrections), newest first
CREATE INDEX publication_versions_published ON publication_versions(published_at, id);
