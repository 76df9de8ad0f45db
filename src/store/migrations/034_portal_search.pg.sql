-- 034_portal_search (PostgreSQL): the bigram postings; the primary key
-- index answers every lookup (term, then publication_id descending).
CREATE TABLE publication_terms (
  term BIGINT NOT NULL,
  publication_id BIGINT NOT NULL,
  PRIMARY KEY (term, publication_id)
);
