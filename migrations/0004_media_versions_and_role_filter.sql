ALTER TABLE "media" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE INDEX "article_people_role_idx" ON "article_people" USING btree ("role","article_id");