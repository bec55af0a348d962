CREATE TABLE "article_tags" (
	"tag" text NOT NULL,
	"article_id" uuid NOT NULL,
	"status" text NOT NULL,
	"published_at" timestamp with time zone,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "article_tags_pkey" PRIMARY KEY("tag","article_id")
);
--> statement-breakpoint
ALTER TABLE "article_tags" ADD CONSTRAINT "article_tags_article_id_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."articles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "article_tags_article_idx" ON "article_tags" USING btree ("article_id");--> statement-breakpoint
CREATE INDEX "article_tags_live_idx" ON "article_tags" USING btree ("tag","published_at" DESC NULLS LAST,"article_id" DESC NULLS LAST) WHERE "article_tags"."status" = 'published' and "article_tags"."deleted_at" is null;--> statement-breakpoint

-- An article's tags follow it: written with it, rewritten when its tags change, and carrying its
-- status and dates as they change, by any path, in the statement that changes them.
CREATE FUNCTION bantin_article_tags() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.tags = NEW.tags THEN
    UPDATE article_tags SET status = NEW.status, published_at = NEW.published_at, deleted_at = NEW.deleted_at
    WHERE article_id = NEW.id;
  ELSE
    IF TG_OP = 'UPDATE' THEN
      DELETE FROM article_tags WHERE article_id = NEW.id;
    END IF;
    INSERT INTO article_tags (tag, article_id, status, published_at, deleted_at)
    SELECT DISTINCT t, NEW.id, NEW.status, NEW.published_at, NEW.deleted_at FROM unnest(NEW.tags) t;
  END IF;
  RETURN NULL;
END
$fn$;
--> statement-breakpoint

CREATE TRIGGER articles_tags_insert
AFTER INSERT ON articles
FOR EACH ROW
WHEN (cardinality(NEW.tags) > 0)
EXECUTE FUNCTION bantin_article_tags();
--> statement-breakpoint

CREATE TRIGGER articles_tags_update
AFTER UPDATE OF tags, status, published_at, deleted_at ON articles
FOR EACH ROW
WHEN (OLD.tags IS DISTINCT FROM NEW.tags OR OLD.status IS DISTINCT FROM NEW.status
  OR OLD.published_at IS DISTINCT FROM NEW.published_at OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at)
EXECUTE FUNCTION bantin_article_tags();
--> statement-breakpoint

INSERT INTO article_tags (tag, article_id, status, published_at, deleted_at)
SELECT DISTINCT t, a.id, a.status, a.published_at, a.deleted_at FROM articles a, unnest(a.tags) t;
