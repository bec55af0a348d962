CREATE INDEX "articles_slug_prefix_idx" ON "articles" USING btree ("slug" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "categories_slug_prefix_idx" ON "categories" USING btree ("slug" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "people_slug_prefix_idx" ON "people" USING btree ("slug" text_pattern_ops);