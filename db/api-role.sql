-- A read-only role for the GraphQL API and the CSV export, apart from the processor's.
--
-- Run it once per database, connected as the role that applies the migrations and runs the processor (it owns
-- the tables, so its default privileges cover the tables later migrations and the processor create):
--   psql "$DB_URL" -f db/api-role.sql
--   psql "$DB_URL" -c "ALTER ROLE squid_api PASSWORD 'a secret'"      (where the server asks for passwords)
-- Then start the API with the role: DB_URL=postgres://squid_api:a%20secret@host:5432/squid npm run serve
-- Creating the role needs CREATEROLE (or a superuser); the grants need only the tables' owner.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'squid_api') THEN
        CREATE ROLE squid_api LOGIN;
    END IF;
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO squid_api', current_database());
    -- the processor's own schema (its position) exists once it has run
    IF EXISTS (SELECT FROM pg_namespace WHERE nspname = 'squid_processor') THEN
        GRANT USAGE ON SCHEMA squid_processor TO squid_api;
        GRANT SELECT ON ALL TABLES IN SCHEMA squid_processor TO squid_api;
    END IF;
END $$;
-- every transaction of the role is read only, whatever the client asks
ALTER ROLE squid_api SET default_transaction_read_only = on;
GRANT USAGE ON SCHEMA public TO squid_api;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO squid_api;
-- what this role creates later (tables of new migrations, the processor's schema and tables) is readable too
ALTER DEFAULT PRIVILEGES GRANT USAGE ON SCHEMAS TO squid_api;
ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO squid_api;
