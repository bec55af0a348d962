CREATE TABLE "media" (
	"id" uuid PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"filename" text NOT NULL,
	"mime_type" text NOT NULL,
	"size" bigint NOT NULL,
	"width" integer,
	"height" integer,
	"sha256" text NOT NULL,
	"alt" text,
	"caption" text,
	"credit" text,
	"credit_person_id" uuid,
	"placeholder" text,
	"search_folded" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT date_trunc('milliseconds', now()) NOT NULL,
	"updated_at" timestamp with time zone DEFAULT date_trunc('milliseconds', now()) NOT NULL,
	CONSTRAINT "media_kind_check" CHECK ("media"."kind" in ('image', 'video', 'audio', 'document'))
);
--> statement-breakpoint
ALTER TABLE "articles" ADD COLUMN "cover_id" uuid;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "photo_id" uuid;--> statement-breakpoint
ALTER TABLE "media" ADD CONSTRAINT "media_credit_person_id_people_id_fk" FOREIGN KEY ("credit_person_id") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "media_created_idx" ON "media" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "media_kind_created_idx" ON "media" USING btree ("kind","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "media_sha256_idx" ON "media" USING btree ("sha256");--> statement-breakpoint
CREATE INDEX "media_credit_person_idx" ON "media" USING btree ("credit_person_id");--> statement-breakpoint
CREATE INDEX "media_search_folded_trgm_idx" ON "media" USING gin ("search_folded" gin_trgm_ops);--> statement-breakpoint
ALTER TABLE "articles" ADD CONSTRAINT "articles_cover_id_media_id_fk" FOREIGN KEY ("cover_id") REFERENCES "public"."media"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_photo_id_media_id_fk" FOREIGN KEY ("photo_id") REFERENCES "public"."media"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "articles_cover_idx" ON "articles" USING btree ("cover_id");--> statement-breakpoint
CREATE INDEX "people_photo_idx" ON "people" USING btree ("photo_id");