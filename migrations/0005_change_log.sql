CREATE TABLE "changes" (
	"seq" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "changes_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"tx" "xid8" DEFAULT pg_current_xact_id() NOT NULL,
	"type" text NOT NULL,
	"resource_id" uuid NOT NULL,
	"op" text NOT NULL,
	"events" text[] NOT NULL,
	"version" integer,
	"slug" text,
	"actor" text NOT NULL,
	"token_id" uuid,
	"at" timestamp with time zone DEFAULT date_trunc('milliseconds', now()) NOT NULL,
	CONSTRAINT "changes_type_check" CHECK ("changes"."type" in ('article', 'category', 'person', 'media')),
	CONSTRAINT "changes_op_check" CHECK ("changes"."op" in ('upsert', 'delete'))
);
--> statement-breakpoint
CREATE TABLE "system_state" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT date_trunc('milliseconds', now()) NOT NULL
);
--> statement-breakpoint
CREATE INDEX "changes_position_idx" ON "changes" USING btree ("tx","seq");--> statement-breakpoint
CREATE INDEX "changes_type_position_idx" ON "changes" USING btree ("type","tx","seq");--> statement-breakpoint
-- Content written before the change log existed enters it once, references first, so that a
-- first sync finds everything.
INSERT INTO "changes" ("type", "resource_id", "op", "events", "version", "slug", "actor", "at")
SELECT 'category', "id", 'upsert', '{category.created}', "version", "slug", 'migration', "updated_at" FROM "categories" ORDER BY "created_at", "id";
--> statement-breakpoint
INSERT INTO "changes" ("type", "resource_id", "op", "events", "version", "slug", "actor", "at")
SELECT 'media', "id", 'upsert', '{media.created}', "version", NULL, 'migration', "updated_at" FROM "media" ORDER BY "created_at", "id";
--> statement-breakpoint
INSERT INTO "changes" ("type", "resource_id", "op", "events", "version", "slug", "actor", "at")
SELECT 'person', "id", 'upsert', '{person.created}', "version", "slug", 'migration', "updated_at" FROM "people" ORDER BY "created_at", "id";
--> statement-breakpoint
INSERT INTO "changes" ("type", "resource_id", "op", "events", "version", "slug", "actor", "at")
SELECT 'article', "id", 'upsert', '{article.created}', "version", "slug", 'migration', "updated_at" FROM "articles" WHERE "deleted_at" IS NULL ORDER BY "created_at", "id";
--> statement-breakpoint
-- Scheduled articles that come due after this are announced in the change log by a job.
INSERT INTO "system_state" ("key", "value") VALUES ('publications', jsonb_build_object('until', to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')));
