CREATE TABLE "document_kinds" (
	"slug" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT date_trunc('milliseconds', now()) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "documents" (
	"id" uuid PRIMARY KEY NOT NULL,
	"slug" text NOT NULL,
	"number" text NOT NULL,
	"number_folded" text NOT NULL,
	"kind" text NOT NULL,
	"issuer" text NOT NULL,
	"signer_id" uuid,
	"issued_at" date NOT NULL,
	"effective_at" date,
	"expired_at" date,
	"summary" text NOT NULL,
	"field" text,
	"file_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"article_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"search" "tsvector" DEFAULT ''::tsvector NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT date_trunc('milliseconds', now()) NOT NULL,
	"updated_at" timestamp with time zone DEFAULT date_trunc('milliseconds', now()) NOT NULL
);
--> statement-breakpoint
ALTER TABLE "changes" DROP CONSTRAINT "changes_type_check";--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_kind_document_kinds_slug_fk" FOREIGN KEY ("kind") REFERENCES "public"."document_kinds"("slug") ON DELETE restrict ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_signer_id_people_id_fk" FOREIGN KEY ("signer_id") REFERENCES "public"."people"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "document_kinds_name_key" ON "document_kinds" USING btree ("name");--> statement-breakpoint
CREATE INDEX "document_kinds_position_idx" ON "document_kinds" USING btree ("position","name");--> statement-breakpoint
CREATE UNIQUE INDEX "documents_slug_key" ON "documents" USING btree ("slug");--> statement-breakpoint
CREATE INDEX "documents_slug_prefix_idx" ON "documents" USING btree ("slug" text_pattern_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "documents_issuer_number_key" ON "documents" USING btree ("issuer","number_folded");--> statement-breakpoint
CREATE INDEX "documents_number_folded_idx" ON "documents" USING btree ("number_folded");--> statement-breakpoint
CREATE INDEX "documents_issued_idx" ON "documents" USING btree ("issued_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "documents_kind_issued_idx" ON "documents" USING btree ("kind","issued_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "documents_issuer_issued_idx" ON "documents" USING btree ("issuer","issued_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "documents_field_issued_idx" ON "documents" USING btree ("field","issued_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "documents_number_idx" ON "documents" USING btree ("number","id");--> statement-breakpoint
CREATE INDEX "documents_updated_idx" ON "documents" USING btree ("updated_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "documents_in_force_idx" ON "documents" USING btree (coalesce("effective_at", "issued_at"),"expired_at");--> statement-breakpoint
CREATE INDEX "documents_search_idx" ON "documents" USING gin ("search");--> statement-breakpoint
CREATE INDEX "documents_signer_idx" ON "documents" USING btree ("signer_id");--> statement-breakpoint
CREATE INDEX "documents_file_ids_idx" ON "documents" USING gin ("file_ids");--> statement-breakpoint
CREATE INDEX "documents_article_ids_idx" ON "documents" USING gin ("article_ids");--> statement-breakpoint
ALTER TABLE "changes" ADD CONSTRAINT "changes_type_check" CHECK ("changes"."type" in ('article', 'category', 'person', 'media', 'page', 'menu', 'document'));--> statement-breakpoint
INSERT INTO "document_kinds" ("slug", "name", "position") VALUES
	('quyet-dinh', 'Quyết định', 1),
	('nghi-quyet', 'Nghị quyết', 2),
	('chi-thi', 'Chỉ thị', 3),
	('ke-hoach', 'Kế hoạch', 4),
	('thong-bao', 'Thông báo', 5),
	('cong-van', 'Công văn', 6),
	('bao-cao', 'Báo cáo', 7),
	('to-trinh', 'Tờ trình', 8),
	('huong-dan', 'Hướng dẫn', 9),
	('quy-dinh', 'Quy định', 10),
	('chuong-trinh', 'Chương trình', 11),
	('ket-luan', 'Kết luận', 12);
