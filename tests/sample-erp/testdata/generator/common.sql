-- The ERP-neutral half of the deterministic generators of Optima, Comarch XL, enova365 and
-- WAPRO Mag databases (SQLite dialect), run by inkaso_connectors::sample::generate after the
-- profile's testdata/<profile>/schema.sql and before testdata/generator/<profile>.sql, which
-- copies these rows into that ERP's own tables. Subiekt GT keeps its standalone file (the
-- benchmarks' databases must not change).
-- {{debtors}}, {{settlements}} and {{seed}} are numbers filled in by the generator.
-- Pseudo-random values come from a multiplicative hash of the row number and the seed, the same
-- hashes as subiekt_gt.sql but for a settlement's state, which takes the hash's high bits: the
-- low ones follow the debtor's number, so all of a debtor's settlements would share one state.
-- Every ERP gets the same shape:
--   contractors: a third are persons (Polish names with diacritics), the rest companies with a
--   NIP (about 9 % fail the checksum, as in real data: a warning, not a rejection); 70 % have an
--   e-mail, 60 % a mobile phone (Polish mobile prefixes, written three ways), companies also a
--   Warsaw landline; 1 % carry the ERP's "do not collect" marker where it has one.
--   settlements: 5 % liabilities, 20 % paid, 30 % half paid, 3 % in EUR, 1 % of documents
--   flagged "do not collect" where the ERP has a document marker; issued over 2024-25, due 14
--   days later. Amounts are in minor units here; the profile files turn them into decimals.
CREATE TABLE inkaso_generator (done INT NOT NULL);
CREATE TEMP TABLE gen_debtor AS
WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {{debtors}}),
     nip(n, m) AS (SELECT n, 100000000 + (n * 7919 + {{seed}}) % 899999999 FROM seq),
     chk(n, m, c) AS (
       SELECT n, m, (6 * (m / 100000000 % 10) + 5 * (m / 10000000 % 10) + 7 * (m / 1000000 % 10)
                   + 2 * (m / 100000 % 10) + 3 * (m / 10000 % 10) + 4 * (m / 1000 % 10)
                   + 5 * (m / 100 % 10) + 6 * (m / 10 % 10) + 7 * (m % 10)) % 11
       FROM nip),
     mob(n, d) AS (
       SELECT n, substr('505153576066697273787988', 1 + 2 * ((n * 97 + {{seed}}) % 12), 2)
                 || printf('%07d', (n * 7919 + {{seed}}) % 10000000)
       FROM seq)
SELECT chk.n AS n,
       CASE WHEN chk.n % 3 = 0 THEN 1 ELSE 0 END AS person,
       CASE chk.n % 8 WHEN 0 THEN 'Łukasz' WHEN 1 THEN 'Małgorzata' WHEN 2 THEN 'Józef'
            WHEN 3 THEN 'Zofia' WHEN 4 THEN 'Grzegorz' WHEN 5 THEN 'Bożena' WHEN 6 THEN 'Paweł'
            ELSE 'Jolanta' END AS first_name,
       CASE chk.n / 8 % 8 WHEN 0 THEN 'Wójcik' WHEN 1 THEN 'Woźniak' WHEN 2 THEN 'Zając'
            WHEN 3 THEN 'Kowalczyk' WHEN 4 THEN 'Mazur' WHEN 5 THEN 'Dudek' WHEN 6 THEN 'Król'
            ELSE 'Gąsior' END AS surname,
       CASE chk.n % 5 WHEN 0 THEN 'Przedsiębiorstwo Handlowe „Żuraw”'
            WHEN 1 THEN 'Hurtownia Spożywcza „Gęś”' WHEN 2 THEN 'Zakład Stolarski „Dąb”'
            WHEN 3 THEN 'Piekarnia „Złoty Kłos”' ELSE 'Usługi Transportowe „Łoś”' END
         || ' nr ' || chk.n AS company,
       CASE chk.n % 4 WHEN 0 THEN 'Sp. z o.o.' WHEN 1 THEN 's.c.' WHEN 2 THEN 'S.A.'
            ELSE 'Sp. j.' END AS legal_form,
       CASE WHEN chk.n % 3 = 0 THEN '' WHEN c = 10 THEN m || '0' ELSE m || c END AS nip,
       CASE WHEN (chk.n * 2654435761 + {{seed}}) % 10 >= 7 THEN ''
            WHEN chk.n % 3 = 0 THEN 'klient' || chk.n || '@poczta.pl'
            ELSE 'biuro@firma' || chk.n || '.pl' END AS email,
       CASE WHEN (chk.n * 40503 + {{seed}}) % 10 >= 6 THEN ''
            WHEN chk.n % 3 = 0 THEN d
            WHEN chk.n % 3 = 1 THEN '+48 ' || substr(d, 1, 3) || ' ' || substr(d, 4, 3) || ' ' || substr(d, 7, 3)
            ELSE substr(d, 1, 3) || '-' || substr(d, 4, 3) || '-' || substr(d, 7, 3) END AS mobile,
       CASE WHEN chk.n % 3 = 0 THEN '' ELSE '22 ' || (1000000 + (chk.n * 31) % 8999999) END AS landline,
       CASE chk.n % 6 WHEN 0 THEN 'Źródlana' WHEN 1 THEN 'Żeromskiego' WHEN 2 THEN 'Słoneczna'
            WHEN 3 THEN 'Kościuszki' WHEN 4 THEN 'Piłsudskiego' ELSE 'Długa' END AS street,
       CAST(chk.n % 200 + 1 AS TEXT) AS house_no,
       CASE WHEN chk.n % 2 = 0 THEN CAST(chk.n % 30 + 1 AS TEXT) ELSE '' END AS flat_no,
       printf('%02d-%03d', 10 + chk.n % 89, chk.n % 1000) AS postcode,
       CASE chk.n % 8 WHEN 0 THEN 'Kraków' WHEN 1 THEN 'Łódź' WHEN 2 THEN 'Gdańsk'
            WHEN 3 THEN 'Warszawa' WHEN 4 THEN 'Poznań' WHEN 5 THEN 'Wrocław'
            WHEN 6 THEN 'Białystok' ELSE 'Zielona Góra' END AS city,
       CASE WHEN (chk.n * 69069 + {{seed}}) % 100 = 0 THEN 1 ELSE 0 END AS flagged
FROM chk JOIN mob ON mob.n = chk.n;
CREATE TEMP TABLE gen_settlement AS
WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {{settlements}}),
     v(n, debtor, amount, state, day) AS (
       SELECT n, 1 + (n * 2654435761 + {{seed}}) % {{debtors}}, (n * 16807 + {{seed}}) % 500000 + 100,
              (n * 1103515245 + {{seed}}) / 65536 % 100, (n * 48271) % 600
       FROM seq)
SELECT n, debtor, amount, day,
       CASE WHEN state < 5 THEN 1 ELSE 0 END AS liability,
       CASE WHEN state < 25 THEN 0 WHEN state < 55 THEN amount / 2 ELSE amount END AS remaining,
       CASE WHEN state >= 97 THEN 'EUR' ELSE 'PLN' END AS currency,
       CASE WHEN (n * 69069 + {{seed}}) % 100 = 50 THEN 1 ELSE 0 END AS flagged,
       date('2024-01-01', '+' || day || ' days') AS issued,
       date('2024-01-15', '+' || day || ' days') AS due
FROM v;
