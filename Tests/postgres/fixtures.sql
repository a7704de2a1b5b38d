-- Fixtures for the PostgreSQL tests, loaded into the database 'shop' of a throwaway server
-- (scripts/pg-local start, which also loads examples/orders.csv as public.orders).

-- Every type patron reads, with nulls.
CREATE TABLE public.kinds (
    i2 smallint, i4 integer, i8 bigint, n numeric(12,2), nu numeric, f4 real, f8 double precision,
    t text, v varchar(20), c char(4), b boolean, d date, ts timestamp, tz timestamptz, u uuid, j jsonb);
INSERT INTO public.kinds VALUES
    (1, 2, 9223372036854775807, 1234567890.12, 0.125, 0.1, 2.5, 'Ann', 'tab	and
line', 'ab', true, DATE '2024-02-29', TIMESTAMP '2024-01-02 03:04:05.25', TIMESTAMPTZ '2024-01-01 00:00:00+00',
     'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": [1, 2]}'),
    (-32768, -2147483648, -9223372036854775807, -0.05, -12.5, -1.5, -0.001, '王伟 "q"', '', 'x', false, DATE '1900-01-01', NULL, NULL, NULL, '[]'),
    (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);

-- Too wide for patron's decimals, and a type patron cannot hold.
CREATE TABLE public.wide (id integer, big numeric(30,2));
INSERT INTO public.wide VALUES (1, 123456789012345678901.25), (2, NULL);
CREATE TABLE public.spans (id integer, during interval);
INSERT INTO public.spans VALUES (1, interval '1 day');

-- A schema of its own, and a name that needs quoting.
CREATE SCHEMA sales;
CREATE TABLE sales."odd ""name"" t" (id integer, "our note" text);
INSERT INTO sales."odd ""name"" t" VALUES (1, 'quoted'), (2, 'names');

-- A campaign list that already exists, refusing a negative profit mid-way through a write.
CREATE TABLE public.campaign (customer_id bigint, profit numeric(19,2) CHECK (profit >= 0));
INSERT INTO public.campaign VALUES (1, 10.00);

-- A user who may connect with a password but read nothing of orders.
CREATE ROLE analyst LOGIN PASSWORD 'hunter2-secret';
REVOKE ALL ON public.orders FROM PUBLIC;
GRANT SELECT ON public.kinds TO analyst;
