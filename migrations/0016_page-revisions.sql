CREATE TABLE "page_revisions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"page_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"op" text NOT NULL,
	"snapshot" jsonb NOT NULL,
	"actor" text NOT NULL,
	"token_id" uuid,
	"created_at" timestamp with time zone DEFAULT date_trunc('milliseconds', now()) NOT NULL
);
--> statement-breakpoint
ALTER TABLE "page_revisions" ADD CONSTRAINT "page_revisions_page_id_pages_id_fk" FOREIGN KEY ("page_id") REFERENCES "public"."pages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "page_revisions_page_number_key" ON "page_revisions" USING btree ("page_id","number" DESC NULLS LAST);--> statement-breakpoint
-- A page written before its revisions were kept gets one: its state now, as the revision of its
-- current version, so the next write can be undone.
INSERT INTO "page_revisions" ("id", "page_id", "number", "op", "snapshot", "actor", "created_at")
SELECT gen_random_uuid(), "id", "version", CASE WHEN "version" = 1 THEN 'create' ELSE 'update' END,
  jsonb_build_object('title', "title", 'slug', "slug", 'body', "body", 'parentId', "parent_id",
    'position', "position", 'status', "status",
    'seo', jsonb_build_object('title', "seo_title", 'description', "seo_description", 'imageId', "seo_image_id",
      'canonicalUrl', "canonical_url", 'noindex', "noindex"),
    'deleted', "deleted_at" IS NOT NULL),
  'bantin', "updated_at"
FROM "pages";
