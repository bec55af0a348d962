CREATE TABLE "person_search" (
	"person_id" uuid PRIMARY KEY NOT NULL,
	"terms" text[] NOT NULL
);
--> statement-breakpoint
ALTER TABLE "person_search" ADD CONSTRAINT "person_search_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint

-- A person's name is folded into lexemes once, when it is written, instead of at every write of
-- every article that links the person (folding in SQL costs about half a millisecond a name).
-- Comment above the table in src/db/schema/search.ts.
CREATE FUNCTION bantin_person_search_terms() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO person_search (person_id, terms) VALUES (NEW.id, bantin_search_terms('m:', NEW.name))
  ON CONFLICT (person_id) DO UPDATE SET terms = excluded.terms;
  RETURN NULL;
END
$fn$;
--> statement-breakpoint

CREATE TRIGGER people_search_terms
AFTER INSERT OR UPDATE OF name ON people
FOR EACH ROW
EXECUTE FUNCTION bantin_person_search_terms();
--> statement-breakpoint

INSERT INTO person_search (person_id, terms)
SELECT id, bantin_search_terms('m:', name) FROM people
ON CONFLICT (person_id) DO NOTHING;
--> statement-breakpoint

CREATE OR REPLACE FUNCTION bantin_people_search_terms(person_ids uuid[]) RETURNS tsvector
LANGUAGE sql STABLE PARALLEL SAFE AS $fn$
  select coalesce(array_to_tsvector(array_agg(t)), ''::tsvector)
  from person_search p, unnest(p.terms) t
  where p.person_id = any(person_ids)
$fn$;
