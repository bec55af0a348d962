-- Search, part 3 of 3: article_search follows each article's visibility, and the articles, people
-- and media that exist before search become searchable.

-- A search row carries its article's status and dates, so that a level of relevance is filtered
-- and sorted without a join. Any write of those columns, by any path, is copied in the same
-- statement; the search row itself is written by the application (its lexemes are made in
-- JavaScript), which sets them too.
CREATE FUNCTION bantin_article_search_visibility() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  UPDATE article_search SET status = NEW.status, published_at = NEW.published_at, deleted_at = NEW.deleted_at
  WHERE article_id = NEW.id;
  RETURN NULL;
END
$fn$;
--> statement-breakpoint

CREATE TRIGGER articles_search_visibility
AFTER UPDATE OF status, published_at, deleted_at ON articles
FOR EACH ROW
WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.published_at IS DISTINCT FROM NEW.published_at OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at)
EXECUTE FUNCTION bantin_article_search_visibility();
--> statement-breakpoint

INSERT INTO article_search (article_id, doc, people, status, published_at, deleted_at)
SELECT a.id, bantin_article_search_doc(a.title, a.summary, a.tags, a.body),
  bantin_people_search_terms(array(select ap.person_id from article_people ap where ap.article_id = a.id)),
  a.status, a.published_at, a.deleted_at
FROM articles a
ON CONFLICT (article_id) DO NOTHING;
--> statement-breakpoint

INSERT INTO search_lexicon (word)
SELECT DISTINCT w FROM (
  SELECT unnest(tsvector_to_array(doc || people)) AS w FROM article_search
  UNION ALL SELECT unnest(bantin_search_terms('', name)) FROM people
  UNION ALL SELECT unnest(bantin_search_terms('', concat_ws(E'\n', filename, caption, credit))) FROM media
) words
WHERE w ~ '^[a-z]{2,32}$'
ON CONFLICT (word) DO NOTHING;
