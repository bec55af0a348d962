-- Trigram indexes serve diacritics-insensitive substring search; both are trusted extensions (PostgreSQL 13+).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS unaccent;
