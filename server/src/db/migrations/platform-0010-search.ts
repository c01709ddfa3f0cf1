/**
 * Global search: trigram matching (pg_trgm) on accent-free, lower-case text
 * (unaccent). Both are trusted extensions (PostgreSQL 13+), so the database
 * owner creates them without superuser rights.
 *
 * They go into the `platform` schema: Clave creates and owns it, whereas on
 * PostgreSQL 15+ ordinary roles may no longer create objects in `public`.
 * When an administrator already installed one of them (in any schema), it is
 * used where it is; Clave looks the schema up (`search-sql.ts`) and always
 * qualifies the functions, operators and operator classes it uses.
 *
 * unaccent() is only STABLE (its dictionary could change), so it cannot be
 * used in an index; `platform.clave_norm(text)` wraps it as IMMUTABLE, with
 * the dictionary named explicitly, and lower-cases: the one normal form every
 * search index and query compares.
 */
export const search = `
DO $$
DECLARE
  unaccent_schema text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
    CREATE EXTENSION pg_trgm SCHEMA platform;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'unaccent') THEN
    CREATE EXTENSION unaccent SCHEMA platform;
  END IF;
  SELECT n.nspname INTO unaccent_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent';
  EXECUTE format(
    'CREATE OR REPLACE FUNCTION platform.clave_norm(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE '
    'AS %L',
    format('SELECT lower(%I.unaccent(%L::regdictionary, $1))', unaccent_schema, quote_ident(unaccent_schema) || '.unaccent'));
END $$;

-- Which fields of a module the global search looks at besides its name (the display fields).
ALTER TABLE platform.modules ADD COLUMN search_fields jsonb NOT NULL DEFAULT '[]';
`;
