-- 034_portal_search (SQLite): the bigram postings, clustered by term.
CREATE TABLE publication_terms (
  term BIGINT NOT NULL,
  publication_id BIGINT NOT NULL,
  PRIMARY KEY (term, publication_id)
) WITHOUT ROWID;
