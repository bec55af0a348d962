-- Wakes the webhook dispatcher of every instance when a write commits: one notification per
-- writing statement, sent by PostgreSQL at commit (never for a rollback), at no extra round trip.
CREATE FUNCTION "bantin_notify_changes"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('bantin_changes', '');
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "changes_notify" AFTER INSERT ON "changes" FOR EACH STATEMENT EXECUTE FUNCTION "bantin_notify_changes"();
