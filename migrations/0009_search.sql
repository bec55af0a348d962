CREATE TABLE "article_search" (
	"article_id" uuid PRIMARY KEY NOT NULL,
	"doc" "tsvector" DEFAULT ''::tsvector NOT NULL,
	"people" "tsvector" DEFAULT ''::tsvector NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"published_at" timestamp with time zone,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "search_lexicon" (
	"word" text PRIMARY KEY NOT NULL
);
--> statement-breakpoint
ALTER TABLE "article_search" ADD CONSTRAINT "article_search_article_id_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."articles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "article_search_document_idx" ON "article_search" USING gin (bantin_search_document("doc", "people"));