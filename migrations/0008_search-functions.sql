-- Search, part 1 of 3: functions (part 2 makes the tables and the index, part 3 fills them).
-- The SQL twin of the rules in src/shared/text.ts (searchRuns, searchTerms), kept equal to the
-- JavaScript by test/search-db.test.ts. Writes index in JavaScript (faster: these cost about
-- 2.5 ms an article in the database); these index what the database already holds (the rows
-- before search, in part 3) and the names of linked people, which live in another table.

-- The lexemes of one text: see searchTerms. Tokens: decomposed (NFD), lowercased, split at anything
-- that is not a-z, 0-9, đ or a combining mark; runs split at punctuation. Folded: marks dropped,
-- đ → d. Key: tone marks dropped and their number appended (1 grave … 5 dot below), so tone placement
-- does not matter. JIT is off: the planner's guess of a million rows for string_to_table would
-- compile every call.
CREATE FUNCTION bantin_search_terms(prefix text, txt text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET jit = off AS $fn$
  select coalesce(
      array_agg(folded)
      || array_agg(key) filter (where key is not null)
      || array_agg(folded || '_' || nxt) filter (where nxt is not null)
      || array_agg(prefix || folded) filter (where prefix <> '')
      || array_agg(prefix || folded || '_' || nxt) filter (where prefix <> '' and nxt is not null),
    '{}')
  from (
    select folded,
      case when folded <> tok and folded ~ '[a-z]' then
        '=' || translate(tok, E'\u0300\u0301\u0303\u0309\u0323', '')
          || case when strpos(tok, E'\u0300') > 0 then '1' when strpos(tok, E'\u0301') > 0 then '2'
                  when strpos(tok, E'\u0303') > 0 then '3' when strpos(tok, E'\u0309') > 0 then '4'
                  when strpos(tok, E'\u0323') > 0 then '5' else '0' end
      end as key,
      lead(folded) over (partition by seg order by pos) as nxt
    from (
      select s.n as seg, w.n as pos, w.tok, translate(w.tok, E'đ\u0300\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308\u0309\u030a\u030b\u030c\u030d\u030e\u030f\u0310\u0311\u0312\u0313\u0314\u0315\u0316\u0317\u0318\u0319\u031a\u031b\u031c\u031d\u031e\u031f\u0320\u0321\u0322\u0323\u0324\u0325\u0326\u0327\u0328\u0329\u032a\u032b\u032c\u032d\u032e\u032f\u0330\u0331\u0332\u0333\u0334\u0335\u0336\u0337\u0338\u0339\u033a\u033b\u033c\u033d\u033e\u033f\u0340\u0341\u0342\u0343\u0344\u0345\u0346\u0347\u0348\u0349\u034a\u034b\u034c\u034d\u034e\u034f\u0350\u0351\u0352\u0353\u0354\u0355\u0356\u0357\u0358\u0359\u035a\u035b\u035c\u035d\u035e\u035f\u0360\u0361\u0362\u0363\u0364\u0365\u0366\u0367\u0368\u0369\u036a\u036b\u036c\u036d\u036e\u036f', 'd') as folded
      from string_to_table(
             regexp_replace(
               regexp_replace(translate(lower(normalize(coalesce(txt, ''), NFD)), 'Đ', 'đ'), '[.,;:!?…()\[\]{}"“”«»„|•·\n\r]+', '|', 'g'),
               '[^a-z0-9đ\u0300-\u036f|]+', ' ', 'g'),
             '|') with ordinality s(seg, n),
           string_to_table(s.seg, ' ') with ordinality w(tok, n)
      where w.tok <> '' and length(w.tok) <= 64
    ) t
    where folded <> ''
  ) p
$fn$;
--> statement-breakpoint

-- The searchable text of a body: see articleSearchText (src/resources/articles/articles.search-index.ts).
CREATE FUNCTION bantin_body_search_text(body jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  select string_agg(case b->>'type'
      when 'paragraph' then coalesce(b->>'text', (select string_agg(s->>'text', '') from jsonb_array_elements(b->'spans') s))
      when 'heading' then b->>'text'
      when 'quote' then concat_ws(E'\n', b->>'text', b->>'cite')
      when 'list' then (select string_agg(i, E'\n') from jsonb_array_elements_text(b->'items') i)
      when 'image' then concat_ws(E'\n', b->>'caption', b->>'credit')
    end, E'\n')
  from jsonb_array_elements(body) b
$fn$;
--> statement-breakpoint

-- article_search.doc of an article: see articleSearchDoc.
CREATE FUNCTION bantin_article_search_doc(title text, summary text, tags text[], body jsonb) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  select array_to_tsvector(
    bantin_search_terms('t:', title)
    || bantin_search_terms('m:', concat_ws(E'\n', summary, array_to_string(tags, E'\n')))
    || bantin_search_terms('', left(bantin_body_search_text(body), 100000)))
$fn$;
--> statement-breakpoint

-- article_search.people: the lexemes of the names of these people, as summaries' ("m:").
CREATE FUNCTION bantin_people_search_terms(person_ids uuid[]) RETURNS tsvector
LANGUAGE sql STABLE PARALLEL SAFE AS $fn$
  select coalesce(array_to_tsvector(array_agg(t)), ''::tsvector)
  from people p, unnest(bantin_search_terms('m:', p.name)) t
  where p.id = any(person_ids)
$fn$;
--> statement-breakpoint
--> statement-breakpoint

-- What article search matches: an article's own lexemes and its linked people's, as one document.
-- PL/pgSQL, so that it is never inlined: its cost then tells the planner that reading a document is
-- dear (each is a detoasted vector of a thousand lexemes), and no plan scans article_search
-- evaluating it row by row when the GIN index on this expression can answer.
CREATE FUNCTION bantin_search_document(doc tsvector, people tsvector) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS $fn$
BEGIN
  RETURN doc || people;
END
$fn$;
