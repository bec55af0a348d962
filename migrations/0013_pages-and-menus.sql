CREATE TABLE "menu_links" (
	"menu_id" uuid NOT NULL,
	"path" text NOT NULL,
	"type" text NOT NULL,
	"target_id" uuid NOT NULL,
	CONSTRAINT "menu_links_pkey" PRIMARY KEY("menu_id","path"),
	CONSTRAINT "menu_links_type_check" CHECK ("menu_links"."type" in ('page', 'category', 'article'))
);
--> statement-breakpoint
CREATE TABLE "menus" (
	"id" uuid PRIMARY KEY NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"items" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT date_trunc('milliseconds', now()) NOT NULL,
	"updated_at" timestamp with time zone DEFAULT date_trunc('milliseconds', now()) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pages" (
	"id" uuid PRIMARY KEY NOT NULL,
	"slug" text NOT NULL,
	"title" text NOT NULL,
	"body" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"excerpt" text DEFAULT '' NOT NULL,
	"parent_id" uuid,
	"position" integer DEFAULT 0 NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT date_trunc('milliseconds', now()) NOT NULL,
	"updated_at" timestamp with time zone DEFAULT date_trunc('milliseconds', now()) NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "pages_status_check" CHECK ("pages"."status" in ('draft', 'published'))
);
--> statement-breakpoint
ALTER TABLE "changes" DROP CONSTRAINT "changes_type_check";--> statement-breakpoint
ALTER TABLE "menu_links" ADD CONSTRAINT "menu_links_menu_id_menus_id_fk" FOREIGN KEY ("menu_id") REFERENCES "public"."menus"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pages" ADD CONSTRAINT "pages_parent_id_pages_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."pages"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "menu_links_target_idx" ON "menu_links" USING btree ("type","target_id");--> statement-breakpoint
CREATE UNIQUE INDEX "menus_slug_key" ON "menus" USING btree ("slug");--> statement-breakpoint
CREATE INDEX "menus_slug_prefix_idx" ON "menus" USING btree ("slug" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "menus_name_idx" ON "menus" USING btree ("name","id");--> statement-breakpoint
CREATE UNIQUE INDEX "pages_slug_key" ON "pages" USING btree ("slug");--> statement-breakpoint
CREATE INDEX "pages_slug_prefix_idx" ON "pages" USING btree ("slug" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "pages_parent_position_idx" ON "pages" USING btree ("parent_id","position","id") WHERE "pages"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "pages_position_idx" ON "pages" USING btree ("position","id") WHERE "pages"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "pages_status_position_idx" ON "pages" USING btree ("status","position","id") WHERE "pages"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "pages_title_idx" ON "pages" USING btree ("title","id") WHERE "pages"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "pages_updated_idx" ON "pages" USING btree ("updated_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE "pages"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "pages_trash_idx" ON "pages" USING btree ("position","id") WHERE "pages"."deleted_at" is not null;--> statement-breakpoint
ALTER TABLE "changes" ADD CONSTRAINT "changes_type_check" CHECK ("changes"."type" in ('article', 'category', 'person', 'media', 'page', 'menu'));